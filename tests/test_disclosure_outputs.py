"""Disclosure control where outputs are written: long-term flows from border crossings
(microdata) are published rounded and suppressed; other data as they are."""

from __future__ import annotations

import csv
import math

import openpyxl

from migprofile.indicators import REGISTRY, stored_values
from migprofile.profile import Profile
from tests.test_disclosure import recoverable


def published(profile):
    with (profile / "out" / "indicators.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_border_indicators_are_published_protected(border_profile):
    rows = published(border_profile)
    exact = {(r["indicator"], r["counterpart_area"], r["time_period"], r["sex"]): r["value"]
             for r in stored_values(Profile.load(border_profile))}
    from_crossings = {key for key, item in REGISTRY.items() if "crossings" in item.sources}
    border = [r for r in rows if r["indicator"] in from_crossings]
    assert border and {r["conf_status"] for r in border} == {"C", "F"}
    for row in border:
        true = exact[(row["indicator"], row["counterpart_area"], row["time_period"],
                      row["sex"])]
        if row["conf_status"] == "C":
            assert row["value"] == ""
        else:
            assert float(row["value"]) % 3 == 0 and abs(float(row["value"]) - true) < 3
    others = [r for r in rows if r["indicator"] not in from_crossings]
    assert {r["conf_status"] for r in others} == {"F"}
    assert all(float(r["value"]) == exact[(r["indicator"], r["counterpart_area"],
                                           r["time_period"], r["sex"])] for r in others)


def test_no_withheld_border_count_can_be_recovered(border_profile):
    """Each month's table: arrivals by citizenship and sex, with the totals over
    citizenships (ltm_arrivals) and over sexes."""
    rows = [r for r in published(border_profile)
            if r["indicator"] in ("ltm_arrivals", "ltm_arrivals_by_citizenship")]
    exact = {(r["indicator"], r["counterpart_area"], r["time_period"], r["sex"]): r["value"]
             for r in stored_values(Profile.load(border_profile))}
    months = sorted({r["time_period"] for r in rows})
    checked = 0
    for month in months:
        cells, shown = {}, {}
        for r in rows:
            if r["time_period"] != month:
                continue
            key = ("_T" if r["indicator"] == "ltm_arrivals" else r["counterpart_area"],
                   r["sex"])
            cells[key] = exact[(r["indicator"], r["counterpart_area"], month, r["sex"])]
            shown[key] = math.nan if r["conf_status"] == "C" else float(r["value"])
        assert not recoverable(cells, shown), month
        checked += any(math.isnan(v) for v in shown.values())
    assert checked, "the synthetic crossings should give some small counts"


def test_the_workbook_marks_withheld_values(border_profile):
    book = openpyxl.load_workbook(border_profile / "out" / "tables.xlsx", read_only=True)
    sheet = book["ltm_arrivals_by_citizenship"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    values = [row[header.index("value")] for row in sheet.iter_rows(min_row=2,
                                                                     values_only=True)]
    assert "C" in values and 0 not in values
