"""What this agency publishes for each partner: an outbox of signed packages per partner.

Every package exported for a partner (``migprofile exchange export``, the web app's
export, ``migprofile exchange sync``) is kept as
``DIR/exchange/outbox/PARTNER/PACKAGE_ID.zip``. That folder is what the partner's server
collects from ours, and what our sync sends to the partner's server. A package id starts
with its creation time, so the folder's order is the order the packages were made in.

A sync publishes a new package only when the data for the partner changed. An export is
reproducible (same data, same time: same bytes), so the sync exports again with the
creation time of the latest package: identical bytes mean nothing changed, and nothing is
published, or sent, twice.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from migprofile.exchange.export import ExportResult, export_package
from migprofile.exchange.package import sha256
from migprofile.profile import Profile

__all__ = ["Published", "outbox_dir", "publish", "publish_if_changed", "published_packages"]

EXCHANGE_FOLDER = "exchange"
OUTBOX_FOLDER = "outbox"
PACKAGE_TIME = "%Y%m%dT%H%M%SZ"
"""How a package id starts: its creation time (see ``export_package``)."""


@dataclass(frozen=True)
class Published:
    """A package in the outbox."""

    package_id: str
    path: Path
    sha256: str
    size: int

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.strptime(self.package_id[:16], PACKAGE_TIME).replace(tzinfo=dt.UTC)


def _outbox(profile: Profile) -> Path:
    return profile.root / EXCHANGE_FOLDER / OUTBOX_FOLDER


def outbox_dir(profile: Profile, partner: str) -> Path:
    """The folder of the packages published for ``partner`` (a registered partner's id)."""
    return _outbox(profile) / partner


def published_packages(profile: Profile, partner: str) -> list[Published]:
    """The packages published for ``partner``, oldest first."""
    folder = outbox_dir(profile, partner)
    if partner not in profile.settings.partners or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.zip")):
        if path.name.startswith(".") or not path.is_file():
            continue
        data = path.read_bytes()
        found.append(Published(path.stem, path, sha256(data), len(data)))
    return found


def _temporary(profile: Profile) -> Path:
    folder = _outbox(profile)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f".export-{os.getpid()}-{secrets.token_hex(4)}.zip"


def publish(profile: Profile, *, to: str, dataflows: Sequence[str] = (),
            period: str | None = None, now: dt.datetime | None = None) -> ExportResult:
    """Export a package for a partner (see :func:`export_package`) into its outbox."""
    temporary = _temporary(profile)
    try:
        result = export_package(profile, to=to, out=temporary, dataflows=dataflows,
                                period=period, now=now)
        final = outbox_dir(profile, to) / f"{result.manifest.package_id}.zip"
        final.parent.mkdir(exist_ok=True)
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return ExportResult(final, result.manifest)


def _unchanged(profile: Profile, to: str, latest: Published) -> bool:
    """Whether exporting now, dated as ``latest``, gives ``latest`` byte for byte."""
    probe = _temporary(profile)
    try:
        export_package(profile, to=to, out=probe, now=latest.created)
        return sha256(probe.read_bytes()) == latest.sha256
    finally:
        probe.unlink(missing_ok=True)


def publish_if_changed(profile: Profile, *, to: str,
                       now: dt.datetime | None = None) -> ExportResult | None:
    """Publish a package of every dataflow of our own for ``to``, unless the latest
    package published for it holds the same data; None when it does.

    Raises
    ------
    MigprofileError
        What :func:`export_package` raises: no agency or key, nothing of our own to send.
    """
    packages = published_packages(profile, to)
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if packages:
        latest = packages[-1]
        if _unchanged(profile, to, latest):
            return None
        now = max(now, latest.created + dt.timedelta(seconds=1))
    return publish(profile, to=to, now=now)
