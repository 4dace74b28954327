"""Rendered charts and PDFs, kept under what they were made from.

Rasterising charts and laying out the PDF take most of a build's time, and most builds
render the very charts and pages of the build before (a narrative was edited, one source
changed, ``--force`` after a failed check). Each rendering is kept under the SHA-256 of
everything it depends on: its input, its options, the renderer's version and the font files
fontconfig picks for the report's families. A hit is therefore the bytes a fresh rendering
would give (renderings are reproducible), and anything that could change them misses.

The cache is a folder of the user's (``$XDG_CACHE_HOME/migprofile``, or
``~/.cache/migprofile``), or ``MIGPROFILE_CACHE_DIR``; an empty ``MIGPROFILE_CACHE_DIR``
turns it off. It never grows past :data:`LIMIT_BYTES`: the least recently used entries go
first. A cache that cannot be read or written is passed by, never an error.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from migprofile.report.i18n import CHART_FONTS, TEXT_FONTS

__all__ = ["CACHE_ENV", "LIMIT_BYTES", "cache_dir", "font_files", "prune", "rendered"]

CACHE_ENV = "MIGPROFILE_CACHE_DIR"
LIMIT_BYTES = 512 * 1024 * 1024
KEPT_AFTER_PRUNING = 0.8
"""Pruning leaves the cache at this share of its limit, so that it does not prune at every
rendering once full."""
FAMILIES = tuple(dict.fromkeys(
    [*CHART_FONTS.values(),
     *(f.strip().strip('"') for fonts in TEXT_FONTS.values() for f in fonts.split(",")),
     "sans-serif", "serif", "monospace"]))
"""Every font family a report or chart names, and the generic ones text falls back to."""


def cache_dir() -> Path | None:
    """Where renderings are kept; None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "migprofile"


@cache
def font_files() -> str | None:
    """The file, size and modification time of the font fontconfig uses for each family a
    report may be set in; None when fontconfig cannot say (renderings are then not cached:
    a font installed later must change them)."""
    if shutil.which("fc-match") is None:
        return None
    lines = []
    for family in FAMILIES:
        found = subprocess.run(["fc-match", "--format=%{file}", family], capture_output=True,
                               text=True, check=False).stdout.strip()
        try:
            stat = os.stat(found)
        except OSError:
            return None
        lines.append(f"{family}={found}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(lines)


def _digest(parts: Iterable[str | bytes]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def rendered(kind: str, parts: Iterable[str | bytes], render: Callable[[], bytes]) -> bytes:
    """``render()``, or the bytes it gave before for the same ``parts``: everything the
    rendering depends on but the fonts (which :func:`font_files` adds)."""
    folder = cache_dir()
    fingerprint = font_files() if folder is not None else None
    if folder is None or fingerprint is None:
        return render()
    digest = _digest([kind, fingerprint, *parts])
    path = folder / kind / digest[:2] / digest
    try:
        data = path.read_bytes()
        os.utime(path)  # recently used: pruned last
        return data
    except OSError:
        pass
    data = render()
    if _store(path, data):
        _prune_now_and_then(folder, len(data))
    return data


def _store(path: Path, data: bytes) -> bool:
    """Write ``path`` whole or not at all (a crash never leaves half a PDF to be reused)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as out:
            out.write(data)
        os.replace(out.name, path)
        return True
    except OSError:
        return False


_written_since_pruning: dict[Path, int] = {}


def _prune_now_and_then(folder: Path, written: int) -> None:
    """Prune at a process's first write, then whenever it has written enough to matter."""
    since = _written_since_pruning.get(folder)
    if since is not None and since + written < LIMIT_BYTES * (1 - KEPT_AFTER_PRUNING) / 2:
        _written_since_pruning[folder] = since + written
        return
    _written_since_pruning[folder] = 0
    prune(folder, LIMIT_BYTES)


def prune(folder: Path, limit: int) -> None:
    """Remove the least recently used entries until the cache holds under ``limit``."""
    entries = []
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        except OSError:
            continue
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, path in sorted(entries):
        if total <= limit * KEPT_AFTER_PRUNING:
            break
        try:
            path.unlink()
            total -= size
        except OSError:
            continue
