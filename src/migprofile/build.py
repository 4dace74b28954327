"""Building a profile: ingest its sources, compute its indicators, write its outputs.

The command line (``migprofile build``), Python and the web app all call
:func:`build_profile`. Inputs are checked before anything is written; outputs are written
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

import ibis

import migprofile
from migprofile.errors import MigprofileError
from migprofile.exchange.importing import partner_sources
from migprofile.files import publish_staged, staging_directory, write_if_changed
from migprofile.governance import load_register
from migprofile.indicators import compute_indicators
from migprofile.indicators.declared import profile_registry
from migprofile.profile import Profile
from migprofile.sources import ResolvedSource, resolve_source
from migprofile.sources.national.store import national_sources
from migprofile.warehouse import Warehouse
from migprofile.warehouse.crossings import crossing_imports

__all__ = ["BuildResult", "build_profile", "resolve_sources", "update_reconciliation",
           "write_reconciliation"]

STAMP_FILE = "build.json"
RECONCILIATION_FILE = "reconciliation.csv"
CROSSINGS_SOURCE = "crossings"
"""Name and kind of the long-term flows in the warehouse's sources table."""

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


def resolve_sources(profile: Profile) -> list[ResolvedSource]:
    """Every source of the profile, located and checked (nothing is read yet): those of
    profile.toml, every revision of the national data imported into the profile, and every
    package received from a partner."""
    resolved = [resolve_source(name, settings, profile.root)
                for name, settings in profile.settings.sources.items()]
    resolved += national_sources(profile)
    resolved += partner_sources(profile)
    seen: dict[tuple[str, str], str] = {}
    for source in resolved:
        key = (source.kind.kind, source.meta.revision)
        if key in seen:
            raise MigprofileError(
                f"sources {seen[key]!r} and {source.name!r} are the same data ({key[0]} "
                f"revision {key[1]}); remove one from profile.toml.", path=profile.settings_path)
        seen[key] = source.name
    return resolved


def primary_revisions(resolved: list[ResolvedSource]) -> dict[str, str]:
    """The revision indicators use for each kind: the profile's first source of that kind."""
    revisions: dict[str, str] = {}
    for source in resolved:
        revisions.setdefault(source.kind.kind, source.meta.revision)
    return revisions


def listed_revisions(resolved: list[ResolvedSource]) -> dict[str, tuple[str, ...]]:
    """Every revision of each kind, in the profile's order (the first is the one used)."""
    listed: dict[str, tuple[str, ...]] = {}
    for source in resolved:
        listed[source.kind.kind] = (*listed.get(source.kind.kind, ()), source.meta.revision)
    return listed


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


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def crossings_inputs(profile: Profile) -> dict | None:
    """What the long-term flows depend on: the imported crossings and the rule's settings.

    None when no crossings were imported into the profile.
    """
    if not profile.warehouse_path.is_file():
        return None
    with Warehouse.open(profile.warehouse_path, read_only=True) as warehouse:
        imports = crossing_imports(warehouse.con)
    if not imports:
        return None
    return {"imports": [(i["import_id"], i["sha256"], i["rows"]) for i in imports],
            "rule": profile.settings.crossings.model_dump(mode="json")}


