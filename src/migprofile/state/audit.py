"""The audit log: who signed in, uploaded, imported, exported, published an edition,
changed a role or an access token, assigned, wrote, commented or approved the narrative,
and which SDMX queries partners' servers made (answered or refused), when.

Entries are only ever added; the database refuses updates and deletes (see the first
migration), and no page or API route changes them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from migprofile.state.db import AuditEntry

__all__ = ["ACTIONS", "SYNC_ACTOR", "audit_recorder", "read_log", "record"]

ACTIONS = ("login", "logout", "upload", "import", "build", "export", "package_import",
           "partner_key", "user_add", "user_disable", "role_change", "agency_save",
           "sdmx_query", "token_issue", "token_revoke", "partner_access", "package_download",
           "sync", "publish", "narrative_assign", "narrative_save", "narrative_comment",
           "narrative_approve")


SYNC_ACTOR = "exchange sync"
"""Who the log says acted, for a sync (by the command or by ``serve``'s schedule)."""


def record(db: Session, *, actor: str, action: str, target: str = "", outcome: str = "ok",
           detail: str = "", address: str = "") -> None:
    """Add one entry (committed with the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditEntry(actor=_shown(actor), action=action, target=_shown(target)[:300],
                      outcome=outcome, detail=_shown(detail), address=_shown(address)[:64]))


def _shown(text: str) -> str:
    """Text as it was given, with NUL written out (PostgreSQL text cannot hold it)."""
    return text.replace("\x00", "\\x00")


def read_log(db: Session, *, limit: int = 500) -> list[AuditEntry]:
    """The latest entries, newest first."""
    return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


def audit_recorder(db: Session) -> Callable:
    """Writes each event of a sync to the audit log, at once."""
    def write(event) -> None:
        record(db, actor=SYNC_ACTOR, action="sync", target=event.partner or "profile",
               outcome=event.outcome, detail=f"{event.action}: {event.detail}")
        db.commit()
    return write
