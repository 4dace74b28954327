"""SDMX REST queries from a partner's server: the same data as its packages, on demand.

A partner agency's software (sdmx1's ``Client``, .Stat, a script) asks for structures and
data as the SDMX REST specification 1.5 writes them, against an SDMX 2.1 source whose url
is ``http://HOST:PORT/sdmx``. What it may see is what a package for it would hold
(:func:`migprofile.exchange.export.shared_data`): the dataflows the profile shares with
it, after disclosure control; the query then picks a part of that. A dataflow it is not
given and one that does not exist are answered alike, so that a query never reveals
whether a dataflow exists.

This module knows nothing of HTTP servers: it parses the query, selects and answers bytes
with their media type, or raises :class:`QueryRefused` with the status and a one-line
reason. The web app (``web/routes/sdmx.py``) checks the partner's token and logs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sdmx
from sdmx import message
from sdmx.model import common

from migprofile.exchange.export import SharedData, require_agency, shared_data
from migprofile.exchange.sdmx_csv import csv_version_1, write_csv
from migprofile.exchange.sdmx_ml import withheld, write_data
from migprofile.exchange.structure import MAINTAINER, DataflowStructure, structure_message
from migprofile.profile import Profile
from migprofile.sources.canonical import parse_dims

__all__ = [
    "DATA_TYPES",
    "STRUCTURE_TYPES",
    "Answer",
    "QueryRefused",
    "answer_query",
]

STRUCTURE_XML = "application/vnd.sdmx.structure+xml; version=2.1"
STRUCTURE_SPECIFIC_XML = "application/vnd.sdmx.structurespecificdata+xml; version=2.1"
CSV_1 = "application/vnd.sdmx.data+csv; version=1.0.0"
CSV_2 = "application/vnd.sdmx.data+csv; version=2.0.0"

STRUCTURE_TYPES = {STRUCTURE_XML: "xml", "application/xml": "xml", "text/xml": "xml"}
"""Media types of structure answers, in order of preference, and the format of each."""
DATA_TYPES = {STRUCTURE_SPECIFIC_XML: "xml", "application/xml": "xml", "text/xml": "xml",
              CSV_1: "csv1", CSV_2: "csv2", "text/csv": "csv1"}
"""Media types of data answers: structure-specific SDMX-ML 2.1 first, then SDMX-CSV."""

STRUCTURE_RESOURCES = ("dataflow", "datastructure", "codelist", "conceptscheme")
OTHER_RESOURCES = frozenset({
    "structure", "metadatastructure", "categoryscheme", "hierarchicalcodelist",
    "organisationscheme", "agencyscheme", "dataproviderscheme", "dataconsumerscheme",
    "organisationunitscheme", "metadataflow", "reportingtaxonomy", "provisionagreement",
    "structureset", "process", "categorisation", "contentconstraint",
    "attachmentconstraint", "actualconstraint", "allowedconstraint", "transformationscheme",
    "rulesetscheme", "userdefinedoperatorscheme", "customtypescheme", "namepersonalisationscheme",
    "vtlmappingscheme", "availableconstraint", "metadata", "schema"})
"""Resources of the specification this endpoint does not serve (501, not 400)."""
REFERENCES = ("none", "parents", "parentsandsiblings", "children", "descendants", "all")
UNSUPPORTED_PARAMETERS = frozenset({"firstNObservations", "lastNObservations",
                                    "includeHistory"})
ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")
VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
NO_RESULTS = "NoResultsFound: nothing matches the query among the data shared with you."


class QueryRefused(Exception):
    """A query that gets no data: the HTTP status and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def malformed(reason: str) -> QueryRefused:
    return QueryRefused(400, f"Syntax error: {reason}")


def no_results() -> QueryRefused:
    """The one answer to 'not there' and 'not yours': the same status and words."""
    return QueryRefused(404, NO_RESULTS)


def not_implemented(reason: str) -> QueryRefused:
    return QueryRefused(501, f"Not implemented: {reason}")


@dataclass(frozen=True)
class Answer:
    """The bytes of an answer, their media type, and what they hold (for the audit log)."""

    body: bytes
    media_type: str
    summary: str


# content negotiation ------------------------------------------------------------------------

