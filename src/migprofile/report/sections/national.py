"""Sections fed by national administrative data, one generic section per declaration.

A national dataflow's TOML file declares its section (``[section]``: title, place,
introduction sentences and blocks, in every language); one that declares none gets the
default of :func:`default_plan`: its description, the latest figure, a chart by year, the
largest partners, a table by year and one by each other dimension, with the fixed
sentences of the catalogs. A block that is not a chart or table of one indicator is
computed in code and registered by name (:data:`SPECIAL_BLOCKS`); flows between two
dimensions (province of origin and of destination) are computed by
:mod:`migprofile.indicators.flow_matrix`. Each section is shown only when its data exist,
or, declared ``always``, states its data gap; each year comes from the latest revision
covering it, and the tables say which revision that was. A rate (a cost in per cent) is
shown as the source gives it, without shares of women or of the total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
from babel.lists import format_list

from migprofile.codes import Dataflow
from migprofile.codes.dataflows import RATE_UNITS, SectionBlock
from migprofile.codes.totals import Share
from migprofile.errors import MigprofileError
from migprofile.indicators import REGISTRY, UNITS
from migprofile.indicators.declared import dataflow_indicators, national_dataflows
from migprofile.indicators.national import adds_up, national_families, national_source
from migprofile.report import charts
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Callout, Figure, Section, Table
from migprofile.report.sections.common import (
    format_by_unit,
    indicator_name,
    indicator_note,
    key_figure,
    partner_bars,
    partner_map,
)

__all__ = ["DEFAULT_PLACE", "SPECIAL_BLOCKS", "SPECIAL_INTROS", "SectionPlan", "build_plan",
           "check_maps", "people_noun", "section_plans", "special_block", "special_intro",
           "unit_title", "unit_value_format", "women_text", "year_bars", "year_table"]

DEFAULT_PLACE = "support_centres"
"""The section a dataflow's own section follows when its declaration names no other."""

Words = Callable[[Localizer], str]
"""A text in the report's language: a declared translation or a sentence of the catalogs."""

Block = Figure | Table | Callout | list | None

SPECIAL_BLOCKS: dict[str, Callable[[ReportData, Localizer], Block]] = {}
"""Blocks computed in code, by the name a section declaration gives (``special``)."""


def special_block(name: str):
    """Register a block a section declaration can show with ``kind = "special"``."""
    def register(function: Callable[[ReportData, Localizer], Block]):
        SPECIAL_BLOCKS[name] = function
        return function
    return register


SPECIAL_INTROS: dict[str, Callable[[ReportData, Localizer], list[str]]] = {}
"""Sentences computed in code, by the name a section declaration gives (``special``)."""


def special_intro(name: str):
    """Register sentences a section declaration can say with ``special = NAME``."""
    def register(function: Callable[[ReportData, Localizer], list[str]]):
        SPECIAL_INTROS[name] = function
        return function
    return register


def _declared(names: Mapping[str, str]) -> Words:
    return lambda loc: names[loc.language]


@dataclass(frozen=True)
class PlannedBlock:
    kind: str
    indicator: str = ""
    title: Words = lambda loc: ""
    extra: str = ""
    extra_title: Words = lambda loc: ""
    special: str = ""
    dimension: tuple[str, ...] = ()
    """A dimension table's indicators, one per code."""
    dataflow: str = ""
    flow: tuple[str, ...] = ()
    """A flow block's two dimensions (from, to)."""
    largest: int = 10
    legend_title: Mapping[str, str] = field(default_factory=dict)
    """A map's declared legend of values; by default, its unit's name."""


@dataclass
class SectionPlan:
    """What a section shows, from its declaration (or the defaults)."""

    id: str
    title: Words
    after: str
    indicators: list[str] = field(default_factory=list)
    intro: list[tuple[str, Words]] = field(default_factory=list)
    """(indicator or "", sentence)."""
    blocks: list[PlannedBlock] = field(default_factory=list)
    always: bool = False
    """Shown without data too, saying that its figures are a data gap."""


# the plans ------------------------------------------------------------------------------

