"""The rule on its boundaries, with values worked out by hand (and the oracle agreeing)."""

from __future__ import annotations

import datetime as dt

import pytest

from migprofile.warehouse import connect
from tests.crossings.helpers import engine_results, history, loop_results

T0 = dt.date(2020, 1, 1)
LATER = dt.date(2030, 1, 1)


@pytest.fixture(scope="module")
def backend():
    return connect("duckdb")


def classify(backend, crossings, **options):
    rows = [(1, date, arrival) for date, arrival in crossings]
    options.setdefault("data_end", LATER)
    got = engine_results(backend, rows, **options)
    assert got == loop_results(rows, **options)
    return got


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@pytest.mark.parametrize(("stay", "long_term"), [(364, 0), (365, 1)])
def test_a_stay_of_364_days_is_not_long_term_365_is(backend, stay, long_term):
    arrival, departure = classify(backend, history(T0, 1, [stay]))
    assert arrival["is_long_term_mig"] == long_term
    assert arrival["res_status_after"] == long_term
    # 365 days in the country settle it on day 365; otherwise 122 days abroad settle it
    expected = T0 + days(365) if long_term else T0 + days(stay + 122)
    assert arrival["date_finalised_res_after"] == expected
    # leaving for good (the open last spell) is long-term emigration for a new resident only
    assert departure["res_status_before"] == long_term
    assert departure["is_long_term_mig"] == long_term


@pytest.mark.parametrize(("absence", "long_term"), [(122, 1), (123, 0)])
def test_an_absence_of_122_days_is_allowed_123_is_not(backend, absence, long_term):
    """300 days in, an absence, then back for good: 365 days in within 487 days or not."""
    first, *_ = classify(backend, history(T0, 1, [300, absence, 400]))
    assert first["is_long_term_mig"] == long_term
    if long_term:  # day 365 in the country is reached on day 300 + 122 + 65
        assert first["date_finalised_ltm"] == T0 + days(487)
    else:  # the 123rd day abroad passes on day 300 + 122
        assert first["date_finalised_ltm"] == T0 + days(422)


def test_same_day_trips_of_a_resident_change_nothing(backend):
    crossings = history(T0, 0, [0, 1, 0, 1, 0, 30, 0])
    results = classify(backend, crossings, initial={1: (1, T0)})
    assert [r["is_long_term_mig"] for r in results] == [0] * len(crossings)
    assert {r["res_status_after"] for r in results} == {1}


def test_a_same_day_visit_of_a_non_resident_is_settled_after_122_days(backend):
    arrival, departure = classify(backend, history(T0, 1, [0]))
    assert (arrival["is_long_term_mig"], arrival["date_finalised_ltm"]) == (0, T0 + days(122))
    assert departure["date_finalised_ltm"] == T0  # the 8-month rule


@pytest.mark.parametrize(("window", "threshold", "stay"), [
    (365, 273, 272), (365, 273, 273),  # 9/12: nine months in twelve
    (365, 182, 181), (365, 182, 182),  # 6/12: six months in twelve
])
def test_shorter_rules(backend, window, threshold, stay):
    arrival, _ = classify(backend, history(T0, 1, [stay]), window=window, threshold=threshold)
    assert arrival["is_long_term_mig"] == int(stay >= threshold)


def test_a_single_crossing_needs_a_threshold_of_data(backend):
    """The data end stands in for the reference's machine date."""
    crossing = history(T0, 1, [])
    (early,) = classify(backend, crossing, data_end=T0 + days(364))
    (late,) = classify(backend, crossing, data_end=T0 + days(365))
    assert (early["is_long_term_mig"], early["provisional"]) == (0, 1)
    assert (late["is_long_term_mig"], late["provisional"]) == (1, 0)
    assert early["date_finalised_ltm"] == late["date_finalised_ltm"] == T0 + days(365)


def test_an_open_last_spell_is_provisional_until_settled(backend):
    crossings = history(T0, 1, [10, 200])  # a visit, then back for good 200 days later
    first, _, last = classify(backend, crossings, data_end=T0 + days(300))
    assert (first["is_long_term_mig"], first["provisional"]) == (0, 0)
    assert (last["is_long_term_mig"], last["provisional"]) == (1, 1)
    assert last["date_finalised_ltm"] == T0 + days(210 + 365)
