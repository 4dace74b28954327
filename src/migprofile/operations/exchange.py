"""Operations of data exchange with partner agencies: keys, partners, packages, sync, and
the reconciliation of figures that should agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from migprofile.errors import MigprofileError
from migprofile.profile import Profile

__all__ = ["Exported", "Reconciled", "add_partner", "audited_sync", "connect_partner",
           "connected_partners", "create_keys", "issue_partner_token", "key_warnings",
           "package_export", "package_import", "partners", "reconcile",
           "refresh_reconciliation", "revoke_partner_key", "revoke_partner_tokens",
           "rotate_keys", "show_keys", "sync_partners"]


# the agency's signing key -----------------------------------------------------------------

def create_keys(profile: Profile):
    """Create the profile's Ed25519 key pair; the private key stays in ``.secret/``."""
    from migprofile.exchange.keys import init_keys

    return init_keys(profile)


def show_keys(profile: Profile):
    """The profile's key pair: its public key and fingerprint are given to partners."""
    from migprofile.exchange.keys import load_keys

    return load_keys(profile)


def rotate_keys(profile: Profile):
    """Replace the signing key by a new one, announced to partners in the next packages."""
    from migprofile.exchange.export import require_agency
    from migprofile.exchange.keys import rotate_keys as rotate

    return rotate(profile, agency=require_agency(profile).id)


# partners ---------------------------------------------------------------------------------

def key_warnings(profile: Profile) -> list:
    """Partners' keys that are revoked, expired or about to expire."""
    from migprofile.exchange.partners import key_warnings as warnings

    return warnings(profile)


def partners(profile: Profile) -> list:
    """The registered partners, with their keys' fingerprints."""
    from migprofile.exchange.partners import list_partners

    return list_partners(profile)


def add_partner(profile: Profile, partner_id: str, *, country: str, public_key: str,
                name: str = "", agency: str = "", valid_until: dt.date | None = None,
                replace: bool = False):
    """Register a partner agency and its public key in ``profile.toml``."""
    from migprofile.exchange.partners import add_partner as add

    return add(profile, partner_id, country=country, public_key=public_key, name=name,
               agency=agency, valid_until=valid_until, replace=replace)


def revoke_partner_key(profile: Profile, partner_id: str, *, on: dt.date | None = None):
    """Revoke a partner's registered key: packages signed with it are refused."""
    from migprofile.exchange.partners import revoke_partner_key as revoke

    return revoke(profile, partner_id, on=on)


def issue_partner_token(profile: Profile, partner_id: str):
    """A new access token for a partner's server; it is shown once, only its digest is
    kept."""
    from migprofile.exchange.tokens import issue_token

    return issue_token(profile, partner_id)


def revoke_partner_tokens(profile: Profile, partner_id: str,
                          token_id: str | None = None) -> int:
    """Revoke a partner's active tokens (or one of them); how many were revoked."""
    from migprofile.exchange.tokens import revoke_tokens

    return revoke_tokens(profile, partner_id, token_id)


def connect_partner(profile: Profile, partner_id: str, *, url: str, token: str):
    """Say where a partner's server is and keep the token it issued to this agency."""
    from migprofile.exchange.remote import connect_partner as connect

    return connect(profile, partner_id, url=url, token=token)


# packages ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    """A package published for a partner: the files written and its manifest."""

    written: list[Path]
    manifest: object

    @property
    def path(self) -> Path:
        """The package in the partner's outbox."""
        return self.written[0]


def package_export(profile: Profile, *, to: str, dataflows: Sequence[str] = (),
                   period: str | None = None, out: Path | None = None) -> Exported:
    """Write a signed package of the profile's data for a partner into its outbox, where
    its server collects it, and also to ``out`` if given."""
    from migprofile.exchange.outbox import publish
    from migprofile.files import write_if_changed

    result = publish(profile, to=to, dataflows=dataflows, period=period)
    written = [result.path]
    if out is not None:
        write_if_changed(out, result.path.read_bytes())
        written.append(out)
    return Exported(written, result.manifest)


def package_import(profile: Profile, file: Path):
    """Verify a partner's package (signature, receiver, checksums, data) and keep it; the
    :class:`~migprofile.exchange.importing.ImportedPackage`."""
    from migprofile.exchange.importing import import_package

    return import_package(profile, file)


def refresh_reconciliation(profile: Profile) -> list[str]:
    """Read new or changed sources into the warehouse and write the reconciliation again
    (what a package received from a partner changes at once); the sources read."""
    from migprofile.build import update_reconciliation

    return update_reconciliation(profile)


def _no_record(event) -> None:
    """Events nobody keeps."""


def sync_partners(profile: Profile, *, partners: list[str] | None = None,
                  record: Callable = _no_record, lock: Callable = nullcontext):
    """Exchange packages with the partners' servers (each with a url, or those named):
    publish ours when our data changed, import theirs, send ours, and write the
    reconciliation again; each step goes to ``record``. ``lock`` is held whenever the
    profile is used (the web app's)."""
    from migprofile.build import update_reconciliation
    from migprofile.exchange.sync import sync

    return sync(profile, refresh=update_reconciliation, partners=partners,
                record=record, lock=lock)


def audited_sync(profile: Profile, *, partners: list[str] | None = None,
                 database: str | None = None):
    """:func:`sync_partners`, each step written to the web app's audit log (``database``,
    or SQLite in the profile's ``webapp/``), as when ``serve``'s schedule runs it; an
    error when no partner's server is known."""
    from migprofile.operations.accounts import web_state
    from migprofile.state.audit import audit_recorder

    connected_partners(profile)
    with web_state(profile, database) as session:
        return sync_partners(profile, partners=partners, record=audit_recorder(session))


def connected_partners(profile: Profile) -> list[str]:
    """The partners whose server is known; an error when there is none."""
    connected = [key for key, p in profile.settings.partners.items() if p.url]
    if not connected:
        raise MigprofileError("no partner has a url; say where a partner's server is with "
                              "`migprofile partners connect DIR ID --url URL`.",
                              path=profile.settings_path)
    return connected


# reconciliation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Reconciled:
    """The comparisons asked for, and where all of them were written."""

    rows: list
    path: Path
    threshold_pct: float

    @property
    def flagged(self) -> int:
        """How many comparisons are above the threshold."""
        return sum(1 for row in self.rows if row.flagged)


def reconcile(profile: Profile, *, partner: str | None = None) -> Reconciled:
    """Compare figures that should agree (two sources; ours and a partner's), write every
    comparison to ``out/reconciliation.csv`` and return those with ``partner`` (all, if
    none is named)."""
    from migprofile.build import RECONCILIATION_FILE, write_reconciliation
    from migprofile.warehouse import Warehouse

    if partner is not None:
        profile.partner(partner)  # known, or an error naming the registered ones
    with Warehouse.open(profile.warehouse_path, read_only=True) as warehouse:
        everything = write_reconciliation(profile, warehouse)
    shown = [r for r in everything if partner is None or r.partner == partner]
    return Reconciled(shown, profile.out_dir / RECONCILIATION_FILE,
                      profile.settings.reconciliation.threshold_pct)
