"""Operations on a profile's folder: create it, build it, and keep its national data.

Each function is what a command of ``migprofile`` does, and what the web app does for the
same request: it takes a :class:`~migprofile.profile.Profile`, returns what happened, and
prints nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from migprofile.profile import Profile, create_profile

__all__ = ["agency_template", "build", "init", "national_history",
           "national_import", "profile_sources", "recover", "stored_indicators"]


def init(country: str, directory: Path | str, *, languages: list[str] | None = None,
         edition: str | None = None) -> Profile:
    """Create a profile folder for a country, wired to the bundled international sources."""
    return create_profile(country, directory, languages=languages, edition=edition)


def _quiet(_: str) -> None:
    """Progress nobody follows."""


def build(profile: Profile, *, force: bool = False,
          progress: Callable[[str], None] = _quiet):
    """Ingest the sources, compute the indicators and write every output (a
    :class:`~migprofile.build.BuildResult`); nothing is done when no input changed,
    unless ``force``."""
    from migprofile.build import build_profile

    return build_profile(profile, force=force, progress=progress)


def profile_sources(profile: Profile) -> list:
    """The profile's sources, resolved: each with its sidecar metadata, file and sha256."""
    from migprofile.build import resolve_sources

    return resolve_sources(profile)


def stored_indicators(profile: Profile, *, indicator: str | None = None) -> list[dict]:
    """The indicator values of the last build (one indicator, if named)."""
    from migprofile.indicators import stored_values

    return stored_values(profile, indicator_id=indicator)


def national_import(profile: Profile, file: Path | str, *, dataflow: str, provenance,
                    sheet: str | None = None, mapping_file: Path | str | None = None,
                    accept_warnings: bool = False):
    """Validate an agency's file and keep it as the dataflow's next revision; a refused
    file raises :class:`~migprofile.errors.ValidationFailed` with every problem."""
    from migprofile.sources.national.store import import_national

    return import_national(profile, file, dataflow_id=dataflow, provenance=provenance,
                           sheet=sheet, mapping_file=mapping_file,
                           accept_warnings=accept_warnings)


def national_history(profile: Profile, dataflow: str):
    """A national dataflow and its revisions, each with what it changed."""
    from migprofile.sources.national.history import dataflow_history

    return dataflow_history(profile, dataflow)


def recover(profile: Profile) -> list:
    """Finish or undo imports a killed process left unfinished, and set aside every
    imported file that has no sidecar; each :class:`~migprofile.sources.revisions.SetAside`
    says where it went and the command that imports it again."""
    from migprofile.crossings.store import recover_crossings
    from migprofile.exchange.importing import recover_packages
    from migprofile.files import remove_stale_staging
    from migprofile.sources.national.store import recover_national

    remove_stale_staging(profile.out_dir)
    return recover_national(profile) + recover_packages(profile) + recover_crossings(profile)


def agency_template(profile: Profile, dataflow: str, *, out: Path | str) -> Path:
    """Write a blank workbook for an agency to fill in for a national dataflow."""
    from migprofile.report.agency_template import write_template

    return write_template(profile, dataflow, out=out)

