"""Disclosure control where outputs are written: long-term flows from border crossings
(microdata) are published rounded and suppressed; other data as they are."""

from __future__ import annotations

import csv
import math

import openpyxl

from migprofile.indicators import REGISTRY, stored_values
from migprofile.profile import Profile


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


def test_border_months_withhold_small_counts_and_the_nets_beside_them(border_profile):
    """Each month's table: long-term arrivals and departures by citizenship and sex, with
    their totals, and the net by sex. Only counts below the threshold are withheld (the
    totals are left to the rounding); a net is withheld exactly when one count it is the
    difference of is withheld alone, so neither can be worked out from the other two."""
    rows = published(border_profile)
    exact = {(r["indicator"], r["counterpart_area"], r["time_period"], r["sex"]): r["value"]
             for r in stored_values(Profile.load(border_profile))}
    counts = {"ltm_arrivals", "ltm_arrivals_by_citizenship", "ltm_departures",
              "ltm_departures_by_citizenship"}
    shown = {}
    for row in rows:
        key = (row["indicator"], row["counterpart_area"], row["time_period"], row["sex"])
        shown[key] = math.nan if row["conf_status"] == "C" else float(row["value"])
        if row["indicator"] in counts and row["conf_status"] == "C":
            assert 0 < exact[key] < 5, key
    nets = [k for k in shown if k[0] == "ltm_net"]
    assert any(math.isnan(shown[k]) for k in nets), "some months should have small counts"
    for _, partner, month, sex in nets:
        arrivals, departures, net = (shown.get((i, partner, month, sex), 0.0)
                                     for i in ("ltm_arrivals", "ltm_departures", "ltm_net"))
        withheld = [math.isnan(v) for v in (arrivals, departures, net)]
        assert sum(withheld) != 1, (month, sex, arrivals, departures, net)
        if not any(withheld):
            assert net == arrivals - departures


def test_the_workbook_marks_withheld_values(border_profile):
    book = openpyxl.load_workbook(border_profile / "out" / "tables.xlsx", read_only=True)
    sheet = book["ltm_arrivals_by_citizenship"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    values = [row[header.index("value")] for row in sheet.iter_rows(min_row=2,
                                                                     values_only=True)]
    assert "C" in values and 0 not in values
