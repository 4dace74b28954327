"""Reading files of border crossings (CSV or Parquet) into the shape the residence rule needs.

A crossings file has one row per crossing with a person identifier, a date (or date and
time; the time of day is dropped) and a direction. Column names and direction codes are
mapped with a :class:`CrossingColumns` mapping, written inline
(``person_id=PID,date_crossing=DT,is_arrival=DIR``) or as a TOML file::

    [columns]
    person_id = "PID"
    date_crossing = "DT"
    is_arrival = "DIR"
    citizenship = "NAT"      # optional, used by `crossings import`
    sex = "SEX"
    birth_year = "YOB"

    [directions]
    arrival = ["E", "ENTRY"]
    departure = ["X", "EXIT"]

:func:`normalize_crossings` adds ``_person``, ``_date`` (null when the value is not a date)
and ``_arr`` (1, 0, null when the code is unknown); every input column passes through
unchanged. Problems with the whole file raise :class:`MigprofileError`.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from migprofile.errors import Message, MigprofileError

__all__ = [
    "ARRIVAL_CODES",
    "DEPARTURE_CODES",
    "FORMATS",
    "REQUIRED",
    "CrossingColumns",
    "check_columns",
    "check_format",
    "normalize_crossings",
    "parse_columns",
    "read_crossings_file",
    "read_csv_text",
    "read_initial_status",
    "row_label",
]

ARRIVAL_CODES = ("1", "a", "in", "arrival")
DEPARTURE_CODES = ("0", "d", "out", "departure")
"""Direction codes understood without a mapping (compared without case or spaces)."""

REQUIRED = ("person_id", "date_crossing", "is_arrival")
OPTIONAL = ("citizenship", "sex", "birth_year", "age", "port")
FORMATS = (".csv", ".parquet")


@dataclass(frozen=True)
class CrossingColumns:
    """Which input column holds each field, and the direction codes."""

    names: dict[str, str] = field(default_factory=lambda: {k: k for k in REQUIRED})
    arrival_codes: tuple[str, ...] = ARRIVAL_CODES
    departure_codes: tuple[str, ...] = DEPARTURE_CODES

    def column(self, key: str) -> str | None:
        """The input column of field ``key`` (``person_id``, ``sex``, ...), if mapped."""
        return self.names.get(key)


def _mapping_from_toml(path: Path) -> CrossingColumns:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MigprofileError(Message("cannot read the column mapping: {error}",
                                      error=str(exc)), path=path) from exc
    unknown = set(data) - {"columns", "directions"}
    if unknown:
        raise MigprofileError(Message(
            "unknown section(s) {sections}; expected [columns] and [directions].",
            sections=str(sorted(unknown))), path=path)
    directions = data.get("directions", {})
    bad = set(directions) - {"arrival", "departure"}
    if bad:
        raise MigprofileError(Message(
            "[directions] takes `arrival` and `departure` lists, not {keys}.",
            keys=str(sorted(bad))), path=path)

    def codes(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        values = directions.get(key)
        if values is None:
            return default
        if not isinstance(values, list) or not values:
            raise MigprofileError(Message("[directions] {key} must be a list of codes.",
                                          key=key), path=path)
        return tuple(str(v).strip().lower() for v in values)

    return CrossingColumns(
        names=_checked_names(data.get("columns", {}), source=str(path)),
        arrival_codes=codes("arrival", ARRIVAL_CODES),
        departure_codes=codes("departure", DEPARTURE_CODES),
    )


def _checked_names(given: dict[str, object], *, source: str) -> dict[str, str]:
    unknown = set(given) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise MigprofileError(Message(
            "{source}: unknown field(s) {fields}; fields are {known}.", source=source,
            fields=str(sorted(unknown)), known=", ".join(REQUIRED + OPTIONAL)))
    names = {key: key for key in REQUIRED}
    names.update({key: str(value) for key, value in given.items()})
    return names


def parse_columns(text: str | None) -> CrossingColumns:
    """A mapping from ``--columns``: a TOML file, or ``field=COLUMN`` pairs separated by commas.

    Parameters
    ----------
    text
        ``person_id=PID,date_crossing=DT,is_arrival=DIR`` or the path of a ``.toml`` file;
        ``None`` for the default column names.
    """
    if text is None:
        return CrossingColumns()
    if text.endswith(".toml"):
        return _mapping_from_toml(Path(text))
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not value.strip():
            raise MigprofileError(Message(
                "--columns: {part!r} is not FIELD=COLUMN (for example "
                "person_id=PID,date_crossing=DT,is_arrival=DIR), nor a .toml file.",
                part=part))
        pairs[key.strip()] = value.strip()
    return CrossingColumns(names=_checked_names(pairs, source="--columns"))


def check_format(path: Path) -> None:
    """A crossings file must exist and be CSV or Parquet."""
    if path.suffix.lower() not in FORMATS:
        raise MigprofileError(Message("crossings must be a .csv or .parquet file."), path=path)
    if not path.is_file():
        raise MigprofileError(Message("no such file."), path=path)


def read_csv_text(path: Path) -> pa.Table:
    """A whole CSV file as Arrow, every value kept as the text written in the file."""
    check_format(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
        if not header:
            raise MigprofileError(Message("the file is empty (no header line)."), path=path)
        return pa_csv.read_csv(
            path,
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (OSError, UnicodeDecodeError, pa.ArrowInvalid, csv.Error) as exc:
        raise MigprofileError(Message("cannot read the file: {error}", error=str(exc)),
                              path=path) from exc


def read_crossings_file(path: Path) -> pa.Table:
    """A CSV (values as text) or Parquet file as Arrow; unreadable files are whole-file errors."""
    check_format(path)
    if path.suffix.lower() == ".csv":
        return read_csv_text(path)
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise MigprofileError(Message("cannot read the file: {error}", error=str(exc)),
                              path=path) from exc


def check_columns(available: list[str], wanted: list[str], path: Path, what: str) -> None:
    """A whole-file problem when a mapped column is missing, naming what the file has."""
    missing = [name for name in wanted if name not in available]
    if missing:
        raise MigprofileError(Message(
            "missing column(s) {missing} for {what}; the file has {available}. Map other "
            "names with --columns (see docs/border-data.md).",
            missing=", ".join(map(repr, missing)), what=what,
            available=", ".join(map(repr, available))),
            path=path,
        )


def row_label(path: Path, row: int) -> str:
    """How a user finds row ``row`` (0-based) of the file: a CSV line or a Parquet row."""
    if path.suffix.lower() == ".csv":
        return f"line {row + 2}"
    return f"row {row + 1}"


def _as_date(value: ir.Value) -> ir.DateValue:
    if value.type().is_date():
        return value
    if value.type().is_timestamp():
        return value.date()
    return value.cast("string").strip().try_cast("timestamp").date()


def _as_arrival(value: ir.Value, columns: CrossingColumns) -> ir.IntegerValue:
    if value.type().is_integer():  # the same codes, without writing every number as text
        arrival = _integer_codes(columns.arrival_codes)
        departure = _integer_codes(columns.departure_codes)
        code = value
    else:
        arrival, departure = columns.arrival_codes, columns.departure_codes
        code = value.cast("string").strip().lower()
    return ibis.cases(
        (code.isin(arrival) if arrival else ibis.literal(False), 1),
        (code.isin(departure) if departure else ibis.literal(False), 0),
        else_=ibis.null("int64"),
    )


def _integer_codes(codes: tuple[str, ...]) -> list[int]:
    """The codes an integer's text can equal (``"1"``, ``"-2"``; not ``"01"`` or ``"in"``)."""
    return [int(code) for code in codes
            if code.lstrip("-").isdigit() and str(int(code)) == code]


