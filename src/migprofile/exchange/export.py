"""Exporting a package for a partner: the profile's own data, protected, described, signed.

By default a package holds every dataflow the profile has its own data for: national data
imported with ``migprofile import``, long-term flows from border crossings, and files of
its own given in ``profile.toml``. The bundled international data are left out (the
partner has the same copies) unless named with ``--dataflow``; a partner's data are never
sent on. National data give, for each period, the latest revision that covers it.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sdmx
from sdmx import message
from sdmx.model import common

import migprofile
from migprofile.codes import Dataflow
from migprofile.errors import MigprofileError
from migprofile.exchange.keys import announced_key_change, load_keys
from migprofile.exchange.package import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SIGNATURE,
    STRUCTURE,
    DataflowEntry,
    Manifest,
    Party,
    data_files,
    pack,
    sha256,
)
from migprofile.exchange.sdmx_csv import write_csv
from migprofile.exchange.sdmx_ml import withheld, write_data
from migprofile.exchange.structure import structure_message
from migprofile.files import write_if_changed
from migprofile.indicators.disclosure import (
    DisclosureRule,
    disclosure_rule,
    disclosure_salt,
    protect_observations,
)
from migprofile.indicators.national import latest_revisions
from migprofile.profile import OWN_LANGUAGE, AgencySettings, Profile
from migprofile.sources.canonical import parse_dims
from migprofile.sources.partners import is_partner_kind
from migprofile.warehouse import Warehouse

__all__ = [
    "ExportResult",
    "SharedData",
    "export_package",
    "parse_period",
    "require_agency",
    "shared_data",
]

PERIOD = re.compile(r"^(\d{4}(?:-\d{2})?)?:(\d{4}(?:-\d{2})?)?$")


@dataclass
class ExportResult:
    """What an export wrote."""

    path: Path
    manifest: Manifest


def parse_period(text: str | None) -> tuple[str, str] | None:
    """``2017:2023`` -> ("2017", "2023"); either end may be empty; months as 2020-01."""
    if not text:
        return None
    match = PERIOD.match(text.strip())
    if not match or not any(match.groups()):
        raise MigprofileError(f"--period {text!r}: write FROM:TO with years or months, "
                              "e.g. 2017:2023, 2020-01:2021-06, or 2019: for 2019 on.")
    return match.group(1) or "", match.group(2) or ""


def _in_period(period: str, bounds: tuple[str, str] | None) -> bool:
    if bounds is None:
        return True
    start, end = bounds
    return period >= start and (not end or period[:len(end)] <= end)


def require_agency(profile: Profile) -> AgencySettings:
    agency = profile.settings.agency
    if agency is None:
        raise MigprofileError(
            "profile.toml has no [agency] (id, name, country): say which agency sends and "
            "receives this profile's packages (see the README, 'Exchanging data with "
            "partners').", path=profile.settings_path)
    return agency


def _own_sources(warehouse: Warehouse) -> list[dict]:
    """The profile's sources but those received from partners: their data are not sent on."""
    return [s for s in warehouse.sources() if not is_partner_kind(s["kind"])]


def _held_dataflows(warehouse: Warehouse, sources: list[dict]) -> dict[str, set[str]]:
    """Dataflow -> names of the profile's own sources holding observations of it."""
    obs = warehouse.observations
    pairs = obs.select("dataflow", "source", "revision").distinct().to_pyarrow().to_pylist()
    names = {(s["kind"], s["revision"]): s["name"] for s in sources}
    held: dict[str, set[str]] = {}
    for pair in pairs:
        name = names.get((pair["source"], pair["revision"]))
        if name is not None:
            held.setdefault(pair["dataflow"], set()).add(name)
    return held


def _shared_by_default(flows: dict[str, Dataflow], held: dict[str, set[str]],
                       sources: list[dict]) -> list[str]:
    """Every declared dataflow the profile holds data of its own for (not only bundled)."""
    bundled = {s["name"] for s in sources if s["bundled"]}
    return sorted(f for f, names in held.items() if f in flows and names - bundled)


