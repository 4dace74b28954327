"""The catalogue of shipped indicators (``docs/indicators.md``), written from their
declarations so that it cannot drift from them.

``make docs`` rewrites it (``python -m migprofile.indicators.catalogue``); a test fails
when the file is not what the declarations give, so a dataflow or indicator added to the
package shows in the catalogue's diff in the same commit.
"""

from __future__ import annotations

import sys

from migprofile.indicators.registry import REGISTRY, UNITS, Indicator

__all__ = ["catalogue"]

HEADER = """\
# Indicators

Every indicator migprofile computes, written from its declaration (`make docs` rewrites
this file; do not edit it by hand). The international sources' indicators are declared in
`src/migprofile/indicators/TOPIC.toml`, those of national data in their dataflow's file in
`src/migprofile/codes/dataflows/`; names and definitions are declared in English,
Vietnamese, Lao and Korean, and shown here in English. A profile's own dataflows add
indicators of their own, listed by `migprofile indicators DIR`.

| id | name | definition | unit | by partner | source | reference |
|---|---|---|---|---|---|---|
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _row(item: Indicator) -> str:
    cells = [f"`{item.id}`", item.name["en"], item.definition["en"], UNITS[item.unit]["en"],
             "yes" if item.by_partner else "", ", ".join(item.sources), item.reference]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def catalogue() -> str:
    """The catalogue's Markdown: one row per shipped indicator, in the registry's order."""
    return HEADER + "".join(_row(REGISTRY[key]) + "\n" for key in REGISTRY)


if __name__ == "__main__":
    sys.stdout.write(catalogue())
