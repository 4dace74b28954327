"""Exchange with partners' servers, by itself: ``migprofile exchange sync`` and ``serve``'s
schedule.

For each partner with a ``url``, a sync

1. publishes a new package for it when this agency's data for it changed (the outbox,
   see :mod:`migprofile.exchange.outbox`), after reading the profile's new or changed
   sources into the warehouse;
2. pulls the packages the partner publishes for this agency that were not imported yet
   (by package id; a copy whose sha256 differs from the listing is not used) and imports
   each through :func:`import_package`, with every check of ``exchange import``;
3. pushes the packages published for the partner that its server has not accepted yet;

and then, when anything new came in or changed here, writes the reconciliation again.
Nothing is imported or sent twice: both sides list what they hold first.

A partner whose server cannot be reached (or fails: 5xx, 429) is tried again after
``[exchange] retry_after``, doubling each time, ``attempts`` times in all; a refusal (a
wrong token, a refused package) is not retried. Each try, import, send and failure is an
:class:`SyncEvent` for the caller to record (the web app's audit log), and each partner's
status (last try, last success, last error, next scheduled try) is kept in
``DIR/exchange/sync-status.json``, which the exchange page shows.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from migprofile.errors import MigprofileError
from migprofile.exchange.importing import import_package, partner_sources
from migprofile.exchange.outbox import EXCHANGE_FOLDER, publish_if_changed, published_packages
from migprofile.exchange.remote import PartnerServer, Refused, Unreachable, partner_token
from migprofile.files import write_if_changed
from migprofile.profile import Profile

__all__ = ["PartnerResult", "PartnerStatus", "SyncEvent", "SyncResult", "read_status", "sync"]

STATUS_FILE = "sync-status.json"


@dataclass(frozen=True)
class SyncEvent:
    """Something a sync did or failed to do, for the audit log."""

    partner: str
    action: str
    """``attempt``, ``publish``, ``import``, ``send``, ``failure`` or ``reconcile``."""
    outcome: str = "ok"
    """``ok``, ``retry`` (a failure that will be tried again) or ``failed``."""
    detail: str = ""


@dataclass
class PartnerStatus:
    """What the exchange page shows of a partner's sync."""

    last_try: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    next_try: str | None = None
    imported: int = 0
    sent: int = 0


@dataclass
class PartnerResult:
    """What a sync did with one partner."""

    partner: str
    published: str | None = None
    imported: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    attempts: int = 0
    error: str | None = None
    note: str | None = None

    def line(self) -> str:
        """One line for the command line."""
        if self.error:
            return f"{self.partner}: FAILED after {self.attempts} attempt(s): {self.error}"
        parts = [f"{len(self.imported)} package(s) imported", f"{len(self.sent)} sent"]
        if self.published:
            parts.append(f"published {self.published}")
        if self.note:
            parts.append(self.note)
        return f"{self.partner}: " + ", ".join(parts)


@dataclass
class SyncResult:
    """What a sync did with every partner that has a url."""

    partners: list[PartnerResult]
    reconciled: bool = False

    @property
    def failed(self) -> list[PartnerResult]:
        return [p for p in self.partners if p.error]


Record = Callable[[SyncEvent], None]
Lock = Callable[[], AbstractContextManager]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _status_path(profile: Profile) -> Path:
    return profile.root / EXCHANGE_FOLDER / STATUS_FILE


def read_status(profile: Profile) -> dict[str, PartnerStatus]:
    """Each partner's sync status, as the last sync left it."""
    path = _status_path(profile)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: PartnerStatus(**value) for key, value in data.items()}
    except (ValueError, TypeError) as exc:
        raise MigprofileError(f"the sync status file is damaged ({exc}); delete it, the "
                              "next sync writes it again.", path=path) from exc


def _write_status(profile: Profile, statuses: dict[str, PartnerStatus]) -> None:
    data = {key: asdict(value) for key, value in sorted(statuses.items())}
    write_if_changed(_status_path(profile),
                     (json.dumps(data, indent=1) + "\n").encode("utf-8"))


def _received(profile: Profile, partner: str) -> set[str]:
    """The ids of the packages of ``partner`` this profile accepted."""
    return {source.meta.package_id for source in partner_sources(profile)
            if source.meta.partner == partner}


@contextmanager
def _downloaded(package_id: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="migprofile-sync-") as folder:
        path = Path(folder) / f"{package_id}.zip"
        path.write_bytes(data)
        yield path


