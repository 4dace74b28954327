"""Operations on the working group's narrative: which sections it has, reading one text
and writing one (``narrative/SECTION.LANG.md``, the files the report is written with)."""

from __future__ import annotations

from migprofile.errors import MigprofileError
from migprofile.files import write_if_changed
from migprofile.profile import Profile

__all__ = ["narrative_sections", "read_narrative", "save_narrative"]


def narrative_sections(profile: Profile) -> list[str]:
    """Every section a narrative text can be written for, in the order of the report:
    governance's sub-parts after governance, the findings' parts after the findings."""
    from migprofile.report.sections import section_builders
    from migprofile.report.sections.findings import ID as FINDINGS
    from migprofile.report.sections.governance import ID as GOVERNANCE
    from migprofile.report.sections.governance import PARTS

    parts = {GOVERNANCE: [f"governance_{part}" for part in PARTS],
             FINDINGS: list(profile.settings.report.narrative_sections)}
    return [key for section in section_builders(profile.dataflows)
            for key in (section, *parts.get(section, []))]


def _path(profile: Profile, section: str, language: str):
    if section not in narrative_sections(profile):
        raise MigprofileError(f"no narrative section {section!r}.")
    if language not in profile.languages:
        raise MigprofileError(f"{language!r} is not a language of the profile "
                              f"({', '.join(profile.languages)}).")
    return profile.narrative_dir / f"{section}.{language}.md"


def read_narrative(profile: Profile, section: str, language: str) -> str:
    """The text of a section in a language; empty if nobody wrote it."""
    path = _path(profile, section, language)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def save_narrative(profile: Profile, section: str, language: str, text: str) -> str:
    """Replace the text of a section in a language, at once (a report being built reads
    the old text or the new, never half of one); the text it replaced."""
    path = _path(profile, section, language)
    previous = path.read_text(encoding="utf-8") if path.is_file() else ""
    text = text.replace("\r\n", "\n").strip()
    write_if_changed(path, (text + "\n" if text else "").encode("utf-8"))
    return previous
