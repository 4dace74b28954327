"""Classifying a file of crossings into a file of classified crossings (``migprofile classify``)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Full, Queue

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from migprofile.crossings.kernel import (
    NO_DAY,
    classify_batches,
    input_batches,
    one_chunk,
    person_starts,
)
from migprofile.crossings.reading import (
    FORMATS,
    REQUIRED,
    CrossingColumns,
    check_columns,
    normalize_crossings,
    read_initial_status,
    row_label,
)
from migprofile.crossings.rule import (
    ERROR_MESSAGES,
    RESULT_COLUMNS,
    RuleParameters,
    classified_batches,
    classify_crossings,
    kernel_input,
    kernel_options,
)
from migprofile.crossings.tables import arrow_table, load_crossings_file
from migprofile.errors import MigprofileError
from migprofile.warehouse import Engine, connect

__all__ = ["ClassifySummary", "classify_file"]

SHOWN_PROBLEMS = 10
PROGRESS_EVERY = 2.0  # seconds
BATCH_ROWS = 1_000_000


@dataclass
class ClassifySummary:
    """What a classification run read, classified, rejected and found."""

    input: Path
    output: Path
    rule: RuleParameters
    data_end: dt.date
    rows_read: int = 0
    classified: int = 0
    rejected: dict[int, int] = field(default_factory=dict)
    imputed: int = 0
    provisional: int = 0
    ltm_arrivals: int = 0
    ltm_departures: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as printed by ``migprofile classify``."""
        rejected = sum(self.rejected.values())
        by_code = ", ".join(f"{code} {ERROR_MESSAGES[code]}: {count:,}"
                            for code, count in sorted(self.rejected.items()))
        lines = [
            f"Classified {self.input} -> {self.output} (window {self.rule.window}, threshold "
            f"{self.rule.threshold}, data end {self.data_end}, gaps: {self.rule.on_gap})",
            f"  rows read             {self.rows_read:>12,}",
            f"  classified            {self.classified:>12,}",
            f"  rejected              {rejected:>12,}" + (f"  ({by_code})" if by_code else ""),
            f"  imputed crossings     {self.imputed:>12,}",
            f"  provisional           {self.provisional:>12,}",
            f"  long-term arrivals    {self.ltm_arrivals:>12,}",
            f"  long-term departures  {self.ltm_departures:>12,}",
        ]
        if self.problems:
            lines.append("First problems (these persons are classified as errors):")
            lines += [f"  {problem}" for problem in self.problems]
        return lines