def _media_range(text: str) -> tuple[str, dict[str, str], float]:
    kind, *parameters = [part.strip() for part in text.split(";")]
    found = {}
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        found[name.strip().lower()] = value.strip().strip('"')
    try:
        quality = float(found.pop("q", "1"))
    except ValueError:
        quality = 0.0
    return kind.lower(), found, quality


def _matches(wanted: str, parameters: Mapping[str, str], offered: str) -> bool:
    kind, offered_parameters, _ = _media_range(offered)
    major = kind.partition("/")[0]
    if wanted not in ("*/*", f"{major}/*", kind):
        return False
    return "version" not in parameters or parameters["version"] == offered_parameters.get(
        "version")


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
    """The first of ``offered`` the ``Accept`` header takes best; 406 when it takes none."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = sorted((_media_range(part) for part in accept.split(",") if part.strip()),
                    key=lambda found: -found[2])
    for wanted, parameters, quality in ranges:
        if quality <= 0:
            continue
        for media_type in offered:
            if _matches(wanted, parameters, media_type):
                return media_type
    raise QueryRefused(406, "Not acceptable: this query is answered as "
                            + ", ".join(offered) + ".")


# parameters ---------------------------------------------------------------------------------

def _parameters(pairs: Iterable[tuple[str, str]], allowed: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in pairs:
        if name in found:
            raise malformed(f"the parameter {name} is given twice.")
        if name in UNSUPPORTED_PARAMETERS:
            raise not_implemented(f"the parameter {name}.")
        if name not in allowed:
            raise malformed(f"unknown parameter {name!r}; this query takes "
                            f"{', '.join(allowed)}.")
        found[name] = value
    return found


PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|([QSAM])(\d{1,2})))?$")
PERIOD_MONTHS = {"A": 12, "S": 6, "Q": 3, "M": 1}


def period_range(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a period: ``2022``, ``2022-03``, ``2022-03-15``,
    ``2022-Q1``, ``2022-S2``, ``2022-M03``, ``2022-A1``; None when it is none of them."""
    match = PERIOD.match(text.strip())
    if match is None:
        return None
    year, month, day, kind, number = match.groups()
    try:
        if day is not None:
            first = last = dt.date(int(year), int(month), int(day))
            return first, last
        if month is not None:
            first_month, months = int(month), 1
        elif kind is not None:
            months = PERIOD_MONTHS[kind]
            first_month = (int(number) - 1) * months + 1
            if not 1 <= int(number) <= 12 // months:
                return None
        else:
            first_month, months = 1, 12
        last_month = first_month + months - 1
        return (dt.date(int(year), first_month, 1),
                dt.date(int(year), last_month,
                        calendar.monthrange(int(year), last_month)[1]))
    except ValueError:
        return None


def _bound(parameters: Mapping[str, str], name: str) -> tuple[dt.date, dt.date] | None:
    if name not in parameters:
        return None
    found = period_range(parameters[name])
    if found is None:
        raise malformed(f"{name}={parameters[name]!r} is not a period (2022, 2022-03, "
                        "2022-03-15, 2022-Q1).")
    return found


def _updated_after(parameters: Mapping[str, str]) -> dt.date | None:
    """The day of ``updatedAfter`` in UTC (a ``+`` of its offset may arrive as a space)."""
    text = parameters.get("updatedAfter")
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise malformed(f"updatedAfter={text!r} is not an ISO 8601 time "
                        "(2026-03-01T00:00:00Z).") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date()


# structure queries --------------------------------------------------------------------------

Node = tuple[str, str]
"""A structure in a message: (resource, id), e.g. ("codelist", "CL_SEX")."""


@dataclass(frozen=True)
class StructureQuery:
    resource: str
    agency: str
    ids: tuple[str, ...] | None
    """None: all."""
    version: str
    references: str


def _ids(text: str, what: str) -> tuple[str, ...] | None:
    if text in ("all", "*"):
        return None
    ids = tuple(part for part in re.split(r"[+,]", text))
    if not all(ID.match(part) for part in ids):
        raise malformed(f"{text!r} is not a {what}.")
    return ids


