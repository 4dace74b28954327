"""Sections of the international sources, one generic section per declaration.

Key figures, immigration, emigration, remittances and forced migration are declared beside
their indicators, in the ``[[sections]]`` of ``indicators/TOPIC.toml``
(:mod:`migprofile.indicators.declarations`), in the shape and with the block kinds of a
national dataflow's section, each text in every report language. One builder shows every
one (:func:`build_topic`); a paragraph or block that is not one of these is computed in
code and registered by name (:func:`~migprofile.report.sections.national.special_intro`
and :func:`~migprofile.report.sections.national.special_block`, as national sections do).
A declaration naming an unknown indicator or special part is refused with its file.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import groupby

from migprofile.codes.dataflows import SectionBlock, SectionSentence, TopicSectionDeclaration
from migprofile.errors import MigprofileError
from migprofile.indicators import REGISTRY
from migprofile.indicators.declarations import TOPIC_SECTIONS, DeclaredSection
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import KeyFigure, Section, Table
from migprofile.report.sections.common import (
    indicator_note,
    key_figure,
    line_figure,
    partner_bars,
    partner_map,
    partner_table,
    sex_bars,
)
from migprofile.report.sections.national import (
    SPECIAL_BLOCKS,
    SPECIAL_INTROS,
    check_maps,
    unit_title,
    unit_value_format,
    year_bars,
)

__all__ = ["build_topic", "declared_sections"]


@cache
def declared_sections() -> dict[str, DeclaredSection]:
    """The sections the topics declare, by id, in their order, each naming only indicators
    and special parts that exist."""
    for declared in TOPIC_SECTIONS.values():
        try:
            _check_references(declared.declaration)
        except ValueError as exc:
            raise MigprofileError(str(exc), path=declared.path) from exc
    return dict(TOPIC_SECTIONS)


def _named_indicators(section: TopicSectionDeclaration) -> Iterator[str]:
    yield from (sentence.indicator for sentence in section.intro)
    for block in section.blocks:
        yield from (block.indicator, block.extra, block.women_share, block.detail)
        yield from block.indicators


def _check_references(section: TopicSectionDeclaration) -> None:
    unknown = sorted({key for key in _named_indicators(section) if key and key not in REGISTRY})
    if unknown:
        raise ValueError(f"section {section.id!r} names unknown indicators: "
                         f"{', '.join(unknown)}")
    check_maps(section.id, [b.indicator for b in section.blocks if b.kind == "map"],
               {key for key, item in REGISTRY.items() if item.by_partner})
    for kind, known, names in (
            ("sentences", SPECIAL_INTROS, [s.special for s in section.intro]),
            ("block", SPECIAL_BLOCKS, [b.special for b in section.blocks])):
        for name in names:
            if name and name not in known:
                raise ValueError(f"section {section.id!r}: no special {kind} {name!r} "
                                 f"(known: {', '.join(sorted(known))})")


# the introduction -----------------------------------------------------------------------

def _paragraphs(data: ReportData, loc: Localizer, item: SectionSentence) -> list[str]:
    """A paragraph said as written, the paragraphs computed in code, or one on an
    indicator's latest figure (``{year}``, ``{number}``, ``{country}``), left out when
    there is none, or it is zero."""
    if item.special:
        return SPECIAL_INTROS[item.special](data, loc)
    text = item.text[loc.language]
    if not item.indicator:
        return [text]
    latest = data.latest(item.indicator)
    if latest is None or latest[1] == 0:
        return []
    return [text.format(year=latest[0], number=loc.integer(latest[1]),
                        country=loc.country(data.country))]


# blocks ---------------------------------------------------------------------------------

def _key_figure(data: ReportData, loc: Localizer, block: SectionBlock) -> KeyFigure:
    """An indicator's latest value; its ``detail``, an indicator of percent, said beside."""
    latest = data.latest(block.detail) if block.detail else None
    detail = "" if latest is None else block.detail_text[loc.language].format(
        value=loc.percent(latest[1]), year=latest[0])
    return key_figure(data, loc, block.indicator, label=block.title[loc.language],
                      sex=block.sex, detail=detail)


def _year_table(data: ReportData, loc: Localizer, block: SectionBlock) -> Table | None:
    """By year: total, women, men, the share of women (an indicator of it) and one more
    column of percent (``extra``)."""
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
               loc._("Women (%)"), block.extra_title[loc.language]]
    return Table(block.title[loc.language], columns, rows,
                 indicator_note(data, loc, block.indicator, block.extra),
                 numeric=[False, True, True, True, True, True])


def _axis(words: dict[str, str], indicator: str, loc: Localizer) -> str:
    """A chart's declared axis title, or the name of its indicator's unit."""
    return words[loc.language] if words else unit_title(REGISTRY[indicator].unit, loc)


def _value_format(block: SectionBlock, indicator: str) -> str:
    return block.value_format or unit_value_format(REGISTRY[indicator].unit)


def _block(data: ReportData, loc: Localizer, block: SectionBlock):
    if block.kind == "special":
        return SPECIAL_BLOCKS[block.special](data, loc)
    title = block.title[loc.language]
    if block.kind == "sex_bars":
        return sex_bars(data, loc, block.indicator, title=title)
    if block.kind == "year_bars":
        return year_bars(data, loc, block.indicator, title=title)
    if block.kind == "lines":
        first = block.indicators[0]
        return line_figure(data, loc, block.indicators, title=title,
                           y_title=_axis(block.y_title, first, loc), scale=block.scale,
                           value_format=_value_format(block, first))
    if block.kind == "partner_bars":
        return partner_bars(data, loc, block.indicator, title=title, scale=block.scale,
                            x_title=_axis(block.x_title, block.indicator, loc),
                            value_format=_value_format(block, block.indicator))
    if block.kind == "map":
        return partner_map(data, loc, block.indicator, title=title, scale=block.scale,
                           legend_title=_axis(block.legend_title, block.indicator, loc),
                           value_format=_value_format(block, block.indicator))
    if block.kind == "partner_table":
        return partner_table(data, loc, block.indicator, title=title,
                             partner_heading=block.partner_heading[loc.language])
    return _year_table(data, loc, block)


def build_topic(section: TopicSectionDeclaration, data: ReportData, loc: Localizer) -> Section:
    """The section as declared: its paragraphs (or the one said when none is), then its
    blocks, consecutive key figures side by side."""
    intro = [p for item in section.intro for p in _paragraphs(data, loc, item)]
    if not intro and section.empty:
        intro = [section.empty[loc.language]]
    blocks = []
    for figures, run in groupby(section.blocks, key=lambda b: b.kind == "key_figure"):
        if figures:
            blocks.append([_key_figure(data, loc, b) for b in run])
        else:
            blocks += [_block(data, loc, b) for b in run]
    return Section(section.id, section.title[loc.language], intro, [b for b in blocks if b])
