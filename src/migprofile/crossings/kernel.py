"""The residence rule as a compiled loop over each person's crossings.

Every engine hands this module the same thing: a person's crossings together and in input
order, in Arrow record batches (DuckDB streams a sorted query, Spark calls it from
``mapInArrow`` on sorted partitions). :func:`classify_batches` walks them with one compiled
function, so the rule exists once, whatever the engine.

The loop follows the reference's pseudo-code (see ``docs/border-data.md``), with its inner
search ("the first spell at which the days in the migrating state reach V, or the days in
the other state pass N") done with prefix sums and pointers that only move forward: linear
in the number of crossings, however long a history is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

__all__ = ["INPUT_SCHEMA", "NO_DAY", "classify_batches", "input_batches", "one_chunk",
           "output_schema", "person_starts"]


def _compiled(function):
    """Compile with numba, cached on disk so that a run does not pay the compilation (about
    6 s); without a writable cache folder (beside this module or the user's), numba refuses
    to cache, and each process compiles afresh instead."""
    try:
        return njit(cache=True)(function)
    except RuntimeError:
        return njit(function)


NO_DAY = -(2**31)
"""Stands for a missing day number (an unreadable date, an unset finalised date)."""

INPUT_SCHEMA = {
    "_row": pa.int64(),
    "_day": pa.int32(),
    "_arr": pa.int8(),
    "_irs_status": pa.int8(),
    "_irs_day": pa.int32(),
}
"""Columns the kernel reads besides ``_person`` (any type): day numbers since 1970-01-01,
direction (1 arrival, 0 departure, null invalid), initial status and its as-of day (null
when the person has none)."""

def input_batches(table: pa.Table, *, rows: int) -> Iterator[pa.RecordBatch]:
    """The kernel's input (``_person`` and :data:`INPUT_SCHEMA`, no initial status) from an
    Arrow table in memory with ``_row``, ``_person``, ``_date`` and ``_arr``, in batches of
    ``rows``: what the engines' query gives, without a query."""
    for start in range(0, table.num_rows, rows):
        part = table.slice(start, rows)
        size = part.num_rows
        arrays = {
            "_person": one_chunk(part["_person"]),
            "_row": one_chunk(part["_row"]).cast(INPUT_SCHEMA["_row"]),
            "_day": one_chunk(part["_date"]).cast(pa.int32()),
            "_arr": one_chunk(part["_arr"]).cast(INPUT_SCHEMA["_arr"]),
            "_irs_status": pa.nulls(size, INPUT_SCHEMA["_irs_status"]),
            "_irs_day": pa.nulls(size, INPUT_SCHEMA["_irs_day"]),
        }
        yield pa.RecordBatch.from_arrays(list(arrays.values()), names=list(arrays))


def one_chunk(column: pa.ChunkedArray) -> pa.Array:
    """A column's values as one array (copied only where the slice spans chunks)."""
    return column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)


ORDER, SAME_DIRECTION, BAD_DIRECTION, BAD_DATE = 1, 2, 3, 4


@_compiled
def _person_error(day, arr, lo, hi, impute):
    """The reference's error code of crossings lo..hi-1: the first problem in row order."""
    for k in range(lo, hi):
        if k == lo:
            if day[k] == NO_DAY:
                return BAD_DATE
            if arr[k] < 0:
                return BAD_DIRECTION
            continue
        if arr[k] < 0:
            return BAD_DIRECTION
        if day[k] == NO_DAY:
            return BAD_DATE
        if day[k - 1] != NO_DAY and day[k] < day[k - 1]:
            return ORDER
        if not impute and arr[k] == arr[k - 1]:
            return SAME_DIRECTION
    return 0


@_compiled
def _advance(p, i, n, prefix, o, bound):
    """The first j >= i with prefix[j+1] - prefix[i] >= bound (n: none), from pointer p."""
    if p < i:
        p = i
    target = prefix[o + i] + bound
    while p < n and prefix[o + p + 1] < target:
        p += 1
    return p