def _planned(block: SectionBlock, flow: Dataflow) -> PlannedBlock:
    codes = ()
    if block.kind == "dimension_table":
        codes = tuple(item.id for item in dataflow_indicators(flow)
                      if set(item.compute.fixed) == {block.dimension})
    return PlannedBlock(block.kind, block.indicator, _declared(block.title), block.extra,
                        _declared(block.extra_title), block.special, codes, flow.id,
                        tuple(block.flow), block.largest, block.legend_title)


def default_plan(flow: Dataflow) -> SectionPlan:
    """The section of a dataflow that declares none: description, latest figure, chart by
    year, largest partners, a table by year and one per other dimension."""
    items = dataflow_indicators(flow)
    totals = [i.id for i in items if not i.by_partner and not i.compute.fixed]
    partners = [i.id for i in items if i.by_partner and not i.compute.fixed]
    plan = SectionPlan(flow.section_id, _declared(flow.names), DEFAULT_PLACE,
                       [i.id for i in items])
    if flow.description:
        plan.intro.append(("", _declared(flow.description)))
    for key in totals[:1]:
        plan.intro.append((key, lambda loc: loc._("{name}: {number} in {year}{women}.")))
        plan.blocks += [
            PlannedBlock("key_figure", key),
            PlannedBlock("year_bars", key, lambda loc: loc._("{name}, by year")),
        ]
    for key in partners[:1]:
        dimension = flow.dimension("counterpart_area").names
        plan.intro.append((key, lambda loc, d=dimension: loc._(
            "{dimension}, {year}: {partners}.").replace("{dimension}", d[loc.language])))
        plan.blocks.append(PlannedBlock("partner_bars", key, lambda loc: "{name}, {year}"))
    for key in totals[:1]:
        plan.blocks.append(PlannedBlock("year_table", key, lambda loc: "{name}"))
    for dimension in flow.extra_dimensions:
        codes = tuple(i.id for i in items if set(i.compute.fixed) == {dimension.id})
        if codes:
            plan.blocks.append(PlannedBlock(
                "dimension_table", totals[0] if totals else "",
                lambda loc, d=dimension.names: f"{{name}}: {d[loc.language]}, {{year}}",
                dimension=codes))
    return plan


def section_plans(flows: Mapping[str, Dataflow]) -> list[SectionPlan]:
    """The sections of the national dataflows among ``flows``, in their order."""
    plans: dict[str, SectionPlan] = {}
    joining: list[tuple[Dataflow, str]] = []
    for flow in national_dataflows(flows):
        declared = flow.section
        if declared is None:
            plans[flow.section_id] = default_plan(flow)
            continue
        if not declared.title:
            joining.append((flow, declared.id))
            continue
        plans[flow.section_id] = SectionPlan(
            flow.section_id, _declared(declared.title), declared.after or DEFAULT_PLACE,
            [i.id for i in dataflow_indicators(flow)],
            [(s.indicator, _declared(s.text)) for s in declared.intro],
            [_planned(b, flow) for b in declared.blocks], declared.always)
    for flow, section_id in joining:
        plan = plans.get(section_id)
        if plan is None:  # a section no dataflow declares: the dataflow's own, by default
            plans[flow.section_id] = default_plan(flow)
            continue
        plan.indicators += [i.id for i in dataflow_indicators(flow)]
        plan.intro += [(s.indicator, _declared(s.text)) for s in flow.section.intro]
        plan.blocks += [_planned(b, flow) for b in flow.section.blocks]
    _check_references(plans.values(), flows)
    return list(plans.values())


