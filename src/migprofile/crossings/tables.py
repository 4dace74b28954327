"""Crossing files into an engine, and the warehouse tables of border-crossing microdata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
from ibis.backends import BaseBackend

from migprofile.crossings.reading import check_format, read_crossings_file
from migprofile.errors import MigprofileError

__all__ = [
    "CROSSINGS_SCHEMA",
    "CROSSINGS_TABLE",
    "IMPORTS_TABLE",
    "arrow_table",
    "crossing_imports",
    "crossings_table",
    "insert_crossings",
    "load_crossings_file",
]


def arrow_table(con: BaseBackend, name: str, data: pa.Table) -> ir.Table:
    """``data`` as a table of ``con``, nulls and types kept.

    DuckDB reads the Arrow data where it is. Spark gets it through its own Arrow
    conversion: Ibis's in-memory tables pass through pandas there, which turns integer
    columns with nulls into floats and then into nulls.
    """
    if con.name == "pyspark":
        con._session.createDataFrame(data).createOrReplaceTempView(name)
        return con.table(name)
    return ibis.memtable(data)


def load_crossings_file(con: BaseBackend, path: Path) -> tuple[ir.Table, pa.Table | None]:
    """A CSV or Parquet file as a table of ``con`` with its row positions in ``_row``, and
    the Arrow data it was made from when the file was read into memory (else None).

    Parquet on DuckDB is scanned in place (out of core); otherwise the file is read into
    Arrow first. CSV values stay text, exactly as written.
    """
    check_format(path)
    if path.suffix.lower() == ".parquet" and con.name == "duckdb":
        try:
            table = con.read_parquet(path, file_row_number=True)
        except Exception as exc:  # duckdb raises IOException, InvalidInputException, ...
            raise MigprofileError(f"cannot read the file: {exc}", path=path) from exc
        return table.rename(_row="file_row_number"), None
    data = read_crossings_file(path)
    data = data.append_column("_row", pa.array(np.arange(data.num_rows, dtype=np.int64)))
    return arrow_table(con, f"file_{abs(hash(str(path)))}", data), data


CROSSINGS_TABLE = "crossings"
IMPORTS_TABLE = "crossing_imports"

CROSSINGS_SCHEMA = ibis.schema({
    "seq": "int64",
    "import_id": "int64",
    "source_row": "int64",
    "person_key": "string",
    "date_crossing": "date",
    "is_arrival": "int8",
    "citizenship": "string",
    "sex": "string",
    "birth_year": "int16",
    "age": "int16",
    "port": "string",
})
"""Stored crossings: ``seq`` orders a person's crossings (import order, then file order);
``person_key`` is a keyed hash, never the identifier itself; a null date or direction is a
value the file had but could not be read (the person is then classified as an error)."""

IMPORTS_SCHEMA = ibis.schema({
    "import_id": "int64",
    "file_name": "string",
    "sha256": "string",
    "rows": "int64",
    "imported_at": "timestamp",
})


def crossings_table(con: BaseBackend) -> ir.Table | None:
    """The stored crossings, or None when nothing was imported."""
    if CROSSINGS_TABLE not in con.list_tables():
        return None
    return con.table(CROSSINGS_TABLE)


def crossing_imports(con: BaseBackend) -> list[dict]:
    """Every import of crossings so far (number, file name, sha256, rows, date), in order."""
    if IMPORTS_TABLE not in con.list_tables():
        return []
    return con.to_pyarrow(con.table(IMPORTS_TABLE).order_by("import_id")).to_pylist()


def insert_crossings(con: BaseBackend, data: pa.Table, *, import_id: int, file_name: str,
                     sha256: str, imported_at: dt.datetime) -> None:
    """Append the crossings of import ``import_id`` (columns of :data:`CROSSINGS_SCHEMA`
    but ``seq`` and ``import_id``) after those stored, and record the import; one
    transaction, so a failure leaves both tables as they were."""
    for name, schema in ((CROSSINGS_TABLE, CROSSINGS_SCHEMA), (IMPORTS_TABLE, IMPORTS_SCHEMA)):
        if name not in con.list_tables():
            con.create_table(name, schema=schema)
    raw = con.con
    (first_seq,) = raw.execute(
        f"SELECT coalesce(max(seq) + 1, 0) FROM {CROSSINGS_TABLE}").fetchone()
    staged = data.append_column("seq", pa.array(range(first_seq, first_seq + data.num_rows),
                                                  pa.int64()))
    staged = staged.append_column("import_id", pa.array([import_id] * data.num_rows, pa.int64()))
    columns = ", ".join(CROSSINGS_SCHEMA.names)
    raw.register("staged_crossings", staged)
    try:
        raw.execute("BEGIN TRANSACTION")
        raw.execute(f"INSERT INTO {CROSSINGS_TABLE} ({columns}) "
                    f"SELECT {columns} FROM staged_crossings")
        raw.execute(f"INSERT INTO {IMPORTS_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [import_id, file_name, sha256, data.num_rows,
                     imported_at.astimezone(dt.UTC).replace(tzinfo=None)])
        raw.execute("COMMIT")
    except Exception:
        raw.execute("ROLLBACK")
        raise
    finally:
        raw.unregister("staged_crossings")