def build_stamp(profile: Profile, resolved: list[ResolvedSource],
                crossings: dict | None) -> str:
    """One checksum over everything a build reads."""
    return _digest({
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


def _source_record(source: ResolvedSource) -> dict:
    meta = source.meta
    return {
        "name": source.name, "kind": source.kind.kind, "revision": meta.revision,
        "path": source.display_path or (source.path.name if source.bundled
                                        else str(source.path)),
        "bundled": source.bundled, "sha256": source.sha256, "title": meta.title,
        "provider": meta.provider, "licence": meta.licence, "url": meta.url,
        "citation": meta.citation, "obtained": meta.obtained, "via": meta.via,
        "notes": meta.notes, "reader_version": migprofile.__version__,
    }


def sync_sources(warehouse: Warehouse, resolved: list[ResolvedSource],
                 progress: Progress = _quiet) -> list[str]:
    """Read every new or changed source into the warehouse; forget removed ones."""
    ingested = []
    for source in resolved:
        stored = warehouse.source_record(source.name)
        record = _source_record(source)
        if stored and all(stored[k] == record[k] for k in ("sha256", "reader_version", "kind",
                                                            "revision")):
            continue
        progress(f"Reading {source.name}: {source.meta.title} ({source.meta.revision})")
        count = warehouse.replace_source(record, source.read())
        progress(f"  {count:,} observations")
        ingested.append(source.name)
    wanted = {s.name for s in resolved} | {CROSSINGS_SOURCE}
    for stored in warehouse.sources():
        if stored["name"] not in wanted:
            progress(f"Removing {stored['name']} (no longer in profile.toml)")
            warehouse.remove_source(stored["name"])
    return ingested


def sync_crossings(warehouse: Warehouse, profile: Profile, inputs: dict | None,
                   progress: Progress = _quiet) -> bool:
    """Classify the imported crossings into long-term flows (dataflow LTM_FLOWS) when the
    crossings or the rule's settings changed; returns whether it did."""
    stored = warehouse.source_record(CROSSINGS_SOURCE)
    if inputs is None:
        if stored is not None:
            warehouse.remove_source(CROSSINGS_SOURCE)
        return False
    digest = _digest(inputs)
    if stored and stored["sha256"] == digest and stored["reader_version"] == \
            migprofile.__version__:
        return False
    from migprofile.crossings import crossing_observations

    progress("Classifying border crossings with the residence rule")
    rule = profile.settings.crossings
    flows = crossing_observations(warehouse.con, country=profile.country,
                                  settings=rule).to_pyarrow()
    data_end = flows["revision"][0].as_py() if flows.num_rows else "no classified crossing"
    record = {
        "name": CROSSINGS_SOURCE, "kind": CROSSINGS_SOURCE,
        "revision": data_end, "path": "warehouse table crossings",
        "bundled": False, "sha256": digest,
        "title": "Border-crossing records, classified with the residence rule",
        "provider": "National border-crossing records",
        "licence": "National data; not for redistribution",
        "url": "", "citation": "",
        "obtained": max(i["imported_at"] for i in crossing_imports(warehouse.con)).date(),
        "via": "migprofile crossings import",
        "notes": (f"Window {rule.window} days, threshold {rule.threshold} days, persons with "
                  f"crossings in the same direction: {rule.on_gap}; data end {data_end}; "
                  f"{len(inputs['imports'])} import(s)."),
        "reader_version": migprofile.__version__,
    }
    count = warehouse.replace_source(record, ibis.memtable(flows))
    progress(f"  {count:,} observations of long-term flows")
    return True


def build_profile(root: Path | str, *, force: bool = False,
                  progress: Progress = _quiet) -> BuildResult:
    """Build the profile in ``root``: ingest, compute indicators, write all outputs."""
    started = time.perf_counter()
    profile = Profile.load(root)
    load_register(profile)  # a mistake in the governance register stops the build first
    resolved = resolve_sources(profile)
    crossings = crossings_inputs(profile)
    stamp = build_stamp(profile, resolved, crossings)
    if not force and _outputs_current(profile, stamp):
        return BuildResult(profile, True, time.perf_counter() - started)
    from migprofile.report import write_outputs  # heavy (charts, PDF): only when building

    with Warehouse.open(profile.warehouse_path) as warehouse, profile_registry(profile):
        ingested = _ingest(warehouse, profile, resolved, crossings, progress)
        progress("Computing indicators")
        revisions = primary_revisions(resolved)
        flows = warehouse.source_record(CROSSINGS_SOURCE)
        if flows is not None:
            revisions[CROSSINGS_SOURCE] = flows["revision"]
        values = compute_indicators(warehouse.observations, area=profile.country,
                                    revisions=revisions, listed=listed_revisions(resolved))
        warehouse.replace_indicators(values)
        with staging_directory(profile.out_dir) as staging:
            files = write_outputs(profile, warehouse, staging, progress=progress)
            _write_stamp(staging, stamp, files)
            written = publish_staged(staging, profile.out_dir)
        count = int(warehouse.table("indicator_values").count().execute())
    return BuildResult(profile, False, time.perf_counter() - started, ingested, written, count)


def _ingest(warehouse: Warehouse, profile: Profile, resolved: list[ResolvedSource],
            crossings: dict | None, progress: Progress) -> list[str]:
    ingested = sync_sources(warehouse, resolved, progress)
    if sync_crossings(warehouse, profile, crossings, progress):
        ingested.append(CROSSINGS_SOURCE)
    return ingested


def update_reconciliation(profile: Profile, *, progress: Progress = _quiet) -> list[str]:
    """Read new or changed sources into the warehouse and write ``out/reconciliation.csv``
    again, without computing the indicators or the report (the next build does): what a
    package received from a partner changes at once. Returns the sources read."""
    resolved = resolve_sources(profile)
    crossings = crossings_inputs(profile)
    with Warehouse.open(profile.warehouse_path) as warehouse:
        ingested = _ingest(warehouse, profile, resolved, crossings, progress)
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
