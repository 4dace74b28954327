"""The choices each kind of report figure offers on the dashboard, and the rows of each
option, computed by the functions that compute the report's own view (its defaults):

- a chart of the largest partners: the year and the sex;
- a map: the year and the sex;
- a line chart: the sex, and a partner when every indicator drawn is the total of a
  by-partner indicator (the partner's series are that indicator's);
- women and men stacked: women and men, or one of them, and a partner as a line chart.

A sex is offered only when every indicator drawn has values of women and of men.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd
from altair.utils.data import to_values

from migprofile.codes import NOT_APPLICABLE, TOTAL
from migprofile.indicators import REGISTRY
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.maps import map_boundaries
from migprofile.report.model import Figure
from migprofile.report.sections.common import (
    line_rows,
    map_rows,
    sex_bar_rows,
    sex_label,
    top_partner_rows,
)
from migprofile.web.chart_choices import (
    Choice,
    choice_rows,
    offered,
    with_choices,
    with_keyed_choices,
)

__all__ = ["BAR", "with_figure_choices"]

BAR = 22
"""Pixels per bar, as in the report."""


def with_figure_choices(figure: Figure, spec: dict, data: ReportData,
                        loc: Localizer) -> tuple[dict, tuple[str, ...]]:
    """``spec`` (the figure's chart, themed) with the choices its kind offers, and the
    indicators it draws with them."""
    build = {"partner_bars": _partner_bars, "map": _map, "lines": _lines,
             "sex_bars": _sex_bars}.get(figure.kind)
    return (spec, figure.indicators) if build is None else build(figure, spec, data, loc)


def _records(df: pd.DataFrame) -> list[dict]:
    """A frame's rows as a chart's specification embeds them."""
    return to_values(df)["values"]


def _years(data: ReportData, indicator: str) -> dict[str, str]:
    years = sorted(set(data.rows(indicator, sex=None, partner=None).time_period),
                   reverse=True)
    return {str(year): str(year) for year in years}


def _has_sexes(data: ReportData, indicators: Sequence[str], partner: str | None) -> bool:
    return all(not data.rows(key, sex=sex, partner=partner).empty
               for key in indicators for sex in ("F", "M"))


def _sex(data: ReportData, loc: Localizer, indicators: Sequence[str], *,
         partner: str | None = NOT_APPLICABLE) -> Choice:
    sexes = (TOTAL, "F", "M") if _has_sexes(data, indicators, partner) else (TOTAL,)
    return Choice("sex", loc._("Sex"), {s: sex_label(s, loc) for s in sexes}, TOTAL)


def _partner_bars(figure: Figure, spec: dict, data: ReportData, loc: Localizer):
    """Every year, newest first, of each sex; bars ordered by value, since the partners
    change with the year."""
    indicator, = figure.indicators
    choices = [Choice("year", loc._("Year"), _years(data, indicator), figure.partner_year),
               _sex(data, loc, [indicator], partner=None)]
    rows = choice_rows(choices, lambda chosen: _records(top_partner_rows(
        data, loc, indicator, year=chosen["year"], sex=chosen["sex"], scale=figure.scale)))
    spec = with_choices(spec, rows, choices)
    for layer in spec["layer"]:
        layer["encoding"]["y"]["sort"] = "-x"
    shown = [c.field for c in offered(choices)]
    bars = Counter(tuple(row[field] for field in shown) for row in rows)
    spec["height"] = max(spec["height"], BAR * max(bars.values(), default=0))
    return spec, figure.indicators


def _map(figure: Figure, spec: dict, data: ReportData, loc: Localizer):
    """Every year, newest first, of each sex."""
    indicator, = figure.indicators
    years = _years(data, indicator)
    choices = [Choice("year", loc._("Year"), years, next(iter(years))),
               _sex(data, loc, [indicator], partner=None)]
    codes = map_boundaries(data.profile).codes
    rows = choice_rows(choices, lambda chosen: _records(map_rows(
        loc, data.partners(indicator, year=chosen["year"], sex=chosen["sex"]), codes,
        scale=figure.scale)))
    return with_keyed_choices(spec, rows, choices), figure.indicators


def _by_partner(indicators: Sequence[str]) -> list[str] | None:
    """The by-partner indicator whose total each indicator is, if each is one."""
    found = {item.partner_total: key for key, item in REGISTRY.items() if item.partner_total}
    return [found[key] for key in indicators] if all(k in found for k in indicators) else None


def _partner(data: ReportData, loc: Localizer, by_partner: list[str] | None) -> Choice:
    """All countries (the totals), then the largest partners of the indicators in their
    latest year, largest first, as many as a chart of the largest partners shows (the
    report's ``top_n``). Each partner adds every year of every indicator drawn, for each
    sex, to the page (the Viet Nam example's emigrants by sex: 3 kB as the report draws
    them, 52 kB with ten partners, 142 kB with thirty), and a list of every country is
    hard to use."""
    options = {NOT_APPLICABLE: loc._("All countries")}
    if by_partner:
        latest = pd.concat([data.partners(key, year=data.latest_year(key) or "")
                            for key in by_partner])
        largest = (latest.groupby("counterpart_area").value.sum().reset_index()
                   .sort_values(["value", "counterpart_area"], ascending=[False, True])
                   .counterpart_area[:data.settings.report.top_n])
        options |= {code: loc.country(code) for code in largest}
    return Choice("partner", loc._("Country"), options, NOT_APPLICABLE)


def _lines(figure: Figure, spec: dict, data: ReportData, loc: Localizer):
    indicators = figure.indicators
    by_partner = _by_partner(indicators)
    partner = _partner(data, loc, by_partner)
    drawn = [*indicators, *(by_partner or [])] if offered([partner]) else list(indicators)
    choices = [_sex(data, loc, drawn, partner=None), partner]

    def rows_of(chosen: dict[str, str]) -> list[dict]:
        shown = indicators if chosen["partner"] == NOT_APPLICABLE else by_partner
        return _records(line_rows(data, loc, shown, scale=figure.scale, sex=chosen["sex"],
                                 partner=chosen["partner"]))
    return with_choices(spec, choice_rows(choices, rows_of), choices), tuple(drawn)


def _sex_bars(figure: Figure, spec: dict, data: ReportData, loc: Localizer):
    indicator, = figure.indicators
    by_partner = _by_partner(figure.indicators)
    if by_partner and not _has_sexes(data, by_partner, None):
        by_partner = None
    partner = _partner(data, loc, by_partner)
    drawn = [indicator, *(by_partner or [])] if offered([partner]) else [indicator]
    choices = [Choice("sexes", loc._("Sex"), {TOTAL: loc._("Women and men"),
                                              "F": sex_label("F", loc),
                                              "M": sex_label("M", loc)}, TOTAL), partner]

    def rows_of(chosen: dict[str, str]) -> list[dict]:
        key = indicator if chosen["partner"] == NOT_APPLICABLE else by_partner[0]
        sexes = ("F", "M") if chosen["sexes"] == TOTAL else (chosen["sexes"],)
        return _records(sex_bar_rows(data, loc, key, sexes=sexes, partner=chosen["partner"]))
    return with_choices(spec, choice_rows(choices, rows_of), choices), tuple(drawn)