def classify_file(input_path: Path | str, output_path: Path | str, *,
                  rule: RuleParameters | None = None,
                  data_end: dt.date | None = None,
                  initial_status: Path | str | None = None,
                  engine: Engine = "duckdb",
                  columns: CrossingColumns | None = None,
                  memory_limit: str = "4GB",
                  progress: Callable[[str], None] | None = None) -> ClassifySummary:
    """Classify every crossing of a CSV or Parquet file and write them with the results.

    Parameters
    ----------
    input_path
        Crossings, one row per crossing (see :mod:`migprofile.crossings.reading`).
    output_path
        ``.csv`` or ``.parquet``: the input columns in the input's row order plus
        :data:`~migprofile.crossings.RESULT_COLUMNS`; imputed crossings are extra rows.
        Written to a temporary file first, then moved into place.
    rule
        Window, threshold and gap policy; default: 12/16, reject.
    data_end
        Last date the data cover; default: the latest crossing date.
    initial_status
        Optional file of ``person_id, status, as_of``.
    engine
        ``duckdb`` or ``spark``.
    columns
        Column names and direction codes of the input.
    memory_limit
        DuckDB's memory limit; beyond it, sorts spill to a temporary folder beside the
        output. The results DuckDB's engine path holds in memory (about 21 bytes a
        crossing) are taken from it.
    progress
        Called with short progress messages (the command line prints them on stderr).

    Returns
    -------
    ClassifySummary
        Counts of rows read, classified, rejected (by error code), imputed, provisional,
        and long-term arrivals and departures; ``rows_read == classified + rejected``.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    rule = rule or RuleParameters()
    columns = columns or CrossingColumns()
    if output_path.suffix.lower() not in FORMATS:
        raise MigprofileError("the output must end in .csv or .parquet.", path=output_path)
    if not output_path.parent.is_dir():
        raise MigprofileError("the output's folder does not exist.", path=output_path)
    if output_path.resolve() == input_path.resolve():
        raise MigprofileError("the output would overwrite the input.", path=output_path)
    say = progress or (lambda message: None)
    spill = Path(tempfile.mkdtemp(prefix=".migprofile-", dir=output_path.parent or "."))
    con = None
    try:
        con = connect(engine, memory_limit=memory_limit, temp_directory=spill)
        say(f"Reading {input_path}")
        table, data = load_crossings_file(con, input_path)
        check_columns([c for c in table.columns if c != "_row"],
                      [columns.names[k] for k in REQUIRED], input_path, "the crossings")
        table = normalize_crossings(table, columns)
        if data is not None and con.name == "duckdb":
            table, data = _normalized_once(con, table, data, columns)
        scan = scan_crossings(con, table, input_path, columns)
        summary = ClassifySummary(input=input_path, output=output_path, rule=rule,
                                  data_end=data_end or scan.latest, problems=scan.problems)
        irs = None
        if initial_status is not None:
            irs = _initial_status_table(con, Path(initial_status), table._person.type())
        say("Classifying")
        if con.name == "duckdb":
            _classify_on_duckdb(con, table, irs, summary, columns, scan, spill, say,
                                memory_limit=memory_limit, data=data)
        else:
            _classify_elsewhere(con, table, irs, summary, columns, scan, spill, say)
    finally:
        if con is not None and con.name == "duckdb":
            con.disconnect()  # before its spill files go
        shutil.rmtree(spill, ignore_errors=True)
    return summary


def _normalized_once(con: BaseBackend, table: ir.Table, data: pa.Table,
                     columns: CrossingColumns) -> tuple[ir.Table, pa.Table]:
    """A file in memory with its dates and directions read once, as plain columns: the scan
    and the classification then read them instead of parsing the text again."""
    read = con.to_pyarrow(table.select("_row", "_date", "_arr"))
    if not np.array_equal(read["_row"].to_numpy(), np.arange(data.num_rows)):
        read = read.sort_by("_row")
    for name, values in (("_person", data[columns.names["person_id"]]),
                         ("_date", read["_date"]), ("_arr", read["_arr"])):
        data = data.append_column(name, values)
    return arrow_table(con, f"normalized_{id(data)}", data), data


@dataclass
class _Scan:
    """What one pass over the input tells before classifying."""

    rows: int
    persons: int
    latest: dt.date
    arrival_code: object
    departure_code: object
    problems: list[str]


def scan_crossings(con: BaseBackend, table: ir.Table, path: Path,
                   columns: CrossingColumns) -> _Scan:
    """Whole-file checks, the latest date, the direction codes used, the first bad rows.

    Raises :class:`MigprofileError` for an empty file, missing person identifiers, or a
    file where no crossing can be read.
    """
    person = table[columns.names["person_id"]]
    direction = table[columns.names["is_arrival"]]
    missing_person = person.isnull()
    if person.type().is_string():
        missing_person |= person.strip() == ""
    # an integer code reads the same as its text; the text of every value is a costly pass
    code = direction if direction.type().is_integer() else direction.cast("string")
    counts = con.execute(table.aggregate(
        rows=table.count(),
        persons=person.nunique(),
        missing_person=missing_person.sum(),
        unreadable=(table._date.isnull() | table._arr.isnull()).sum(),
        latest=table._date.max(),
        arrival_code=code.min(where=table._arr == 1),
        departure_code=code.min(where=table._arr == 0),
    )).iloc[0]
    if counts["rows"] == 0:
        raise MigprofileError("the file has no crossings (no data rows); nothing was written.",
                              path=path)
    if counts["missing_person"]:
        rows = con.execute(table.filter(missing_person).order_by("_row")
                           .select("_row").limit(SHOWN_PROBLEMS))["_row"]
        raise MigprofileError(
            f"{int(counts['missing_person']):,} crossing(s) have no person identifier "
            f"(column {columns.names['person_id']!r}), first at "
            f"{', '.join(row_label(path, int(r)) for r in rows)}; nothing was written.",
            path=path,
        )
    problems = _first_unreadable(con, table, path, columns) if counts["unreadable"] else []
    if counts["unreadable"] == counts["rows"]:
        raise MigprofileError(
            "no crossing has both a readable date and a known direction code; is the "
            "column mapping right? Nothing was written. First problems:\n  "
            + "\n  ".join(problems),
            path=path,
        )
    return _Scan(rows=int(counts["rows"]), persons=int(counts["persons"]),
                 latest=_as_date(counts["latest"]), problems=problems,
                 arrival_code=counts["arrival_code"], departure_code=counts["departure_code"])


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _first_unreadable(con: BaseBackend, table: ir.Table, path: Path,
                      columns: CrossingColumns) -> list[str]:
    date_col, dir_col = columns.names["date_crossing"], columns.names["is_arrival"]
    bad = table.filter(table._date.isnull() | table._arr.isnull()).order_by("_row")
    rows = con.execute(bad.select("_row", "_date", "_arr", date=table[date_col].cast("string"),
                                  direction=table[dir_col].cast("string"))
                       .limit(SHOWN_PROBLEMS))
    problems = []
    for row in rows.itertuples():
        where = row_label(path, int(row._1))
        if row._3 is None or row._3 != row._3:  # null or NaN
            problems.append(f"{where}, column {dir_col!r}: unknown direction code "
                            f"{row.direction!r} (error 3)")
        if row._2 is None or row._2 != row._2:
            problems.append(f"{where}, column {date_col!r}: not a date {row.date!r} (error 4)")
    return problems[:SHOWN_PROBLEMS]


def _initial_status_table(con: BaseBackend, path: Path, person_type) -> ir.Table:
    data = read_initial_status(path)
    table = arrow_table(con, "initial_status", data)
    # an identifier that cannot be one of the crossings' (text in a file of numbers) matches
    # no person, as any identifier absent from the crossings
    return table.select(_person=table.person_id.try_cast(person_type), status=table.status,
                        as_of=table.as_of)


def _output_table(result: ir.Table, table: ir.Table, columns: CrossingColumns,
                  scan: _Scan) -> ir.Table:
    """Input columns in order (imputed rows get their date and direction), then results."""
    inputs = [c for c in table.columns if not c.startswith("_")]
    imputed = result.imputed == 1
    fill = {
        columns.names["date_crossing"]: result._date,
        # the codes the file itself uses (1/0 when it has no crossing of that direction)
        columns.names["is_arrival"]: ibis.cases(
            (result._arr == 1, ibis.literal(str(_code_or(scan.arrival_code, "1")))),
            else_=ibis.literal(str(_code_or(scan.departure_code, "0"))),
        ),
    }
    selected = {}
    for name in inputs:
        value = result[name]
        if name in fill:
            value = ibis.cases((imputed, fill[name].cast(value.type())), else_=value)
        selected[name] = value
    return result.order_by("_seq").select(**selected, **{c: result[c] for c in RESULT_COLUMNS},
                                          _arr=result._arr, _row=result._row)


def _code_or(value, default):
    return default if value is None or value != value else value  # None or NaN


def _classify_on_duckdb(con: BaseBackend, table: ir.Table, irs: ir.Table | None,
                        summary: ClassifySummary, columns: CrossingColumns, scan: _Scan,
                        spill: Path, say: Callable[[str], None], *, memory_limit: str,
                        data: pa.Table | None) -> None:
    """Classify in one pass where each person's crossings are together in the file (as the
    reference requires of its input); otherwise sort them by person first."""
    if irs is None:
        try:
            _classify_grouped(con, table, summary, columns, scan, spill, say, data=data)
            return
        except _NotGrouped as exc:
            say(f"{exc}: sorting every person's crossings")
            _start_counting(summary, scan)
    _classify_sorted(con, table, irs, summary, columns, scan, spill, say,
                     memory_limit=memory_limit)


class _NotGrouped(Exception):
    """A person's crossings are not all together in the file, or not read in row order."""


