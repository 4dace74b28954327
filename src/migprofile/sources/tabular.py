"""Reading delimited text files strictly, and checking their rows against rules.

Files are read with every column as text plus ``_row``, the line number in the file, so
that every problem can be reported with its file, row, column and value before anything
is converted or imported.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandera.errors
import pandera.ibis as pandera
import pyarrow as pa
import pyarrow.csv as pacsv

from migprofile.errors import InputProblem, Message, MigprofileError, ProblemsFound

__all__ = [
    "ROW",
    "Rule",
    "blank",
    "check_rules",
    "check_schema",
    "load_checked",
    "missing",
    "negative",
    "not_a_number",
    "not_in",
    "not_whole",
    "number",
    "raise_if_problems",
    "read_text_table",
    "require_columns",
]

ROW = "_row"
"""Column holding the 1-based line number of a row in its file (the header is line 1)."""

MAX_PROBLEMS_PER_RULE = 50


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            return next(csv.reader(handle))
        except StopIteration:
            return []


def _locate_bad_lines(path: Path, width: int, limit: int = 10) -> list[str]:
    """Lines whose number of fields differs from the header's (pyarrow does not say which)."""
    found = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row in reader:
            if row and len(row) != width:
                found.append(f"line {reader.line_num} has {len(row)} fields, expected {width}")
                if len(found) == limit:
                    break
    return found


def read_text_table(path: Path) -> pa.Table:
    """Read a UTF-8 CSV file with every column as text, plus ``_row``.

    A file that cannot be read as a table (missing, empty, not UTF-8, ragged rows) raises
    :class:`MigprofileError` naming the file and the first offending lines.
    """
    if not path.is_file():
        raise MigprofileError(Message("the file does not exist or is not readable."),
                              path=path)
    try:
        header = _header(path)
    except UnicodeDecodeError as exc:
        raise MigprofileError(Message("not UTF-8 text ({reason} at byte {byte}).",
                                      reason=exc.reason, byte=exc.start), path=path) from exc
    if not header:
        raise MigprofileError(Message("the file is empty; expected a header line and data."),
                              path=path)
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        details = _locate_bad_lines(path, len(header)) or [str(exc)]
        raise MigprofileError(
            "cannot be read as a CSV table: " + "; ".join(details) + ".", path=path
        ) from exc
    rows = pa.array(range(2, table.num_rows + 2), type=pa.int64())
    return table.append_column(ROW, rows)


def require_columns(table: pa.Table, required: Iterable[str], *, path: Path) -> None:
    missing = [name for name in required if name not in table.column_names]
    if missing:
        found = ", ".join(n for n in table.column_names if n != ROW)
        raise MigprofileError(Message("missing column(s) {missing}; the file has: {found}.",
                                      missing=", ".join(missing), found=found), path=path)


@dataclass(frozen=True)
class Rule:
    """A check on each row: ``fails`` returns True for the rows that break the rule.

    ``heading`` is the column as the file names it, when that differs from the table's
    column (a reshaped spreadsheet); problems name it, so the officer can find the cell.
    """

    name: str
    column: str
    message: str
    fails: Callable[[ir.Table], ir.BooleanValue]
    heading: str | None = None
    severity: str = "error"


