"""A dashboard chart's text alternative: the rows it draws in the report's view, as a
table a screen reader reads and anyone can copy, with the same headings as its tooltips.

The chart's fields are the report's (``label``, ``series``, ``value``...); their headings
are said here, in the page's language, once for the tooltips and the table alike.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from migprofile.i18n import Localizer
from migprofile.report.model import Figure, Table
from migprofile.web.chart_choices import KEY
from migprofile.web.tooltips import views

__all__ = ["default_rows", "field_titles", "figure_table"]

LAST = ("value", "source", "revision")
"""The fields after what a value is of, in the table."""
CHOICE_PREFIX = "choice_"
"""The parameters of a chart's choices (:mod:`migprofile.web.chart_choices`)."""


def field_titles(figure: Figure, loc: Localizer) -> dict[str, str]:
    """The heading of each field a chart's rows show; a ``label`` is what the bars or
    countries are, which the kind of figure says (a row's ``sex`` code is said by its
    label, and its options by the lists under the chart)."""
    label = {"partner_bars": loc._("Country"), "map": loc._("Country"),
             "sex_bars": loc._("Sex"), "year_bars": loc._("Year"),
             "citizenship_bars": loc._("Citizenship"), "timeline": loc._("Title")}
    return {"label": label.get(figure.kind, loc._("Category")), "year": loc._("Year"),
            "month": loc._("Month"), "group": loc._("Period"), "series": loc._("Series"),
            "status": loc._("Status"), "event": loc._("Event"), "value": loc._("Value"),
            "source": loc._("Source"), "revision": loc._("Revision")}


def default_rows(spec: dict) -> list[dict]:
    """The rows the chart draws before a reader chooses anything: its first table of
    records, kept to the default option of each choice."""
    rows = next((v for v in spec.get("datasets", {}).values() if isinstance(v, list)), [])
    defaults = {p["name"].removeprefix(CHOICE_PREFIX): p["value"]
                for p in spec.get("params", []) if p["name"].startswith(CHOICE_PREFIX)}
    return [row for row in rows if all(str(row.get(f)) == str(v) for f, v in defaults.items())]


def figure_table(figure: Figure, loc: Localizer) -> Table:
    """The chart's rows in the report's view, headed as its tooltips are: the fields of the
    choices (one value each in this view) and the map's lookup key left out."""
    rows = default_rows(figure.chart)
    titles = field_titles(figure, loc)
    chosen = {p["name"].removeprefix(CHOICE_PREFIX) for p in figure.chart.get("params", [])
              if p["name"].startswith(CHOICE_PREFIX)}
    fields = sorted((f for f in dict.fromkeys(k for row in rows for k in row)
                     if f in titles and f not in chosen and f != KEY), key=LAST.__contains__)
    unit = _value_title(figure.chart)
    headings = [f"{titles[f]} ({unit})" if f == "value" and unit else titles[f] for f in fields]
    return Table(figure.title, headings,
                 [[_cell(row.get(f), f, loc) for f in fields] for row in rows], "",
                 numeric=[f == "value" for f in fields])


def _value_title(spec: dict) -> str:
    """What the chart's axis or legend of values says they are ("persons", "%")."""
    for unit in views(spec):
        for channel in unit.get("encoding", {}).values():
            if isinstance(channel, dict) and channel.get("field") == "value" \
                    and isinstance(channel.get("title"), str):
                return channel["title"]
    return ""


def _cell(value: object, field: str, loc: Localizer) -> str:
    if value is None or value == "":
        return "–"
    if field == "value":
        return format_decimal(float(value), locale=loc.locale)  # up to three decimals
    if field == "month" and isinstance(value, str):
        return value[:7]
    return str(value)
