"""What every section needs: source notes, sex labels, charts of indicator series, the
working group's text."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from migprofile.codes import NOT_APPLICABLE, TOTAL
from migprofile.indicators import REGISTRY
from migprofile.indicators.national import national_source
from migprofile.report import charts
from migprofile.report.data import ReportData, Source
from migprofile.report.i18n import Localizer
from migprofile.report.maps import map_boundaries
from migprofile.report.markdown import markdown_html
from migprofile.report.model import Figure, KeyFigure, Map, Narrative, Origin, Table

__all__ = [
    "cite_source",
    "every_revision_note",
    "format_by_unit",
    "indicator_name",
    "indicator_note",
    "key_figure",
    "line_figure",
    "line_rows",
    "map_rows",
    "narrative_part",
    "partner_bars",
    "partner_map",
    "partner_table",
    "series_breaks",
    "sex_bar_rows",
    "sex_bars",
    "sex_label",
    "source_note",
    "source_origin",
    "top_partner_rows",
    "year_spans",
]


def indicator_name(indicator: str, loc: Localizer) -> str:
    return REGISTRY[indicator].name[loc.language]


def sex_label(sex: str, loc: Localizer) -> str:
    return {"F": loc._("Women"), "M": loc._("Men"), "_T": loc._("Total")}[sex]


def source_note(data: ReportData, loc: Localizer, kinds: Sequence[str]) -> str:
    """'Source: provider, title (revision; file, checksum).' for each source used."""
    return _note(loc, _source_parts(data, loc, kinds))


def _note(loc: Localizer, parts: Sequence[str]) -> str:
    return loc._("Source: {sources}. Computed by migprofile.").format(
        sources="; ".join(dict.fromkeys(parts)))


def _source_parts(data: ReportData, loc: Localizer, kinds: Sequence[str]) -> list[str]:
    return [cite_source(source, loc) for kind in dict.fromkeys(kinds)
            if (source := data.source(kind)) is not None]


def cite_source(source: Source, loc: Localizer) -> str:
    """'provider, title, revision R (file F, sha256 …)'."""
    return loc._("{provider}, {title}, revision {revision} (file {file}, sha256 "
                 "{checksum}…)").format(
        provider=source.provider, title=source.title, revision=source.revision,
        file=source.path, checksum=source.sha256[:12])


def source_origin(source: Source, **where: str) -> Origin:
    """Where the values ``where`` of a chart come from: ``source`` as its note cites it
    (provider, title), in its revision."""
    return Origin(f"{source.provider}, {source.title}", source.revision,
                  tuple(where.items()))


def every_revision_note(data: ReportData, loc: Localizer, kind: str) -> str:
    """The source note of a figure showing every revision of one source the profile has."""
    return _note(loc, [cite_source(s, loc) for s in data.sources if s.kind == kind])


def indicator_note(data: ReportData, loc: Localizer, *indicators: str) -> str:
    """The source note of figures showing ``indicators``; national data name the revision
    used for each year."""
    parts = []
    for key in indicators:
        if national_source(key) is not None:
            parts += _revision_notes(data, loc, key)
        else:
            parts += _source_parts(data, loc, REGISTRY[key].sources)
    return _note(loc, parts)


def year_spans(years: Sequence[str]) -> str:
    """``2017–2018, 2020`` for the years 2017, 2018 and 2020."""
    numbers = sorted(int(y) for y in years)
    spans: list[list[int]] = []
    for year in numbers:
        if spans and year == spans[-1][-1] + 1:
            spans[-1].append(year)
        else:
            spans.append([year])
    return ", ".join(str(s[0]) if len(s) == 1 else f"{s[0]}–{s[-1]}" for s in spans)


def _revision_notes(data: ReportData, loc: Localizer, indicator: str) -> list[str]:
    """One note per revision of national data the indicator uses, with its years."""
    kind = REGISTRY[indicator].sources[0]
    by_revision: dict[str, list[str]] = {}
    for year, revision in data.revisions(indicator).items():
        by_revision.setdefault(revision, []).append(year)
    notes = []
    for revision, years in sorted(by_revision.items()):
        source = data.source(kind, revision=revision)
        if source is None:
            continue
        notes.append(loc._("{provider}: {citation}, revision {revision}, used for {years} "
                           "(file {file}, sha256 {checksum}…)").format(
            provider=source.provider, citation=source.citation or source.title,
            revision=revision, years=year_spans(years), file=source.path,
            checksum=source.sha256[:12]))
    return notes


def sex_bar_rows(data: ReportData, loc: Localizer, indicator: str, *,
                 sexes: Sequence[str] = ("F", "M"),
                 partner: str = NOT_APPLICABLE) -> pd.DataFrame:
    """The values of ``sexes`` by year (of one partner of a by-partner indicator)."""
    df = pd.concat([data.rows(indicator, sex=sex, partner=partner).assign(sex=sex)
                    for sex in sexes])
    return pd.DataFrame({"year": df.time_period, "value": df.value, "sex": df.sex,
                         "label": [sex_label(s, loc) for s in df.sex]})


def sex_bars(data: ReportData, loc: Localizer, indicator: str, *, title: str) -> Figure | None:
    """Women and men over time, stacked."""
    df = sex_bar_rows(data, loc, indicator)
    if df.empty:
        return None
    spec = charts.stacked_bars(df, y_title=loc._("persons"))
    return Figure(title, spec, indicator_note(data, loc, indicator), indicators=(indicator,),
                  kind="sex_bars")


def latest_top_partners(data: ReportData, indicator: str) -> tuple[str, pd.DataFrame] | None:
    """The latest year of a by-partner indicator and its top-N partners, if any."""
    year = data.latest_year(indicator)
    if year is None:
        return None
    top = data.top_partners(indicator, year=year, n=data.settings.report.top_n)
    return None if top.empty else (year, top)


def partner_bars(data: ReportData, loc: Localizer, indicator: str, *, title: str,
                 scale: float = 1.0, x_title: str | None = None,
                 value_format: str = ",d") -> Figure | None:
    """The top-N partners in the latest year, largest first."""
    found = latest_top_partners(data, indicator)
    if found is None:
        return None
    year = found[0]
    df = top_partner_rows(data, loc, indicator, year=year, scale=scale)
    spec = charts.bar_chart(df, x_title=x_title or loc._("persons"), value_format=value_format)
    return Figure(title.format(year=year), spec, indicator_note(data, loc, indicator),
                  indicators=(indicator,), partner_year=year, scale=scale, kind="partner_bars")


def top_partner_rows(data: ReportData, loc: Localizer, indicator: str, *, year: str,
                     sex: str = TOTAL, scale: float = 1.0) -> pd.DataFrame:
    """The top-N partners in ``year``, largest first: their names and values."""
    top = data.top_partners(indicator, year=year, n=data.settings.report.top_n, sex=sex)
    return pd.DataFrame({"label": [loc.country(c) for c in top.counterpart_area],
                         "value": top.value / scale})


MAP_DESCRIBED = 5
"""How many of the largest values the text alternative of a map says."""


def partner_map(data: ReportData, loc: Localizer, indicator: str, *, title: str,
                scale: float = 1.0, legend_title: str | None = None,
                value_format: str = ",d") -> Map | None:
    """Every partner country's value in the latest year on a world map; the partners the
    boundaries cannot show are listed under it, largest first, so that no figure is lost."""
    year = data.latest_year(indicator)
    partners = None if year is None else data.partners(indicator, year=year)
    if partners is None or partners.empty:
        return None
    boundaries = map_boundaries(data.profile)
    unit = REGISTRY[indicator].unit
    said = [f"{loc.country(code)} ({format_by_unit(value, unit, loc)})"
            for code, value in zip(partners.counterpart_area, partners.value, strict=True)]
    shown = partners.counterpart_area.isin(boundaries.codes).to_numpy()
    df = map_rows(loc, partners, boundaries.codes, scale=scale)
    spec = charts.world_map(df, topology=boundaries.topology, feature=boundaries.feature,
                            own=data.country, own_label=loc.country(data.country),
                            no_data_label=loc._("no data"),
                            legend_title=legend_title or loc._("persons"),
                            value_format=value_format)
    unmapped = [text for text, on_map in zip(said, shown, strict=True) if not on_map]
    note = " ".join([indicator_note(data, loc, indicator), loc._(
        "Boundaries: {boundaries}.").format(boundaries=boundaries.citation)])
    return Map(
        title.format(year=year), spec, note, indicators=(indicator,), scale=scale, kind="map",
        description=" ".join([title.format(year=year) + ".", loc._(
            "Largest values: {partners}.").format(partners="; ".join(said[:MAP_DESCRIBED]))]),
        unmapped=loc._("Not on the map (no boundary at this scale): {places}.").format(
            places="; ".join(unmapped)) if unmapped else "",
        disclaimer=loc._("The boundaries and names shown and the designations used on this "
                         "map do not imply official endorsement or acceptance by the United "
                         "Nations."))


def map_rows(loc: Localizer, partners: pd.DataFrame, codes, *, scale: float) -> pd.DataFrame:
    """The partners (rows of :meth:`ReportData.partners`) a map can show, those with a
    boundary among ``codes``: code, name and value."""
    shown = partners.counterpart_area.isin(codes).to_numpy()
    return pd.DataFrame({"code": partners.counterpart_area[shown],
                         "label": [loc.country(c) for c in partners.counterpart_area[shown]],
                         "value": partners.value[shown] / scale})


def series_breaks(data: ReportData, loc: Localizer, indicator: str) -> list[str]:
    """'317,737 in 2021, then 17,507 in 2022' for each break of the indicator's series."""
    unit = REGISTRY[indicator].unit
    return [loc._("{before} in {before_year}, then {after} in {after_year}").format(
        before=format_by_unit(b.before, unit, loc), before_year=b.before_year,
        after=format_by_unit(b.after, unit, loc), after_year=b.after_year)
        for b in data.breaks(indicator)]