def _chosen_dataflows(profile: Profile, flows: dict[str, Dataflow], held: dict[str, set[str]],
                      sources: list[dict], asked: Sequence[str]) -> list[str]:
    if asked:
        chosen = [a.upper() for a in asked]
        unknown = [a for a in chosen if a not in flows]
        if unknown:
            raise MigprofileError(f"unknown dataflow(s) {', '.join(unknown)}; known: "
                                  f"{', '.join(sorted(flows))}.")
        empty = [a for a in chosen if a not in held]
        if empty:
            raise MigprofileError(f"the profile holds no data of {', '.join(empty)}; import "
                                  "and build first.", path=profile.root)
        return list(dict.fromkeys(chosen))
    return _shared_by_default(flows, held, sources)


def _rows(profile: Profile, warehouse: Warehouse, flow: Dataflow, names: set[str],
          sources: list[dict]) -> list[dict]:
    """The observations of a dataflow in force: national data, for each period, from the
    latest revision; other data from the first of the profile's sources that has them."""
    by_name = {s["name"]: s for s in sources}
    obs = warehouse.observations.filter(warehouse.observations.dataflow == flow.id)
    if flow.national:
        rows = latest_revisions(obs.filter(obs.source == flow.source_id))
    else:
        order = list(profile.settings.sources)
        name = min(names, key=lambda n: order.index(n) if n in order else len(order))
        source = by_name[name]
        rows = obs.filter((obs.source == source["kind"]) & (obs.revision == source["revision"]))
    return rows.order_by("measure", "time_period", "ref_area", "counterpart_area", "sex",
                         "age", "dims").to_pyarrow().to_pylist()


def _open_codes(flow: Dataflow, rows: list[dict]) -> dict[str, set[str]]:
    """Codes the data use in each dimension of an open codelist (provinces, say)."""
    used: dict[str, set[str]] = {}
    for dimension in flow.extra_dimensions:
        used[dimension.id] = {parse_dims(r["dims"]).get(dimension.id, "") for r in rows}
    return used


@dataclass(frozen=True)
class SharedData:
    """What the profile gives a partner: dataflows, their observations after disclosure
    control, and the languages of the names; the same for a package and the SDMX endpoint."""

    flows: dict[str, Dataflow]
    """The dataflows shared, by id, in the order sent."""
    observations: dict[str, list[dict]]
    """Each dataflow's observations as they may leave the profile (withheld: NaN)."""
    rules: dict[str, DisclosureRule]
    used: dict[str, dict[str, set[str]]]
    """Per dataflow, the codes the data use in each dimension of an open codelist."""
    languages: list[str]
    obtained: dict[tuple[str, str], dt.date]
    """(source kind, revision) -> the day the profile obtained that revision."""


def shared_data(profile: Profile, partner_id: str, *, dataflows: Sequence[str] = (),
                bounds: tuple[str, str] | None = None) -> SharedData:
    """The dataflows and observations a partner is given, disclosure control applied.

    ``dataflows`` names them (international data included); by default every dataflow the
    profile holds data of its own for. ``bounds`` is a period as :func:`parse_period`
    gives it. Each table (a measure and a period) is protected whole, so that a part of
    it shows the values the whole shows.

    Raises
    ------
    MigprofileError
        An unknown partner; named dataflows unknown or without data.
    """
    partner = profile.partner(partner_id)
    flows = profile.dataflows
    with Warehouse.open(profile.warehouse_path, read_only=True) as warehouse:
        sources = _own_sources(warehouse)
        held = _held_dataflows(warehouse, sources)
        chosen = _chosen_dataflows(profile, flows, held, sources, dataflows)
        selected = {flow_id: [r for r in _rows(profile, warehouse, flows[flow_id],
                                                held[flow_id], sources)
                              if _in_period(r["time_period"], bounds)]
                    for flow_id in chosen}
    salt = disclosure_salt(profile)
    rules = {flow_id: disclosure_rule(profile.settings.disclosure, flows[flow_id])
             for flow_id in chosen}
    return SharedData(
        flows={flow_id: flows[flow_id] for flow_id in chosen},
        observations={flow_id: protect_observations(rows, rule=rules[flow_id], salt=salt,
                                                    dataflow_id=flow_id)
                      for flow_id, rows in selected.items()},
        rules=rules,
        used={flow_id: _open_codes(flows[flow_id], rows) for flow_id, rows in selected.items()},
        languages=[*profile.languages, *(_own_language(partner.country))],
        obtained={(s["kind"], s["revision"]): s["obtained"] for s in sources})


