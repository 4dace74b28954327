"""Importing crossings into a profile's warehouse, with person identifiers replaced by keys.

The identifier in the file is replaced by HMAC-SHA256(secret, identifier): the same person
gets the same key in every import, and nobody without the profile's secret can recompute
or reverse it. The secret lives in the profile's private folder, is created on first use
with owner-only permissions, and is never printed or written to any output.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from migprofile.crossings.files import scan_crossings
from migprofile.errors import MigprofileError
from migprofile.profile import Profile
from migprofile.sources.crossings import (
    CrossingColumns,
    check_columns,
    normalize_crossings,
    read_crossings_file,
)
from migprofile.warehouse import connect
from migprofile.warehouse.crossings import arrow_table, insert_crossings, previous_import

__all__ = ["ImportSummary", "import_crossings", "person_key_secret"]

SECRET_FILE = "crossings-person-key"
PERSON_FIELDS = ("citizenship", "sex", "birth_year", "age", "port")


@dataclass(frozen=True)
class ImportSummary:
    """What an import stored."""

    file: Path
    import_id: int
    rows: int
    unreadable: int
    persons: int

    def lines(self) -> list[str]:
        return [
            f"Imported {self.rows:,} crossings of {self.persons:,} persons from {self.file} "
            f"(import {self.import_id}).",
            f"  {self.unreadable:,} with an unreadable date or direction: those persons are "
            "counted as errors when the profile is built.",
        ]


def person_key_secret(profile: Profile) -> bytes:
    """The profile's secret for person keys, created (mode 0600) the first time."""
    path = profile.secret(SECRET_FILE, create=lambda: secrets.token_hex(32).encode("ascii"))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _person_keys(identifiers: pa.ChunkedArray, secret: bytes) -> pa.Array:
    """HMAC-SHA256 of each identifier (as text), computed once per distinct identifier."""
    text = pc.cast(identifiers, pa.string())
    distinct = pc.unique(text)
    keys = pa.array([hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()
                     for value in distinct.to_pylist()], pa.string())
    return pc.take(keys, pc.index_in(text, value_set=distinct))


def import_crossings(profile_dir: Path | str, path: Path | str, *,
                     columns: CrossingColumns | None = None) -> ImportSummary:
    """Load a crossings file into the profile's warehouse (table ``crossings``).

    Parameters
    ----------
    profile_dir
        The profile folder.
    path
        CSV or Parquet crossings; besides person, date and direction, the optional
        ``citizenship`` (ISO alpha-3), ``sex`` (F/M), ``birth_year`` or ``age`` and
        ``port`` columns are kept for the flows by citizenship, sex and age (a column of
        that name is used unless the mapping names another).
    columns
        Column names and direction codes of the file.

    Returns
    -------
    ImportSummary
        The import's number and counts. The same file content is never imported twice.
    """
    profile = Profile.load(profile_dir)
    path = Path(path)
    columns = columns or CrossingColumns()
    data = read_crossings_file(path)
    check_columns(data.column_names, list(columns.names.values()), path, "the crossings")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    con = connect(database=profile.warehouse_path)
    try:
        earlier = previous_import(con, digest)
        if earlier:
            raise MigprofileError(
                f"this file was already imported (import {earlier['import_id']}, "
                f"{earlier['file_name']}, {earlier['imported_at']:%Y-%m-%d}); nothing was "
                "done.",
                path=path,
            )
        stored = _stored_rows(con, data, path, columns)
        keys = _person_keys(data[columns.names["person_id"]], person_key_secret(profile))
        stored = stored.append_column("person_key", keys)
        import_id = insert_crossings(con, stored, file_name=path.name, sha256=digest)
    finally:
        con.disconnect()
    readable = pc.and_(pc.is_valid(stored["date_crossing"]), pc.is_valid(stored["is_arrival"]))
    return ImportSummary(file=path, import_id=import_id, rows=stored.num_rows,
                         unreadable=stored.num_rows - pc.sum(readable.cast(pa.int64())).as_py(),
                         persons=len(pc.unique(keys)))


def _stored_rows(con, data: pa.Table, path: Path, columns: CrossingColumns) -> pa.Table:
    """The file's rows as stored (without the person): checked, dates and codes read."""
    data = data.append_column("_row", pa.array(np.arange(data.num_rows, dtype=np.int64)))
    table = normalize_crossings(arrow_table(con, "import_file", data), columns)
    scan_crossings(con, table, path, columns)
    fields = {key: table[name] for key in PERSON_FIELDS
              if (name := columns.names.get(key, key)) in table.columns}
    stored = table.select(
        source_row=table._row,
        date_crossing=table._date,
        is_arrival=table._arr.cast("int8"),
        citizenship=_text(fields.get("citizenship"), upper=True),
        sex=_text(fields.get("sex"), upper=True),
        birth_year=_small_int(fields.get("birth_year")),
        age=_small_int(fields.get("age")),
        port=_text(fields.get("port")),
    )
    return con.to_pyarrow(stored.order_by("source_row"))


def _text(value, *, upper: bool = False):
    if value is None:
        return ibis.null("string")
    text = value.cast("string").strip()
    text = text.upper() if upper else text
    return ibis.cases((text == "", ibis.null("string")), else_=text)


def _small_int(value):
    if value is None:
        return ibis.null("int16")
    return value.cast("string").strip().try_cast("int16")

