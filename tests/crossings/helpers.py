"""Running the engine and the oracle loop on the same rows, with comparable results."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from migprofile.crossings import RESULT_COLUMNS, RuleParameters, classify_crossings
from migprofile.crossings.tables import arrow_table
from tests.crossings.reference_loop import classify_rows


def _input_table(rows) -> pa.Table:
    return pa.table({
        "_row": pa.array(range(len(rows)), pa.int64()),
        "_person": pa.array([r[0] for r in rows], pa.int64()),
        "_date": pa.array([r[1] for r in rows], pa.date32()),
        "_arr": pa.array([r[2] if r[2] in (0, 1) else None for r in rows], pa.int64()),
    })


def _initial_table(initial) -> pa.Table | None:
    if not initial:
        return None
    return pa.table({
        "_person": pa.array(list(initial), pa.int64()),
        "status": pa.array([v[0] for v in initial.values()], pa.int64()),
        "as_of": pa.array([v[1] for v in initial.values()], pa.date32()),
    })


def engine_results(backend, rows, *, window=487, threshold=365, data_end=None, initial=None,
                   impute=False) -> list[dict]:
    """The engine's output rows, in output order, as dicts of the result columns."""
    rule = RuleParameters(window=window, threshold=threshold,
                          on_gap="impute" if impute else "reject")
    initial_status = _initial_table(initial)
    if initial_status is not None:
        initial_status = arrow_table(backend, "test_initial_status", initial_status)
    table = classify_crossings(arrow_table(backend, "test_crossings", _input_table(rows)),
                               rule=rule, data_end=data_end, initial_status=initial_status)
    result = backend.to_pyarrow(table.order_by("_seq"))
    return [{key: row[key] for key in ("_row", *RESULT_COLUMNS)}
            for row in result.to_pylist()]


def loop_results(rows, *, window=487, threshold=365, data_end=None, initial=None,
                 impute=False) -> list[dict]:
    """The oracle's output rows in the same shape as :func:`engine_results`."""
    results = classify_rows(rows, window=window, threshold=threshold, data_end=data_end,
                            initial=initial, impute=impute)
    return [{"_row": r.row, **{key: getattr(r, key) for key in RESULT_COLUMNS}}
            for r in results]


def history(start: dt.date, arrival: int, spells: list[int]) -> list[tuple[dt.date, int]]:
    """Alternating crossings from ``start``: each spell is the gap to the next crossing."""
    dates = [start]
    for spell in spells:
        dates.append(dates[-1] + dt.timedelta(days=spell))
    return [(d, (arrival + k) % 2) for k, d in enumerate(dates)]


def random_rows(seed: int, *, persons: int, window: int, threshold: int,
                crossings: tuple[int, ...] = (1, 2, 2, 3, 4, 6, 9, 14)):
    """Random histories (a fixed seed): spells on the rule's boundaries or drawn at random,
    same-day crossings, a few crossings in the same direction, some initial statuses."""
    import random

    rng = random.Random(seed)
    no_migration = window - threshold
    boundaries = [0, 1, no_migration - 1, no_migration, no_migration + 1, 2 * no_migration,
                  2 * no_migration + 1, threshold - 1, threshold, threshold + 1, window - 1,
                  window, window + 1]
    rows, initial = [], {}
    for person in range(persons):
        day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 400))
        arrival = rng.randint(0, 1)
        for _ in range(rng.choice(crossings)):
            rows.append((person, day, arrival))
            arrival = arrival if rng.random() < 0.05 else 1 - arrival
            spell = (rng.choice(boundaries) if rng.random() < 0.5
                     else rng.randint(0, rng.choice([5, 40, 200, 800])))
            day += dt.timedelta(days=max(spell, 0))
        if rng.random() < 0.2:
            initial[person] = (rng.randint(0, 1),
                               dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 500)))
    return rows, initial
