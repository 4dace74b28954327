"""Computing every registered indicator for a profile's country."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from migprofile.indicators.registry import REGISTRY, Inputs, indicator, with_precision
from migprofile.profile import Profile
from migprofile.warehouse import Warehouse

__all__ = ["compute_indicators", "stored_values"]

ORDER = ("indicator", "counterpart_area", "time_period", "sex", "revision")


def compute_indicators(observations: ir.Table, *, area: str, revisions: Mapping[str, str],
                       listed: Mapping[str, tuple[str, ...]] | None = None) -> ir.Table:
    """All indicators of ``area`` as one table in the shape of ``indicator_values``.

    ``revisions`` names the revision of each source kind to use; ``listed`` every revision
    of each kind the profile lists (for the indicators that set revisions side by side).
    """
    inputs = Inputs(observations=observations, area=area, revisions=revisions,
                    listed=listed or {})
    parts = [item.exact_values(inputs) for item in REGISTRY.values()]
    return with_precision(ibis.union(*parts)).order_by(*ORDER)


def stored_values(profile: Profile, *, indicator_id: str | None = None) -> list[dict]:
    """The indicator values of the profile's last build, optionally of one indicator."""
    from migprofile.indicators.declared import profile_registry

    if indicator_id is not None:
        with profile_registry(profile):
            indicator(indicator_id)  # an unknown id is an error, not an empty answer
    with Warehouse.open(profile.warehouse_path, read_only=True) as warehouse:
        values = warehouse.table("indicator_values")
        if indicator_id is not None:
            values = values.filter(values.indicator == indicator_id)
        return values.order_by(*ORDER).to_pyarrow().to_pylist()
