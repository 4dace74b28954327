"""Row rules shared by the readers of international sources."""

from __future__ import annotations

from migprofile.codes import countries
from migprofile.sources import tabular as tab
from migprofile.sources.tabular import Rule

__all__ = ["count_rules", "country_rules", "year_rules"]


def year_rules(column: str) -> list[Rule]:
    return [
        tab.missing(column),
        tab.not_a_number(column),
        tab.not_whole(column),
        Rule("year_range", column, "not a year between 1900 and 2100",
             lambda t: (tab.number(t[column]) < 1900) | (tab.number(t[column]) > 2100)),
    ]


def country_rules(*columns: str, required: bool = True) -> list[Rule]:
    known = countries().keys()
    rules = []
    for column in columns:
        if required:
            rules.append(tab.missing(column))
        rules.append(tab.not_in(column, known, "country or area code (ISO 3166 alpha-3)"))
    return rules


def count_rules(column: str, *, required: bool = False, whole: bool = True) -> list[Rule]:
    rules = [tab.missing(column)] if required else []
    rules += [tab.not_a_number(column), tab.negative(column)]
    if whole:
        rules.append(tab.not_whole(column))
    return rules
