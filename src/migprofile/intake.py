"""One registry of the sources a profile takes in, and how each reaches the warehouse.

Four intakes feed a profile: the international sources ``profile.toml`` names (UN DESA,
WDI, UNHCR, KNOMAD, or files of the profile's own, :mod:`migprofile.sources.registry`),
national files (``sources/national/``), partners' packages (``sources/partners/``) and
border crossings (``sources/crossings/``). Each is one :class:`Intake`: how its files are
found and checked (file, sidecar and checksum, before a row is read) and how they are
loaded into the warehouse. The build loops over :data:`INTAKES`; a new kind of source is
one more entry. The last three keep their files in the revision store
(:mod:`migprofile.sources.revisions`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import ibis

import migprofile
from migprofile.crossings.store import (
    all_crossing_imports,
    crossings_sources,
    load_kept_crossings,
)
from migprofile.errors import MigprofileError
from migprofile.exchange.importing import partner_sources
from migprofile.profile import Profile
from migprofile.sources import ResolvedSource
from migprofile.sources.national.store import national_sources
from migprofile.sources.registry import profile_sources
from migprofile.warehouse import Warehouse

__all__ = ["CROSSINGS_SOURCE", "INTAKES", "Intake", "crossings_inputs", "find_sources",
           "json_digest", "listed_revisions", "load_crossings", "load_observations",
           "load_sources", "observation_sources", "primary_revisions",
           "resolve_sources", "sync_crossings", "sync_sources"]

CROSSINGS_SOURCE = "crossings"
"""Name and kind of the long-term flows in the warehouse's sources table."""

Progress = Callable[[str], None]
Finder = Callable[[Profile], list[ResolvedSource]]
Loader = Callable[[Warehouse, Profile, list[ResolvedSource], Progress], dict[str, bool]]
"""Loads an intake's sources into the warehouse; returns the name of each source of the
warehouse's sources table that the intake keeps there, and whether it was read again."""


def _quiet(_: str) -> None:
    pass


def json_digest(value: object) -> str:
    """Checksum of a value as JSON (keys sorted): of a build's inputs, say."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


# observations ---------------------------------------------------------------------------

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


def load_observations(warehouse: Warehouse, _: Profile, sources: list[ResolvedSource],
                      progress: Progress = _quiet) -> dict[str, bool]:
    """Read every new or changed source into the warehouse's observations."""
    loaded = {}
    for source in sources:
        stored = warehouse.source_record(source.name)
        record = _source_record(source)
        if stored and all(stored[k] == record[k] for k in ("sha256", "reader_version", "kind",
                                                            "revision")):
            loaded[source.name] = False
            continue
        progress(f"Reading {source.name}: {source.meta.title} ({source.meta.revision})")
        count = warehouse.replace_source(record, source.read())
        progress(f"  {count:,} observations")
        loaded[source.name] = True
    return loaded


def _forget_others(warehouse: Warehouse, kept: set[str], progress: Progress) -> None:
    for stored in warehouse.sources():
        if stored["name"] not in kept:
            progress(f"Removing {stored['name']} (no longer in profile.toml)")
            warehouse.remove_source(stored["name"])


def sync_sources(warehouse: Warehouse, resolved: list[ResolvedSource],
                 progress: Progress = _quiet) -> list[str]:
    """Read every new or changed source of ``resolved`` into the warehouse; forget the
    others (but the long-term flows). Returns the sources read."""
    loaded = load_observations(warehouse, None, resolved, progress)
    _forget_others(warehouse, set(loaded) | {CROSSINGS_SOURCE}, progress)
    return [name for name, read in loaded.items() if read]


# crossings ------------------------------------------------------------------------------

def _inputs(profile: Profile, imports: list[dict]) -> dict | None:
    if not imports:
        return None
    return {"imports": [(i["import_id"], i["sha256"], i["rows"]) for i in imports],
            "rule": profile.settings.crossings.model_dump(mode="json")}


def crossings_inputs(profile: Profile) -> dict | None:
    """What the long-term flows depend on: the imported crossings and the rule's settings.

    None when no crossings were imported into the profile.
    """
    if not profile.warehouse_path.is_file():
        return _inputs(profile, all_crossing_imports(profile, None))
    with Warehouse.open(profile.warehouse_path, read_only=True) as warehouse:
        return _inputs(profile, all_crossing_imports(profile, warehouse.con))


