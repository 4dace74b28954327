"""The exchange package: a zip of fixed layout, its manifest signed by the sender.

Layout (format version 1)::

    manifest.json          sender, receiver, created, dataflows, periods, disclosure
                           applied, and the sha256 of every other file
    manifest.sig           Ed25519 signature of manifest.json's bytes (base64)
    structure.xml          SDMX-ML 2.1 structure message: DSDs, codelists, concepts,
                           dataflows
    data/DATAFLOW.xml      SDMX-ML 2.1 structure-specific data, one file per dataflow
    data/DATAFLOW.csv      the same data as SDMX-CSV

Reading a package never touches the disk: the zip is read in memory with limits on the
number of entries, the size of each entry and of all of them, and the compression ratio.
Before any entry is read, the zip itself must be plain: every entry a regular file (no
symbolic link, directory, device or pipe, whatever the sender's system), not encrypted,
stored or deflated, its name relative and free of ``..``, backslashes and control
characters, no name twice (nor twice but for case), and no two entries sharing the same
bytes. A package that passes can be unpacked anywhere, and means the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migprofile.errors import Message, MigprofileError
from migprofile.exchange.keys import KeyChange
from migprofile.files import FIXED_ZIP_TIME
from migprofile.profile import AgencyId

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "LIMITS",
    "MANIFEST",
    "SIGNATURE",
    "STRUCTURE",
    "DataflowEntry",
    "Limits",
    "Manifest",
    "Party",
    "data_files",
    "expected_files",
    "pack",
    "parse_manifest",
    "read_zip",
    "sha256",
]

FORMAT = "migprofile-exchange"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
STRUCTURE = "structure.xml"


DATAFLOW_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""A dataflow id becomes a file name (``data/ID.xml``); an agency id a folder's."""


class Limits(BaseModel):
    """What a package may hold; anything larger is refused before it is unpacked."""

    model_config = ConfigDict(frozen=True)

    package_bytes: int = 256 * 2**20
    entries: int = 3 + 2 * 64
    entry_bytes: int = 256 * 2**20
    total_bytes: int = 512 * 2**20
    ratio: float = 100.0


LIMITS = Limits()


class Party(BaseModel):
    """Sender or receiver of a package."""

    model_config = ConfigDict(extra="forbid")

    agency: AgencyId
    name: str = ""
    country: str


class DataflowEntry(BaseModel):
    """One dataflow in a package."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=DATAFLOW_ID)
    version: str
    observations: int = Field(ge=0)
    withheld: int = Field(ge=0, description="cells withheld by disclosure control")
    periods: list[str]
    disclosure: dict = Field(description="the disclosure rule applied")


class Manifest(BaseModel):
    """``manifest.json``: what the package holds and who sent it to whom."""

    model_config = ConfigDict(extra="forbid")

    format: str
    format_version: int
    package_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")
    sender: Party
    receiver: Party
    created: dt.datetime
    dataflows: list[DataflowEntry]
    period: str = Field(description="FROM:TO asked for at export, empty for all")
    files: dict[str, str] = Field(description="sha256 of every file but the manifest and "
                                              "its signature")
    software: str
    key_change: KeyChange | None = Field(
        default=None, description="The sender's new key, announced by its previous key: "
                                  "the manifest is signed with the new key (after "
                                  "`migprofile keys rotate`).")

    def to_bytes(self) -> bytes:
        fields = self.model_dump(mode="json")
        if fields["key_change"] is None:
            del fields["key_change"]
        return (json.dumps(fields, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def data_files(dataflow_id: str) -> tuple[str, str]:
    return f"data/{dataflow_id}.xml", f"data/{dataflow_id}.csv"


def expected_files(manifest: Manifest) -> set[str]:
    """Every name the package must hold, and no other."""
    names = {MANIFEST, SIGNATURE, STRUCTURE}
    for entry in manifest.dataflows:
        names.update(data_files(entry.id))
    return names


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack(files: Mapping[str, bytes]) -> bytes:
    """The zip of ``files`` in the given order, with fixed times: same files, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


UNSAFE_NAME = re.compile(r"(^[/\\])|(^[A-Za-z]:)|\\|(^|/)\.\.(/|$)|(^|/)\.?(/|$)|[\x00-\x1f]")


def _refuse(reason: Message) -> MigprofileError:
    return MigprofileError(Message("not a usable exchange package: {reason} Nothing was "
                                   "imported.", reason=reason))


def _check_name(info: zipfile.ZipInfo) -> None:
    """A relative name, without ``..``, backslash, drive letter or control character (a NUL
    cuts the name short when it is read, so the name as stored is checked)."""
    name = info.orig_filename
    if not name or UNSAFE_NAME.search(name) or name != info.filename:
        raise _refuse(Message("the entry name {name!r} could point outside the package "
                              "(absolute, '..', backslash, drive letter or control "
                              "character).", name=name))


FILE_TYPES = {stat.S_IFLNK: Message("a symbolic link"), stat.S_IFDIR: Message("a folder"),
              stat.S_IFCHR: Message("a device"), stat.S_IFBLK: Message("a device"),
              stat.S_IFIFO: Message("a pipe"), stat.S_IFSOCK: Message("a socket")}
