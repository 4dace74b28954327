"""Choices under a dashboard chart (a year, a sex, a partner): the report draws one view
of the data, the dashboard embeds the rows of every view and draws the one chosen.

A :class:`Choice` filters one field of the chart's rows; each row carries the option it
belongs to (:func:`choice_rows`). In the chart, each choice is a parameter bound to a list
and one filter keeps the rows of the options chosen (:func:`with_choices`); a map, whose
countries are shapes looking their values up, looks them up by a key that carries the
options instead (:func:`with_keyed_choices`). A choice with a single option is not
offered. The report's specification is copied, never changed: its PNGs stay the same.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import product

__all__ = ["KEY", "Choice", "choice_rows", "offered", "with_choices", "with_keyed_choices"]

KEY = "choice_key"
"""The field of a map's rows and shapes that carries the country and the options."""


@dataclass(frozen=True)
class Choice:
    """A list under a chart: the row field it filters, its label, its options (value:
    label shown, in the order of the list) and the option shown first, the report's."""

    field: str
    label: str
    options: dict[str, str]
    default: str

    @property
    def param(self) -> str:
        """The chart's parameter holding the option chosen (prefixed: ``year`` is a
        function of Vega's expressions)."""
        return f"choice_{self.field}"

    def bound(self) -> dict:
        """The Vega-Lite parameter, bound to a list named by the label."""
        return {"name": self.param, "value": self.default,
                "bind": {"input": "select", "options": list(self.options),
                         "labels": list(self.options.values()), "name": f"{self.label} "}}


def offered(choices: Sequence[Choice]) -> list[Choice]:
    """The choices worth a list: those with more than one option."""
    return [c for c in choices if len(c.options) > 1]


def choice_rows(choices: Sequence[Choice],
                rows_of: Callable[[dict[str, str]], list[dict]]) -> list[dict]:
    """The rows of every combination of the options offered (``rows_of`` is given the
    option of each choice, the default for one not offered), each row led by the
    options it belongs to."""
    shown = offered(choices)
    defaults = {c.field: c.default for c in choices}
    rows = []
    for values in product(*(list(c.options) for c in shown)):
        chosen = dict(zip((c.field for c in shown), values, strict=True))
        rows += [{**chosen, **row} for row in rows_of({**defaults, **chosen})]
    return rows


def _tables(spec: dict) -> list[str]:
    """The names of the chart's tables of records, its rows first."""
    return [name for name, values in spec.get("datasets", {}).items()
            if isinstance(values, list)]


def _drawing(spec: dict, table: str) -> Iterator[dict]:
    """The views drawing a table: the chart itself, when its layers inherit the table,
    or each layer naming it."""
    if spec.get("data", {}).get("name") == table:
        yield spec
    for layer in spec.get("layer", []):
        if layer.get("data", {}).get("name") == table:
            yield layer


def _with_params(spec: dict, choices: Sequence[Choice]) -> dict:
    spec["params"] = [*spec.get("params", []), *(c.bound() for c in choices)]
    return spec


def with_choices(spec: dict, rows: list[dict], choices: Sequence[Choice]) -> dict:
    """A copy of ``spec`` drawing ``rows`` (from :func:`choice_rows`) of the options
    chosen. The marks of its other tables (a line chart's breaks in series, found in the
    totals) are drawn only under the defaults."""
    spec = copy.deepcopy(spec)
    main, *others = _tables(spec)
    spec["datasets"][main] = rows
    shown = offered(choices)
    if not shown:
        return spec
    test = " && ".join(f"datum.{c.field} === {c.param}" for c in shown)
    defaults = {c.field: c.default for c in shown}
    for table in [main, *others]:
        if table != main:
            spec["datasets"][table] = [{**defaults, **row} for row in spec["datasets"][table]]
        for view in _drawing(spec, table):
            view["transform"] = [{"filter": test}, *view.get("transform", [])]
    return _with_params(spec, shown)


def with_keyed_choices(spec: dict, rows: list[dict], choices: Sequence[Choice], *,
                       code: str = "code") -> dict:
    """A copy of a map (``spec``: shapes looking their value up by ``id`` in the rows'
    ``code``) drawing ``rows`` (from :func:`choice_rows`), looked up by a key of the
    country and the options chosen."""
    spec = copy.deepcopy(spec)
    layer, index = next((layer, index) for layer in spec["layer"]
                        for index, transform in enumerate(layer.get("transform", []))
                        if "lookup" in transform)
    lookup = layer["transform"][index]
    table = lookup["from"]["data"]["name"]
    shown = offered(choices)
    if not shown:
        spec["datasets"][table] = rows
        return spec
    spec["datasets"][table] = [{KEY: "|".join([row[code], *(row[c.field] for c in shown)]),
                                **row} for row in rows]
    layer["transform"].insert(index, {
        "calculate": " + '|' + ".join(["datum.id", *(c.param for c in shown)]), "as": KEY})
    lookup["lookup"] = KEY
    lookup["from"]["key"] = KEY
    return _with_params(spec, shown)