def _start_counting(summary: ClassifySummary, scan: _Scan) -> None:
    """Every count of ``summary`` back to nothing, the problems to those of the scan."""
    for name in ("rows_read", "classified", "imputed", "provisional", "ltm_arrivals",
                 "ltm_departures"):
        setattr(summary, name, 0)
    summary.rejected = {}
    summary.problems = list(scan.problems)


def _classify_grouped(con: BaseBackend, table: ir.Table, summary: ClassifySummary,
                      columns: CrossingColumns, scan: _Scan, spill: Path,
                      say: Callable[[str], None], *, data: pa.Table | None) -> None:
    """Read the file in row order, classify person by person, write the rows as they come:
    nothing is sorted or held but a batch. Raises :class:`_NotGrouped` (before the output is
    in place) as soon as a person turns up again after another person's crossings.

    A file already in memory as Arrow (``data``) gives its columns to the output directly;
    the engine reads only the narrow columns the rule needs.
    """
    inputs = tuple(c for c in table.columns if not c.startswith("_"))
    options = kernel_options(con, table, summary.rule, summary.data_end)
    if data is None:
        reader = con.to_pyarrow_batches(kernel_input(table, None, carry=inputs),
                                        chunk_size=BATCH_ROWS)
        fields = [reader.schema.field(name) for name in inputs]
        classified = classify_batches(_grouped(reader, persons=scan.persons), **options,
                                      carry=inputs)
    else:
        fields = [data.schema.field(name) for name in inputs]
        narrow = input_batches(data, rows=BATCH_ROWS)
        classified = (_with_inputs(batch, data, inputs) for batch in classify_batches(
            _grouped(narrow, persons=scan.persons), **options))
    rows = (_output_batch(batch, fields, columns, scan)
            for batch in _noted(_counted(classified, summary, say), summary))
    _write(rows, summary.output, spill, say)


