"""Long-term migration from border data: monthly flows (final months, then provisional
months on their own scale), the last 12 final months by citizenship and sex, residents and
non-residents by year.

Every aggregate shown is computed from the exact counts and protected once as a published
table (``ReportData.border``); monthly values are the published indicator values. Nothing
here adds up values that disclosure control already rounded or withheld.
"""

from __future__ import annotations

import math

import pandas as pd

from migprofile.codes import NOT_COUNTRIES, TOTAL
from migprofile.indicators.border import FLOWS, BorderTables
from migprofile.report import charts
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Figure, Origin, Section, Table
from migprofile.report.sections.common import (
    indicator_name,
    sex_label,
    source_note,
    source_origin,
)

ID = "border"
SEXES = ("F", "M", "_U", TOTAL)


def _intro(data: ReportData, border: BorderTables, loc: Localizer) -> list[str]:
    rule = data.settings.crossings
    source = data.source("crossings")
    paragraphs = [loc._("Long-term migration estimated from the border crossings imported into "
                        "this profile, classified person by person with the residence rule: a "
                        "crossing is long-term when the traveller then spends at least {days} "
                        "days in (or out of) the country within {window} days. The data end "
                        "on {end}.").format(days=rule.threshold, window=rule.window,
                                            end=source.revision if source else "–"),
                  loc._("What is counted is long-term migrants: crossings that change a "
                        "person's residence. A long-term arrival begins a residence in the "
                        "country, a long-term departure ends one, and the net is the arrivals "
                        "minus the departures.")]
    if border.window:
        total = {i: border.window_flows.get((i, TOTAL, TOTAL), 0.0) for i in FLOWS}
        paragraphs.append(loc._(
            "In the {count} months from {first} to {last}, {arrivals} long-term arrivals and "
            "{departures} long-term departures gave a net long-term migration of {net}.").format(
            count=len(border.window), first=border.window[0], last=border.window[-1],
            arrivals=loc.integer(total["ltm_arrivals"]),
            departures=loc.integer(total["ltm_departures"]),
            net=loc.integer(total["ltm_net"])))
    if border.provisional_months:
        paragraphs.append(loc._(
            "Counts for crossings from {first} to {last} are provisional: they can change as "
            "later crossings are recorded, and are shown apart from final counts.").format(
            first=border.provisional_months[0], last=border.provisional_months[-1]))
    if border.rule.enabled:
        paragraphs.append(loc._(
            "To protect the people counted, each published count is randomly rounded to a "
            "multiple of {base}, and counts below {threshold}, with the counts from which they "
            "could be worked out, are withheld and shown as C. Each figure is computed from "
            "the exact counts and then rounded on its own, so figures may not add up to the "
            "totals shown; a net always equals the arrivals minus the departures shown beside "
            "it.").format(base=border.rule.rounding_base, threshold=border.rule.threshold))
    paragraphs.append(source_note(data, loc, ["crossings"]))
    return paragraphs


def _crossings(data: ReportData) -> tuple[Origin, ...]:
    """Where every value of the section's charts comes from: the imported crossings."""
    source = data.source("crossings")
    return (source_origin(source),) if source else ()


def _monthly(data: ReportData, indicator: str) -> pd.Series:
    return data.series(indicator).sort_index()


def _flows_figure(data: ReportData, loc: Localizer) -> Figure | None:
    frames = []
    for indicator, label in (("ltm_arrivals", loc._("Long-term arrivals")),
                             ("ltm_departures", loc._("Long-term departures"))):
        for provisional in (False, True):
            series = _monthly(data, f"{indicator}_provisional" if provisional else indicator)
            status = loc._("provisional (own scale)") if provisional else loc._("final")
            frames.append(pd.DataFrame({"month": series.index, "value": series.to_numpy(),
                                        "series": label, "status": status}))
    df = pd.concat(frames)
    if df.empty:
        return None
    spec = charts.monthly_chart(df, y_title=loc._("long-term migrants"))
    note = loc._("Provisional counts assume that each person's last stay lasts the whole "
                 "window: residents abroad at the data end are counted as long-term "
                 "departures, and people who arrived recently as long-term arrivals, until "
                 "later crossings show otherwise. They are drawn on their own scale, on the "
                 "right.") if (df.status != loc._("final")).any() else ""
    return Figure(loc._("Long-term arrivals and departures by month: final counts, then "
                        "provisional counts (dashed)"), spec, note, origins=_crossings(data))