@_compiled
def _rule(o, n, s0, d0, window, threshold, data_end, out):
    """Classify one valid person's crossings at output rows o..o+n-1 (day and arr set)."""
    (day, arr, rb, ra, ltm, frb, fra, fltm, spell, prov, pin, pout) = out
    N = window - threshold
    S = 2 * N
    for k in range(n):  # spells, and the days in and out of the country before each crossing
        g = o + k
        spell[g] = window if k == n - 1 else day[g + 1] - day[g]
        fltm[g] = NO_DAY
    pin[o] = 0
    pout[o] = 0
    for k in range(n):
        g = o + k
        pin[g + 1] = pin[g] + (spell[g] if arr[g] == 1 else 0)
        pout[g + 1] = pout[g] + (spell[g] if arr[g] == 0 else 0)
    rb[o] = (1 - arr[o]) if day[o] < d0 else s0
    frb[o] = day[o]
    if n == 1:
        if rb[o] == arr[o]:  # not migrating
            ra[o], ltm[o], fra[o], fltm[o] = rb[o], 0, day[o], day[o]
        else:
            ltm[o] = 1 if data_end - day[o] >= threshold else 0
            ra[o] = 1 - rb[o] if ltm[o] else rb[o]
            fra[o] = fltm[o] = day[o] + threshold
    else:
        p_in_v = p_in_n = p_out_v = p_out_n = 0
        # the last return crossing dated so far, of even and of odd index
        marked_even = marked_odd = -1
        for i in range(n):
            g = o + i
            if i > 0:
                rb[g] = ra[g - 1]
                frb[g] = max(fra[g - 1], day[g])
            if rb[g] == arr[g]:  # not migrating
                ra[g], ltm[g], fra[g] = rb[g], 0, frb[g]
                if fltm[g] == NO_DAY:
                    fltm[g] = frb[g]
                continue
            if arr[g] == 1:
                p_in_v = _advance(p_in_v, i, n, pin, o, threshold)
                p_out_n = _advance(p_out_n, i, n, pout, o, N + 1)
                reach, exceed, same, other = p_in_v, p_out_n, pin, pout
            else:
                p_out_v = _advance(p_out_v, i, n, pout, o, threshold)
                p_in_n = _advance(p_in_n, i, n, pin, o, N + 1)
                reach, exceed, same, other = p_out_v, p_in_n, pout, pin
            if exceed < reach:  # more than N days in the other state first: no migration
                end = exceed
                mig = same[o + end + 1] - same[g]
                ra[g], ltm[g] = rb[g], 0
                fra[g] = max(day[g] + N + mig, frb[g])
                if fltm[g] == NO_DAY:
                    fltm[g] = fra[g]
            else:  # V days in the state entered
                end = reach
                stay = other[o + end + 1] - other[g]
                ra[g], ltm[g] = 1 - rb[g], 1
                fra[g] = fltm[g] = max(day[g] + threshold + stay, frb[g])
            # the return crossings before the decision, within 2N days of fRB: their fLTM
            k = i + 1
            k = max(k, (marked_even if k % 2 == 0 else marked_odd) + 2)
            while k <= end and day[o + k] < frb[g] + S:
                fltm[o + k] = max(day[o + k], frb[g])
                if k % 2 == 0:
                    marked_even = k
                else:
                    marked_odd = k
                k += 2
    for k in range(n):
        g = o + k
        prov[g] = 1 if fltm[g] > data_end or fra[g] > data_end else 0


@_compiled
def _classify(starts, day, arr, irs_status, irs_day, window, threshold, data_end, impute):
    """Classify persons starts[p]..starts[p+1]-1; rows of valid persons with a gap get the
    missing crossing first when ``impute``. Returns the output columns."""
    persons = starts.size - 1
    errors = np.zeros(persons, np.int8)
    total = 0
    for p in range(persons):
        lo, hi = starts[p], starts[p + 1]
        errors[p] = _person_error(day, arr, lo, hi, impute)
        total += hi - lo
        if errors[p] == 0 and impute:
            for k in range(lo + 1, hi):
                total += arr[k] == arr[k - 1]
    src = np.empty(total, np.int64)
    imputed = np.zeros(total, np.int8)
    err = np.empty(total, np.int8)
    out = (np.empty(total, np.int32), np.empty(total, np.int8),  # day, arr
           np.empty(total, np.int8), np.empty(total, np.int8), np.empty(total, np.int8),
           np.empty(total, np.int32), np.empty(total, np.int32), np.empty(total, np.int32),
           np.empty(total, np.int32), np.empty(total, np.int8),  # spell, provisional
           np.empty(total + 1, np.int64), np.empty(total + 1, np.int64))  # scratch sums
    (oday, oarr, rb, ra, ltm, frb, fra, fltm, spell, prov, _, _) = out
    o = 0
    for p in range(persons):
        lo, hi = starts[p], starts[p + 1]
        first = o
        for k in range(lo, hi):
            if errors[p] == 0 and impute and k > lo and arr[k] == arr[k - 1]:
                src[o], imputed[o] = k, 1
                oday[o] = day[k - 1] + (day[k] - day[k - 1]) // 2
                oarr[o] = 1 - arr[k]
                o += 1
            src[o], oday[o], oarr[o] = k, day[k], arr[k]
            o += 1
        err[first:o] = errors[p]
        if errors[p] == 0:
            has_irs = irs_status[lo] >= 0
            s0 = irs_status[lo] if has_irs else 1 - arr[lo]
            d0 = irs_day[lo] if has_irs else day[lo]
            _rule(first, o - first, s0, d0, window, threshold, data_end, out)
            continue
        # a person in error keeps the initial status; every finalised date is the crossing's
        status = irs_status[lo] if irs_status[lo] >= 0 else (0 if arr[lo] == 1 else 1)
        for g in range(first, o):
            rb[g] = ra[g] = status
            ltm[g] = prov[g] = 0
            frb[g] = fra[g] = fltm[g] = oday[g]
            if g == o - 1:
                spell[g] = window
            elif oday[g] == NO_DAY or oday[g + 1] == NO_DAY:
                spell[g] = NO_DAY
            else:
                spell[g] = oday[g + 1] - oday[g]
    return src, imputed, err, out


