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
number of entries, the size of each entry and of all of them, and the compression ratio,
and names that could point outside a folder are refused before anything is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migprofile.errors import Message, MigprofileError
from migprofile.files import FIXED_ZIP_TIME

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

    agency: str
    name: str = ""
    country: str


class DataflowEntry(BaseModel):
    """One dataflow in a package."""

    model_config = ConfigDict(extra="forbid")

    id: str
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

    def to_bytes(self) -> bytes:
        return (json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False)
                + "\n").encode("utf-8")


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


def _checked_entries(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    """The entries, once their names, count, declared sizes and ratios are acceptable."""
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise _refuse(Message("it has {count} entries, more than the {limit} a package can "
                              "have.", count=len(infos), limit=limits.entries))
    names = [info.filename for info in infos]
    for name in names:
        if not name or UNSAFE_NAME.search(name):
            raise _refuse(Message("the entry name {name!r} could point outside the package "
                                  "(absolute, '..', backslash or drive letter).", name=name))
    if len(set(names)) != len(names):
        raise _refuse(Message("an entry name appears twice."))
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
    """An entry's bytes, refusing one that unpacks to more than it declared."""
    chunks, size = [], 0
    with archive.open(info) as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
            if size > info.file_size:
                raise _refuse(Message("{name} unpacks to more than the size it declares.",
                                      name=info.filename))
            chunks.append(chunk)
    return b"".join(chunks)


def read_zip(data: bytes, *, limits: Limits = LIMITS) -> dict[str, bytes]:
    """Every entry of a package, read in memory within ``limits``.

    Raises
    ------
    MigprofileError
        Not a zip, too large, too many entries, a suspicious compression ratio, or an
        entry name that is absolute, holds ``..``, a backslash or a drive letter.
    """
    if len(data) > limits.package_bytes:
        raise _refuse(Message("it is {size:,} bytes, more than {limit:,}.", size=len(data),
                              limit=limits.package_bytes))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = _checked_entries(archive, limits)
            return {info.filename: _bounded_read(archive, info) for info in infos
                    if not info.is_dir()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
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
