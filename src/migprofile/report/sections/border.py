"""Long-term migration from border data: monthly flows (provisional months marked), top
citizenships, residents and non-residents."""

from __future__ import annotations

import pandas as pd

from migprofile.report import charts
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Figure, Section, Table
from migprofile.report.sections.common import indicator_name, indicator_note

ID = "border"
MONTHS = 12
FLOWS = ("ltm_arrivals", "ltm_departures", "ltm_net")


def _monthly(data: ReportData, indicator: str) -> pd.Series:
    return data.series(indicator).sort_index()


def _months(data: ReportData) -> tuple[list[str], list[str]]:
    """Months with final counts, and months with provisional counts."""
    final = sorted(set().union(*(_monthly(data, i).index for i in FLOWS)))
    provisional = sorted(set().union(*(_monthly(data, f"{i}_provisional").index
                                       for i in FLOWS)))
    return final, provisional


def _last_final_year(data: ReportData) -> list[str]:
    final, _ = _months(data)
    return final[-MONTHS:]


def _intro(data: ReportData, loc: Localizer) -> list[str]:
    rule = data.settings.crossings
    source = data.source("crossings")
    paragraphs = [loc._("Long-term migration estimated from the border crossings imported into "
                        "this profile, classified person by person with the residence rule: a "
                        "crossing is long-term when the traveller then spends at least {days} "
                        "days in (or out of) the country within {window} days. The data end "
                        "on {end}.").format(days=rule.threshold, window=rule.window,
                                            end=source.revision if source else "–")]
    months = _last_final_year(data)
    if months:
        total = {i: float(_monthly(data, i).reindex(months).fillna(0).sum()) for i in FLOWS}
        paragraphs.append(loc._(
            "In the {count} months from {first} to {last}, {arrivals} long-term arrivals and "
            "{departures} long-term departures gave a net long-term migration of {net}.").format(
            count=len(months), first=months[0], last=months[-1],
            arrivals=loc.integer(total["ltm_arrivals"]),
            departures=loc.integer(total["ltm_departures"]),
            net=loc.integer(total["ltm_net"])))
    _, provisional = _months(data)
    if provisional:
        paragraphs.append(loc._(
            "Counts for crossings from {first} to {last} are provisional: they can change as "
            "later crossings are recorded, and are shown apart from final counts.").format(
            first=provisional[0], last=provisional[-1]))
    return paragraphs


def _status_label(provisional: bool, loc: Localizer) -> str:
    return loc._("provisional") if provisional else loc._("final")


def _flows_figure(data: ReportData, loc: Localizer) -> Figure | None:
    frames = []
    for indicator, label in (("ltm_arrivals", loc._("Long-term arrivals")),
                             ("ltm_departures", loc._("Long-term departures"))):
        for provisional in (False, True):
            series = _monthly(data, f"{indicator}_provisional" if provisional else indicator)
            frames.append(pd.DataFrame({"month": series.index, "value": series.to_numpy(),
                                        "series": label,
                                        "status": _status_label(provisional, loc)}))
    df = pd.concat(frames)
    if df.empty:
        return None
    spec = charts.monthly_chart(df, y_title=loc._("persons"))
    return Figure(loc._("Long-term arrivals and departures by month (dashed lines: "
                        "provisional counts)"), spec,
                  indicator_note(data, loc, "ltm_arrivals"))


def _citizenship_figure(data: ReportData, loc: Localizer, indicator: str,
                        title: str) -> Figure | None:
    months = _last_final_year(data)
    rows = data.rows(indicator, partner=None)
    rows = rows[rows.time_period.isin(months)]
    top = (rows.groupby("counterpart_area").value.sum().sort_values(ascending=False)
           .head(data.settings.report.top_n))
    top = top[top > 0]
    if top.empty:
        return None
    df = pd.DataFrame({"label": [loc.country(c) for c in top.index], "value": top.to_numpy()})
    spec = charts.bar_chart(df, x_title=loc._("persons"))
    return Figure(title.format(first=months[0], last=months[-1]), spec,
                  indicator_note(data, loc, indicator))


def _residence_figure(data: ReportData, loc: Localizer) -> Figure | None:
    frames = []
    for indicator in ("arrivals_residents", "arrivals_non_residents", "departures_residents",
                      "departures_non_residents"):
        by_month = _monthly(data, indicator)
        by_year = by_month.groupby(by_month.index.str[:4]).sum()
        frames.append(pd.DataFrame({"group": by_year.index, "value": by_year.to_numpy(),
                                    "series": indicator_name(indicator, loc)}))
    df = pd.concat(frames)
    if df.empty or not df.value.any():
        return None
    spec = charts.grouped_bars(df, y_title=loc._("persons"))
    return Figure(loc._("Arrivals and departures of residents and non-residents by year "
                        "(final counts)"), spec,
                  indicator_note(data, loc, "arrivals_residents"))


def _month_table(data: ReportData, loc: Localizer) -> Table | None:
    final, provisional = _months(data)
    months = sorted(set(final[-MONTHS:]) | set(provisional))
    if not months:
        return None
    rows = []
    for month in months:
        for is_provisional in (False, True):
            suffix = "_provisional" if is_provisional else ""
            values = [data.value(f"{i}{suffix}", month) for i in FLOWS]
            if all(v is None for v in values):
                continue
            rows.append([month, _status_label(is_provisional, loc),
                         *(loc.integer(v or 0) for v in values)])
    columns = [loc._("Month"), loc._("Counts"), loc._("Long-term arrivals"),
               loc._("Long-term departures"), loc._("Net")]
    return Table(loc._("Long-term migration by month"), columns, rows,
                 indicator_note(data, loc, "ltm_arrivals"),
                 numeric=[False, False, True, True, True], widths=[1.2, 1.2, 1.5, 1.5, 1.2])


def build(data: ReportData, loc: Localizer) -> Section | None:
    if data.latest_year("ltm_arrivals") is None and \
            data.latest_year("ltm_arrivals_provisional") is None:
        return None
    blocks = [
        _flows_figure(data, loc),
        _citizenship_figure(data, loc, "ltm_arrivals_by_citizenship",
                            loc._("Long-term arrivals by citizenship, {first} to {last}")),
        _citizenship_figure(data, loc, "ltm_departures_by_citizenship",
                            loc._("Long-term departures by citizenship, {first} to {last}")),
        _residence_figure(data, loc),
        _month_table(data, loc),
    ]
    return Section(ID, loc._("Long-term migration from border data"), _intro(data, loc),
                   [b for b in blocks if b])