def parse_structure_query(resource: str, segments: Sequence[str],
                          parameters: Mapping[str, str]) -> StructureQuery:
    """``{resource}/{agencyID}/{resourceID}/{version}``, each optional from the right."""
    if len(segments) > 3:
        raise malformed(f"a {resource} query has at most agency, id and version.")
    if "" in segments:
        raise malformed("an empty part in the path.")
    agency, resource_id, version = [*segments, *("all", "all", "latest")[len(segments):]]
    if agency not in ("all", "*") and not all(ID.match(p) for p in agency.split("+")):
        raise malformed(f"{agency!r} is not an agency id.")
    if version not in ("all", "latest", "*", "~") and not VERSION.match(version):
        raise malformed(f"{version!r} is not a version.")
    references = parameters.get("references", "none")
    if references not in (*REFERENCES, *STRUCTURE_RESOURCES):
        raise malformed(f"references={references!r}; give one of "
                        f"{', '.join((*REFERENCES, *STRUCTURE_RESOURCES))}.")
    detail = parameters.get("detail", "full")
    if detail != "full":
        raise not_implemented(f"detail={detail}; structures are answered in full.")
    return StructureQuery(resource, agency, _ids(resource_id, f"{resource} id"), version,
                          references)


def _graph(msg: message.StructureMessage) -> tuple[dict[Node, object], dict[Node, set[Node]]]:
    """Every structure of the message, and the ones each refers to (its children)."""
    objects: dict[Node, object] = {}
    for resource, collection in (("dataflow", msg.dataflow), ("datastructure", msg.structure),
                                 ("codelist", msg.codelist),
                                 ("conceptscheme", msg.concept_scheme)):
        objects.update({(resource, key): value for key, value in collection.items()})
    children: dict[Node, set[Node]] = {node: set() for node in objects}
    for flow_id, flow in msg.dataflow.items():
        children[("dataflow", flow_id)].add(("datastructure", flow.structure.id))
    for dsd_id, dsd in msg.structure.items():
        for component in [*dsd.dimensions.components, *dsd.attributes.components,
                          *dsd.measures.components]:
            representation = component.local_representation
            if representation is not None and representation.enumerated is not None:
                children[("datastructure", dsd_id)].add(
                    ("codelist", representation.enumerated.id))
            concept = component.concept_identity
            if concept is not None and concept.parent is not None:
                children[("datastructure", dsd_id)].add(("conceptscheme", concept.parent.id))
    return objects, children


def _closure(start: set[Node], edges: Mapping[Node, set[Node]]) -> set[Node]:
    found: set[Node] = set()
    todo = list(start)
    while todo:
        for node in edges.get(todo.pop(), ()):
            if node not in found:
                found.add(node)
                todo.append(node)
    return found


def _referenced(matched: set[Node], references: str,
                children: Mapping[Node, set[Node]]) -> set[Node]:
    parents: dict[Node, set[Node]] = {}
    for node, below in children.items():
        for child in below:
            parents.setdefault(child, set()).add(node)
    direct_children = {c for node in matched for c in children.get(node, ())}
    direct_parents = {p for node in matched for p in parents.get(node, ())}
    siblings = {c for node in direct_parents for c in children.get(node, ())}
    if references == "none":
        return set()
    if references == "children":
        return direct_children
    if references == "descendants":
        return _closure(matched, children)
    if references == "parents":
        return direct_parents
    if references == "parentsandsiblings":
        return direct_parents | siblings
    if references == "all":
        return _closure(matched, children) | direct_parents | siblings
    return {node for node in _closure(matched, children) | _closure(matched, parents)
            if node[0] == references}


def _version_matches(wanted: str, version: str) -> bool:
    return wanted in ("all", "latest", "*", "~") or version in wanted.split("+")


def select_structures(msg: message.StructureMessage,
                      query: StructureQuery) -> message.StructureMessage:
    """The structures the query names, with those its ``references`` asks for."""
    objects, children = _graph(msg)
    if query.agency not in ("all", "*") and MAINTAINER not in query.agency.split("+"):
        raise no_results()
    matched = {node for node, found in objects.items()
               if node[0] == query.resource
               and (query.ids is None or node[1] in query.ids)
               and _version_matches(query.version, str(found.version))}
    if not matched:
        raise no_results()
    answer = message.StructureMessage(header=msg.header)
    for node in sorted(matched | _referenced(matched, query.references, children)):
        answer.add(objects[node])
    return answer


