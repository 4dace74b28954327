"""The residence rule (12/16 and its variants) over a table of crossings, on any engine.

The engine only groups and orders: DuckDB sorts the crossings by person and input row and
streams them; Spark partitions them by person and sorts each partition. Both hand the
same compiled kernel (:mod:`migprofile.crossings.kernel`) a person's crossings at a time, so
the rule is written once. Day numbers (days since 1970-01-01) stand for dates in the kernel.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from migprofile.crossings.kernel import classify_batches, output_schema
from migprofile.profile import RuleParameters

__all__ = [
    "ERROR_MESSAGES",
    "RESULT_COLUMNS",
    "RuleParameters",
    "classify_crossings",
]

EPOCH = dt.date(1970, 1, 1)

ERROR_MESSAGES = {
    1: "dates out of order",
    2: "two crossings in the same direction",
    3: "invalid direction code",
    4: "invalid crossing date",
}
"""The reference's error codes for a person whose crossings cannot be classified."""

RESULT_COLUMNS = (
    "res_status_before",
    "res_status_after",
    "is_long_term_mig",
    "date_finalised_res_before",
    "date_finalised_res_after",
    "date_finalised_ltm",
    "days_to_next_crossing",
    "provisional",
    "error_code",
    "imputed",
)
"""The columns the rule adds to each crossing, in output order."""


def classify_crossings(crossings: ir.Table, *, rule: RuleParameters,
                       data_end: dt.date | None = None,
                       initial_status: ir.Table | None = None,
                       carry: tuple[str, ...] = ()) -> ir.Table:
    """Classify every crossing with the residence rule.

    The classification runs when this is called (on the engine of ``crossings``); the
    returned table holds its results.

    Parameters
    ----------
    crossings
        One row per crossing with ``_row`` (int64 position in the input, unique),
        ``_person``, ``_date`` (date, null when unreadable) and ``_arr`` (1 arrival,
        0 departure, null when the direction code is invalid), plus any other columns,
        which pass through. A person's crossings are taken in ``_row`` order.
    rule
        Window, threshold and gap policy.
    data_end
        Last date the data cover; decides single crossings and ``provisional``. Default:
        the latest crossing date.
    initial_status
        Optional ``_person``, ``status`` (0/1), ``as_of`` (date), at most one row per person:
        the residence status before the first crossing when that crossing is on or after
        ``as_of``.
    carry
        Columns copied into imputed crossings from the crossing that revealed the gap.

    Returns
    -------
    ibis.Table
        The input columns plus :data:`RESULT_COLUMNS`; ``_seq`` orders the rows (an imputed
        crossing, an extra row with ``imputed = 1``, comes just before the crossing that
        revealed the gap and has its ``_row``), ``_date`` and ``_arr`` are those used.
    """
    result = classify_narrow(crossings, rule=rule, data_end=data_end,
                             initial_status=initial_status)
    return _with_passthrough(result, crossings, carry=carry)


def classify_narrow(crossings: ir.Table, *, rule: RuleParameters,
                    data_end: dt.date | None = None,
                    initial_status: ir.Table | None = None) -> ir.Table:
    """The kernel's output (``_row``, ``_seq``, ``_person``, ``_date``, ``_arr`` and
    :data:`RESULT_COLUMNS`) for the crossings, without their other columns."""
    backend = crossings._find_backend(use_default=True)
    if backend.name == "pyspark":
        narrow = kernel_input(crossings, initial_status)
        options = kernel_options(backend, crossings, rule, data_end)
        return _classify_on_spark(backend, narrow, options)
    reader = classified_batches(crossings, rule=rule, data_end=data_end,
                                initial_status=initial_status)
    return ibis.memtable(reader.read_all())


def classified_batches(crossings: ir.Table, *, rule: RuleParameters,
                       data_end: dt.date | None = None,
                       initial_status: ir.Table | None = None,
                       batch_rows: int = 1_000_000) -> pa.RecordBatchReader:
    """DuckDB: the kernel's output as a stream, person by person (not in row order).

    DuckDB sorts the narrow columns by person and input row and streams them in batches
    of ``batch_rows``; the kernel classifies each batch as it comes.
    """
    backend = crossings._find_backend(use_default=True)
    narrow = kernel_input(crossings, initial_status)
    options = kernel_options(backend, crossings, rule, data_end)
    source = backend.to_pyarrow_batches(narrow.order_by("_person", "_row"),
                                        chunk_size=batch_rows)
    schema = output_schema(source.schema.field("_person").type)
    return pa.RecordBatchReader.from_batches(schema, classify_batches(source, **options))


def kernel_options(backend: BaseBackend, crossings: ir.Table, rule: RuleParameters,
                    data_end: dt.date | None) -> dict:
    return dict(window=rule.window, threshold=rule.threshold,
                data_end=data_end_day(backend, crossings, data_end),
                impute=rule.on_gap == "impute")


def kernel_input(crossings: ir.Table, initial_status: ir.Table | None, *,
                 carry: tuple[str, ...] = ()) -> ir.Table:
    """The narrow columns the kernel reads, with each person's initial status if any (and
    the ``carry`` columns of the crossings)."""
    table = crossings.select(
        *carry, "_row", "_person",
        _day=crossings._date.epoch_days().cast("int32"),
        _arr=crossings._arr.cast("int8"),
    )
    if initial_status is None:
        return table.mutate(_irs_status=ibis.null("int8"), _irs_day=ibis.null("int32"))
    irs = initial_status.select(
        _irs_person=initial_status._person,
        _irs_status=initial_status.status.cast("int8"),
        _irs_day=initial_status.as_of.epoch_days().cast("int32"),
    )
    return table.left_join(irs, table._person == irs._irs_person).drop("_irs_person")


def data_end_day(backend: BaseBackend, crossings: ir.Table, data_end: dt.date | None) -> int:
    """The data end as a day number; by default the latest crossing's."""
    if data_end is None:
        data_end = backend.execute(crossings._date.max())
        if data_end is None or data_end != data_end:  # no readable date: nothing is valid
            return 0
    if isinstance(data_end, dt.datetime):
        data_end = data_end.date()
    return (data_end - EPOCH).days


def _classify_on_spark(backend: BaseBackend, narrow: ir.Table, options: dict) -> ir.Table:
    """Spark: partitions by person, each sorted, through the same kernel (``mapInArrow``)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    backend._run_pre_execute_hooks(narrow)
    frame = backend.raw_sql(backend.compile(narrow))
    schema = from_arrow_schema(output_schema(narrow.schema()["_person"].to_pyarrow()))
    result = (frame.repartition("_person").sortWithinPartitions("_person", "_row")
              .mapInArrow(partial(classify_batches, **options), schema))
    name = f"classified_{uuid.uuid4().hex}"
    result.createOrReplaceTempView(name)
    return backend.table(name)


def _with_passthrough(result: ir.Table, crossings: ir.Table, *,
                      carry: tuple[str, ...]) -> ir.Table:
    """The input's other columns, joined back by row: the rule works on narrow rows.

    An imputed crossing has the row number of the crossing that revealed the gap; it takes
    only the ``carry`` columns from it.
    """
    names = [c for c in crossings.columns if c not in ("_row", "_person", "_date", "_arr")]
    others = crossings.select("_row", *names).rename(_input_row="_row")
    joined = result.left_join(others, result._row == others._input_row)
    imputed = joined.imputed == 1
    return joined.select(
        *[
            name if name in carry
            else ibis.cases((imputed, ibis.null(others[name].type())), else_=joined[name])
            .name(name)
            for name in names
        ],
        *result.columns,
    )


