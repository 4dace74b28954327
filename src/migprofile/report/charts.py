"""Charts as Vega-Lite specifications, built with Altair, rendered to PNG with vl-convert.

The same specification serves the PDF (as a PNG: SVG text breaks Lao shaping in
WeasyPrint) and the web app (interactive). Text inside charts uses one font per language
that holds every glyph the chart needs, because vl-convert cannot shape Lao across a font
fallback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import altair as alt
import pandas as pd
import vl_convert as vlc

from migprofile.report.cache import rendered
from migprofile.report.i18n import Localizer

__all__ = ["bar_chart", "grouped_bars", "line_chart", "monthly_chart", "render_png",
           "stacked_bars", "timeline_chart", "world_map"]

# Specifications are not validated against the Vega-Lite schema when built (it costs a
# tenth of a second per chart); vl-convert rejects an invalid one when rendering, and the
# tests render every chart.
WIDTH = 520
HEIGHT = 220
PALETTE = ["#1f5f8b", "#d9822b", "#3c8d5a", "#8e5ea2", "#b5443b", "#6b6b6b"]
SEX_COLORS = {"F": "#d9822b", "M": "#1f5f8b"}
MIN_PANEL = 120
"""Narrowest panel of a chart in panels (pixels)."""
BREAK_COLOR = "#b5443b"
SCALE = 2
"""Charts are rasterised at twice their nominal size, sharp in print."""
MAP_HEIGHT = 250
NO_DATA_COLOR = "#e4e4e4"
OWN_COLOR = PALETTE[1]
"""The profile's own country on a map: apart from the blues of the values."""


def _base(df: pd.DataFrame, *, height: int = HEIGHT) -> alt.Chart:
    return alt.Chart(df).properties(width=WIDTH, height=height)


def _legend(df: pd.DataFrame, column: str) -> alt.Legend | None:
    """A legend below the chart, or none when there is only one series."""
    if df[column].nunique() < 2:
        return None
    return alt.Legend(orient="bottom", direction="vertical", labelLimit=0)


def line_chart(df: pd.DataFrame, *, y_title: str, value_format: str = ",d",
               breaks: Sequence[float] = (), break_label: str = "") -> dict:
    """Values over years; ``df`` has columns ``year`` (int), ``value``, ``series`` and,
    optionally, ``segment``: a series is not joined across a change of segment.

    ``breaks`` are positions on the year axis (between two years) where a series breaks:
    each is drawn as a dashed rule labelled ``break_label``.
    """
    colors = alt.Scale(range=PALETTE)
    detail = {"detail": alt.Detail("segment:N")} if "segment" in df.columns else {}
    chart = _base(df).mark_line(point=True, strokeWidth=2.5).encode(
        **detail,
        x=alt.X("year:Q", title=None, scale=alt.Scale(zero=False, nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True)),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=value_format)),
        color=alt.Color("series:N", title=None, scale=colors,
                        sort=list(dict.fromkeys(df["series"])), legend=_legend(df, "series")),
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=value_format)],
    )
    if breaks:
        marks = pd.DataFrame({"year": list(breaks), "label": break_label})
        rule = alt.Chart(marks).mark_rule(color=BREAK_COLOR, strokeDash=[5, 4]).encode(
            x="year:Q")
        label = alt.Chart(marks).mark_text(color=BREAK_COLOR, align="left", baseline="top",
                                           dx=4, dy=4).encode(x="year:Q", y=alt.value(0),
                                                              text="label:N")
        chart = alt.layer(chart, rule, label)
    return chart.to_dict(validate=False)


