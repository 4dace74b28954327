"""Writing outputs safely: atomically, reproducibly, and only when their content changed.

Temporary files and folders carry the id of the process that made them
(``.staging-PID-XXXX``, ``.NAME.pending-PID-XXXX``): when that process was killed before it
could remove them, the next run sees they are stale (:func:`is_stale`) and removes them,
never those of a run still going.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "is_stale",
    "pending_prefix",
    "publish_staged",
    "remove_stale_staging",
    "reproducible_zip",
    "staging_directory",
    "write_if_changed",
    "write_pending",
]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
STAGING_PREFIX = ".staging-"
OWNER = re.compile(r"-(\d+)-[^-]*$")
"""The process id in a temporary name: ``.staging-1234-abcd`` or ``.x.pending-1234-abcd``."""
STALE_SECONDS = 24 * 3600
"""A temporary without a process id (or whose process id may have been reused) is stale
after a day: no build or import runs that long."""


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def is_stale(path: Path) -> bool:
    """Whether a temporary file or folder was left by a process that is gone (or is a day
    old); one of the current process is never stale."""
    try:
        age = time.time() - path.lstat().st_mtime
    except FileNotFoundError:
        return False
    match = OWNER.search(path.name)
    if match is None:
        return age > STALE_SECONDS
    pid = int(match.group(1))
    if pid == os.getpid():
        return False
    return not _running(pid) or age > STALE_SECONDS


def pending_prefix(final: Path) -> str:
    """Prefix of the temporary a file is written to before it is renamed to ``final``."""
    return f".{final.name}.pending-{os.getpid()}-"


def write_pending(final: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary beside ``final`` (named by :func:`pending_prefix`,
    so that a killed process's leftovers can be told apart), ready to be renamed to it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=final.parent, prefix=pending_prefix(final),
                                     delete=False) as handle:
        handle.write(data)
    return Path(handle.name)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless the file already holds exactly that.

    Returns whether the file was written. An unchanged file keeps its modification time,
    so a rebuild with unchanged inputs changes nothing on disk.
    """
    if path.is_file() and path.read_bytes() == data:
        return False
    temporary = write_pending(path, data)
    os.chmod(temporary, 0o666 & ~_umask())
    os.replace(temporary, path)
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def reproducible_zip(data: bytes) -> bytes:
    """The same zip archive with fixed timestamps, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def remove_stale_staging(final: Path) -> list[Path]:
    """Remove the staging folders in ``final``, and the files :func:`write_if_changed` was
    writing there, that a killed run left behind; returns them.

    Only temporaries named as :func:`staging_directory` and :func:`pending_prefix` name
    them, and only stale ones: a build still running in another process keeps its own.
    """
    if not final.is_dir():
        return []
    folders = [p for p in sorted(final.glob(STAGING_PREFIX + "*"))
               if p.is_dir() and not p.is_symlink() and is_stale(p)]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    files = [p for p in sorted(final.rglob(".*.pending-*"))
             if p.is_file() and not p.is_symlink() and is_stale(p)]
    for file in files:
        file.unlink(missing_ok=True)
    return folders + files


@contextmanager
def staging_directory(final: Path) -> Iterator[Path]:
    """A temporary folder in ``final`` that is removed whatever happens; those a killed
    run left there are removed first."""
    final.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(final)
    staging = Path(tempfile.mkdtemp(dir=final, prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish_staged(staging: Path, final: Path) -> list[Path]:
    """Move every file from ``staging`` into ``final``, replacing changed files only.

    Files of ``final`` that the staging folder does not have are left alone (other commands
    write there too). Returns the files that were written.
    """
    written = []
    for source in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = final / source.relative_to(staging)
        if write_if_changed(target, source.read_bytes()):
            written.append(target)
    return written
