"""Sections of the international sources, one generic section per declaration.

Key figures, immigration, emigration, remittances and forced migration are each declared
here as data (:class:`TopicSection`): a title, the paragraphs of the introduction (a
sentence said as written, or one on an indicator's latest figure) and the blocks, charts
and tables of declared indicators, in their order. Their texts are messages of the
catalogs (marked with :func:`N_`, translated when shown). One builder shows every one
(:func:`build_topic`); a paragraph or block that is not one of these is computed in code
and registered by name (:func:`special_intro`; blocks with
:func:`~migprofile.report.sections.national.special_block`, as national sections do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section, Table
from migprofile.report.sections.common import (
    indicator_note,
    key_figure,
    line_figure,
    partner_bars,
    partner_table,
    sex_bars,
)
from migprofile.report.sections.national import SPECIAL_BLOCKS

__all__ = [
    "DECLARED_SECTIONS",
    "N_",
    "KeyFigure",
    "KeyFigures",
    "Latest",
    "Lines",
    "PartnerBars",
    "PartnerTable",
    "Said",
    "SexBars",
    "Special",
    "SpecialIntro",
    "TopicSection",
    "YearTable",
    "build_topic",
    "special_intro",
    "topic_builders",
]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs (``make catalogs`` extracts it); it is translated
    where it is shown."""
    return message


SPECIAL_INTROS: dict[str, Callable[[ReportData, Localizer], list[str]]] = {}
"""Paragraphs computed in code, by the name a declaration gives (:class:`SpecialIntro`)."""


def special_intro(name: str):
    """Register paragraphs a declaration can show with :class:`SpecialIntro`."""
    def register(function: Callable[[ReportData, Localizer], list[str]]):
        SPECIAL_INTROS[name] = function
        return function
    return register


# paragraphs of the introduction -----------------------------------------------------------

@dataclass(frozen=True)
class Said:
    """A paragraph said as written."""

    text: str


@dataclass(frozen=True)
class Latest:
    """A paragraph on an indicator's latest figure (``{year}``, ``{number}``,
    ``{country}``); left out when there is none, or it is zero."""

    indicator: str
    text: str


@dataclass(frozen=True)
class SpecialIntro:
    """Paragraphs computed in code (registered with :func:`special_intro`)."""

    name: str


Paragraphs = Said | Latest | SpecialIntro


def _paragraphs(data: ReportData, loc: Localizer, item: Paragraphs) -> list[str]:
    if isinstance(item, Said):
        return [loc._(item.text)]
    if isinstance(item, SpecialIntro):
        return SPECIAL_INTROS[item.name](data, loc)
    latest = data.latest(item.indicator)
    if latest is None or latest[1] == 0:
        return []
    return [loc._(item.text).format(year=latest[0], number=loc.integer(latest[1]),
                                    country=loc.country(data.country))]


# blocks ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyFigure:
    """An indicator's latest value; ``detail`` names an indicator of percent whose latest
    value is said beside it, with ``detail_text`` (``{value}``, ``{year}``)."""

    indicator: str
    label: str
    sex: str = "_T"
    detail: str = ""
    detail_text: str = ""


@dataclass(frozen=True)
class KeyFigures:
    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class SexBars:
    """Women and men over time, stacked."""

    indicator: str
    title: str


@dataclass(frozen=True)
class Lines:
    """One line per indicator over time. Titles are messages; a symbol (``%``) is shown as
    it is in every language."""

    indicators: tuple[str, ...]
    title: str
    y_title: str
    scale: float = 1.0
    value_format: str = ",d"


@dataclass(frozen=True)
class PartnerBars:
    """The largest partners in the latest year (``{year}`` in the title)."""

    indicator: str
    title: str
    scale: float = 1.0
    x_title: str = ""
    value_format: str = ",d"


@dataclass(frozen=True)
class PartnerTable:
    """The largest partners in the latest year, with women, men and the share of women."""

    indicator: str
    title: str
    partner_heading: str


@dataclass(frozen=True)
class YearTable:
    """By year: total, women, men, the share of women (an indicator of it) and one more
    column of percent (``extra``)."""

    indicator: str
    women_share: str
    extra: str
    title: str
    extra_title: str