def monthly_chart(df: pd.DataFrame, *, y_title: str) -> dict:
    """Monthly counts, one line per series; ``df`` has ``month`` (YYYY-MM), ``value``,
    ``series``, ``status``.

    The months of each status (final, then provisional) are a panel of their own, titled
    with the status, side by side and each with its own scale: provisional counts, which
    assume that the last stay lasts the whole window, are often far larger than final
    ones and would otherwise flatten them. Lines after the first panel are dashed.
    """
    statuses = list(dict.fromkeys(df["status"]))
    if len(statuses) < 2:
        return _monthly_panel(df, y_title=y_title, width=WIDTH, title=None,
                              dashed=False).to_dict(validate=False)
    months = {s: max(1, df.loc[df.status == s, "month"].nunique()) for s in statuses}
    spare = WIDTH - MIN_PANEL * len(statuses)
    panels = [_monthly_panel(df[df.status == status], y_title=y_title,
                             width=MIN_PANEL + round(spare * months[status]
                                                     / sum(months.values())),
                             title=status, dashed=index > 0)
              for index, status in enumerate(statuses)]
    return alt.hconcat(*panels, spacing=16).resolve_scale(
        y="independent", color="shared").to_dict(
        validate=False)


def _monthly_panel(df: pd.DataFrame, *, y_title: str, width: int, title: str | None,
                   dashed: bool) -> alt.Chart:
    series = list(dict.fromkeys(df["series"]))
    chart = alt.Chart(df).properties(width=width, height=HEIGHT)
    if title is not None:
        chart = chart.properties(title=alt.TitleParams(title, fontSize=11,
                                                       fontWeight="normal"))
    return chart.mark_line(point=alt.OverlayMarkDef(size=18), strokeWidth=2,
                           strokeDash=[5, 3] if dashed else [1, 0]).encode(
        x=alt.X("month:T", title=None, timeUnit="yearmonth",
                axis=alt.Axis(format="%m/%Y", labelOverlap=True)),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=",d", tickMinStep=1)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE),
                        sort=series, legend=_legend(df, "series")),
        tooltip=["series:N", "status:N", alt.Tooltip("month:T", format="%m/%Y"),
                 alt.Tooltip("value:Q", format=",d")],
    )


def stacked_bars(df: pd.DataFrame, *, y_title: str, value_format: str = ",d") -> dict:
    """Women and men over time, stacked; ``df`` has ``year``, ``value``, ``sex``, ``label``."""
    order = ["F", "M"]
    labels = [df.loc[df.sex == s, "label"].iloc[0] for s in order if (df.sex == s).any()]
    chart = _base(df).mark_bar().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=value_format)),
        color=alt.Color("label:N", title=None, sort=labels,
                        scale=alt.Scale(domain=labels,
                                        range=[SEX_COLORS[s] for s in order][: len(labels)]),
                        legend=_legend(df, "label")),
        order=alt.Order("sex:N", sort="ascending"),
        tooltip=["label:N", "year:O", alt.Tooltip("value:Q", format=value_format)],
    )
    return chart.to_dict(validate=False)


def bar_chart(df: pd.DataFrame, *, x_title: str, value_format: str = ",d") -> dict:
    """Horizontal bars, largest first; ``df`` has columns ``label`` and ``value``."""
    height = max(44, 22 * len(df))
    chart = _base(df, height=height).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("label:N", title=None, sort=list(df["label"]),
                axis=alt.Axis(labelLimit=220)),
        # Six-digit labels with thousands separators collide at Vega's default tick count.
        x=alt.X("value:Q", title=x_title,
                axis=alt.Axis(format=value_format, tickCount=5, labelOverlap="greedy")),
        tooltip=["label:N", alt.Tooltip("value:Q", format=value_format)],
    )
    labels = chart.mark_text(align="left", dx=3, fontSize=10).encode(
        text=alt.Text("value:Q", format=value_format))
    return (chart + labels).to_dict(validate=False)


def grouped_bars(df: pd.DataFrame, *, y_title: str, value_format: str = ",d") -> dict:
    """Two or more sources side by side; ``df`` has ``group``, ``series``, ``value``."""
    chart = _base(df).mark_bar().encode(
        x=alt.X("group:N", title=None, sort=list(dict.fromkeys(df["group"])),
                axis=alt.Axis(labelAngle=0, labelLimit=200)),
        xOffset=alt.XOffset("series:N", sort=list(dict.fromkeys(df["series"]))),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=value_format)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE),
                        sort=list(dict.fromkeys(df["series"])),
                        legend=_legend(df, "series")),
        tooltip=["group:N", "series:N", alt.Tooltip("value:Q", format=value_format)],
    )
    return chart.to_dict(validate=False)


