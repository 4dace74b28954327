"""Which reader serves which kind of source, and where a profile's source files are.

A profile names its sources in ``profile.toml`` by kind (and, for a bundled source, the
revision to use). :func:`resolve_source` turns one entry into a file, its sidecar and its
checksum, refusing anything it cannot vouch for before a single row is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import ibis.expr.types as ir

from migprofile.errors import Message, MigprofileError
from migprofile.profile import Profile, SourceSettings
from migprofile.sources import knomad, undesa_data_type, undesa_ims, unhcr, wdi
from migprofile.sources.sidecar import SourceMeta, checked_sha256, read_sidecar

__all__ = ["KINDS", "ResolvedSource", "SourceKind", "bundled_dir", "profile_sources",
           "resolve_source"]

Reader = Callable[[Path, SourceMeta], ir.Table]


@dataclass(frozen=True)
class SourceKind:
    """A kind of source: its reader and its bundled copies by revision."""

    kind: str
    read: Reader
    bundled: dict[str, str] = field(default_factory=dict)
    default_revision: str | None = None


KINDS: dict[str, SourceKind] = {
    k.kind: k
    for k in (
        SourceKind("undesa_ims", undesa_ims.read,
                   {"2024": "undesa_ims2024_bilateral_by_sex.csv",
                    "2020": "undesa_ims2020_bilateral_by_sex.csv"}, "2024"),
        SourceKind("undesa_ims_data_type", undesa_data_type.read,
                   {"2020, 2024": "undesa_ims_dest_data_type.csv"}, "2020, 2024"),
        SourceKind("wdi", wdi.read, {"2024": "wdi_country_indicators_1950_2023.csv"}, "2024"),
        SourceKind("unhcr", unhcr.read,
                   {"2024-09": "unhcr_forcibly_displaced_1990_2024.csv"}, "2024-09"),
        SourceKind("knomad_brm", knomad.read_remittances,
                   {"2021": "knomad_brm2021_long.csv"}, "2021"),
        SourceKind("knomad_bmm", knomad.read_migrants,
                   {"2021": "knomad_bmm2021_long.csv"}, "2021"),
    )
}


def bundled_dir() -> Path:
    """Folder of the international data shipped with migprofile."""
    return Path(str(resources.files("migprofile").joinpath("data/international")))


@dataclass(frozen=True)
class ResolvedSource:
    """A profile's source, located and checked: ready to be read."""

    name: str
    kind: SourceKind
    path: Path
    meta: SourceMeta
    sha256: str
    bundled: bool
    display_path: str | None = None
    """How provenance records name the file (relative to the profile); default its path."""

    def read(self) -> ir.Table:
        return self.kind.read(self.path, self.meta)


def _kind(name: str, settings: SourceSettings, where: Path) -> SourceKind:
    kind = KINDS.get(settings.kind)
    if kind is None:
        raise MigprofileError(Message(
            "source {name!r} has unknown kind {kind!r}; known kinds: {known}.", name=name,
            kind=settings.kind, known=", ".join(KINDS)), path=where)
    return kind


def _locate(name: str, settings: SourceSettings, kind: SourceKind,
            profile_root: Path) -> tuple[Path, bool]:
    if settings.path:
        path = profile_root / settings.path
        if not path.is_file():
            raise MigprofileError(Message(
                "the file of source {name!r} is missing or not readable (path = {given!r} in "
                "profile.toml).", name=name, given=settings.path), path=path)
        return path, False
    revision = settings.revision or kind.default_revision
    if revision not in kind.bundled:
        raise MigprofileError(Message(
            "source {name!r}: no bundled copy of {kind} revision {revision!r}; bundled "
            "revisions: {bundled}. Give a `path` to a file of your own.", name=name,
            kind=kind.kind, revision=revision, bundled=", ".join(kind.bundled)),
            path=profile_root / "profile.toml")
    return bundled_dir() / kind.bundled[revision], True


def resolve_source(name: str, settings: SourceSettings, profile_root: Path) -> ResolvedSource:
    """Locate a source's file, read its sidecar and check its checksum and kind."""
    kind = _kind(name, settings, profile_root / "profile.toml")
    path, bundled = _locate(name, settings, kind, profile_root)
    meta = read_sidecar(path)
    sha256 = checked_sha256(path, meta, kept=False)
    if meta.kind != kind.kind:
        raise MigprofileError(Message(
            "the sidecar says kind {recorded!r} but profile.toml uses the file as {kind!r}.",
            recorded=meta.kind, kind=kind.kind), path=path)
    if settings.revision and not bundled and settings.revision != meta.revision:
        raise MigprofileError(Message(
            "profile.toml asks for revision {asked!r} but the sidecar says {recorded!r}.",
            asked=settings.revision, recorded=meta.revision), path=path)
    return ResolvedSource(name, kind, path, meta, sha256, bundled)


def profile_sources(profile: Profile) -> list[ResolvedSource]:
    """The sources ``profile.toml`` names, each located and checked, in its order."""
    return [resolve_source(name, settings, profile.root)
            for name, settings in profile.settings.sources.items()]
