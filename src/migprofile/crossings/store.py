"""Importing crossings into a profile, with person identifiers replaced by keys.

The identifier in the file is replaced by HMAC-SHA256(secret, identifier): the same person
gets the same key in every import, and nobody without the profile's secret can recompute
or reverse it. The secret lives in the profile's private folder, is created on first use
with owner-only permissions, and is never printed or written to any output.

Each import is a revision in the profile's revision store
(:mod:`migprofile.sources.revisions`): its rows as stored, keys instead of identifiers, are
kept as ``sources/crossings/iN-NAME.parquet`` with a sidecar naming the file as it came and
its checksum, and loaded from there into the warehouse's tables ``crossings`` and
``crossing_imports``. So, as for national data, deleting ``warehouse.duckdb`` loses
nothing: the build loads every kept import again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from ibis.backends import BaseBackend
from pydantic import Field

from migprofile.crossings.files import scan_crossings
from migprofile.crossings.reading import (
    CrossingColumns,
    check_columns,
    normalize_crossings,
    read_crossings_file,
)
from migprofile.crossings.tables import arrow_table, crossing_imports, insert_crossings
from migprofile.errors import MigprofileError
from migprofile.profile import Profile
from migprofile.sources.registry import ResolvedSource, SourceKind
from migprofile.sources.revisions import (
    KeptRevision,
    SetAside,
    finish_interrupted,
    keep_revision,
    list_revisions,
    set_aside,
)
from migprofile.sources.sidecar import SourceMeta
from migprofile.warehouse import connect

__all__ = ["CROSSINGS_KIND", "CrossingsMeta", "ImportSummary", "all_crossing_imports",
           "crossing_revisions", "crossings_sources", "import_crossings", "load_kept_crossings",
           "person_key_secret", "recover_crossings"]

SECRET_FILE = "crossings-person-key"
PERSON_FIELDS = ("citizenship", "sex", "birth_year", "age", "port")
CROSSINGS_FOLDER = "crossings"
CROSSINGS_KIND = "crossings"
IMPORT_FILE = re.compile(r"^i(\d+)-")
SIDECAR_HEADER = ["Written by `migprofile crossings import`: the crossings of `file`, person",
                  "identifiers replaced by keys. The file beside it must not be changed."]


class CrossingsMeta(SourceMeta):
    """The sidecar of an import of crossings."""

    kind: str = CROSSINGS_KIND
    file: str = Field(description="The file's name as it came.")
    file_sha256: str = Field(description="Checksum of the file as it came: the same file is "
                                         "never imported twice.")
    import_id: int = Field(description="The import's number, in the order of imports.")
    rows: int
    imported_at: dt.datetime


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


def import_crossings(profile: Profile, path: Path | str, *,
                     columns: CrossingColumns | None = None) -> ImportSummary:
    """Keep a crossings file's rows, identifiers replaced by keys, as the profile's next
    import (``sources/crossings/``), and load them into its warehouse (table ``crossings``).

    Parameters
    ----------
    profile
        The profile to import into.
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
    path = Path(path)
    columns = columns or CrossingColumns()
    data = read_crossings_file(path)
    check_columns(data.column_names, list(columns.names.values()), path, "the crossings")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    con = connect(database=profile.warehouse_path)
    try:
        imports = all_crossing_imports(profile, con)
        _refuse_repeat(path, digest, imports)
        stored = _stored_rows(con, data, path, columns)
        keys = _person_keys(data[columns.names["person_id"]], person_key_secret(profile))
        stored = stored.append_column("person_key", keys)
        import_id = max((i["import_id"] for i in imports), default=0) + 1
        _keep(profile, path, stored, import_id=import_id, digest=digest)
        load_kept_crossings(profile, con)
    finally:
        con.disconnect()
    readable = pc.and_(pc.is_valid(stored["date_crossing"]), pc.is_valid(stored["is_arrival"]))
    return ImportSummary(file=path, import_id=import_id, rows=stored.num_rows,
                         unreadable=stored.num_rows - pc.sum(readable.cast(pa.int64())).as_py(),
                         persons=len(pc.unique(keys)))