def check_rules(table: ir.Table, rules: Iterable[Rule], *, path: Path,
                sheet: str | None = None) -> list[InputProblem]:
    """Every row that breaks a rule, as located problems (up to a cap per rule).

    All rules are evaluated in one pass over the table; only failing rows are fetched.
    ``sheet`` names the workbook sheet the rows come from.
    """
    rules = list(rules)
    if not rules:
        return []
    flags = {f"_rule{i}": rule.fails(table).fill_null(False) for i, rule in enumerate(rules)}
    columns = sorted({rule.column for rule in rules})
    failing = (
        table.mutate(**flags)
        .filter(ibis.or_(*(ibis.deferred[name] for name in flags)))
        .select(ROW, *columns, *flags)
        .order_by(ROW)
        .limit(MAX_PROBLEMS_PER_RULE * len(rules))
        .to_pyarrow()
        .to_pylist()
    )
    problems: list[InputProblem] = []
    for i, rule in enumerate(rules):
        hits = [row for row in failing if row[f"_rule{i}"]][:MAX_PROBLEMS_PER_RULE]
        problems.extend(
            InputProblem(file=str(path), rule=rule.name, message=rule.message,
                         row=row[ROW], column=rule.heading or rule.column,
                         value=_as_text(row[rule.column]), sheet=sheet,
                         severity=rule.severity)
            for row in hits
        )
    return problems


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_schema(table: ir.Table, schema: pandera.DataFrameSchema, *, path: Path,
                 sheet: str | None = None,
                 headings: Callable[[dict, str], str] | None = None,
                 messages: dict[str, str] | None = None,
                 shown: dict[str, str] | None = None) -> list[InputProblem]:
    """pandera's findings on ``table`` as located problems.

    ``table`` must have ``_row``; pandera reports the position of each failing row, which
    is looked up in the materialised table. ``messages`` gives the officer's wording for
    each named check; ``headings`` the file's column for a failing row and table column;
    ``shown`` the
    column holding the text as written for a checked column (``value`` -> ``value_text``).
    Failures of a multi-column uniqueness constraint are located with a window query
    (pandera reports them as a whole).
    """
    materialised = table.to_pyarrow()
    try:
        schema.validate(ibis.memtable(materialised), lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        failures = exc.failure_cases.to_dict("records")
    rows = materialised.to_pylist()
    messages = messages or {}
    problems = []
    for failure in failures:
        if failure["check"] == "multiple_fields_uniqueness":
            problems += _duplicates(materialised, schema.unique, path=path, sheet=sheet,
                                    headings=headings, message=messages.get("duplicate"))
            continue
        check = failure["check"]
        if failure["index"] is None:
            raise ContractBroken(f"pandera found a problem it cannot locate: {failure}")
        row = rows[int(failure["index"])]
        column = _failing_column(failure)
        problems.append(InputProblem(
            file=str(path), sheet=sheet, rule=check, row=row[ROW],
            message=messages.get(check, check),
            column=headings(row, column) if headings else column,
            value=_as_text(row[(shown or {}).get(column, column)])))
    return problems


class ContractBroken(RuntimeError):
    """A check on a whole table failed where only row checks were expected (a bug)."""


def _failing_column(failure: dict) -> str:
    """pandera's ibis backend names the column inside ``failure_case`` ({column: value})."""
    case = failure["failure_case"]
    if isinstance(case, dict) and len(case) == 1:
        return next(iter(case))
    return failure["column"]


def _duplicates(table: pa.Table, keys: list[str], *, path: Path, sheet: str | None,
                headings: Callable[[dict, str], str] | None,
                message: str | None) -> list[InputProblem]:
    """Rows whose key appeared in an earlier row, each naming that row."""
    t = ibis.memtable(table)
    first = t[ROW].min().over(group_by=[t[k] for k in keys])
    repeated = (t.mutate(_first=first).filter(ibis.deferred[ROW] != ibis.deferred["_first"])
                .order_by(ROW).limit(MAX_PROBLEMS_PER_RULE).to_pyarrow().to_pylist())
    return [InputProblem(
        file=str(path), sheet=sheet, rule="duplicate", row=row[ROW],
        column=headings(row, "") if headings else None,
        value=", ".join(str(row[k]) for k in keys),
        message=Message("{message} (first in row {first})", first=row["_first"],
                        message=message or Message("the same key appears again")))
        for row in repeated]


def raise_if_problems(problems: list[InputProblem], *, path: Path) -> None:
    """Refuse the whole file if any row broke a rule."""
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ProblemsFound(problems, path=path)


def load_checked(path: Path, *, columns: Iterable[str],
                 rules: Callable[[ir.Table], list[Rule]],
                 prepare: Callable[[ir.Table], ir.Table] = lambda table: table) -> ir.Table:
    """Read a CSV file as text, shape it with ``prepare``, and refuse it if a row breaks a rule.

    ``rules`` receives the prepared table, so that rules can depend on its columns.
    """
    raw = read_text_table(path)
    require_columns(raw, columns, path=path)
    table = prepare(ibis.memtable(raw))
    raise_if_problems(check_rules(table, rules(table), path=path), path=path)
    return table


def blank(column: ir.StringValue) -> ir.BooleanValue:
    return column.isnull() | (column.strip() == "")


def number(column: ir.StringValue) -> ir.FloatingValue:
    return column.strip().try_cast("float64")


def not_a_number(name: str) -> Rule:
    """A non-blank cell that is not a number."""
    return Rule("number", name, "not a number",
                lambda t: ~blank(t[name]) & number(t[name]).isnull())


def negative(name: str) -> Rule:
    return Rule("non_negative", name, "a count cannot be negative",
                lambda t: number(t[name]) < 0)


def not_whole(name: str) -> Rule:
    return Rule("integer", name, "a count must be a whole number",
                lambda t: number(t[name]) != number(t[name]).round())


def missing(name: str) -> Rule:
    return Rule("required", name, "the cell is empty", lambda t: blank(t[name]))


def not_in(name: str, codes: Iterable[str], what: str) -> Rule:
    allowed = sorted(set(codes))
    return Rule("known_code", name, f"not a known {what}",
                lambda t: ~blank(t[name]) & ~t[name].strip().isin(allowed))