def _citizenship_figure(border: BorderTables, loc: Localizer, indicator: str, title: str,
                        *, top_n: int, origins: tuple[Origin, ...]) -> Figure | None:
    shown = {partner: value for (own, partner, sex), value in border.window_flows.items()
             if own == indicator and sex == TOTAL and partner not in NOT_COUNTRIES
             and not math.isnan(value) and value > 0}
    top = sorted(shown.items(), key=lambda item: (-item[1], item[0]))[:top_n]
    if not top:
        return None
    df = pd.DataFrame({"label": [loc.country(c) for c, _ in top],
                       "value": [v for _, v in top]})
    spec = charts.bar_chart(df, x_title=loc._("long-term migrants"))
    return Figure(title.format(first=border.window[0], last=border.window[-1]), spec, "",
                  origins=origins, kind="citizenship_bars")


def _sex_table(border: BorderTables, loc: Localizer) -> Table | None:
    if not border.window_flows:
        return None
    rows = []
    for sex in SEXES:
        values = [border.window_flows.get((i, TOTAL, sex)) for i in FLOWS]
        if sex == "_U" and all(v is None for v in values):
            continue
        label = loc._("Sex not recorded") if sex == "_U" else sex_label(sex, loc)
        rows.append([label, *(loc.integer(0.0 if v is None else v) for v in values)])
    columns = [loc._("Sex"), loc._("Long-term arrivals"), loc._("Long-term departures"),
               loc._("Net")]
    return Table(loc._("Long-term migration by sex, {first} to {last}").format(
        first=border.window[0], last=border.window[-1]), columns, rows, "",
        numeric=[False, True, True, True], widths=[1.6, 1.5, 1.5, 1.2])


def _year_label(year: str, months: tuple[str, ...]) -> str:
    """The year, with the months it covers when they are not all twelve."""
    if len(months) == 12:
        return year
    return f"{year} ({months[0][5:]}–{months[-1][5:]})"


def _residence_figure(border: BorderTables, loc: Localizer, *,
                      origins: tuple[Origin, ...]) -> Figure | None:
    rows = [{"group": _year_label(year, border.year_months.get(year, ())),
             "value": value, "series": indicator_name(indicator, loc)}
            for (indicator, year), value in sorted(border.by_year.items(),
                                                   key=lambda item: item[0][1])]
    df = pd.DataFrame(rows, columns=["group", "value", "series"])
    if df.empty or not (df.value.fillna(0) > 0).any():
        return None
    spec = charts.grouped_bars(df, y_title=loc._("crossings"))
    return Figure(loc._("Arrivals and departures of residents and non-residents by year "
                        "(final counts)"), spec,
                  loc._("All crossings, not only long-term ones, in each year's final months "
                        "(shown beside the year when they are not all twelve)."),
                  origins=origins)


def _month_table(data: ReportData, border: BorderTables, loc: Localizer) -> Table | None:
    months = [(m, False) for m in border.window] + \
        [(m, True) for m in border.provisional_months]
    if not months:
        return None
    rows = []
    for month, provisional in months:
        suffix = "_provisional" if provisional else ""
        values = [data.value(f"{i}{suffix}", month) for i in FLOWS]
        status = loc._("provisional") if provisional else loc._("final")
        rows.append([month, status, *(loc.integer(0.0 if v is None else v) for v in values)])
    columns = [loc._("Month"), loc._("Counts"), loc._("Long-term arrivals"),
               loc._("Long-term departures"), loc._("Net")]
    return Table(loc._("Long-term migration by month"), columns, rows, "",
                 numeric=[False, False, True, True, True], widths=[1.2, 1.2, 1.5, 1.5, 1.2])


def build(data: ReportData, loc: Localizer) -> Section | None:
    border = data.border
    if border is None:
        return None
    top_n, origins = data.settings.report.top_n, _crossings(data)
    blocks = [
        _flows_figure(data, loc),
        _citizenship_figure(border, loc, "ltm_arrivals",
                            loc._("Long-term arrivals by citizenship, {first} to {last}"),
                            top_n=top_n, origins=origins),
        _citizenship_figure(border, loc, "ltm_departures",
                            loc._("Long-term departures by citizenship, {first} to {last}"),
                            top_n=top_n, origins=origins),
        _sex_table(border, loc),
        _residence_figure(border, loc, origins=origins),
        _month_table(data, border, loc),
    ]
    return Section(ID, loc._("Long-term migration from border data"),
                   _intro(data, border, loc), [b for b in blocks if b])