def crossing_revisions(profile: Profile) -> list[KeptRevision[CrossingsMeta]]:
    """The imports of crossings kept in the profile, in the order they were imported."""
    return list_revisions(profile.sources_dir / CROSSINGS_FOLDER, "i[0-9]*-*.parquet",
                          CrossingsMeta, root=profile.root, order=_import_number)


def recover_crossings(profile: Profile) -> list[SetAside]:
    """Set aside the kept imports of crossings without a sidecar (``migprofile recover``).

    Such a file holds keys, not the agency's identifiers, so it is not imported again
    itself: the command given imports the file as the agency sent it."""
    folder = profile.sources_dir / CROSSINGS_FOLDER
    finish_interrupted(folder, anyway=True)
    return set_aside(profile.root, folder, lambda moved: (
        f"migprofile crossings import {shlex.quote(str(profile.root))} FILE-AS-SENT"),
        original_name=lambda name: IMPORT_FILE.sub("", name))


def _import_number(path: Path) -> int:
    match = IMPORT_FILE.match(path.name)
    return int(match.group(1)) if match else 0


def crossings_sources(profile: Profile) -> list[ResolvedSource]:
    """Every kept import of crossings, checked against its checksum, as sources the build
    loads into the warehouse's crossings tables (:func:`load_kept_crossings`)."""
    return [ResolvedSource(f"crossings/{kept.meta.revision}", SourceKind(CROSSINGS_KIND,
                                                                         _read_kept),
                           kept.path, kept.meta, kept.checked_sha256(), False,
                           display_path=str(kept.path.relative_to(profile.root)))
            for kept in crossing_revisions(profile)]


def _read_kept(path: Path, _: SourceMeta) -> ir.Table:
    return ibis.memtable(pq.read_table(path))


def all_crossing_imports(profile: Profile, con: BaseBackend | None) -> list[dict]:
    """Every import (number, file name, sha256 of the file as it came, rows, date), kept
    in the profile or, imported by an earlier version, only in the warehouse ``con``."""
    found = {i["import_id"]: i for i in (crossing_imports(con) if con is not None else [])}
    for kept in crossing_revisions(profile):
        meta = kept.meta
        found[meta.import_id] = {"import_id": meta.import_id, "file_name": meta.file,
                                 "sha256": meta.file_sha256, "rows": meta.rows,
                                 "imported_at": meta.imported_at}
    return [found[number] for number in sorted(found)]


def _refuse_repeat(path: Path, digest: str, imports: list[dict]) -> None:
    earlier = next((i for i in imports if i["sha256"] == digest), None)
    if earlier:
        raise MigprofileError(
            f"this file was already imported (import {earlier['import_id']}, "
            f"{earlier['file_name']}, {earlier['imported_at']:%Y-%m-%d}); nothing was done.",
            path=path)


def _keep(profile: Profile, path: Path, stored: pa.Table, *, import_id: int,
          digest: str) -> None:
    """Keep the stored rows of an import as a Parquet revision with its sidecar."""
    buffer = io.BytesIO()
    pq.write_table(stored, buffer)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta = CrossingsMeta(
        title=f"Border crossings, import {import_id} ({path.name})",
        provider="National border-crossing records",
        licence="National data; not for redistribution", revision=f"i{import_id}",
        obtained=now.date(), via="migprofile crossings import", file=path.name,
        file_sha256=digest, import_id=import_id, rows=stored.num_rows, imported_at=now)
    target = profile.sources_dir / CROSSINGS_FOLDER / f"i{import_id}-{path.stem}.parquet"
    keep_revision(target, buffer.getvalue(), meta, header=SIDECAR_HEADER)


def load_kept_crossings(profile: Profile, con: BaseBackend) -> list[int]:
    """Load into the warehouse the kept imports it does not hold yet (all of them after
    ``warehouse.duckdb`` was deleted), each checked against its checksum; returns their
    numbers."""
    held = {i["import_id"] for i in crossing_imports(con)}
    loaded = []
    for kept in crossing_revisions(profile):
        meta = kept.meta
        if meta.import_id in held:
            continue
        kept.checked_sha256()
        insert_crossings(con, pq.read_table(kept.path), import_id=meta.import_id,
                         file_name=meta.file, sha256=meta.file_sha256,
                         imported_at=meta.imported_at)
        loaded.append(meta.import_id)
    return loaded


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

