"""The narrative's review, kept in the state: the agency assigned to each section, its
status (draft or approved), the texts saves replaced and the reviewers' comments. The
texts themselves are the profile's files (``operations.narrative``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from migprofile.errors import MigprofileError
from migprofile.state import audit
from migprofile.state.db import (
    Agency,
    NarrativeComment,
    NarrativeRevision,
    NarrativeSection,
    now,
)

__all__ = ["add_comment", "approve", "assign", "comments", "record_save", "revisions",
           "section_state", "section_states"]

MAX_COMMENT = 5000


def section_states(db: Session) -> dict[str, NarrativeSection]:
    """Section id -> its row, for the sections that have one."""
    return {row.section: row for row in db.scalars(select(NarrativeSection))}


def section_state(db: Session, section: str) -> NarrativeSection:
    """A section's row, new (a draft nobody is assigned) if it has none yet."""
    row = db.get(NarrativeSection, section)
    if row is None:
        row = NarrativeSection(section=section, agency=None, status="draft")
        db.add(row)
    return row


def assign(db: Session, section: str, agency: str | None, *, actor: str) -> None:
    """Give a section to an agency (None: to nobody); only a change is logged."""
    if agency and db.get(Agency, agency) is None:
        raise MigprofileError(f"no agency {agency!r}.")
    row = section_state(db, section)
    if row.agency != (agency or None):
        audit.record(db, actor=actor, action="narrative_assign", target=section,
                     detail=f"{row.agency or 'nobody'} -> {agency or 'nobody'}")
        row.agency = agency or None


def record_save(db: Session, section: str, language: str, previous: str, *,
                actor: str) -> None:
    """After a text was replaced: keep the one before, and the section is a draft again."""
    db.add(NarrativeRevision(section=section, language=language, author=actor,
                             previous=previous))
    row = section_state(db, section)
    row.status, row.changed_at, row.changed_by = "draft", now(), actor
    audit.record(db, actor=actor, action="narrative_save", target=f"{section}.{language}",
                 detail=f"{len(previous)} characters replaced")


def add_comment(db: Session, section: str, text: str, *, actor: str) -> None:
    text = text.strip()
    if not text or len(text) > MAX_COMMENT:
        raise MigprofileError(f"a comment has 1 to {MAX_COMMENT} characters.")
    db.add(NarrativeComment(section=section, author=actor, text=text))
    audit.record(db, actor=actor, action="narrative_comment", target=section)


def approve(db: Session, section: str, *, actor: str) -> None:
    section_state(db, section).status = "approved"
    audit.record(db, actor=actor, action="narrative_approve", target=section)


def comments(db: Session, section: str) -> list[NarrativeComment]:
    return list(db.scalars(select(NarrativeComment).where(NarrativeComment.section == section)
                           .order_by(NarrativeComment.id)))


def revisions(db: Session, section: str) -> list[NarrativeRevision]:
    """The texts saves replaced, newest first."""
    return list(db.scalars(select(NarrativeRevision)
                           .where(NarrativeRevision.section == section)
                           .order_by(NarrativeRevision.id.desc())))
