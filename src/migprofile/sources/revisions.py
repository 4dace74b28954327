"""One store of revisions: a kept file, its sidecar, its checksum and its revision.

National files (``sources/national/``), partners' packages (``sources/partners/``) and
imported border crossings (``sources/crossings/``) are kept as they came, each beside a
sidecar ``STEM.meta.toml`` that says what it is and records its sha256.
:func:`keep_revision` writes the sidecar (with the checksum of the data) and any companion
file first, and renames the data file into place last: the data file's appearance is the
moment the import happened. :func:`list_revisions` lists a folder's revisions in order and
:meth:`KeptRevision.checked_sha256` refuses, naming the file, one changed since.

A process killed half-way leaves at worst a sidecar without its file or hidden
``.NAME.pending-PID-XXXX`` copies, which :func:`finish_interrupted` completes (when the
pending copy is the file its sidecar describes) or removes; it also completes the imports
of earlier versions, which wrote the data file first, when their sidecar was left as a
temporary.

A data file without a sidecar was never accepted (an import from an older version killed
between its two writes, or a file copied there by hand). Listing refuses it with
:func:`missing_sidecar`, which names the file and the command that sets it aside,
:func:`set_aside` (``migprofile recover``); the file is moved to ``recovered/``, never
deleted, with the command that imports it again.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic

from migprofile.errors import Message, MigprofileError, Named
from migprofile.files import is_stale, write_pending
from migprofile.sources.sidecar import (
    Meta,
    checked_sha256,
    file_sha256,
    load_sidecar,
    sidecar_path,
)
from migprofile.tomltext import toml_text

__all__ = [
    "RECOVERED_FOLDER",
    "KeptRevision",
    "SetAside",
    "finish_interrupted",
    "keep_revision",
    "kept_files",
    "list_revisions",
    "load_revision",
    "missing_sidecar",
    "set_aside",
]

SIDECAR_SUFFIX = ".meta.toml"
PENDING = ".pending-"
RECOVERED_FOLDER = "recovered"


@dataclass(frozen=True)
class KeptRevision(Generic[Meta]):
    """A kept data file and what its sidecar says about it."""

    path: Path
    meta: Meta

    def checked_sha256(self) -> str:
        """The file's sha256, refused (naming the file) unless it is the one the sidecar
        recorded when the file was kept: a kept file must never change."""
        return checked_sha256(self.path, self.meta, kept=True)


def keep_revision(target: Path, data: bytes, meta: Meta, *, header: Sequence[str],
                  companions: Sequence[tuple[Path, bytes]] = ()) -> KeptRevision[Meta]:
    """Keep ``data`` as ``target`` with its sidecar (``meta``, its ``sha256`` set to the
    data's; ``header`` the sidecar's comment lines) and companion files such as a mapping
    to keep, all or nothing: every file is staged first, the data file is renamed into
    place last, and an exception undoes what was renamed."""
    meta = meta.model_copy(update={"sha256": hashlib.sha256(data).hexdigest()})
    sidecar = toml_text(meta.model_dump(), header=header)
    _write_all_or_nothing([(sidecar_path(target), sidecar.encode("utf-8")), *companions,
                           (target, data)])
    return KeptRevision(target, meta)


def _write_all_or_nothing(pending: Sequence[tuple[Path, bytes]]) -> None:
    """Write each (path, bytes) pair; the last file appears last, and a failure undoes
    every file already renamed into place."""
    staged: list[tuple[Path, Path]] = []
    done: list[Path] = []
    try:
        for final, content in pending:
            staged.append((write_pending(final, content), final))
        for temporary, final in staged:
            if final.exists():
                shutil.copy2(final, _previous(final))
            os.replace(temporary, final)
            done.append(final)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for final in reversed(done):
            if _previous(final).exists():
                os.replace(_previous(final), final)
            else:
                final.unlink(missing_ok=True)
        raise
    for _, final in staged:
        _previous(final).unlink(missing_ok=True)


def _previous(final: Path) -> Path:
    return final.with_name(f".{final.name}.previous")


def kept_files(folder: Path, pattern: str) -> list[Path]:
    """The kept data files matching ``pattern`` in ``folder`` (not sidecars, not hidden)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.is_file()
                  and not p.name.startswith(".") and not p.name.endswith(SIDECAR_SUFFIX))