def normalize_crossings(table: ir.Table, columns: CrossingColumns) -> ir.Table:
    """Add ``_person``, ``_date`` (null if not a date) and ``_arr`` (null if not a known code).

    Parameters
    ----------
    table
        The file's columns, and ``_row``.
    columns
        Where the person, date and direction are, and the direction codes.
    """
    return table.mutate(
        _person=table[columns.names["person_id"]],
        _date=_as_date(table[columns.names["date_crossing"]]),
        _arr=_as_arrival(table[columns.names["is_arrival"]], columns),
    )


def read_initial_status(path: Path | str) -> pa.Table:
    """Read an initial-status file: ``person_id``, ``status`` (0 or 1), ``as_of`` (a date).

    Returns ``person_id`` (text), ``status`` and ``as_of``, the first row of each person
    (as in the reference). Any unreadable value is a whole-file problem: a status decides a
    whole history.
    """
    path = Path(path)
    data = read_crossings_file(path)
    check_columns(data.column_names, ["person_id", "status", "as_of"], path,
                  "the initial status")
    person = pc.cast(data["person_id"], pa.string())
    status = pc.cast(data["status"], pa.string())
    as_of = data["as_of"]
    if not pa.types.is_date(as_of.type):
        as_of = pc.strptime(pc.cast(as_of, pa.string()), format="%Y-%m-%d", unit="s",
                            error_is_null=True)
    as_of = pc.cast(as_of, pa.date32())
    bad = pc.or_(pc.invert(pc.is_in(status, value_set=pa.array(["0", "1"]))),
                 pc.or_(pc.is_null(as_of), pc.equal(pc.utf8_length(person), 0)))
    bad_rows = pc.indices_nonzero(pc.fill_null(bad, True)).to_pylist()
    if bad_rows:
        listed = ", ".join(row_label(path, r) for r in bad_rows[:10])
        raise MigprofileError(Message(
            "each row needs a person_id, a status of 0 or 1 and an as_of date "
            "(YYYY-MM-DD); not so at {rows}.", rows=listed),
            path=path,
        )
    table = pa.table({"person_id": person, "status": pc.cast(status, pa.int64()),
                      "as_of": as_of})
    first = {}
    for index, key in enumerate(person.to_pylist()):
        first.setdefault(key, index)
    return table.take(pa.array(sorted(first.values()), pa.int64()))
