"""Building a profile: ingest its sources, compute its indicators, write its outputs.

The command line (``migprofile build``), Python and the web app all call
:func:`build_profile`. Sources are found and loaded intake by intake, as the registry of
:mod:`migprofile.intake` says. Inputs are checked before anything is written; outputs are written
to a staging folder and moved into ``out/`` only when everything succeeded, and only files
whose content changed are replaced, so a rebuild with unchanged inputs changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from migprofile.files import publish_staged, staging_directory, write_if_changed
from migprofile.governance import load_register
from migprofile.indicators import compute_indicators
from migprofile.indicators.declared import profile_registry
from migprofile.intake import (
    CROSSINGS_SOURCE,
    crossings_inputs,
    find_sources,
    json_digest,
    listed_revisions,
    load_sources,
    observation_sources,
    primary_revisions,
    resolve_sources,
    sync_crossings,
    sync_sources,
)
from migprofile.profile import Profile
from migprofile.sources import ResolvedSource
from migprofile.warehouse import Warehouse

__all__ = ["CROSSINGS_SOURCE", "BuildResult", "build_profile", "crossings_inputs",
           "listed_revisions", "primary_revisions", "resolve_sources", "sync_crossings",
           "sync_sources", "update_reconciliation", "write_reconciliation"]

STAMP_FILE = "build.json"
RECONCILIATION_FILE = "reconciliation.csv"

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build did."""

    profile: Profile
    up_to_date: bool
    seconds: float
    ingested: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    indicator_values: int = 0


def _quiet(_: str) -> None:
    pass


@cache
def _program_digest() -> str:
    """Checksum of migprofile's own files: a new program version is a changed input."""
    digest = hashlib.sha256()
    root = Path(str(resources.files("migprofile")))
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _files_digest(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def build_stamp(profile: Profile, resolved: list[ResolvedSource],
                crossings: dict | None) -> str:
    """One checksum over everything a build reads."""
    return json_digest({
        "program": _program_digest(),
        "settings": hashlib.sha256(profile.settings_path.read_bytes()).hexdigest(),
        "sources": {s.name: s.sha256 for s in resolved},
        "narrative": _files_digest(profile.narrative_dir),
        "governance": _files_digest(profile.governance_dir),
        "crossings": crossings,
    })


def _outputs_current(profile: Profile, stamp: str) -> bool:
    path = profile.out_dir / STAMP_FILE
    if not path.is_file():
        return False
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return recorded.get("stamp") == stamp and all(
        (profile.out_dir / name).is_file() for name in recorded.get("files", [])
    )


def build_profile(profile: Profile, *, force: bool = False,
                  progress: Progress = _quiet) -> BuildResult:
    """Build ``profile``: ingest, compute indicators, write all outputs."""
    started = time.perf_counter()
    load_register(profile)  # a mistake in the governance register stops the build first
    found = find_sources(profile)
    stamp = build_stamp(profile, [s for sources in found.values() for s in sources],
                        crossings_inputs(profile))
    if not force and _outputs_current(profile, stamp):
        return BuildResult(profile, True, time.perf_counter() - started)
    from migprofile.report import write_outputs  # heavy (charts, PDF): only when building

    with Warehouse.open(profile.warehouse_path) as warehouse, profile_registry(profile):
        ingested = load_sources(warehouse, profile, found, progress)
        progress("Computing indicators")
        observed = observation_sources(found)
        revisions = primary_revisions(observed)
        flows = warehouse.source_record(CROSSINGS_SOURCE)
        if flows is not None:
            revisions[CROSSINGS_SOURCE] = flows["revision"]
        values = compute_indicators(warehouse.observations, area=profile.country,
                                    revisions=revisions, listed=listed_revisions(observed))
        warehouse.replace_indicators(values)
        with staging_directory(profile.out_dir) as staging:
            files = write_outputs(profile, warehouse, staging, progress=progress)
            _write_stamp(staging, stamp, files)
            written = publish_staged(staging, profile.out_dir)
        count = int(warehouse.table("indicator_values").count().execute())
    return BuildResult(profile, False, time.perf_counter() - started, ingested, written, count)


def update_reconciliation(profile: Profile, *, progress: Progress = _quiet) -> list[str]:
    """Read new or changed sources into the warehouse and write ``out/reconciliation.csv``
    again, without computing the indicators or the report (the next build does): what a
    package received from a partner changes at once. Returns the sources read."""
    found = find_sources(profile)
    with Warehouse.open(profile.warehouse_path) as warehouse:
        ingested = load_sources(warehouse, profile, found, progress)
        write_reconciliation(profile, warehouse)
    return ingested


def write_reconciliation(profile: Profile, warehouse: Warehouse) -> list:
    """Compare every pair of figures that should agree and write
    ``out/reconciliation.csv`` (``migprofile reconcile``); returns the comparisons."""
    from migprofile.indicators.comparisons import reconcile_profile
    from migprofile.report.tables import reconciliation_csv

    rows = reconcile_profile(profile, warehouse)
    write_if_changed(profile.out_dir / RECONCILIATION_FILE, reconciliation_csv(rows))
    return rows


def _write_stamp(staging: Path, stamp: str, files: list[Path]) -> None:
    names = sorted(str(f.relative_to(staging)) for f in files)
    text = json.dumps({"stamp": stamp, "files": names}, indent=2, sort_keys=True) + "\n"
    (staging / STAMP_FILE).write_text(text, encoding="utf-8")