def _check_references(plans: Iterable[SectionPlan], flows: Mapping[str, Dataflow]) -> None:
    """Every indicator and special block a section names exists."""
    declared = [i for flow in national_dataflows(flows) for i in dataflow_indicators(flow)]
    known = set(REGISTRY) | {i.id for i in declared}
    by_partner = {key for key, item in REGISTRY.items() if item.by_partner} | {
        i.id for i in declared if i.by_partner}
    for plan in plans:
        named = [key for key, _ in plan.intro] + [
            key for b in plan.blocks for key in (b.indicator, b.extra)]
        unknown = sorted({key for key in named if key and key not in known})
        if unknown:
            raise MigprofileError(f"section {plan.id!r} names unknown indicators: "
                                  f"{', '.join(unknown)}")
        try:
            check_maps(plan.id, [b.indicator for b in plan.blocks if b.kind == "map"],
                       by_partner)
        except ValueError as exc:
            raise MigprofileError(str(exc)) from exc
        for block in plan.blocks:
            if block.kind == "special" and block.special not in SPECIAL_BLOCKS:
                raise MigprofileError(
                    f"section {plan.id!r}: no special block {block.special!r} (known: "
                    f"{', '.join(sorted(SPECIAL_BLOCKS))})")
            if block.kind == "dimension_table" and not block.dimension:
                raise MigprofileError(f"section {plan.id!r}: a dimension table names no "
                                      "dimension with an indicator for each of its codes")


def check_maps(section: str, indicators: Iterable[str], by_partner: set[str]) -> None:
    """A map shows an indicator by partner country: one value per country."""
    wrong = sorted(set(indicators) - by_partner)
    if wrong:
        raise ValueError(f"section {section!r}: a map shows an indicator by partner country, "
                         f"not {', '.join(wrong)}")


# the parts ------------------------------------------------------------------------------

def year_bars(data: ReportData, loc: Localizer, indicator: str, *,
              title: str) -> Figure | None:
    """One bar per year, the figure written beside it."""
    series = data.series(indicator)
    if series.empty:
        return None
    df = pd.DataFrame({"label": list(series.index), "value": series.to_numpy()})
    unit = REGISTRY[indicator].unit
    return Figure(title, charts.bar_chart(df, x_title=unit_title(unit, loc),
                                          value_format=unit_value_format(unit)),
                  indicator_note(data, loc, indicator), indicators=(indicator,),
                  kind="year_bars")


def unit_value_format(unit: str) -> str:
    """How a chart writes values of ``unit``: rates with one decimal, counts whole."""
    return ",.1f" if unit in RATE_UNITS else ",d"


def unit_title(unit: str, loc: Localizer) -> str:
    known = {"persons": loc._("persons"), "consultations": loc._("consultations"),
             "associations": loc._("associations")}
    return known.get(unit) or UNITS[unit][loc.language]


def people_noun(indicator: str, loc: Localizer) -> str:
    """Who a national indicator counts, as the sentence on a share's base names them."""
    flow = national_source(indicator)
    return flow.people[loc.language] if flow is not None and flow.people else loc._("persons")


def women_text(share: Share, loc: Localizer, indicator: str) -> str:
    """'38.5% women: 15,000 of the 39,000 workers whose sex was recorded' where the base is
    not the whole total; '38.5% of them women' where it is."""
    if share.whole:
        return loc._(" ({share} of them women)").format(share=loc.percent(share.percent))
    return loc._(" ({share} women: {women} of the {base} {people} whose sex was "
                 "recorded)").format(share=loc.percent(share.percent),
                                     women=loc.integer(share.part),
                                     base=loc.integer(share.base),
                                     people=people_noun(indicator, loc))


def year_table(data: ReportData, loc: Localizer, indicator: str, *, title: str,
               extra: tuple[str, str] | None = None) -> Table | None:
    """By year: total, women, men, the share of women, and the revision used; a share
    taken only on the figures whose sex was recorded says so under the table. A rate
    (cost in per cent) has no share of women: its columns are all, women and men."""
    totals = data.series(indicator)
    if totals.empty:
        return None
    if not adds_up(indicator):
        return _rate_year_table(data, loc, indicator, title=title, extra=extra)
    women, men = data.series(indicator, sex="F"), data.series(indicator, sex="M")
    revisions = data.revisions(indicator)
    extra_series = data.series(extra[0]) if extra else None
    rows, partial = [], []
    for year in sorted(set(totals.index) | set(women.index)):
        total = totals.get(year)
        share = data.women(indicator, year)
        if share is not None and not share.whole:
            partial.append(loc._("Women (%) in {year}: {women} of the {base} {people} whose "
                                 "sex was recorded.").format(
                year=year, women=loc.integer(share.part), base=loc.integer(share.base),
                people=people_noun(indicator, loc)))
        row = [year, loc.integer(total), loc.integer(women.get(year)), loc.integer(men.get(year)),
               loc.percent(share.percent if share else None)]
        if extra_series is not None:
            row.append(loc.integer(extra_series.get(year)))
        rows.append([*row, revisions.get(year, "")])
    columns = [loc._("Year"), loc._("Total"), loc._("Women"), loc._("Men"), loc._("Women (%)")]
    if extra:
        columns.append(extra[1])
    columns.append(loc._("Revision"))
    note = " ".join([*partial, indicator_note(data, loc, indicator)])
    return Table(title, columns, rows, note,
                 numeric=[False, *[True] * (len(columns) - 2), False])