# data queries -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DataQuery:
    flow_id: str
    agency: str
    version: str
    key: tuple[frozenset[str] | None, ...] | None
    """Per dimension (TIME_PERIOD aside), the codes asked for (None: any); None: all."""
    provider: str
    start: tuple[dt.date, dt.date] | None
    end: tuple[dt.date, dt.date] | None
    updated_after: dt.date | None


DATA_PARAMETERS = ("startPeriod", "endPeriod", "updatedAfter", "dimensionAtObservation",
                   "detail")


def _flow_ref(text: str) -> tuple[str, str, str]:
    """``ID``, ``AGENCY,ID`` or ``AGENCY,ID,VERSION``."""
    parts = text.split(",")
    if len(parts) == 1:
        agency, flow_id, version = "all", parts[0], "latest"
    elif len(parts) == 2:
        (agency, flow_id), version = parts, "latest"
    elif len(parts) == 3:
        agency, flow_id, version = parts
    else:
        raise malformed(f"{text!r} is not a dataflow reference (ID, AGENCY,ID or "
                        "AGENCY,ID,VERSION).")
    if not ID.match(flow_id) or not (agency in ("all", "*") or ID.match(agency)):
        raise malformed(f"{text!r} is not a dataflow reference.")
    if version not in ("all", "latest", "*", "~") and not VERSION.match(version):
        raise malformed(f"{version!r} is not a version.")
    return flow_id, agency, version


def _key(text: str) -> tuple[frozenset[str] | None, ...] | None:
    if text in ("", "all"):
        return None
    parts = []
    for part in text.split("."):
        codes = [code for code in part.split("+") if code] if part else []
        if not all(ID.match(code) for code in codes):
            raise malformed(f"the key {text!r} has a code that is not an SDMX id.")
        parts.append(frozenset(codes) or None)
    return tuple(parts)


def parse_data_query(segments: Sequence[str], parameters: Mapping[str, str]) -> DataQuery:
    """``data/{flowRef}/{key}/{providerRef}`` with its parameters."""
    if not segments or not segments[0] or len(segments) > 3:
        raise malformed("write data/FLOW, data/FLOW/KEY or data/FLOW/KEY/PROVIDER.")
    flow_id, agency, version = _flow_ref(segments[0])
    key = _key(segments[1]) if len(segments) > 1 else None
    provider = segments[2] if len(segments) > 2 else "all"
    if not all(ID.match(part) for part in provider.replace(",", "+").split("+")):
        raise malformed(f"{provider!r} is not a data provider reference.")
    observation = parameters.get("dimensionAtObservation", "AllDimensions")
    if observation != "AllDimensions":
        raise not_implemented(f"dimensionAtObservation={observation}; data are flat "
                              "(AllDimensions).")
    detail = parameters.get("detail", "full")
    if detail != "full":
        raise not_implemented(f"detail={detail}; data are answered in full.")
    return DataQuery(flow_id, agency, version, key, provider, _bound(parameters, "startPeriod"),
                     _bound(parameters, "endPeriod"), _updated_after(parameters))


def _key_filter(structure: DataflowStructure,
                key: tuple[frozenset[str] | None, ...] | None):
    """A test of a row's codes against the key, dimension by dimension."""
    dimensions = [d for d in structure.columns if d != "TIME_PERIOD"]
    if key is None:
        return lambda row: True
    if len(key) != len(dimensions):
        raise malformed(f"the key has {len(key)} part(s); {structure.dataflow.id} has "
                        f"{len(dimensions)} dimensions before the period: "
                        f"{'.'.join(dimensions)}.")
    wanted = [(structure.columns[d], codes) for d, codes in zip(dimensions, key, strict=True)
              if codes is not None]

    def matches(row: dict) -> bool:
        dims = parse_dims(row.get("dims") or "")
        return all((row[column] if column in row else dims.get(column)) in codes
                   for column, codes in wanted)
    return matches


def _in_bounds(period: str, query: DataQuery) -> bool:
    if query.start is None and query.end is None:
        return True
    found = period_range(period)
    if found is None:
        return False
    first, last = found
    return ((query.start is None or last >= query.start[0])
            and (query.end is None or first <= query.end[1]))


def select_observations(shared: SharedData, structure: DataflowStructure,
                        query: DataQuery) -> list[dict]:
    """The dataflow's shared observations the key, periods and ``updatedAfter`` keep."""
    matches = _key_filter(structure, query.key)
    rows = []
    for row in shared.observations[structure.dataflow.id]:
        obtained = shared.obtained.get((row["source"], row["revision"]))
        if query.updated_after is not None and (obtained is None
                                                or obtained < query.updated_after):
            continue
        if matches(row) and _in_bounds(row["time_period"], query):
            rows.append(row)
    return rows


