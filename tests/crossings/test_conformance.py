"""One conformance suite for every engine: the same inputs, the same output tables.

Each test runs on DuckDB and on Spark (``engine_backend``) and compares the whole output,
every result column of every row, with the oracle loop; the last test compares the two
engines' tables directly.
"""

from __future__ import annotations

import datetime as dt

import pytest

from migprofile.warehouse import connect
from tests.crossings.cases import REFERENCE_RUN_DATE, load_cases
from tests.crossings.helpers import engine_results, loop_results, random_rows

RANDOM_BATCHES = [
    pytest.param(487, 365, False, id="12/16-reject"),
    pytest.param(487, 365, True, id="12/16-impute"),
    pytest.param(365, 273, True, id="9/12-impute"),
    pytest.param(365, 182, False, id="6/12-reject"),
]


def reference_scenarios_in_one_batch():
    """Every scenario in scope as one input: persons renumbered, initial statuses merged."""
    rows, initial = [], {}
    for number, case in enumerate(load_cases()):
        if case.needs_exact_date_override:
            continue  # out of scope, see test_migrbc_cases
        offset = 100 * number
        rows += [(offset + person, date, arrival) for person, date, arrival in case.rows]
        initial.update({offset + person: value for person, value in case.initial.items()})
    return rows, initial


def test_reference_scenarios(engine_backend):
    rows, initial = reference_scenarios_in_one_batch()
    expected = loop_results(rows, data_end=REFERENCE_RUN_DATE, initial=initial)
    got = engine_results(engine_backend, rows, data_end=REFERENCE_RUN_DATE, initial=initial)
    assert got == expected


@pytest.mark.parametrize(("window", "threshold", "impute"), RANDOM_BATCHES)
def test_random_histories(engine_backend, window, threshold, impute):
    rows, initial = random_rows(window + threshold, persons=300, window=window,
                                threshold=threshold)
    data_end = max(d for _, d, _ in rows) - dt.timedelta(days=200)
    options = dict(window=window, threshold=threshold, data_end=data_end, initial=initial,
                   impute=impute)
    assert engine_results(engine_backend, rows, **options) == loop_results(rows, **options)


def test_commuters_with_long_histories(engine_backend):
    """Many short trips: the return-crossing dates look far back along a history."""
    rows, initial = random_rows(7, persons=40, window=487, threshold=365,
                                crossings=(30, 60, 90))
    options = dict(data_end=max(d for _, d, _ in rows), initial=initial)
    assert engine_results(engine_backend, rows, **options) == loop_results(rows, **options)


@pytest.mark.spark
def test_spark_and_duckdb_give_identical_tables(spark_backend):
    rows, initial = random_rows(11, persons=200, window=487, threshold=365)
    options = dict(initial=initial, impute=True)
    on_duckdb = engine_results(connect("duckdb"), rows, **options)
    assert engine_results(spark_backend, rows, **options) == on_duckdb