def output_schema(person_type: pa.DataType, carried: Iterable[pa.Field] = ()) -> pa.Schema:
    """The columns :func:`classify_batches` yields (``carried``: the columns it carries)."""
    day = pa.date32()
    return pa.schema([*carried,
        ("_row", pa.int64()), ("_seq", pa.int64()), ("_person", person_type),
        ("_date", day), ("_arr", pa.int8()),
        ("res_status_before", pa.int8()), ("res_status_after", pa.int8()),
        ("is_long_term_mig", pa.int8()), ("date_finalised_res_before", day),
        ("date_finalised_res_after", day), ("date_finalised_ltm", day),
        ("days_to_next_crossing", pa.int32()), ("provisional", pa.int8()),
        ("error_code", pa.int8()), ("imputed", pa.int8()),
    ])


def _numpy(column: pa.Array, missing: int, dtype) -> np.ndarray:
    if column.null_count == len(column):  # no initial status at all, say
        return np.full(len(column), missing, dtype)
    if column.null_count:
        column = pc.fill_null(column, missing)
    return column.to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def _days(values: np.ndarray) -> pa.Array:
    missing = values == NO_DAY
    return pa.array(values, pa.int32(), mask=missing if missing.any() else None).view(
        pa.date32())


def person_starts(person: pa.Array) -> np.ndarray:
    """Positions where a new person begins, and the length at the end."""
    if len(person) == 0:
        return np.zeros(1, np.int64)
    before, after = person.slice(0, len(person) - 1), person.slice(1)
    changed = pc.fill_null(pc.not_equal(before, after), True)
    both_null = pc.and_(pc.is_null(before), pc.is_null(after))
    changed = pc.and_(changed, pc.invert(both_null))
    inner = np.flatnonzero(changed.to_numpy(zero_copy_only=False)) + 1
    return np.concatenate(([0], inner, [len(person)])).astype(np.int64)


def _classify_batch(batch: pa.RecordBatch, starts: np.ndarray, *, window: int,
                    threshold: int, data_end: int, impute: bool,
                    carry: tuple[str, ...]) -> pa.RecordBatch:
    src, imputed, err, out = _classify(
        starts, _numpy(batch["_day"], NO_DAY, np.int32), _numpy(batch["_arr"], -1, np.int8),
        _numpy(batch["_irs_status"], -1, np.int8), _numpy(batch["_irs_day"], 0, np.int32),
        window, threshold, data_end, impute)
    (day, arr, rb, ra, ltm, frb, fra, fltm, spell, prov, _, _) = out
    if src.size == batch.num_rows:  # nothing imputed: every row once, in its place

        def taken(name):
            return batch[name]
    else:
        positions = pa.array(src)

        def taken(name):
            return batch[name].take(positions)
    row = taken("_row")
    columns = [
        *(taken(name) for name in carry),
        row, pc.subtract(pc.multiply(row, 2), pa.array(imputed.astype(np.int64))),
        taken("_person"), _days(day), pa.array(arr, mask=arr < 0),
        pa.array(rb), pa.array(ra), pa.array(ltm), _days(frb), _days(fra), _days(fltm),
        pa.array(spell, mask=spell == NO_DAY), pa.array(prov), pa.array(err),
        pa.array(imputed),
    ]
    carried = [batch.schema.field(name) for name in carry]
    return pa.RecordBatch.from_arrays(
        columns, schema=output_schema(batch["_person"].type, carried))


def classify_batches(batches: Iterable[pa.RecordBatch], *, window: int, threshold: int,
                     data_end: int, impute: bool,
                     carry: tuple[str, ...] = ()) -> Iterator[pa.RecordBatch]:
    """Classify crossings that come person by person (each person's rows together, in input
    order), in any number of batches: a person cut by a batch boundary is held back and
    classified with the rest of their rows.

    Each input batch has ``_person`` and the columns of :data:`INPUT_SCHEMA`; the output
    batches have :func:`output_schema`'s, with ``_seq`` (twice the row, one less for an
    imputed crossing) ordering the rows as the input's, and ``data_end`` a day number.
    The input's ``carry`` columns come first, an imputed crossing taking the values of the
    crossing that revealed the gap.
    """
    options = dict(window=window, threshold=threshold, data_end=data_end, impute=impute,
                   carry=tuple(carry))
    held = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        if held is not None:
            batch = pa.concat_batches([held, batch.select(held.schema.names)])
        starts = person_starts(batch["_person"])
        last = int(starts[-2])
        held = batch.slice(last)
        if last:
            yield _classify_batch(batch.slice(0, last), starts[:-1], **options)
    if held is not None:
        yield _classify_batch(held, person_starts(held["_person"]), **options)