@dataclass(frozen=True)
class Special:
    """A block computed in code (registered with ``special_block``)."""

    name: str


Block = KeyFigures | SexBars | Lines | PartnerBars | PartnerTable | YearTable | Special


def _detail(data: ReportData, loc: Localizer, figure: KeyFigure) -> str:
    latest = data.latest(figure.detail) if figure.detail else None
    if latest is None:
        return ""
    return loc._(figure.detail_text).format(value=loc.percent(latest[1]), year=latest[0])


def _year_table(data: ReportData, loc: Localizer, block: YearTable) -> Table | None:
    totals = data.series(block.indicator)
    if totals.empty:
        return None
    women, men = data.series(block.indicator, sex="F"), data.series(block.indicator, sex="M")
    share = data.series(block.women_share, sex="F")
    extra = data.series(block.extra)
    rows = [[year, loc.integer(totals[year]), loc.integer(women.get(year)),
             loc.integer(men.get(year)), loc.percent(share.get(year)),
             loc.percent(extra.get(year))] for year in totals.index]
    columns = [loc._("Year"), loc._("Total"), loc._("Women"), loc._("Men"),
               loc._("Women (%)"), loc._(block.extra_title)]
    return Table(loc._(block.title), columns, rows,
                 indicator_note(data, loc, block.indicator, block.extra),
                 numeric=[False, True, True, True, True, True])


def _block(data: ReportData, loc: Localizer, block: Block):
    if isinstance(block, KeyFigures):
        return [key_figure(data, loc, f.indicator, label=loc._(f.label), sex=f.sex,
                           detail=_detail(data, loc, f)) for f in block.figures]
    if isinstance(block, SexBars):
        return sex_bars(data, loc, block.indicator, title=loc._(block.title))
    if isinstance(block, Lines):
        return line_figure(data, loc, list(block.indicators), title=loc._(block.title),
                           y_title=loc._(block.y_title), scale=block.scale,
                           value_format=block.value_format)
    if isinstance(block, PartnerBars):
        return partner_bars(data, loc, block.indicator, title=loc._(block.title),
                            scale=block.scale,
                            x_title=loc._(block.x_title) if block.x_title else None,
                            value_format=block.value_format)
    if isinstance(block, PartnerTable):
        return partner_table(data, loc, block.indicator, title=loc._(block.title),
                             partner_heading=loc._(block.partner_heading))
    if isinstance(block, YearTable):
        return _year_table(data, loc, block)
    return SPECIAL_BLOCKS[block.name](data, loc)


# the sections -----------------------------------------------------------------------------

@dataclass(frozen=True)
class TopicSection:
    """What a section of the international sources shows, in its order."""

    id: str
    title: str
    intro: tuple[Paragraphs, ...]
    blocks: tuple[Block, ...]
    empty: str = ""
    """The paragraph said when no other is."""


def build_topic(section: TopicSection, data: ReportData, loc: Localizer) -> Section:
    intro = [p for item in section.intro for p in _paragraphs(data, loc, item)]
    if not intro and section.empty:
        intro = [loc._(section.empty)]
    blocks = [_block(data, loc, block) for block in section.blocks]
    return Section(section.id, loc._(section.title), intro, [b for b in blocks if b])


KEY_FIGURES = TopicSection(
    "key_figures", N_("Key figures"),
    intro=(Said(N_("The latest value of each headline indicator, with the year it refers "
                   "to. Figures from different sources refer to different years and "
                   "definitions; the annex gives every definition and source.")),),
    blocks=(KeyFigures((
        KeyFigure("population", N_("Population")),
        KeyFigure("immigrant_stock", N_("Immigrants"), detail="immigrants_pct_population",
                  detail_text=N_("{value} of the population in {year}")),
        KeyFigure("emigrant_stock", N_("Emigrants"), detail="emigration_rate",
                  detail_text=N_("emigration rate {value} in {year}")),
        KeyFigure("female_share_emigrants", N_("Women among emigrants"), sex="F"),
        KeyFigure("remittance_inflows_usd", N_("Remittance inflows"),
                  detail="remittance_inflows_pct_gdp",
                  detail_text=N_("{value} of GDP in {year}")),
        KeyFigure("net_migration", N_("Net migration")),
        KeyFigure("net_migration_rate", N_("Net migration rate (per 1,000 population)")),
        KeyFigure("refugees_abroad", N_("Refugees from the country")),
        KeyFigure("refugees_hosted_total", N_("Refugees hosted")),
    )),),
)

