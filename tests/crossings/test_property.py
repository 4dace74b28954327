"""Property: on random histories the engine gives exactly the oracle loop's output."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migprofile.warehouse import connect
from tests.crossings.helpers import engine_results, loop_results

BACKEND = connect("duckdb")
START = dt.date(2018, 1, 1)

RULES = st.one_of(
    st.sampled_from([(487, 365), (365, 273), (365, 182)]),
    st.integers(2, 600).flatmap(lambda w: st.tuples(st.just(w), st.integers(1, w))),
)


def spells(window: int, threshold: int) -> st.SearchStrategy[int]:
    n = window - threshold
    boundaries = {0, 1, n - 1, n, n + 1, 2 * n - 1, 2 * n, 2 * n + 1, threshold - 1,
                  threshold, threshold + 1, window - 1, window, window + 1}
    return st.one_of(st.sampled_from(sorted(b for b in boundaries if b >= 0)),
                     st.integers(0, 2 * window))


@st.composite
def persons(draw, window: int, threshold: int):
    """Rows of a few persons: alternating crossings, now and then two in one direction."""
    rows, initial = [], {}
    for person in range(draw(st.integers(1, 6))):
        day = START + dt.timedelta(days=draw(st.integers(0, 300)))
        arrival = draw(st.integers(0, 1))
        for _ in range(draw(st.integers(1, 12))):
            rows.append((person, day, arrival))
            if not draw(st.booleans().map(lambda b: b and draw(st.integers(0, 9)) == 0)):
                arrival = 1 - arrival
            day += dt.timedelta(days=draw(spells(window, threshold)))
        if draw(st.integers(0, 4)) == 0:
            initial[person] = (draw(st.integers(0, 1)),
                               START + dt.timedelta(days=draw(st.integers(0, 400))))
    return rows, initial


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_engine_equals_reference_loop(data):
    window, threshold = data.draw(RULES, label="window, threshold")
    rows, initial = data.draw(persons(window, threshold), label="rows, initial status")
    latest = max(d for _, d, _ in rows)
    data_end = latest - dt.timedelta(days=data.draw(st.integers(0, window)))
    options = dict(window=window, threshold=threshold, data_end=data_end, initial=initial,
                   impute=data.draw(st.booleans(), label="impute"))
    assert engine_results(BACKEND, rows, **options) == loop_results(rows, **options)
