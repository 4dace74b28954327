"""The kernel's batching: persons cut by batch boundaries, and rows put back in input order."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

import pyarrow as pa
import pytest

from migprofile.crossings import RESULT_COLUMNS, RuleParameters
from migprofile.crossings.kernel import classify_batches
from migprofile.crossings.rule import classified_batches
from migprofile.crossings.tables import arrow_table
from migprofile.warehouse import connect
from tests.crossings.helpers import (
    _initial_table,
    _input_table,
    history,
    loop_results,
    random_rows,
)

EPOCH = dt.date(1970, 1, 1)


def _as_rows(table: pa.Table) -> list[dict]:
    ordered = table.sort_by([("_seq", "ascending")])
    return [{key: row[key] for key in ("_row", *RESULT_COLUMNS)} for row in ordered.to_pylist()]


@pytest.mark.parametrize("batch_rows", [1, 2, 3, 7, 1000])
@pytest.mark.parametrize("impute", [False, True])
def test_any_batch_size_gives_the_loop_results(batch_rows, impute):
    rows, initial = random_rows(batch_rows, persons=60, window=487, threshold=365)
    backend = connect("duckdb")
    irs = arrow_table(backend, "irs", _initial_table(initial))
    stream = classified_batches(arrow_table(backend, "crossings", _input_table(rows)),
                                rule=RuleParameters(on_gap="impute" if impute else "reject"),
                                initial_status=irs, batch_rows=batch_rows)
    expected = loop_results(rows, initial=initial, impute=impute)
    assert _as_rows(stream.read_all()) == expected


def _kernel_input(rows) -> pa.Table:
    """Rows already grouped by person, as the engines hand them to the kernel."""
    ordered = sorted(range(len(rows)), key=lambda k: (rows[k][0], k))
    return pa.table({
        "_row": pa.array(ordered, pa.int64()),
        "_person": pa.array([rows[k][0] for k in ordered], pa.int64()),
        "_day": pa.array([(rows[k][1] - EPOCH).days for k in ordered], pa.int32()),
        "_arr": pa.array([rows[k][2] for k in ordered], pa.int8()),
        "_irs_status": pa.nulls(len(rows), pa.int8()),
        "_irs_day": pa.nulls(len(rows), pa.int32()),
    })


def test_a_person_spanning_many_batches_is_classified_once():
    """A long history cut into batches of a few rows, some of which hold only that person."""
    start = dt.date(2019, 1, 1)
    rows = [(1, d, a) for d, a in history(start, 1, [3, 400, 2, 0, 30, 200, 1, 5, 366])]
    rows += [(2, d, a) for d, a in history(start, 0, [10, 500])]
    data = _kernel_input(rows)
    data_end = max(r[1] for r in rows)
    rule = dict(window=487, threshold=365, data_end=(data_end - EPOCH).days, impute=False)
    whole = pa.Table.from_batches(list(classify_batches(data.to_batches(), **rule)))
    cuts = [2, 3, 3, 1, 4]  # person 1's ten rows over four batches, then person 2
    batches, at = [], 0
    for size in cuts:
        batches.append(data.slice(at, size).to_batches()[0])
        at += size
    pieces = pa.Table.from_batches(list(classify_batches(batches, **rule)))
    assert pieces.num_rows == len(rows)
    assert _as_rows(pieces) == _as_rows(whole) == loop_results(rows, data_end=data_end)


def test_empty_batches_and_no_rows():
    data = _kernel_input([(1, dt.date(2020, 1, 1), 1)])
    empty = data.slice(0, 0).to_batches() or []
    rule = dict(window=487, threshold=365, data_end=0, impute=True)
    assert list(classify_batches(iter(empty), **rule)) == []
    out = pa.Table.from_batches(list(classify_batches([*empty, *data.to_batches()], **rule)))
    assert out["res_status_before"].to_pylist() == [0]


def _same_day_trips(trips: int) -> list[tuple]:
    return [(1, d, a) for d, a in history(dt.date(2020, 1, 1), 1, [0] * trips)]


def test_same_day_trips_give_the_loop_results():
    rows = _same_day_trips(1500)
    data_end = rows[0][1] + dt.timedelta(days=400)
    rule = dict(window=487, threshold=365, data_end=(data_end - EPOCH).days, impute=False)
    out = pa.Table.from_batches(list(classify_batches(_kernel_input(rows).to_batches(), **rule)))
    assert _as_rows(out) == loop_results(rows, data_end=data_end)


def test_long_histories_take_linear_time():
    """Every crossing of a history of same-day trips is decided by its last spell only: a
    search that walked on from every crossing would take about 10^11 steps here."""
    rows = _same_day_trips(400_000)
    rule = dict(window=487, threshold=365, data_end=(rows[0][1] - EPOCH).days, impute=False)
    started = time.perf_counter()
    out = pa.Table.from_batches(list(classify_batches(_kernel_input(rows).to_batches(), **rule)))
    assert time.perf_counter() - started < 30
    assert out.num_rows == len(rows)


def test_results_meet_their_input_rows_across_batches():
    """Input read back in small batches: each row meets its own results, and an imputed
    crossing lands before the row that revealed it, also on a batch's first row."""
    from migprofile.crossings.files import _beside_results

    inputs = pa.table({"name": [f"r{k}" for k in range(7)], "_row": pa.array(range(7))})
    results = pa.table({"res": pa.array([10 * k for k in range(7)])})
    extra = pa.table({"name": ["i2", "i3", "i6"], "res": [-2, -3, -6],
                      "_row": pa.array([2, 3, 6])})
    reader = pa.RecordBatchReader.from_batches(inputs.schema, inputs.to_batches(max_chunksize=3))
    out = pa.Table.from_batches(list(_beside_results(reader, results, extra)))
    assert out.column_names == ["name", "res"]
    assert list(zip(out["name"].to_pylist(), out["res"].to_pylist(), strict=True)) == [
        ("r0", 0), ("r1", 10), ("i2", -2), ("r2", 20), ("i3", -3), ("r3", 30), ("r4", 40),
        ("r5", 50), ("i6", -6), ("r6", 60)]


def test_input_read_out_of_order_is_an_error():
    from migprofile.crossings.files import _beside_results

    inputs = pa.table({"name": ["a", "b"], "_row": pa.array([1, 0])})
    reader = pa.RecordBatchReader.from_batches(inputs.schema, inputs.to_batches())
    with pytest.raises(RuntimeError, match="row order"):
        list(_beside_results(reader, pa.table({"res": [1, 2]}), None))


def test_without_a_cache_folder_the_kernel_is_compiled_in_each_process():
    """numba refuses to cache when it finds no writable folder; the kernel still works."""
    code = """
import numba
compile_for_real = numba.njit

def refusing_to_cache(*args, **options):
    if options.get("cache"):
        raise RuntimeError("cannot cache function: no locator available")
    return compile_for_real(*args, **options)

numba.njit = refusing_to_cache
import pyarrow as pa
from migprofile.crossings.kernel import classify_batches
batch = pa.record_batch({"_person": [1, 1], "_row": [0, 1],
                         "_day": pa.array([0, 400], pa.int32()),
                         "_arr": pa.array([1, 0], pa.int8()),
                         "_irs_status": pa.nulls(2, pa.int8()),
                         "_irs_day": pa.nulls(2, pa.int32())})
out = list(classify_batches([batch], window=487, threshold=365, data_end=400, impute=False))
print(out[0]["is_long_term_mig"].to_pylist())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1, 1]"