def _rate_year_table(data: ReportData, loc: Localizer, indicator: str, *, title: str,
                     extra: tuple[str, str] | None) -> Table:
    """By year: the rate of all, of women and of men (where given) as the source gives
    them, and the revision used."""
    unit = REGISTRY[indicator].unit
    by_sex = [data.series(indicator, sex="F"), data.series(indicator, sex="M")]
    series = [data.series(indicator), *(by_sex if any(not s.empty for s in by_sex) else [])]
    columns = [loc._("Year"), loc._("All"), *([loc._("Women"), loc._("Men")]
                                              if len(series) > 1 else [])]
    if extra:
        series.append(data.series(extra[0]))
        columns.append(extra[1])
    columns.append(loc._("Revision"))
    revisions = data.revisions(indicator)
    years = sorted(set().union(*(s.index for s in series)))
    rows = [[year, *(format_by_unit(s.get(year), unit, loc) for s in series),
             revisions.get(year, "")] for year in years]
    return Table(title, columns, rows, indicator_note(data, loc, indicator),
                 numeric=[False, *[True] * (len(columns) - 2), False])


def dimension_table(data: ReportData, loc: Localizer, total: str, parts: tuple[str, ...], *,
                    title: str) -> Table | None:
    """The latest year's figure of each code of a dimension (one indicator each, the code
    ``fixed``), with its share of the total."""
    years = [year for key in parts if (year := data.latest_year(key)) is not None]
    if not years:
        return None
    year = max(years)
    whole = data.value(total, year) if total else None
    flow = national_source(parts[0])
    dimension = flow.dimension(next(iter(national_families()[parts[0]].fixed)))
    names = flow.codes(dimension.codelist)
    shares = flow.additive
    rows = []
    for key in parts:
        value = data.value(key, year)
        if value is None:
            continue
        code = national_families()[key].fixed[dimension.id]
        row = [names[code][loc.language], format_by_unit(value, REGISTRY[key].unit, loc)]
        if shares:
            row.append(loc.percent(100 * value / whole if whole else None))
        rows.append(row)
    columns = [dimension.names[loc.language], loc._("Number") if shares else loc._("Value")]
    if shares:
        columns.append(loc._("Share of total (%)"))
    return Table(title.format(year=year), columns, rows,
                 indicator_note(data, loc, total or parts[0]),
                 numeric=[False, *[True] * (len(columns) - 1)],
                 widths=[4, *[2] * (len(columns) - 1)])


def _top_text(data: ReportData, loc: Localizer, indicator: str) -> tuple[str, str]:
    year = data.latest_year(indicator)
    if year is None:
        return "", ""
    top = data.top_partners(indicator, year=year, n=3)
    unit = REGISTRY[indicator].unit
    items = [f"{loc.country(c)} ({format_by_unit(v, unit, loc)})"
             for c, v in zip(top.counterpart_area, top.value, strict=True)]
    return year, format_list(items, locale=loc.locale) if items else ""


def _latest_sentence(data: ReportData, loc: Localizer, indicator: str,
                     template: str) -> str:
    latest = data.latest(indicator)
    if latest is None:
        return ""
    year, value = latest
    share = data.women(indicator, year)
    women = women_text(share, loc, indicator) if share is not None and share.base else ""
    return template.format(year=year, number=format_by_unit(value, REGISTRY[indicator].unit,
                                                            loc),
                           women=women, country=loc.country(data.country),
                           name=indicator_name(indicator, loc))