def line_figure(data: ReportData, loc: Localizer, indicators: Sequence[str], *, title: str,
                y_title: str, scale: float = 1.0, value_format: str = ",d") -> Figure | None:
    """One line per indicator over time; a break in a series is marked between its two
    years, the line is not drawn across it, and the note under the chart names it."""
    df = line_rows(data, loc, indicators, scale=scale)
    if df.empty:
        return None
    marks = [(int(b.before_year) + int(b.after_year)) / 2
             for key in indicators for b in data.breaks(key)]
    spec = charts.line_chart(df, y_title=y_title, value_format=value_format,
                             breaks=marks, break_label=loc._("break in series"))
    notes = [loc._("Break in series ({indicator}): {breaks}; see the annex.").format(
        indicator=indicator_name(key, loc), breaks="; ".join(found))
        for key in indicators if (found := series_breaks(data, loc, key))]
    return Figure(title, spec, " ".join([*notes, indicator_note(data, loc, *indicators)]),
                  indicators=tuple(indicators), scale=scale, kind="lines")


def line_rows(data: ReportData, loc: Localizer, indicators: Sequence[str], *,
              scale: float = 1.0, sex: str = TOTAL,
              partner: str = NOT_APPLICABLE) -> pd.DataFrame:
    """The values of each indicator by year (of one sex, of one partner of by-partner
    indicators), named by the indicator; a series is cut (``segment``) at each break."""
    frames = []
    for key in indicators:
        series = data.series(key, sex=sex, partner=partner)
        years = series.index.astype(int)
        starts = [int(b.after_year) for b in data.breaks(key)]
        frames.append(pd.DataFrame({"year": years, "value": series.to_numpy() / scale,
                                    "series": indicator_name(key, loc),
                                    "segment": [sum(y >= s for s in starts) for y in years]}))
    return pd.concat(frames)


