"""Writing outputs safely: atomically, reproducibly, and only when their content changed."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["publish_staged", "reproducible_zip", "staging_directory", "write_if_changed"]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless the file already holds exactly that.

    Returns whether the file was written. An unchanged file keeps its modification time,
    so a rebuild with unchanged inputs changes nothing on disk.
    """
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as f:
        f.write(data)
        temporary = Path(f.name)
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


@contextmanager
def staging_directory(final: Path) -> Iterator[Path]:
    """A temporary folder beside ``final`` that is removed whatever happens."""
    final.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=final, prefix=".staging-"))
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