IMMIGRATION = TopicSection(
    "immigration", N_("Immigration"),
    intro=(SpecialIntro("immigration"), SpecialIntro("undesa_data_types")),
    blocks=(
        SexBars("immigrant_stock", N_("Immigrant stock by sex")),
        PartnerBars("immigrant_stock_by_origin",
                    N_("Main countries of origin of immigrants, {year}")),
        YearTable("immigrant_stock", "female_share_immigrants", "immigrants_pct_population",
                  N_("Immigrant stock"), N_("Share of the population (%)")),
        PartnerTable("immigrant_stock_by_origin",
                     N_("Immigrants by country of origin and sex, {year}"),
                     N_("Country of origin")),
    ),
)

EMIGRATION = TopicSection(
    "emigration", N_("Emigration"),
    intro=(SpecialIntro("emigration"),),
    blocks=(
        SexBars("emigrant_stock", N_("Emigrant stock by sex")),
        PartnerBars("emigrant_stock_by_destination",
                    N_("Main countries of destination of emigrants, {year}")),
        YearTable("emigrant_stock", "female_share_emigrants", "emigration_rate",
                  N_("Emigrant stock"), N_("Emigration rate (%)")),
        PartnerTable("emigrant_stock_by_destination",
                     N_("Emigrants by country of destination and sex, {year}"),
                     N_("Country of destination")),
    ),
)

REMITTANCES = TopicSection(
    "remittances", N_("Remittances"),
    intro=(SpecialIntro("remittances"),),
    blocks=(
        Lines(("remittance_inflows_usd", "remittance_outflows_usd"),
              N_("Personal remittances, US$ million"), N_("US$ million"), scale=1e6),
        Lines(("remittance_inflows_pct_gdp",), N_("Remittance inflows as a share of GDP (%)"),
              "%", value_format=",.1f"),
        PartnerBars("remittance_inflows_by_sender_usd",
                    N_("Main sending countries of remittances (KNOMAD estimate), {year}, "
                       "US$ million"),
                    scale=1e6, x_title=N_("US$ million"), value_format=",.1f"),
        Special("remittance_sources"),
    ),
)

FORCED_MIGRATION = TopicSection(
    "forced_migration", N_("Forced migration"),
    intro=(
        Latest("refugees_abroad", N_("At the end of {year}, {number} refugees from {country} "
                                     "were hosted in other countries.")),
        Latest("asylum_seekers_abroad", N_("{number} asylum-seekers from {country} awaited a "
                                           "decision at the end of {year}.")),
        Latest("refugees_hosted_total",
               N_("{country} hosted {number} refugees at the end of {year}.")),
        Latest("internally_displaced",
               N_("UNHCR counted {number} internally displaced persons in {year}.")),
        Latest("stateless_persons",
               N_("UNHCR counted {number} stateless persons in {country} in {year}.")),
    ),
    empty=N_("UNHCR reports no refugees, asylum-seekers, internally displaced or stateless "
             "persons for the country."),
    blocks=(
        Lines(("refugees_abroad", "asylum_seekers_abroad"),
              N_("Refugees and asylum-seekers from the country"), N_("persons")),
        PartnerBars("refugees_by_origin",
                    N_("Main countries of asylum of refugees from the country, {year}")),
        Lines(("refugees_hosted_total",), N_("Refugees hosted by the country"),
              N_("persons")),
        PartnerBars("refugees_hosted", N_("Main countries of origin of refugees hosted, "
                                          "{year}")),
    ),
)

DECLARED_SECTIONS = {section.id: section for section in (
    KEY_FIGURES, IMMIGRATION, EMIGRATION, REMITTANCES, FORCED_MIGRATION)}
"""The declared sections, by id."""


def topic_builders() -> dict[str, Callable[[ReportData, Localizer], Section]]:
    """A section builder of each declared section, by id."""
    return {key: partial(build_topic, section) for key, section in DECLARED_SECTIONS.items()}