def sync_crossings(warehouse: Warehouse, profile: Profile, inputs: dict | None,
                   progress: Progress = _quiet) -> bool:
    """Classify the imported crossings into long-term flows (dataflow LTM_FLOWS) when the
    crossings or the rule's settings changed; returns whether it did."""
    stored = warehouse.source_record(CROSSINGS_SOURCE)
    if inputs is None:
        if stored is not None:
            warehouse.remove_source(CROSSINGS_SOURCE)
        return False
    digest = json_digest(inputs)
    if stored and stored["sha256"] == digest and stored["reader_version"] == \
            migprofile.__version__:
        return False
    from migprofile.crossings import crossing_observations

    progress("Classifying border crossings with the residence rule")
    rule = profile.settings.crossings
    flows = crossing_observations(warehouse.con, country=profile.country,
                                  settings=rule).to_pyarrow()
    data_end = flows["revision"][0].as_py() if flows.num_rows else "no classified crossing"
    imports = all_crossing_imports(profile, warehouse.con)
    record = {
        "name": CROSSINGS_SOURCE, "kind": CROSSINGS_SOURCE,
        "revision": data_end, "path": "warehouse table crossings",
        "bundled": False, "sha256": digest,
        "title": "Border-crossing records, classified with the residence rule",
        "provider": "National border-crossing records",
        "licence": "National data; not for redistribution",
        "url": "", "citation": "",
        "obtained": max(i["imported_at"] for i in imports).date(),
        "via": "migprofile crossings import",
        "notes": (f"Window {rule.window} days, threshold {rule.threshold} days, persons with "
                  f"crossings in the same direction: {rule.on_gap}; data end {data_end}; "
                  f"{len(inputs['imports'])} import(s)."),
        "reader_version": migprofile.__version__,
    }
    count = warehouse.replace_source(record, ibis.memtable(flows))
    progress(f"  {count:,} observations of long-term flows")
    return True


def load_crossings(warehouse: Warehouse, profile: Profile, _: list[ResolvedSource],
                   progress: Progress = _quiet) -> dict[str, bool]:
    """Load the kept imports the warehouse lacks into its crossings tables, then classify
    them into long-term flows when they or the rule's settings changed."""
    loaded = load_kept_crossings(profile, warehouse.con)
    if loaded:
        progress(f"Loading {len(loaded)} import(s) of border crossings")
    inputs = _inputs(profile, all_crossing_imports(profile, warehouse.con))
    if inputs is None:
        return {}
    return {CROSSINGS_SOURCE: sync_crossings(warehouse, profile, inputs, progress)}


# the registry ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Intake:
    """A family of sources: how its files are found and checked, how they are loaded."""

    name: str
    find: Finder
    load: Loader
    observations: bool = True
    """Whether its sources are observations themselves, whose revisions indicators use (the
    crossings become observations only once classified)."""


INTAKES: tuple[Intake, ...] = (
    Intake("international", profile_sources, load_observations),
    Intake("national", national_sources, load_observations),
    Intake("partner", partner_sources, load_observations),
    Intake("crossings", crossings_sources, load_crossings, observations=False),
)


def find_sources(profile: Profile) -> dict[Intake, list[ResolvedSource]]:
    """Every source of every intake, located and checked (nothing is read yet); the same
    data twice (same kind and revision) is refused."""
    found = {intake: intake.find(profile) for intake in INTAKES}
    seen: dict[tuple[str, str], str] = {}
    for source in (s for sources in found.values() for s in sources):
        key = (source.kind.kind, source.meta.revision)
        if key in seen:
            raise MigprofileError(
                f"sources {seen[key]!r} and {source.name!r} are the same data ({key[0]} "
                f"revision {key[1]}); remove one from profile.toml.", path=profile.settings_path)
        seen[key] = source.name
    return found


def resolve_sources(profile: Profile) -> list[ResolvedSource]:
    """Every source of the profile, located and checked, intake after intake: those of
    profile.toml, every revision of the national data, every package received from a
    partner, every import of crossings."""
    return [s for sources in find_sources(profile).values() for s in sources]


def observation_sources(found: dict[Intake, list[ResolvedSource]]) -> list[ResolvedSource]:
    """The sources that are observations themselves, in the registry's order."""
    return [s for intake, sources in found.items() if intake.observations for s in sources]


def load_sources(warehouse: Warehouse, profile: Profile,
                 found: dict[Intake, list[ResolvedSource]],
                 progress: Progress = _quiet) -> list[str]:
    """Load every intake's sources into the warehouse and forget what none of them keeps
    any more; returns the sources read again."""
    kept: dict[str, bool] = {}
    for intake, sources in found.items():
        kept |= intake.load(warehouse, profile, sources, progress)
    _forget_others(warehouse, set(kept), progress)
    return [name for name, read in kept.items() if read]


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