def _partners_sentence(data: ReportData, loc: Localizer, indicator: str,
                       template: str) -> str:
    year, partners = _top_text(data, loc, indicator)
    return template.format(year=year, partners=partners) if partners else ""


def _sentence(data: ReportData, loc: Localizer, indicator: str, words: Words) -> str:
    if not indicator:
        return words(loc)
    if REGISTRY[indicator].by_partner:
        return _partners_sentence(data, loc, indicator, words(loc))
    return _latest_sentence(data, loc, indicator, words(loc))


def _flow_names(data: ReportData, block: PlannedBlock, loc: Localizer) -> tuple[str, str]:
    """The names of a flow block's two dimensions (province of origin, of destination)."""
    flow = data.dataflows[block.dataflow]
    return tuple(flow.dimension(d).names[loc.language] for d in block.flow)


def flow_matrix(data: ReportData, loc: Localizer, block: PlannedBlock, *,
                title: str) -> Table | None:
    """The latest year's flows, from (rows) and to (columns), with their totals; the
    ``largest`` origins and destinations where there are more."""
    matrix = data.flows.get((block.dataflow, block.flow))
    if matrix is None or not matrix.cells:
        return None
    froms, tos = matrix.top_from(block.largest), matrix.top_to(block.largest)
    rows = [[matrix.name(a), *(loc.integer(matrix.cells.get((a, b))) for b in tos),
             loc.integer(matrix.from_totals.get(a))] for a in froms]
    rows.append([loc._("Total"), *(loc.integer(matrix.to_totals.get(b)) for b in tos),
                 loc.integer(matrix.total)])
    source, target = _flow_names(data, block, loc)
    notes = [loc._("Rows: {rows}. Columns: {columns}.").format(rows=source, columns=target)]
    if len(froms) < len(matrix.from_totals) or len(tos) < len(matrix.to_totals):
        notes.append(loc._("The {shown} largest of {known} are shown; the totals include "
                           "all.").format(shown=max(len(froms), len(tos)),
                                          known=max(len(matrix.from_totals),
                                                    len(matrix.to_totals))))
    notes.append(_flow_note(data, loc, block, matrix.revision))
    columns = [f"{source} \u2192 {target}", *map(matrix.name, tos), loc._("Total")]
    return Table(title.format(year=matrix.year), columns, rows, " ".join(notes),
                 numeric=[False, *[True] * (len(columns) - 1)],
                 widths=[3, *[2] * (len(columns) - 1)])


def largest_flows(data: ReportData, loc: Localizer, block: PlannedBlock, *,
                  title: str) -> Table | None:
    """The ``largest`` flows of the latest year, largest first, with their share of all."""
    matrix = data.flows.get((block.dataflow, block.flow))
    if matrix is None or not matrix.cells:
        return None
    source, target = _flow_names(data, block, loc)
    rows = [[matrix.name(a), matrix.name(b), loc.integer(value),
             loc.percent(100 * value / matrix.total if matrix.total else None)]
            for (a, b), value in matrix.largest(block.largest)]
    columns = [source, target, loc._("Number"), loc._("Share of total (%)")]
    return Table(title.format(year=matrix.year), columns, rows,
                 _flow_note(data, loc, block, matrix.revision),
                 numeric=[False, False, True, True], widths=[3, 3, 2, 2])


def _flow_note(data: ReportData, loc: Localizer, block: PlannedBlock, revision: str) -> str:
    """The source note of a flow block: its indicator's, else the revision used."""
    if block.indicator:
        return indicator_note(data, loc, block.indicator)
    return loc._("Revision {revision}").format(revision=revision) + "."