def _with_inputs(batch: pa.RecordBatch, data: pa.Table,
                 inputs: tuple[str, ...]) -> pa.RecordBatch:
    """The kernel's ``batch`` with the input columns of its rows from ``data`` (an imputed
    crossing takes those of the row that revealed it, as carried columns do)."""
    rows = batch["_row"].to_numpy()
    columns = data.select(inputs)
    if rows.size and rows[-1] - rows[0] + 1 == rows.size and (np.diff(rows) == 1).all():
        taken = columns.slice(int(rows[0]), rows.size)  # no imputed rows: no copy
    else:
        taken = columns.take(rows)
    arrays = [one_chunk(taken[name]) for name in inputs]
    return pa.RecordBatch.from_arrays(
        [*arrays, *batch.columns],
        schema=pa.schema([*taken.schema, *batch.schema]))


def _grouped(batches: Iterable[pa.RecordBatch], *, persons: int) -> Iterator[pa.RecordBatch]:
    """The batches, checked to come in row order with each person's rows together: the
    number of runs of one person never exceeds the number of persons."""
    runs, next_row, last_person = 0, 0, None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        rows = batch["_row"].to_numpy()
        if rows[0] != next_row or (rows.size > 1 and not (np.diff(rows) == 1).all()):
            raise _NotGrouped("the rows were not read in their order")
        next_row += rows.size
        person = batch["_person"]
        runs += person_starts(person).size - 1 - (person[0].as_py() == last_person)
        if runs > persons:
            raise _NotGrouped("a person's crossings are not all together in the file")
        last_person = person[-1].as_py()
        yield batch


def _output_batch(batch: pa.RecordBatch, fields: list[pa.Field], columns: CrossingColumns,
                  scan: _Scan) -> pa.RecordBatch:
    """The input's columns (an imputed crossing has only its person, date and direction, in
    the codes the file itself uses), then :data:`RESULT_COLUMNS`."""
    imputed = pc.equal(batch["imputed"], 1)
    any_imputed = pc.any(imputed).as_py()
    arrays = []
    for column in fields:
        value = batch[column.name]
        if any_imputed:
            value = pc.if_else(imputed, _imputed_value(batch, column, columns, scan), value)
        arrays.append(value)
    return pa.RecordBatch.from_arrays(
        [*arrays, *(batch[name] for name in RESULT_COLUMNS)],
        schema=pa.schema([*fields, *(batch.schema.field(name) for name in RESULT_COLUMNS)]))


