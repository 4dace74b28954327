"""What changed between an edition and another one, or the current outputs: the figures
of ``indicators.csv``, the sources, and the narrative."""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import asdict, dataclass
from pathlib import Path

from migprofile.editions.store import (
    NARRATIVE_FOLDER,
    edition_path,
    narrative_files,
    read_manifest,
)
from migprofile.errors import MigprofileError
from migprofile.intake import resolve_sources
from migprofile.profile import Profile

__all__ = ["CURRENT", "EditionDiff", "FigureChange", "SourceChange", "TextChange",
           "diff_editions"]

CURRENT = "current"
"""What the other side is called when it is the last build's outputs."""

FigureKey = tuple[str, str, str, str, str]
"""indicator, partner, year, sex, and the source's revision where an indicator gives the
same figure for several revisions side by side (else empty)."""


@dataclass(frozen=True)
class FigureChange:
    kind: str
    indicator: str
    partner: str
    year: str
    sex: str
    revision: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class SourceChange:
    kind: str
    name: str
    old_revision: str | None
    new_revision: str | None
    old_sha256: str | None
    new_sha256: str | None


@dataclass(frozen=True)
class TextChange:
    kind: str
    file: str
    diff: str


@dataclass(frozen=True)
class EditionDiff:
    """What changed from edition ``since`` to ``to`` (an edition, or :data:`CURRENT`)."""

    since: str
    to: str
    figures: list[FigureChange]
    sources: list[SourceChange]
    texts: list[TextChange]

    @property
    def empty(self) -> bool:
        return not (self.figures or self.sources or self.texts)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Side:
    figures: dict[FigureKey, str]
    sources: dict[str, tuple[str, str]]
    texts: dict[str, str]


def _figures(text: str) -> dict[FigureKey, str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    seen: dict[tuple, int] = {}
    for row in rows:
        key = (row["indicator"], row["counterpart_area"], row["time_period"], row["sex"])
        seen[key] = seen.get(key, 0) + 1
    figures = {}
    for row in rows:
        key = (row["indicator"], row["counterpart_area"], row["time_period"], row["sex"])
        figures[(*key, row["revision"] if seen[key] > 1 else "")] = row["value"]
    return figures


def _texts(files: list[Path]) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def _edition_side(profile: Profile, edition: str) -> _Side:
    manifest = read_manifest(profile, edition)
    folder = edition_path(profile, edition)
    prefix = f"{NARRATIVE_FOLDER}/"
    return _Side(
        _figures((folder / "indicators.csv").read_text(encoding="utf-8")),
        {s.name: (s.revision, s.sha256) for s in manifest.sources},
        _texts([folder / f.path for f in manifest.files if f.path.startswith(prefix)]))


def _current_side(profile: Profile) -> _Side:
    figures = profile.out_dir / "indicators.csv"
    if not figures.is_file():
        raise MigprofileError("the profile has not been built yet; build it first "
                              "(`migprofile build DIR`).", path=profile.out_dir)
    return _Side(_figures(figures.read_text(encoding="utf-8")),
                 {s.name: (s.meta.revision, s.sha256) for s in resolve_sources(profile)},
                 _texts(narrative_files(profile)))


def _kind(old: object, new: object) -> str:
    return "added" if old is None else "removed" if new is None else "changed"


def _changed_keys(old: dict, new: dict) -> list:
    return sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def _figure_changes(old: dict[FigureKey, str], new: dict[FigureKey, str]) -> list[FigureChange]:
    return [FigureChange(_kind(old.get(key), new.get(key)), *key, old.get(key), new.get(key))
            for key in _changed_keys(old, new)]


def _source_changes(old: dict, new: dict) -> list[SourceChange]:
    changes = []
    for name in _changed_keys(old, new):
        before, after = old.get(name, (None, None)), new.get(name, (None, None))
        kind = _kind(old.get(name), new.get(name))
        changes.append(SourceChange("revised" if kind == "changed" else kind, name,
                                    before[0], after[0], before[1], after[1]))
    return changes


def _text_changes(old: dict[str, str], new: dict[str, str], since: str,
                  to: str) -> list[TextChange]:
    return [TextChange(_kind(old.get(name), new.get(name)), name, "".join(
        difflib.unified_diff(old.get(name, "").splitlines(keepends=True),
                             new.get(name, "").splitlines(keepends=True),
                             fromfile=f"{since}/{name}", tofile=f"{to}/{name}")))
            for name in _changed_keys(old, new)]


def diff_editions(profile: Profile, since: str, to: str = CURRENT) -> EditionDiff:
    """What changed from edition ``since`` to edition ``to``, or to the last build's
    outputs (with the profile's sources and narrative as they are now)."""
    before = _edition_side(profile, since)
    after = _current_side(profile) if to == CURRENT else _edition_side(profile, to)
    return EditionDiff(since, to, _figure_changes(before.figures, after.figures),
                       _source_changes(before.sources, after.sources),
                       _text_changes(before.texts, after.texts, since, to))