MSDOS_FOLDER = 0x10
COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _check_plain_file(info: zipfile.ZipInfo) -> None:
    """A regular file, by its Unix mode and its MS-DOS attributes, neither encrypted nor
    compressed by a method other than the two every zip reader knows."""
    name = info.filename
    kind = stat.S_IFMT(info.external_attr >> 16)
    if info.is_dir() or info.external_attr & MSDOS_FOLDER:
        kind = kind or stat.S_IFDIR
    if kind and kind != stat.S_IFREG:
        raise _refuse(Message("the entry {name} is {kind}, not a plain file.", name=name,
                              kind=FILE_TYPES.get(kind) or Message("of an unknown type")))
    if info.flag_bits & 0x1:
        raise _refuse(Message("the entry {name} is encrypted.", name=name))
    if info.compress_type not in COMPRESSIONS:
        raise _refuse(Message("the entry {name} is compressed with method {method}; a "
                              "package's entries are stored or deflated.", name=name,
                              method=info.compress_type))


def _check_distinct(infos: list[zipfile.ZipInfo]) -> None:
    """No name twice, not even but for case (one file on Windows and macOS), and no two
    entries pointing at the same bytes (one file under two names)."""
    seen: dict[str, str] = {}
    for info in infos:
        folded = info.filename.casefold()
        if seen.get(folded) == info.filename:
            raise _refuse(Message("the entry name {name!r} appears twice.",
                                  name=info.filename))
        if folded in seen:
            raise _refuse(Message("the entry names {first!r} and {second!r} differ only "
                                  "by case.", first=seen[folded], second=info.filename))
        seen[folded] = info.filename
    offsets = [info.header_offset for info in infos]
    if len(set(offsets)) != len(offsets):
        raise _refuse(Message("two entries share the same bytes (one file under two "
                              "names)."))


def _checked_entries(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    """The entries, once their names, count, declared sizes and ratios are acceptable."""
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise _refuse(Message("it has {count} entries, more than the {limit} a package can "
                              "have.", count=len(infos), limit=limits.entries))
    for info in infos:
        _check_name(info)
        _check_plain_file(info)
    _check_distinct(infos)
    total = 0
    for info in infos:
        if info.file_size > limits.entry_bytes:
            raise _refuse(Message("{name} unpacks to {size:,} bytes, more than {limit:,}.",
                                  name=info.filename, size=info.file_size,
                                  limit=limits.entry_bytes))
        if info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _refuse(Message("{name} is compressed more than {ratio:.0f} to 1 (a zip "
                                  "bomb?).", name=info.filename, ratio=limits.ratio))
        total += info.file_size
    if total > limits.total_bytes:
        raise _refuse(Message("its entries unpack to {size:,} bytes, more than {limit:,}.",
                              size=total, limit=limits.total_bytes))
    return infos


def _bounded_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, refusing one that unpacks to another size than it declared."""
    chunks, size = [], 0
    with archive.open(info) as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
            if size > info.file_size:
                break
            chunks.append(chunk)
    if size != info.file_size:
        raise _refuse(Message("{name} unpacks to another size than the {size:,} bytes it "
                              "declares.", name=info.filename, size=info.file_size))
    return b"".join(chunks)


def read_zip(data: bytes, *, limits: Limits = LIMITS) -> dict[str, bytes]:
    """Every entry of a package, read in memory within ``limits``.

    Raises
    ------
    MigprofileError
        Not a zip, too large, too many entries, a suspicious compression ratio, an entry
        that is not a plain file, or an entry name that is absolute, holds ``..``, a
        backslash, a drive letter or a control character, or appears twice.
    """
    if len(data) > limits.package_bytes:
        raise _refuse(Message("it is {size:,} bytes, more than {limit:,}.", size=len(data),
                              limit=limits.package_bytes))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = _checked_entries(archive, limits)
            return {info.filename: _bounded_read(archive, info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error,
            NotImplementedError, UnicodeDecodeError) as exc:
        raise _refuse(Message("it is not a readable zip file.")) from exc


def parse_manifest(files: Mapping[str, bytes]) -> Manifest:
    """The manifest, if it is one this version of migprofile can read."""
    raw = files.get(MANIFEST)
    if raw is None:
        raise _refuse(Message("it has no {manifest}.", manifest=MANIFEST))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse(Message("{manifest} is not JSON ({error}).", manifest=MANIFEST,
                              error=str(exc))) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _refuse(Message("{manifest} does not describe a {format} package.",
                              manifest=MANIFEST, format=FORMAT))
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _refuse(Message("it is in format version {version!r}, newer than the version "
                              "{supported} this migprofile reads; update migprofile.",
                              version=version, supported=FORMAT_VERSION))
    if version < FORMAT_VERSION:
        raise _refuse(Message("it is in format version {version}, which no migprofile "
                              "wrote.", version=version))
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in exc.errors())
        raise _refuse(Message("{manifest} is invalid: {problems}.", manifest=MANIFEST,
                              problems=problems)) from exc