def _noted(batches: Iterable[pa.RecordBatch],
           summary: ClassifySummary) -> Iterator[pa.RecordBatch]:
    """The batches, their first persons rejected for order or direction noted as they pass."""
    for batch in batches:
        _note_rejected_persons(batch, summary)
        yield batch


def _classify_sorted(con: BaseBackend, table: ir.Table, irs: ir.Table | None,
                     summary: ClassifySummary, columns: CrossingColumns, scan: _Scan,
                     spill: Path, say: Callable[[str], None], *, memory_limit: str) -> None:
    """Classify with the kernel, put the results back in row order, write the file.

    The kernel's results (by person) are placed at their input rows in memory; the file is
    then written while DuckDB reads the input again in its order, each batch of input rows
    beside the slice of results of the same rows, imputed crossings slipped in before the
    rows that revealed them. Nothing is joined or sorted back. The results held in memory
    count against the memory limit.
    """
    by_row = _ByRow(scan.rows)
    _share_memory_limit(con, memory_limit, by_row.nbytes)
    stream = classified_batches(table, rule=summary.rule, data_end=summary.data_end,
                                initial_status=irs)
    imputed = []
    for batch in _counted(stream, summary, say):
        extra = pc.equal(batch["imputed"], 1)
        if pc.any(extra).as_py():
            imputed.append(batch.filter(extra))
            batch = batch.filter(pc.invert(extra))
        by_row.put(batch)
    _note_rejected_persons(by_row.rejected(SHOWN_PROBLEMS), summary)
    say(f"Writing {summary.output}")
    inputs = table.select(*[c for c in table.columns if not c.startswith("_")], "_row")
    extra_rows = None
    if imputed:
        extra_rows = _imputed_rows(pa.Table.from_batches(imputed),
                                   inputs.drop("_row").schema().to_pyarrow(), columns, scan)
    reader = con.to_pyarrow_batches(inputs, chunk_size=BATCH_ROWS)
    _write(_beside_results(reader, by_row.table(), extra_rows), summary.output, spill, say)


def _beside_results(inputs: pa.RecordBatchReader, results: pa.Table,
                    extra_rows: pa.Table | None) -> Iterator[pa.RecordBatch]:
    """Input batches (in row order, with ``_row``) with their results, and the imputed
    crossings (sorted by ``_row``) each just before the row that revealed it."""
    extra_at = extra_rows["_row"].to_numpy() if extra_rows is not None else np.zeros(0)
    at = 0
    for batch in inputs:
        rows = batch["_row"]
        if len(rows) and (rows[0].as_py() != at or rows[-1].as_py() != at + len(rows) - 1):
            raise RuntimeError("the input was not read back in its row order")
        joined = pa.Table.from_batches([batch.drop_columns(["_row"])])
        for name in results.column_names:
            joined = joined.append_column(name, results[name].slice(at, len(rows)))
        first, last = np.searchsorted(extra_at, [at, at + len(rows)])
        if last > first:
            extra = extra_rows.slice(first, last - first).drop_columns(["_row"])
            # each input row after the imputed rows of the same row number
            keys = np.concatenate([np.arange(len(rows)) * 2 + 1,
                                   (extra_at[first:last] - at) * 2])
            joined = pa.concat_tables([joined, extra.cast(joined.schema)]).take(
                np.argsort(keys, kind="stable"))
        at += len(rows)
        yield from joined.to_batches()


def _classify_elsewhere(con: BaseBackend, table: ir.Table, irs: ir.Table | None,
                        summary: ClassifySummary, columns: CrossingColumns, scan: _Scan,
                        spill: Path, say: Callable[[str], None]) -> None:
    """Another engine classifies and orders the rows; they are written as they come."""
    result = classify_crossings(table, rule=summary.rule, data_end=summary.data_end,
                                initial_status=irs, carry=(columns.names["person_id"],))
    output = _output_table(result, table, columns, scan)
    source = con.to_pyarrow_batches(output, chunk_size=BATCH_ROWS)
    rows = (batch.drop_columns(["_arr", "_row"])
            for batch in _noted(_counted(source, summary, say), summary))
    _write(rows, summary.output, spill, say)


