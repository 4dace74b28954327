"""A choice of year on a chart of an indicator's largest partners: the report shows the
latest year, the dashboard every year, one at a time, chosen in a list under the chart."""

from __future__ import annotations

import copy

__all__ = ["PARAMETER", "with_year_choice"]

PARAMETER = "shown_year"
"""The chart's parameter holding the year chosen (``year`` is a function of Vega's)."""
BAR = 22
"""Pixels per bar, as in the report."""


def with_year_choice(spec: dict, by_year: dict[str, list[dict]], latest: str,
                     label: str) -> dict:
    """A copy of a bar chart of partners (``spec``) with the rows of every year in
    ``by_year`` (newest first), showing ``latest`` until another is chosen; bars are
    ordered by value, since the partners change with the year."""
    spec = copy.deepcopy(spec)
    spec["datasets"][spec["data"]["name"]] = [{"year": year, **row}
                                              for year, rows in by_year.items()
                                              for row in rows]
    spec["params"] = [*spec.get("params", []), {
        "name": PARAMETER, "value": latest,
        "bind": {"input": "select", "options": list(by_year), "name": f"{label} "}}]
    spec["transform"] = [{"filter": f"datum.year === {PARAMETER}"},
                         *spec.get("transform", [])]
    for unit in spec["layer"]:
        unit["encoding"]["y"]["sort"] = "-x"
    spec["height"] = max(spec["height"], BAR * max(len(rows) for rows in by_year.values()))
    return spec
