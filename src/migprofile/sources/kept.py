"""Files a profile keeps with their sidecar: written all or nothing, recovered after a crash.

National files (``sources/national/``) and partners' packages (``sources/partners/``) are
kept as they came, each beside a sidecar ``STEM.meta.toml`` that says what it is and
records its sha256. :func:`write_kept` writes the sidecar (and any companion file) first
and renames the data file into place last: the data file's appearance is the moment the
import happened. A process killed half-way therefore leaves at worst a sidecar without its
file or hidden ``.NAME.pending-PID-XXXX`` copies, which :func:`finish_interrupted` completes
(when the pending copy is the file its sidecar describes) or removes; it also completes the
imports of earlier versions, which wrote the data file first, when their sidecar was left
as a temporary.

A data file without a sidecar was never accepted (an import from an older version killed
between its two writes, or a file copied there by hand). Readers refuse it with
:func:`missing_sidecar`, which names the file and the command that sets it aside,
:func:`set_aside` (``migprofile recover``); the file is moved to ``recovered/``, never
deleted, with the command that imports it again.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from migprofile.errors import Message, MigprofileError, Named
from migprofile.files import is_stale, write_pending
from migprofile.sources.sidecar import file_sha256, sidecar_path

__all__ = ["RECOVERED_FOLDER", "SetAside", "finish_interrupted", "kept_files", "missing_sidecar",
           "set_aside", "write_kept"]

SIDECAR_SUFFIX = ".meta.toml"
PENDING = ".pending-"
RECOVERED_FOLDER = "recovered"


def write_kept(target: Path, data: bytes, sidecar: str, *,
               companions: Sequence[tuple[Path, bytes]] = ()) -> None:
    """Write ``data`` as ``target`` with its sidecar text (and companion files such as a
    mapping to keep), all or nothing: every file is staged first, the data file is renamed
    into place last, and an exception undoes what was renamed."""
    pending = [(sidecar_path(target), sidecar.encode("utf-8")), *companions, (target, data)]
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
    """Complete or undo the writes of :func:`write_kept` that a killed process left in
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
