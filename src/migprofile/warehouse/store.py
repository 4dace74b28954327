"""The profile's warehouse: observations with their provenance, in one DuckDB file.

Tables
------
``sources``
    One row per source the profile reads: kind, revision, file, checksum and the sidecar's
    provenance. A source whose checksum and reader version are unchanged is not read again.
``observations``
    The canonical observations (see :mod:`migprofile.sources.canonical`) of every source.
``indicator_values``
    The computed indicators, as written to ``out/indicators.csv``.

Each source is replaced atomically: its old rows are deleted and its new rows inserted in
one transaction, after they passed validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandera.errors
import pandera.ibis as pa

from migprofile.codes import SEX_CODES
from migprofile.errors import MigprofileError
from migprofile.sources.canonical import OBSERVATION_SCHEMA
from migprofile.warehouse.engine import connect

__all__ = ["INDICATOR_SCHEMA", "SOURCES_SCHEMA", "Warehouse"]

SOURCES_SCHEMA = ibis.schema(
    {
        "name": "string",
        "kind": "string",
        "revision": "string",
        "path": "string",
        "bundled": "boolean",
        "sha256": "string",
        "title": "string",
        "provider": "string",
        "licence": "string",
        "url": "string",
        "citation": "string",
        "obtained": "date",
        "via": "string",
        "notes": "string",
        "observations": "int64",
        "reader_version": "string",
    }
)

INDICATOR_SCHEMA = ibis.schema(
    {
        "indicator": "string",
        "ref_area": "string",
        "counterpart_area": "string",
        "time_period": "string",
        "sex": "string",
        "value": "float64",
        "unit": "string",
        "source": "string",
        "revision": "string",
    }
)

TABLES = {
    "sources": SOURCES_SCHEMA,
    "observations": OBSERVATION_SCHEMA,
    "indicator_values": INDICATOR_SCHEMA,
}

_NULLABLE = {"source_row"}


def observation_contract(*, source: str, revision: str) -> pa.DataFrameSchema:
    """What every observation of one source must satisfy before it enters the warehouse."""
    checks = {
        "sex": [pa.Check.isin(list(SEX_CODES))],
        "source": [pa.Check.eq(source)],
        "revision": [pa.Check.eq(revision)],
    }
    return pa.DataFrameSchema(
        {
            name: pa.Column(dtype, checks.get(name), nullable=name in _NULLABLE)
            for name, dtype in OBSERVATION_SCHEMA.items()
        },
        strict=True,
    )


class ContractBroken(RuntimeError):
    """A reader produced observations outside the canonical shape (a bug, not bad input)."""


class Warehouse:
    """A profile's DuckDB warehouse, through Ibis."""

    def __init__(self, con: ibis.BaseBackend, *, read_only: bool = False) -> None:
        self.con = con
        if not read_only:
            self._ensure_tables()

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False) -> Warehouse:
        """Open (creating if needed) the warehouse at ``path``; ``None`` for in-memory.

        ``read_only`` opens an existing warehouse without changing it; a missing one is a
        :class:`MigprofileError` telling the user to build first.
        """
        if read_only and (path is None or not Path(path).is_file()):
            raise MigprofileError("the profile has not been built yet; run "
                                  "`migprofile build DIR` first.", path=path)
        return cls(connect("duckdb", database=path, read_only=read_only), read_only=read_only)

    def close(self) -> None:
        self.con.disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_tables(self) -> None:
        existing = set(self.con.list_tables())
        for name, schema in TABLES.items():
            if name not in existing:
                self.con.create_table(name, schema=schema)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All statements inside commit together or not at all."""
        self.con.raw_sql("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.raw_sql("ROLLBACK")
            raise
        self.con.raw_sql("COMMIT")

    def table(self, name: str) -> ir.Table:
        return self.con.table(name)

    @property
    def observations(self) -> ir.Table:
        return self.con.table("observations")

    def source_record(self, name: str) -> dict | None:
        rows = self.table("sources").filter(ibis.deferred.name == name).to_pyarrow().to_pylist()
        return rows[0] if rows else None

    def sources(self) -> list[dict]:
        return self.table("sources").order_by("name").to_pyarrow().to_pylist()

    def replace_source(self, record: dict, observations: ir.Table) -> int:
        """Replace the observations of one source and its provenance row, atomically.

        ``record`` holds the columns of ``sources`` except ``observations``. Returns the
        number of observations stored.
        """
        # Computed once: validation and insertion then read the same materialised rows.
        materialised = ibis.memtable(observations.to_pyarrow())
        checked = _checked(materialised, source=record["kind"], revision=record["revision"])
        with self.transaction():
            self._delete_source(record["name"])
            self.con.insert("observations", checked)
            count = self._count(record["kind"], record["revision"])
            row = ibis.memtable([{**record, "observations": count}], schema=SOURCES_SCHEMA)
            self.con.insert("sources", row)
        return count

    def remove_source(self, name: str) -> None:
        """Forget a source the profile no longer uses, with its observations."""
        with self.transaction():
            self._delete_source(name)

    def _count(self, kind: str, revision: str) -> int:
        obs = self.observations
        return int(obs.filter((obs.source == kind) & (obs.revision == revision)).count()
                   .execute())

    def _delete_source(self, name: str) -> None:
        old = self.source_record(name)
        if old is not None:
            self._delete_rows("observations", source=old["kind"], revision=old["revision"])
            self._delete_rows("sources", name=name)

    def _delete_rows(self, table: str, **equal: str) -> None:
        where = " AND ".join(f'"{column}" = ?' for column in equal)
        self.con.con.execute(f'DELETE FROM "{table}" WHERE {where}', list(equal.values()))

    def replace_indicators(self, values: ir.Table) -> None:
        with self.transaction():
            self._delete_all("indicator_values")
            self.con.insert("indicator_values", values.select(*INDICATOR_SCHEMA.names)
                            .cast(INDICATOR_SCHEMA))

    def _delete_all(self, table: str) -> None:
        self.con.con.execute(f'DELETE FROM "{table}"')


def _checked(observations: ir.Table, *, source: str, revision: str) -> ir.Table:
    """The observations, if they keep the canonical contract and belong to this source."""
    try:
        return observation_contract(source=source, revision=revision).validate(
            observations, lazy=True)
    except (pandera.errors.SchemaErrors, pandera.errors.SchemaError) as exc:
        raise ContractBroken(f"observations break the canonical contract: {exc}") from exc