# answering ----------------------------------------------------------------------------------

def _header(profile: Profile, partner_id: str, now: dt.datetime) -> message.Header:
    agency = require_agency(profile)
    partner = profile.settings.partners[partner_id]
    return message.Header(id=f"{now:%Y%m%dT%H%M%SZ}-{agency.id}-{partner_id}", prepared=now,
                          test=False, sender=common.Agency(id=agency.id, name=agency.name),
                          receiver=common.Agency(id=partner_id, name=partner.name or partner_id))


def _structures(shared: SharedData, header: message.Header):
    return structure_message(list(shared.flows.values()), languages=shared.languages,
                             used=shared.used, header=header)


def answer_query(profile: Profile, partner_id: str, path: str,
                 parameters: Iterable[tuple[str, str]], *, accept: str | None = None,
                 now: dt.datetime | None = None) -> Answer:
    """Answer an SDMX REST query of a registered partner.

    Parameters
    ----------
    profile
        The profile, built.
    partner_id
        The partner asking (its token already checked).
    path
        The query's path after the endpoint's root: ``dataflow/MIGPROFILE/all/latest``,
        ``data/LABOUR_DEPLOYMENTS/VNM..F``.
    parameters
        The query string's (name, value) pairs.
    accept
        The ``Accept`` header.
    now
        The time the message is prepared (default now, UTC).

    Raises
    ------
    QueryRefused
        A malformed query (400), nothing shared matches (404), an unsupported part of the
        specification (501), or a media type it cannot give (406).
    """
    segments = path.strip("/").split("/") if path.strip("/") else []
    if not segments:
        raise malformed("name a resource: dataflow, datastructure, codelist, "
                        "conceptscheme or data.")
    resource, rest = segments[0], segments[1:]
    pairs = list(parameters)
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if resource == "data":
        query = parse_data_query(rest, _parameters(pairs, DATA_PARAMETERS))
        media_type = negotiate(accept, list(DATA_TYPES))
        return _data_answer(profile, partner_id, query, media_type, now)
    if resource in STRUCTURE_RESOURCES:
        query = parse_structure_query(resource, rest,
                                      _parameters(pairs, ("references", "detail")))
        media_type = negotiate(accept, list(STRUCTURE_TYPES))
        shared = shared_data(profile, partner_id)
        msg, _ = _structures(shared, _header(profile, partner_id, now))
        selected = select_structures(msg, query)
        count = sum(len(collection) for collection in (
            selected.dataflow, selected.structure, selected.codelist, selected.concept_scheme))
        return Answer(sdmx.to_xml(selected, pretty_print=True), media_type,
                      f"{count} structure(s)")
    if resource in OTHER_RESOURCES:
        raise not_implemented(f"the resource {resource}; this endpoint serves "
                              f"{', '.join(STRUCTURE_RESOURCES)} and data.")
    raise malformed(f"unknown resource {resource!r}.")


def _data_answer(profile: Profile, partner_id: str, query: DataQuery, media_type: str,
                 now: dt.datetime) -> Answer:
    agency = require_agency(profile)
    shared = shared_data(profile, partner_id)
    if (query.flow_id not in shared.flows
            or query.agency not in ("all", "*", MAINTAINER)
            or not set(query.provider.replace(",", "+").split("+")) & {"all", agency.id}):
        raise no_results()
    msg, structures = _structures(shared, _header(profile, partner_id, now))
    structure = structures[query.flow_id]
    if not _version_matches(query.version, str(structure.definition.version)):
        raise no_results()
    rows = select_observations(shared, structure, query)
    if not rows:
        raise no_results()
    summary = (f"{query.flow_id}: {len(rows)} observation(s), "
               f"{sum(1 for r in rows if withheld(r['value']))} withheld")
    data_format = DATA_TYPES[media_type]
    if data_format == "xml":
        body = write_data(structure, rows, header=msg.header)
    else:
        body = write_csv(structure, rows)
        if data_format == "csv1":
            body = csv_version_1(body)
    return Answer(body, media_type, summary)