def _block(data: ReportData, loc: Localizer, block: PlannedBlock) -> Block:
    if block.kind == "special":
        return SPECIAL_BLOCKS[block.special](data, loc)
    name = indicator_name(block.indicator, loc) if block.indicator else ""
    title = block.title(loc).replace("{name}", name)
    if block.kind == "flow_matrix":
        return flow_matrix(data, loc, block, title=title)
    if block.kind == "largest_flows":
        return largest_flows(data, loc, block, title=title)
    if block.kind == "key_figure":
        return [key_figure(data, loc, block.indicator, label=title or name)]
    if block.kind == "year_bars":
        return year_bars(data, loc, block.indicator, title=title)
    if block.kind == "year_table":
        extra = (block.extra, block.extra_title(loc)) if block.extra else None
        return year_table(data, loc, block.indicator, title=title, extra=extra)
    if block.kind == "map":
        unit = REGISTRY[block.indicator].unit
        legend = block.legend_title.get(loc.language) or unit_title(unit, loc)
        return partner_map(data, loc, block.indicator, title=title, legend_title=legend,
                           value_format=unit_value_format(unit))
    if block.kind == "partner_bars":
        unit = REGISTRY[block.indicator].unit
        return partner_bars(data, loc, block.indicator, title=title,
                            x_title=unit_title(unit, loc), value_format=unit_value_format(unit))
    return dimension_table(data, loc, block.indicator, block.dimension, title=title)


def _shown(data: ReportData, plan: SectionPlan) -> bool:
    return any(not data.rows(key, sex=None, partner=None).empty
               for key in plan.indicators if not REGISTRY[key].by_partner)


def build_plan(plan: SectionPlan, data: ReportData, loc: Localizer) -> Section | None:
    """The section a plan describes; None when none of its data exist, or, for a part
    the template requires (``always``), the section saying so."""
    if not _shown(data, plan):
        return _data_gap(plan, loc) if plan.always else None
    intro = [_sentence(data, loc, key, words) for key, words in plan.intro]
    blocks = [_block(data, loc, b) for b in plan.blocks]
    return Section(plan.id, plan.title(loc), [" ".join(s for s in intro if s)],
                   [b for b in blocks if b is not None and b != []])


def _data_gap(plan: SectionPlan, loc: Localizer) -> Section:
    """A section without data, stating the gap: which figures are missing and why."""
    headline = [key for key in plan.indicators if not REGISTRY[key].by_partner]
    totals = [key for key in headline if not national_families()[key].fixed] or headline
    names = format_list([indicator_name(key, loc) for key in totals], locale=loc.locale)
    return Section(plan.id, plan.title(loc), [loc._(
        "Data gap: the profile has no figures yet for {names}. They come from national data "
        "that have not been imported (see the data gaps in the annex).").format(names=names)],
        gap=True)


# special blocks -------------------------------------------------------------------------

@special_block("diaspora_concepts")
def _two_concepts(data: ReportData, loc: Localizer) -> Callout | None:
    """Diaspora and emigrant stock side by side, as the distinct concepts they are."""
    rows = []
    for indicator in ("diaspora", "diaspora_citizens", "consular_registrations",
                      "emigrant_stock"):
        latest = data.latest(indicator)
        if latest is not None:
            rows.append([indicator_name(indicator, loc), latest[0],
                         format_by_unit(latest[1], REGISTRY[indicator].unit, loc)])
    if not any(r[0] == indicator_name("diaspora", loc) for r in rows) and \
            not any(r[0] == indicator_name("diaspora_citizens", loc) for r in rows):
        return None
    table = Table(loc._("Diaspora and emigrant stock: different concepts"),
                  [loc._("Concept"), loc._("Year"), loc._("Number")], rows,
                  indicator_note(data, loc, "diaspora", "diaspora_citizens",
                                 "consular_registrations", "emigrant_stock"),
                  numeric=[False, False, True], widths=[5, 1, 2])
    paragraphs = [
        loc._("The diaspora, as the country's authorities count it, includes people of "
              "national origin born abroad and those who have taken another citizenship. The "
              "emigrant stock of UN DESA counts people born in the country who live abroad. "
              "Consular registrations count only the citizens who registered."),
        loc._("The figures answer different questions, so they differ and are never added up "
              "or compared as one series."),
    ]
    return Callout(loc._("Diaspora is not the emigrant stock"), paragraphs, table)