class _ByRow:
    """The kernel's results for each input row, at the row's position."""

    def __init__(self, rows: int):
        self.rows = rows
        self.values = {name: np.empty(rows, np.int32 if _is_day_or_days(name) else np.int8)
                       for name in RESULT_COLUMNS if name != "imputed"}

    @property
    def nbytes(self) -> int:
        return sum(values.nbytes for values in self.values.values())

    def put(self, batch: pa.RecordBatch) -> None:
        at = batch["_row"].to_numpy()
        for name, values in self.values.items():
            column = batch[name]
            if _is_day_or_days(name):
                column = pc.fill_null(column.view(pa.int32()), NO_DAY)
            values[at] = column.to_numpy()

    def table(self) -> pa.Table:
        """The results in row order."""
        columns = {}
        for name, values in self.values.items():
            if _is_day_or_days(name):
                missing = values == NO_DAY
                array = pa.array(values, mask=missing if missing.any() else None)
                columns[name] = array if name == "days_to_next_crossing" \
                    else array.view(pa.date32())
            else:
                columns[name] = pa.array(values)
        columns["imputed"] = pa.array(np.zeros(self.rows, np.int8))
        return pa.table({name: columns[name] for name in RESULT_COLUMNS})

    def rejected(self, limit: int) -> pa.RecordBatch:
        """The first rows of persons rejected for their order or direction."""
        rows = np.flatnonzero(np.isin(self.values["error_code"], (1, 2)))[:limit]
        return pa.record_batch({"_row": pa.array(rows, pa.int64()),
                                "error_code": pa.array(self.values["error_code"][rows]),
                                "imputed": pa.array(np.zeros(rows.size, np.int8))})


UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
         "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
LEAST_FOR_DUCKDB = 512 * 10**6


def _share_memory_limit(con: BaseBackend, memory_limit: str, held: int) -> None:
    """Lower DuckDB's memory limit by what this process holds beside it (not below
    512 MB), so that the limit bounds the whole run; a limit DuckDB reads otherwise (a
    percentage) is left as it is."""
    found = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]?i?b)\s*", memory_limit.lower())
    if found is None or found[2] not in UNITS:
        return
    limit = float(found[1]) * UNITS[found[2]]
    share = max(int(limit) - held, LEAST_FOR_DUCKDB)
    con.con.execute(f"SET memory_limit = '{share // 10**6}MB'")


def _is_day_or_days(name: str) -> bool:
    return name.startswith("date_") or name == "days_to_next_crossing"


def _imputed_rows(imputed: pa.Table, schema: pa.Schema, columns: CrossingColumns,
                  scan: _Scan) -> pa.Table:
    """Imputed crossings as output rows: the person, the date and direction used (in the
    codes the file itself uses), no other input value; then the results and ``_row``, by
    which they are sorted."""
    values = {field.name: _imputed_value(imputed, field, columns, scan) for field in schema}
    rows = pa.table({**values, **{c: imputed[c] for c in (*RESULT_COLUMNS, "_row")}})
    return rows.sort_by("_row")


def _imputed_value(kernel_rows, field: pa.Field, columns: CrossingColumns, scan: _Scan):
    """Input column ``field`` of an imputed crossing, for each of the kernel's output rows:
    its person, the date and direction used (in the codes the file itself uses), nothing
    for any other column."""
    if field.name == columns.names["person_id"]:
        value = kernel_rows["_person"]
    elif field.name == columns.names["date_crossing"]:
        value = kernel_rows["_date"]
    elif field.name == columns.names["is_arrival"]:
        value = pc.if_else(pc.equal(kernel_rows["_arr"], 1),
                           str(_code_or(scan.arrival_code, "1")),
                           str(_code_or(scan.departure_code, "0")))
    else:
        return pa.nulls(kernel_rows.num_rows, field.type)
    return value.cast(field.type)


