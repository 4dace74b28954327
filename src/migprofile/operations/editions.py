"""Operations on a profile's published editions: publish one, list them, verify one, and
say what changed since one."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from migprofile.profile import Profile

__all__ = ["Published", "edition_diff", "list_editions", "publish", "verify_edition"]


@dataclass(frozen=True)
class Published:
    """An edition just published, where, and whether its outputs had to be built first."""

    manifest: object
    folder: Path
    built: bool


def _quiet(_: str) -> None:
    """Progress nobody follows."""


def _os_user() -> str:
    """Who runs the command; a container's user may have no name, only a number."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def publish(profile: Profile, *, edition: str | None = None, by: str | None = None,
            progress: Callable[[str], None] = _quiet) -> Published:
    """Build the profile if its outputs are not current, then freeze them as the edition
    (default: the profile's ``edition`` setting), signed; ``by`` is who publishes (default:
    the user of the operating system)."""
    from migprofile.build import build_profile
    from migprofile.editions.store import check_publishable, edition_path, publish_edition

    name = edition or profile.settings.profile.edition
    check_publishable(profile, name)  # before a long build
    result = build_profile(profile, progress=progress)
    manifest = publish_edition(profile, name, by=by or _os_user())
    return Published(manifest, edition_path(profile, name), not result.up_to_date)


def list_editions(profile: Profile) -> list:
    """Every published edition, checked: a
    :class:`~migprofile.editions.store.Verification` each, with its manifest."""
    from migprofile.editions.store import edition_names
    from migprofile.editions.store import verify_edition as check

    return [check(profile, name) for name in edition_names(profile)]


def verify_edition(profile: Profile, edition: str):
    """Check every file of an edition against its manifest and the manifest against its
    signature; an unknown edition is an error."""
    from migprofile.editions.store import read_manifest
    from migprofile.editions.store import verify_edition as check

    read_manifest(profile, edition)  # unknown: an error naming the published ones
    return check(profile, edition)


def edition_diff(profile: Profile, edition: str, other: str | None = None):
    """What changed since ``edition``: up to ``other`` (an edition) or, by default, the
    last build (an :class:`~migprofile.editions.diff.EditionDiff`)."""
    from migprofile.editions.diff import CURRENT, diff_editions

    return diff_editions(profile, edition, other or CURRENT)