def world_map(df: pd.DataFrame, *, topology: dict, feature: str, own: str, own_label: str,
              no_data_label: str, legend_title: str, value_format: str = ",d") -> dict:
    """A choropleth of the countries of ``topology``'s object ``feature`` (ids: alpha-3
    codes); ``df`` has ``code``, ``label`` and ``value`` (above zero) for some of them.

    Values are coloured on a logarithmic scale (a country's emigrants range from tens to
    millions by destination); the profile's own country (``own``) and the countries
    without a value are a layer below, each in a colour of its own named in a legend.
    """
    shapes = alt.InlineData(values=topology,
                            format=alt.TopoDataFormat(type="topojson", feature=feature))
    own_code = json.dumps(own)
    base = alt.Chart(shapes).mark_geoshape(stroke="white", strokeWidth=0.4).project(
        "equalEarth").properties(width=WIDTH, height=MAP_HEIGHT)
    others = base.transform_calculate(
        status=f"datum.id === {own_code} ? {json.dumps(own_label)} : "
               f"{json.dumps(no_data_label)}").encode(
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[own_label, no_data_label],
                                        range=[OWN_COLOR, NO_DATA_COLOR]),
                        legend=alt.Legend(orient="bottom", symbolType="square")))
    values = alt.LookupData(alt.InlineData(values=df[["code", "label", "value"]].to_dict(
        "records")), key="code", fields=["label", "value"])
    shown = base.transform_lookup(lookup="id", from_=values).transform_filter(
        f"isValid(datum.value) && datum.id !== {own_code}").encode(
        color=alt.Color("value:Q", title=legend_title,
                        scale=alt.Scale(type="log", scheme=alt.SchemeParams("blues",
                                                                           extent=[0.2, 1])),
                        legend=alt.Legend(orient="bottom", direction="horizontal",
                                          format=value_format, gradientLength=260,
                                          titleFontWeight="normal")),
        tooltip=["label:N", alt.Tooltip("value:Q", format=value_format)])
    return alt.layer(others, shown).resolve_scale(color="independent").to_dict(validate=False)


def themed(spec: dict, loc: Localizer) -> dict:
    """The specification with the language's font and the report's look."""
    font = loc.chart_font
    config = {
        "font": font,
        "view": {"stroke": None},
        "axis": {"labelFont": font, "titleFont": font, "labelFontSize": 11,
                 "titleFontSize": 11, "titleFontWeight": "normal", "gridColor": "#e6e6e6"},
        "legend": {"labelFont": font, "titleFont": font, "labelFontSize": 11},
        "text": {"font": font},
        "title": {"font": font},
    }
    return {**spec, "config": {**spec.get("config", {}), **config}}


def render_png(spec: dict, loc: Localizer) -> bytes:
    """PNG at twice the nominal size, numbers and dates in the language's format (kept in
    the rendering cache: the same chart is not rasterised twice)."""
    spec = themed(spec, loc)
    options = {"scale": SCALE, "format_locale": loc.d3_format_locale,
               "time_format_locale": loc.d3_time_locale}
    return rendered("chart", [vlc.__version__, json.dumps([spec, options], sort_keys=True,
                                                           default=str)],
                    lambda: vlc.vegalite_to_png(spec, **options))


def timeline_chart(df: pd.DataFrame) -> dict:
    """Events on a time axis, one row per entry; ``df`` has ``label`` (the entry), ``date``
    (ISO), ``year`` (as printed), ``event`` (what happened) and ``kind`` (the entry's kind).
    Rows are in the order of ``df``; each event has its own shape."""
    rows = list(dict.fromkeys(df["label"]))
    events = list(dict.fromkeys(df["event"]))
    chart = _base(df, height=max(60, 24 * len(rows))).mark_point(
        size=80, filled=True, opacity=0.9).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", labelOverlap=True)),
        y=alt.Y("label:N", title=None, sort=rows, axis=alt.Axis(labelLimit=260)),
        shape=alt.Shape("event:N", title=None, sort=events,
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(range=PALETTE),
                        sort=list(dict.fromkeys(df["kind"])),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=["label:N", "event:N", "year:N"],
    )
    return chart.to_dict(validate=False)