def _write(batches: Iterable[pa.RecordBatch], path: Path, spill: Path,
           say: Callable[[str], None]) -> None:
    """Stream the rows into a temporary file beside ``path``, then move it there: a failed
    run leaves no partial output."""
    partial = spill / f"partial{path.suffix.lower()}"
    writer = None
    written, progress = 0, _Progress(say)
    try:
        for batch in _ahead(batches):
            if writer is None:
                writer = _writer(partial, batch.schema)
            writer.write_batch(batch)
            written += batch.num_rows
            progress("  {:,} rows written", written)
    finally:
        if writer is not None:
            writer.close()
    if writer is not None:
        os.replace(partial, path)


def _ahead(items: Iterable, *, depth: int = 2) -> Iterator:
    """The items of ``items``, produced in a thread of their own up to ``depth`` ahead of
    their use: reading and classifying the next batches goes on while one is written (on
    two cores or more, about the time of the longer of the two instead of their sum).
    An exception of the producer is raised here, in its place in the sequence."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def offer(entry) -> bool:
        """Queue ``entry`` unless the consumer has stopped; whether it was queued."""
        while not stop.is_set():
            try:
                queue.put(entry, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer((item, None)):
                    return
            offer((done, None))
        except BaseException as exc:  # handed over to the consumer, raised there
            offer((done, exc))

    thread = threading.Thread(target=produce, name="migprofile-classify", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _writer(path: Path, schema: pa.Schema):
    if path.suffix == ".csv":
        return pa_csv.CSVWriter(path, schema,
                                write_options=pa_csv.WriteOptions(quoting_style="needed"))
    return pq.ParquetWriter(path, schema)


def _counted(batches, summary: ClassifySummary, say: Callable[[str], None]):
    """The batches, counted into the summary as they pass, with progress now and then."""
    progress = _Progress(say)
    for batch in batches:
        _count(batch, summary)
        progress("  {:,} rows classified", summary.rows_read + summary.imputed)
        yield batch


class _Progress:
    """Says a progress line at most every :data:`PROGRESS_EVERY` seconds: long work shows
    it is moving without flooding the terminal."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.last = time.monotonic()

    def __call__(self, message: str, *values) -> None:
        if time.monotonic() - self.last > PROGRESS_EVERY:
            self.say(message.format(*values))
            self.last = time.monotonic()


def _note_rejected_persons(batch: pa.RecordBatch, summary: ClassifySummary) -> None:
    """The first crossings rejected for their order or direction, to show with the summary."""
    if len(summary.problems) >= SHOWN_PROBLEMS:
        return
    error = batch["error_code"]
    sequence_errors = pc.and_(pc.is_in(error, value_set=pa.array([1, 2], error.type)),
                              pc.equal(batch["imputed"], 0))
    found = batch.filter(sequence_errors).slice(0, SHOWN_PROBLEMS - len(summary.problems))
    for row, code in zip(found["_row"].to_pylist(), found["error_code"].to_pylist(),
                         strict=True):
        summary.problems.append(
            f"{row_label(summary.input, row)}: person rejected, {ERROR_MESSAGES[code]} "
            f"(error {code})")


def _count(batch: pa.RecordBatch, summary: ClassifySummary) -> None:
    imputed = pc.equal(batch["imputed"], 1)
    error = batch["error_code"]
    real = pc.invert(imputed)
    summary.rows_read += pc.sum(real.cast(pa.int64())).as_py() or 0
    summary.imputed += pc.sum(imputed.cast(pa.int64())).as_py() or 0
    codes = pc.value_counts(pc.filter(error, pc.and_(real, pc.greater(error, 0))))
    for item in codes.to_pylist():
        summary.rejected[item["values"]] = summary.rejected.get(item["values"], 0) + item[
            "counts"]
    summary.classified = summary.rows_read - sum(summary.rejected.values())
    valid = pc.equal(error, 0)

    def count(mask) -> int:
        return pc.sum(pc.and_(valid, mask).cast(pa.int64())).as_py() or 0

    summary.provisional += count(pc.equal(batch["provisional"], 1))
    ltm = pc.equal(batch["is_long_term_mig"], 1)
    summary.ltm_arrivals += count(pc.and_(ltm, pc.equal(batch["_arr"], 1)))
    summary.ltm_departures += count(pc.and_(ltm, pc.equal(batch["_arr"], 0)))
