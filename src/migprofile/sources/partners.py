"""Data received from partner agencies: how their source is named.

A partner's packages are read as a source whose kind (and the ``source`` of its
observations) is ``partner_`` and the partner's agency id in lower case
(``partner_la_molsw``); its revision is the package id, which starts with the package's
creation time, so the latest package sorts last.
"""

from __future__ import annotations

__all__ = ["PARTNER_PREFIX", "is_partner_kind", "partner_kind"]

PARTNER_PREFIX = "partner_"


def partner_kind(partner_id: str) -> str:
    """``LA_MOLSW`` -> ``partner_la_molsw``."""
    return f"{PARTNER_PREFIX}{partner_id.lower()}"


def is_partner_kind(kind: str) -> bool:
    return kind.startswith(PARTNER_PREFIX)
