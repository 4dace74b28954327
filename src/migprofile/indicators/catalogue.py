"""The catalogue of shipped national dataflows and indicators (``docs/catalogue.md``),
written from their declarations so that it cannot drift from them.

``make docs`` rewrites it (``python -m migprofile.indicators.catalogue``); a test fails
when the file is not what the declarations give, so a dataflow or indicator added to the
package shows in the catalogue's diff in the same commit.
"""

from __future__ import annotations

import sys

from migprofile.codes.dataflows import Dataflow, Measure, builtin_dataflows
from migprofile.indicators.registry import REGISTRY, UNITS, Indicator

__all__ = ["catalogue"]

HEADER = """\
# Catalogue of dataflows and indicators

Written from the declarations (`make docs` rewrites this file; do not edit it by hand).
Names and definitions are declared in English, Vietnamese, Lao and Korean, and shown here
in English. A profile's own dataflows (`DIR/dataflows/ID.toml`) add dataflows and
indicators of their own.

## National dataflows

Each kind of national data an agency supplies, declared in
`src/migprofile/codes/dataflows/ID.toml`. The country is always the profile's own.

| dataflow | name | dimensions besides the period | unit |
|---|---|---|---|
"""

INDICATORS = """
## Indicators

Every indicator migprofile computes. Those of the international sources are declared in
`src/migprofile/indicators/TOPIC.toml`, those of national data in their dataflow's file.

| id | name | definition | unit | by partner | source | reference |
|---|---|---|---|---|---|---|
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _row(item: Indicator) -> str:
    cells = [f"`{item.id}`", item.name["en"], item.definition["en"], UNITS[item.unit]["en"],
             "yes" if item.by_partner else "", ", ".join(item.sources), item.reference]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _unit(measure: Measure) -> str:
    unit = UNITS[measure.unit]["en"] if measure.unit in UNITS else measure.unit
    return unit if measure.adds_up else f"{unit} (a rate: never added up)"


def _flow_row(flow: Dataflow) -> str:
    dimensions = [d.names["en"] for d in flow.dimensions if d.id != "time_period"]
    cells = [f"`{flow.id}`", flow.names["en"], ", ".join(dimensions),
             ", ".join(dict.fromkeys(_unit(m) for m in flow.measures))]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def catalogue() -> str:
    """The catalogue's Markdown: the shipped national dataflows by id, then the indicators
    in the registry's order."""
    flows = [flow for _, flow in sorted(builtin_dataflows().items()) if flow.national]
    return (HEADER + "".join(_flow_row(flow) + "\n" for flow in flows)
            + INDICATORS + "".join(_row(REGISTRY[key]) + "\n" for key in REGISTRY))


if __name__ == "__main__":
    sys.stdout.write(catalogue())