def export_package(profile: Profile, *, to: str, out: Path | str,
                   dataflows: Sequence[str] = (), period: str | None = None,
                   now: dt.datetime | None = None) -> ExportResult:
    """Write a signed exchange package of the profile's data for a partner.

    Parameters
    ----------
    profile
        The profile (built: the data are read from its warehouse).
    to
        The partner's id, as registered with ``migprofile partners add``.
    out
        The package to write (``.zip``).
    dataflows
        Dataflows to send; default every dataflow the profile has data of its own for.
    period
        ``FROM:TO`` (years or months); default every period.
    now
        The creation time (default: now, UTC); fixed in tests.

    Raises
    ------
    MigprofileError
        No ``[agency]``, an unknown partner, no signing key, nothing to send.
    """
    agency = require_agency(profile)
    partner = profile.partner(to)
    keys = load_keys(profile)
    created = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    shared = shared_data(profile, to, dataflows=dataflows, bounds=parse_period(period))
    if not shared.flows:
        raise MigprofileError("the profile holds no data of its own to send (national data, "
                              "border crossings or files of its own); name a dataflow with "
                              "--dataflow, or import and build first.", path=profile.root)
    package_id = f"{created:%Y%m%dT%H%M%SZ}-{agency.id}-{to}"
    header = message.Header(id=package_id, prepared=created, test=False,
                            sender=common.Agency(id=agency.id, name=agency.name),
                            receiver=common.Agency(id=to, name=partner.name or to))
    files, entries = _data_files(shared, header)
    manifest = Manifest(
        format=FORMAT, format_version=FORMAT_VERSION, package_id=package_id,
        sender=Party(agency=agency.id, name=agency.name, country=agency.country),
        receiver=Party(agency=to, name=partner.name, country=partner.country),
        created=created, dataflows=entries, period=period or "",
        files={name: sha256(data) for name, data in files.items()},
        software=f"migprofile {migprofile.__version__}",
        key_change=announced_key_change(profile, keys))
    manifest_bytes = manifest.to_bytes()
    signature = base64.b64encode(keys.sign(manifest_bytes)) + b"\n"
    out = Path(out)
    write_if_changed(out, pack({MANIFEST: manifest_bytes, SIGNATURE: signature, **files}))
    return ExportResult(out, manifest)


def _own_language(iso3: str) -> list[str]:
    """The partner country's own report language, so that it reads the names in it."""
    return [OWN_LANGUAGE[iso3]] if iso3 in OWN_LANGUAGE else []


def _data_files(shared: SharedData,
                header: message.Header) -> tuple[dict[str, bytes], list[DataflowEntry]]:
    """structure.xml, then each dataflow's data as SDMX-ML and SDMX-CSV, protected."""
    structures_msg, structures = structure_message(
        list(shared.flows.values()), languages=shared.languages, used=shared.used,
        header=header)
    files = {STRUCTURE: sdmx.to_xml(structures_msg, pretty_print=True)}
    entries = []
    for flow_id, published in shared.observations.items():
        xml_name, csv_name = data_files(flow_id)
        files[xml_name] = write_data(structures[flow_id], published, header=header)
        files[csv_name] = write_csv(structures[flow_id], published)
        entries.append(DataflowEntry(
            id=flow_id, version=shared.flows[flow_id].version, observations=len(published),
            withheld=sum(1 for r in published if withheld(r["value"])),
            periods=sorted({r["time_period"] for r in published}),
            disclosure=shared.rules[flow_id].describe()))
    return files, entries
