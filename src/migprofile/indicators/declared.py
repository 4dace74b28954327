"""Indicators declared beside their dataflow, shipped or a profile's own.

A national dataflow's TOML file names its indicators (``[[indicators]]``: id, names and
definition in every language, unit, reference, ``by_partner``, ``fixed``); one that names
none gets the defaults of :func:`default_declarations`: the total by year and sex, the
total by partner country, and one indicator for each code of every other dimension. Every
one is computed by :class:`~migprofile.indicators.national.NationalValues`; a computation
that is not a total of this kind is registered in code (``register``), by id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from migprofile.codes import REPORT_LANGUAGES, TOTAL, UNKNOWN, Dataflow, builtin_dataflows
from migprofile.codes.dataflows import IndicatorDeclaration
from migprofile.indicators.declarations import shared_notes
from migprofile.indicators.national import NationalValues
from migprofile.indicators.registry import Indicator, profile_indicators, register

__all__ = ["SHIPPED_ORDER", "dataflow_indicators", "declared_indicators",
           "default_declarations", "national_dataflows", "profile_registry"]

SHIPPED_ORDER = ("LABOUR_DEPLOYMENTS", "LABOUR_STOCK_ABROAD", "WORK_PERMITS_FOREIGNERS",
                 "CONSULAR_REGISTRATIONS", "DIASPORA", "STUDENTS_ABROAD", "RETURNEES",
                 "TRAFFICKING_VICTIMS", "SUPPORT_CENTRE_CONSULTATIONS")
"""The order of the shipped national dataflows' indicators in `tables.xlsx` and the
annex, as in earlier editions; a dataflow not listed follows, by id."""

PARTNER_INDICATOR_NOTE = "other_partners"


def national_dataflows(flows: Mapping[str, Dataflow]) -> list[Dataflow]:
    """The national dataflows among ``flows``, shipped ones in :data:`SHIPPED_ORDER`."""
    rank = {flow_id: n for n, flow_id in enumerate(SHIPPED_ORDER)}
    national = [flow for flow in flows.values() if flow.national]
    return sorted(national, key=lambda f: (rank.get(f.id, len(rank)), f.id))


def _joined(*parts: Mapping[str, str]) -> dict[str, str]:
    """``Name: Part`` in every language (a default indicator's name)."""
    return {lang: ": ".join(p[lang] for p in parts if p.get(lang)) for lang in REPORT_LANGUAGES}


def default_declarations(flow: Dataflow) -> list[IndicatorDeclaration]:
    """What a dataflow that declares no indicators gets: its total, by partner, and one
    indicator per code of every other dimension (each with the rest totalled)."""
    unit = flow.measures[0].unit
    definition = flow.description or flow.names
    found = [IndicatorDeclaration(id=flow.source_id, names=flow.names,
                                  definition=definition, unit=unit)]
    dimensions = {d.id: d for d in flow.dimensions}
    if "counterpart_area" in dimensions:
        partner = dimensions["counterpart_area"].names
        found.append(IndicatorDeclaration(
            id=f"{flow.source_id}_by_partner", names=_joined(flow.names, partner),
            definition=definition, unit=unit, by_partner=True))
    for dimension in flow.extra_dimensions:
        codes = flow.codes(dimension.codelist) if dimension.codelist else {}
        for code, names in codes.items():
            if code in (TOTAL, UNKNOWN):
                continue
            found.append(IndicatorDeclaration(
                id=f"{flow.source_id}_{dimension.id}_{code}".lower(),
                names=_joined(flow.names, names),
                definition={lang: f"{definition[lang]} {dimension.names[lang]}: "
                                  f"{names[lang]}." for lang in REPORT_LANGUAGES},
                unit=unit, fixed={dimension.id: code}))
    return found


def _definition(flow: Dataflow, item: IndicatorDeclaration) -> dict[str, str]:
    notes = item.notes if item.notes is not None else (
        [PARTNER_INDICATOR_NOTE] if item.by_partner else [])
    texts = [flow.notes.get(key) or shared_notes()[key] for key in notes]
    return {lang: " ".join([item.definition[lang], *(t[lang] for t in texts)])
            for lang in REPORT_LANGUAGES}


def dataflow_indicators(flow: Dataflow) -> list[Indicator]:
    """The indicators of a national dataflow, from its declaration or the defaults."""
    declared = flow.indicators if flow.indicators is not None else default_declarations(flow)
    totals: dict[tuple, str] = {}
    """(fixed codes, unit) -> the indicator of their total over partners, declared before
    its by-partner companion."""
    found = []
    for item in declared:
        unit = item.unit or flow.measures[0].unit
        family = (tuple(sorted(item.fixed.items())), unit)
        if not item.by_partner:
            totals[family] = item.id
        found.append(Indicator(
            id=item.id, name=item.names, definition=_definition(flow, item), unit=unit,
            sources=(flow.source_id,), by_partner=item.by_partner, section=flow.section_id,
            reference=item.reference,
            partner_total=totals.get(family, "") if item.by_partner else "",
            compute=NationalValues(flow, item.by_partner, dict(item.fixed))))
    return found


def declared_indicators(flows: Mapping[str, Dataflow]):
    """A context in which the indicators of a profile's own dataflows (those of ``flows``
    not shipped) are in the registry: while the profile is built or shown."""
    own = {key: flow for key, flow in flows.items() if key not in builtin_dataflows()}
    return profile_indicators(item for flow in national_dataflows(own)
                              for item in dataflow_indicators(flow))


@contextmanager
def profile_registry(profile) -> Iterator[None]:
    """:func:`declared_indicators` of a :class:`~migprofile.profile.Profile`'s dataflows."""
    with declared_indicators(profile.dataflows):
        yield


def _register_shipped() -> None:
    for flow in national_dataflows(builtin_dataflows()):
        for item in dataflow_indicators(flow):
            register(item)


_register_shipped()