class _Exchange:
    """One partner's exchange: pull, then push; may be run again after a failure."""

    def __init__(self, profile: Profile, partner: str, server: PartnerServer, lock: Lock,
                 record: Record, result: PartnerResult) -> None:
        self.profile, self.partner, self.server = profile, partner, server
        self.lock, self.record, self.result = lock, record, result

    def pull(self) -> None:
        for item in self.server.published():
            package_id = item["package_id"]
            with self.lock():
                if package_id in _received(self.profile, self.partner):
                    continue
            data = self.server.download(package_id, item["sha256"])
            with _downloaded(package_id, data) as path, self.lock():
                try:
                    imported = import_package(self.profile, path)
                except MigprofileError as exc:
                    raise Refused(f"package {package_id} refused: {exc}") from exc
            sender = imported.verified.manifest.sender.agency
            if sender != self.partner:
                raise Refused(f"package {package_id} was made by {sender}, not by "
                              f"{self.partner}")
            if not imported.already:
                self.result.imported.append(package_id)
                self.record(SyncEvent(self.partner, "import", detail=package_id))

    def push(self) -> None:
        theirs = self.server.received()
        for package in published_packages(self.profile, self.partner):
            if package.package_id in theirs:
                continue
            self.server.send(package.package_id, package.path.read_bytes())
            self.result.sent.append(package.package_id)
            self.record(SyncEvent(self.partner, "send", detail=package.package_id))


def _publish(profile: Profile, partner: str, lock: Lock, record: Record,
             result: PartnerResult) -> None:
    with lock():
        try:
            published = publish_if_changed(profile, to=partner)
        except MigprofileError as exc:
            result.note = f"nothing published: {exc.message}"
            return
    if published is not None:
        result.published = published.manifest.package_id
        record(SyncEvent(partner, "publish", detail=result.published))


def _with_partner(profile: Profile, partner: str, *, delays: list[float],
                  sleep: Callable[[float], None], lock: Lock, record: Record) -> PartnerResult:
    result = PartnerResult(partner)
    _publish(profile, partner, lock, record, result)
    token = partner_token(profile, partner)
    if token is None:
        result.error = (f"no token for {partner}'s server; give the one it issued with "
                        "`migprofile partners connect`")
        record(SyncEvent(partner, "failure", "failed", result.error))
        return result
    url = profile.settings.partners[partner].url
    exchange = _Exchange(profile, partner, PartnerServer(url, token), lock, record, result)
    for attempt, delay in enumerate([*delays, None], start=1):
        result.attempts = attempt
        record(SyncEvent(partner, "attempt", detail=f"attempt {attempt} with {url}"))
        try:
            exchange.pull()
            exchange.push()
            return result
        except Refused as exc:
            result.error = str(exc)
            record(SyncEvent(partner, "failure", "failed", result.error))
            return result
        except Unreachable as exc:
            if delay is None:
                result.error = str(exc)
                record(SyncEvent(partner, "failure", "failed", result.error))
                return result
            record(SyncEvent(partner, "failure", "retry",
                             f"{exc}; trying again in {delay:g} s"))
            sleep(delay)
    return result


def _updated(status: PartnerStatus, result: PartnerResult, started: dt.datetime,
             interval: dt.timedelta | None) -> PartnerStatus:
    ended = _now()
    status.last_try = started.isoformat()
    if result.error:
        status.last_error = f"{ended.isoformat()}: {result.error}"
    else:
        status.last_success = ended.isoformat()
        status.last_error = None
    status.next_try = (ended + interval).isoformat() if interval else None
    status.imported += len(result.imported)
    status.sent += len(result.sent)
    return status


def sync(profile: Profile, *, refresh: Callable[[Profile], list[str]],
         partners: list[str] | None = None, sleep: Callable[[float], None] = time.sleep,
         lock: Lock = nullcontext,
         record: Record = lambda event: None) -> SyncResult:
    """Exchange packages with every partner that has a ``url`` (or those of ``partners``)
    and write the reconciliation again when anything changed.

    Parameters
    ----------
    profile
        The profile.
    refresh
        Reads the profile's new or changed sources into the warehouse and writes the
        reconciliation again; returns the sources it read (the application's
        ``build.update_reconciliation``, which this layer does not import).
    partners
        Only these partners (their ids); default every partner with a url.
    sleep
        Waits between tries (replaced in tests).
    lock
        Held around each use of the profile's warehouse and files, never while waiting
        for a partner's server (the web app's lock: builds and pages use them too).
    record
        Called with each :class:`SyncEvent` (the web app writes the audit log).
    """
    settings = profile.settings.exchange
    chosen = [key for key, partner in profile.settings.partners.items()
              if partner.url and (partners is None or key in partners)]
    with lock():
        ingested = refresh(profile)
    results = []
    statuses = read_status(profile)
    for partner in chosen:
        started = _now()
        result = _with_partner(profile, partner, delays=settings.delays(), sleep=sleep,
                               lock=lock, record=record)
        results.append(result)
        statuses[partner] = _updated(statuses.get(partner, PartnerStatus()), result, started,
                                     settings.interval)
        with lock():
            _write_status(profile, statuses)
    outcome = SyncResult(results)
    if any(r.imported for r in results):
        with lock():
            refresh(profile)
        outcome.reconciled = True
        record(SyncEvent("", "reconcile", detail=", ".join(
            f"{r.partner}: {len(r.imported)} package(s)" for r in results if r.imported)))
    elif ingested:
        outcome.reconciled = True
    return outcome