def load_revision(path: Path, model: type[Meta], *, root: Path) -> KeptRevision[Meta]:
    """A kept file with its sidecar read as ``model``; refused when the sidecar is missing
    (see :func:`missing_sidecar`) or invalid."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        raise missing_sidecar(path, root=root)
    return KeptRevision(path, load_sidecar(sidecar, model))


def list_revisions(folder: Path, pattern: str, model: type[Meta], *, root: Path,
                   order: Callable[[Path], Any] | None = None) -> list[KeptRevision[Meta]]:
    """The revisions kept in ``folder`` whose names match ``pattern`` (a glob), sorted by
    ``order`` (default: by name), after completing or undoing the writes a killed process
    left there."""
    finish_interrupted(folder)
    found = [load_revision(path, model, root=root) for path in kept_files(folder, pattern)]
    return sorted(found, key=lambda kept: (order or _by_name)(kept.path))


def _by_name(path: Path) -> str:
    return path.name


# recovery -------------------------------------------------------------------------------

def _pending_target(temporary: Path) -> Path:
    """``.NAME.pending-PID-XXXX`` -> ``NAME``."""
    name = temporary.name[1:temporary.name.rindex(PENDING)]
    return temporary.with_name(name)


def _recorded_sha256(sidecar: Path) -> str | None:
    try:
        return str(tomllib.loads(sidecar.read_text(encoding="utf-8")).get("sha256") or "")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _completes(temporary: Path, final: Path) -> bool:
    """Whether a pending copy finishes an interrupted write: a data file its sidecar
    describes, or a sidecar that describes the data file beside it."""
    if final.name.endswith(SIDECAR_SUFFIX):
        data = _data_file_of(final)
        return data is not None and _recorded_sha256(temporary) == file_sha256(data)
    sidecar = sidecar_path(final)
    return (not final.exists() and sidecar.is_file()
            and _recorded_sha256(sidecar) == file_sha256(temporary))


def _data_file_of(sidecar: Path) -> Path | None:
    found = [p for p in kept_files(sidecar.parent, "*") if sidecar_path(p) == sidecar]
    return found[0] if len(found) == 1 else None


def finish_interrupted(folder: Path, *, anyway: bool = False) -> list[Path]:
    """Complete or undo the writes of :func:`keep_revision` that a killed process left in
    ``folder`` (and below); returns the files it completed.

    A pending copy that completes its file is renamed into place; other pending copies and
    sidecars without their data file (an import that never happened) are removed. Only
    what a process that is gone left behind, unless ``anyway``.
    """
    if not folder.is_dir():
        return []
    completed = []
    busy: set[Path] = set()
    for temporary in sorted(folder.rglob(f".*{PENDING}*")):
        if not temporary.is_file():
            continue
        if not (anyway or is_stale(temporary)):
            busy.add(temporary.parent)
            continue
        final = _pending_target(temporary)
        if _completes(temporary, final):
            os.replace(temporary, final)
            completed.append(final)
        else:
            temporary.unlink(missing_ok=True)
    completed += _finish_legacy(folder)
    for sidecar in sorted(folder.rglob(f"*{SIDECAR_SUFFIX}")):
        if (sidecar.parent not in busy and not sidecar.name.startswith(".")
                and _data_file_of(sidecar) is None):
            sidecar.unlink()
    return completed


def _finish_legacy(folder: Path) -> list[Path]:
    """Sidecars that earlier versions (which put the data file in place first) left as a
    temporary ``.STEM.meta.toml.XXXX`` when killed between their two writes: renamed into
    place when they describe the data file beside them."""
    completed = []
    for data in kept_files(folder, "**/*"):
        sidecar = sidecar_path(data)
        if sidecar.exists():
            continue
        for temporary in sorted(data.parent.glob(f".{sidecar.name}.*")):
            if (PENDING not in temporary.name and not temporary.name.endswith(".previous")
                    and _recorded_sha256(temporary) == file_sha256(data)):
                os.replace(temporary, sidecar)
                completed.append(sidecar)
                break
    return completed


def missing_sidecar(path: Path, *, root: Path) -> MigprofileError:
    """The error for a kept file without its sidecar: which file, and the command that
    sets it aside and says how to import it again."""
    sidecar = sidecar_path(path)
    return MigprofileError(Message(
        "{file} has no sidecar {sidecar}, so it was never accepted: its import was "
        "interrupted, or the file was put there by hand. Run `{recover}` to "
        "move it to {recovered}/ (nothing is deleted) and get the command that imports it "
        "again.",
        file=str(path.relative_to(root)), sidecar=sidecar.name,
        recover=Named(f"migprofile recover {shlex.quote(str(root))}",
                      {"en": "migprofile recover DIR"}),
        recovered=RECOVERED_FOLDER))


@dataclass(frozen=True)
class SetAside:
    """A kept file without a sidecar, moved to ``recovered/``, and how to import it again."""

    file: Path
    moved_to: Path
    command: str


Reimport = Callable[[Path], str]
"""The command that imports a set-aside file again, given where it now is."""


def set_aside(root: Path, folder: Path, reimport: Reimport, *,
              original_name: Callable[[str], str] = str) -> list[SetAside]:
    """Move every data file of ``folder`` (and below) without a sidecar to
    ``root/recovered/``, under the name it had before it was kept."""
    moved = []
    for path in kept_files(folder, "**/*"):
        if sidecar_path(path).is_file():
            continue
        relative = path.relative_to(root / "sources")
        target = _free_name(root / RECOVERED_FOLDER / relative.with_name(
            original_name(path.name)))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append(SetAside(path, target, reimport(target)))
    return moved


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
