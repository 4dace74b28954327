"""``serve`` runs ``exchange sync`` by itself every ``[exchange] sync_every``.

The schedule is a task started with the app when the setting is there (and ended with
it); it reads the setting again before each run, so removing it stops the schedule. A run
is due when a partner's ``next_try`` (the status the last sync left) has come, or at once
for a partner never synced. The sync runs on a thread of its own, and every step of it is
written to the audit log, as when ``migprofile exchange sync`` runs it.
"""

from __future__ import annotations

import datetime as dt
import logging

import anyio
import anyio.to_thread

from migprofile.errors import MigprofileError
from migprofile.state import audit
from migprofile.state.audit import SYNC_ACTOR, audit_recorder

__all__ = ["SYNC_ACTOR", "audit_recorder", "due_in", "run_on_schedule", "scheduled_sync"]

log = logging.getLogger(__name__)


def due_in(profile, statuses: dict, *, now: dt.datetime) -> float:
    """Seconds until the next partner's sync is due (0: now)."""
    interval = profile.settings.exchange.interval
    waits = []
    for key, partner in profile.settings.partners.items():
        if not partner.url:
            continue
        status = statuses.get(key)
        if status is None or not status.next_try:
            return 0.0
        waits.append((dt.datetime.fromisoformat(status.next_try) - now).total_seconds())
    if not waits:
        return interval.total_seconds() if interval else 0.0
    return max(0.0, min(waits))


def scheduled_sync(app) -> None:
    """One sync of the app's profile, its steps and any failure in the audit log."""
    with app.state.db.session() as db:
        record = audit_recorder(db)
        try:
            app.state.service.sync(record=record)
        except MigprofileError as exc:
            audit.record(db, actor=SYNC_ACTOR, action="sync", target="profile",
                         outcome="failed", detail=str(exc))
            db.commit()
        except Exception as exc:  # the schedule must outlive any one failure
            log.exception("exchange sync failed")
            audit.record(db, actor=SYNC_ACTOR, action="sync", target="profile",
                         outcome="failed", detail=f"{type(exc).__name__}: {exc}")
            db.commit()


async def run_on_schedule(app) -> None:
    """Sync whenever due, as long as ``[exchange] sync_every`` is set."""
    service = app.state.service
    while True:
        profile = service.profile
        interval = profile.settings.exchange.interval
        if interval is None:
            return
        wait = _wait(service)
        if wait > 0:
            await anyio.sleep(min(wait, interval.total_seconds()))
            continue
        await anyio.to_thread.run_sync(scheduled_sync, app)
        if _wait(service) == 0:  # the sync failed before it could say when to come back
            await anyio.sleep(interval.total_seconds())


def _wait(service) -> float:
    try:
        return due_in(service.profile, service.sync_status(), now=dt.datetime.now(dt.UTC))
    except MigprofileError:
        return 0.0