def key_figure(data: ReportData, loc: Localizer, indicator: str, *, label: str,
               sex: str = "_T", detail: str = "") -> KeyFigure:
    """The latest value of an indicator, formatted by its unit, with its year."""
    latest = data.latest(indicator, sex=sex)
    note = indicator_note(data, loc, indicator)
    if latest is None:
        return KeyFigure(label, loc._("no data"), "", note, indicator, sex)
    year, value = latest
    return KeyFigure(label, format_by_unit(value, REGISTRY[indicator].unit, loc),
                     f"{year}; {detail}" if detail else year, note, indicator, sex)


def format_by_unit(value: float | None, unit: str, loc: Localizer) -> str:
    if unit == "percent":
        return loc.percent(value)
    if unit == "USD":
        return loc.usd_millions(value)
    if unit in ("per_100k", "per_1000"):
        return loc.decimal(value, 1)
    return loc.integer(value)


def partner_table(data: ReportData, loc: Localizer, indicator: str, *, title: str,
                  partner_heading: str) -> Table | None:
    """Top partners in the latest year with women, men and the female share."""
    found = latest_top_partners(data, indicator)
    if found is None:
        return None
    year, top = found
    by_sex = data.rows(indicator, sex=None, partner=None)
    by_sex = by_sex[by_sex.time_period == year].set_index(["counterpart_area", "sex"]).value
    rows = []
    for code, total in zip(top.counterpart_area, top.value, strict=True):
        women = by_sex.get((code, "F"))
        men = by_sex.get((code, "M"))
        share = data.women(indicator, year, partner=code)
        rows.append([loc.country(code), loc.integer(total), loc.integer(women),
                     loc.integer(men), loc.percent(share.percent if share else None)])
    columns = [partner_heading, loc._("Total"), loc._("Women"), loc._("Men"),
               loc._("Women (%)")]
    return Table(title.format(year=year), columns, rows, indicator_note(data, loc, indicator),
                 numeric=[False, True, True, True, True], widths=[3, 1.5, 1.5, 1.5, 1.5])


def narrative_part(data: ReportData, loc: Localizer, key: str, title: str) -> Narrative:
    """The working group's text ``narrative/KEY.LANG.md`` under ``title``, or the gap."""
    text = data.narrative(key, loc.language)
    return Narrative(title, markdown_html(text) if text else None,
                     loc._("The working group has not written this part in this language "
                           "(narrative/{file}).").format(file=f"{key}.{loc.language}.md"))
