"""Provenance beside every input: the sidecar ``NAME.meta.toml`` of a source file.

A sidecar names the provider, licence, address, date obtained, revision and sha256 of the
file it sits beside. The checksum recorded there is compared with the file's actual
checksum at every build, so that a silently replaced file is noticed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migprofile.errors import Message, MigprofileError

__all__ = ["Meta", "SourceMeta", "checked_sha256", "file_sha256", "load_sidecar", "read_sidecar",
           "sidecar_path"]


class SourceMeta(BaseModel):
    """What a sidecar says about its source file."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="Reader for the file: undesa_ims, wdi, unhcr, ...")
    title: str
    provider: str
    licence: str
    url: str = ""
    citation: str = ""
    revision: str = Field(description="Edition or revision of the data, e.g. 2024.")
    obtained: dt.date = Field(description="Date the file was obtained from the provider.")
    via: str = Field(default="", description="Where the copy came from, if not the provider.")
    notes: str = ""
    sha256: str = Field(default="", description="Checksum of the file; checked at every build.")


Meta = TypeVar("Meta", bound=SourceMeta)


def sidecar_path(data_file: Path) -> Path:
    """``sources/wdi.csv`` -> ``sources/wdi.meta.toml``."""
    return data_file.with_name(data_file.stem + ".meta.toml")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checked_sha256(path: Path, meta: SourceMeta, *, kept: bool) -> str:
    """The sha256 of ``path``, refused, naming the file, when its sidecar records another.

    ``kept``: the file was kept by an import (see :mod:`migprofile.sources.revisions`),
    which recorded its checksum and must never see it change; a sidecar written by hand
    may leave ``sha256`` empty, and then nothing is compared.
    """
    actual = file_sha256(path)
    if kept and meta.sha256 != actual:
        raise MigprofileError(Message(
            "the file's sha256 is {actual} but its sidecar records {recorded}: an imported "
            "file must not be changed. Import the corrected file as a new revision instead.",
            actual=actual, recorded=meta.sha256), path=path)
    if not kept and meta.sha256 and meta.sha256 != actual:
        raise MigprofileError(Message(
            "the file's sha256 is {sha256} but its sidecar records {recorded}: the file "
            "changed after the sidecar was written. Check the file, then update `sha256` "
            "(and `obtained`, `revision`) in the sidecar.", sha256=actual,
            recorded=meta.sha256), path=path)
    return actual


def read_sidecar(data_file: Path) -> SourceMeta:
    """Read and check the sidecar of ``data_file``."""
    path = sidecar_path(data_file)
    if not path.is_file():
        raise MigprofileError(Message(
            "the source file has no sidecar {sidecar}; write one with provider, title, "
            "licence, revision and obtained (see the README, 'Adding a source').",
            sidecar=path.name), path=data_file)
    return load_sidecar(path, SourceMeta)


def load_sidecar(path: Path, model: type[Meta]) -> Meta:
    """A sidecar read as ``model`` (a :class:`SourceMeta`, or the richer sidecar of a kind
    of source); one that is not TOML or misses a field is refused naming the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MigprofileError(Message("not valid TOML: {error}", error=str(exc)),
                              path=path) from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in exc.errors()
        )
        raise MigprofileError(Message("invalid sidecar: {problems}", problems=problems),
                              path=path) from exc
