"""Partner agencies in ``profile.toml``: registered and listed without editing the file.

``profile.toml`` is the officer's file, with their comments; it is edited with tomlkit so
that everything else in it stays as written, and the result is checked with the same
settings model before it replaces the file.

A partner's key has a life: it may expire (``valid_until``, warned about
:data:`WARN_DAYS` days ahead), be replaced by a new key the partner announces in a package
(the old one is then listed in ``retired_keys``), or be revoked here
(``revoked_keys``). Packages signed with an expired, retired or revoked key are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import tomlkit
from pydantic import ValidationError

from migprofile.errors import Message, MigprofileError
from migprofile.exchange.keys import KeyChange, decode_public_key, fingerprint
from migprofile.files import write_if_changed
from migprofile.profile import KeyRecord, PartnerSettings, Profile, describe_validation_error

__all__ = ["WARN_DAYS", "Partner", "add_partner", "key_refusal", "key_warnings",
           "list_partners", "public_key_fingerprint", "register_key_change",
           "revoke_partner_key", "set_partner_url"]

WARN_DAYS = 31
"""A partner's key that expires within this many days is warned about."""


@dataclass(frozen=True)
class Partner:
    """A registered partner with its key's fingerprint."""

    id: str
    settings: PartnerSettings

    @property
    def fingerprint(self) -> str:
        return public_key_fingerprint(self.settings.public_key)

    def expired(self, on: dt.date) -> bool:
        until = self.settings.valid_until
        return until is not None and on > until


def public_key_fingerprint(public_key: str) -> str:
    return fingerprint(decode_public_key(public_key).public_bytes_raw())


def list_partners(profile: Profile) -> list[Partner]:
    """The partners of ``profile.toml``, in the order written."""
    return [Partner(key, value) for key, value in profile.settings.partners.items()]


def add_partner(profile: Profile, partner_id: str, *, country: str, public_key: str,
                name: str = "", agency: str = "", valid_until: dt.date | None = None,
                replace: bool = False) -> Partner:
    """Register a partner agency and its public key in ``profile.toml``.

    Parameters
    ----------
    profile
        The profile to register the partner in.
    partner_id
        The partner's agency id, as its own profile names it (``[agency] id``).
    country
        ISO alpha-3 code of the partner's country.
    public_key
        The partner's public key, as ``migprofile keys show`` printed it there.
    name, agency
        The partner agency's name and its ministry, for the report's source notes.
    valid_until
        Last day packages signed with this key are accepted.
    replace
        Replace an already registered partner (a new key, for instance).

    Raises
    ------
    MigprofileError
        A bad id, country or key, our own agency, or a partner already registered.
    """
    own = profile.settings.agency
    if own is not None and own.id == partner_id:
        raise MigprofileError(f"{partner_id} is this profile's own agency, not a partner.",
                              path=profile.settings_path)
    if partner_id in profile.settings.partners and not replace:
        raise MigprofileError(f"partner {partner_id} is already registered; give --replace to "
                              "change its settings (a new key, for instance).",
                              path=profile.settings_path)
    decode_public_key(public_key)
    key_fingerprint = public_key_fingerprint(public_key)
    before = profile.settings.partners.get(partner_id)
    revoked = [r for r in (before.revoked_keys if before else [])
               if r.fingerprint == key_fingerprint]
    if revoked:
        raise MigprofileError(f"this key of {partner_id} was revoked on "
                              f"{revoked[0].on.isoformat()}; ask the partner for a new one.",
                              path=profile.settings_path)
    entry = {"country": country.upper(), "public_key": public_key.strip()}
    entry |= {k: v for k, v in (("name", name), ("agency", agency)) if v}
    if valid_until is not None:
        entry["valid_until"] = valid_until

    def write(document) -> None:
        kept = document["partners"].get(partner_id, {})
        table = tomlkit.table()
        for key, value in entry.items():
            table[key] = value
        for key in ("retired_keys", "revoked_keys", "url"):
            if key in kept:
                table[key] = kept[key]
        document["partners"][partner_id] = table

    _edit_partners(profile, write)
    return Partner(partner_id, profile.partner(partner_id))


def set_partner_url(profile: Profile, partner_id: str, url: str) -> Partner:
    """Say where a registered partner's server is (``[partners.ID] url``), keeping the
    rest of ``profile.toml`` as written.

    Raises
    ------
    MigprofileError
        An unknown partner, or an address that is not ``http(s)://HOST[:PORT][/PATH]``.
    """
    profile.partner(partner_id)  # registered, or an error

    def set_url(document: tomlkit.TOMLDocument) -> None:
        document["partners"][partner_id]["url"] = url.strip()

    _edit_partners(profile, set_url)
    return Partner(partner_id, profile.partner(partner_id))


def _key_records(records: list[KeyRecord]):
    """``[{fingerprint = ..., public_key = ..., on = ...}, ...]``, one record a line."""
    array = tomlkit.array()
    for record in records:
        table = tomlkit.inline_table()
        table.update(record.model_dump())
        array.append(table)
    return array.multiline(True)


def revoke_partner_key(profile: Profile, partner_id: str, *,
                       on: dt.date | None = None) -> KeyRecord:
    """Mark the partner's registered key as revoked: its packages are refused from now.

    Raises
    ------
    MigprofileError
        An unknown partner, or a key already revoked.
    """
    partner = profile.partner(partner_id)
    record = KeyRecord(fingerprint=public_key_fingerprint(partner.public_key),
                       public_key=partner.public_key, on=on or dt.date.today())
    if any(r.fingerprint == record.fingerprint for r in partner.revoked_keys):
        raise MigprofileError(f"the key of {partner_id} is already revoked.",
                              path=profile.settings_path)

    def write(document) -> None:
        document["partners"][partner_id]["revoked_keys"] = _key_records(
            [*partner.revoked_keys, record])

    _edit_partners(profile, write)
    return record


def register_key_change(profile: Profile, partner_id: str, change: KeyChange, *,
                        on: dt.date | None = None) -> KeyRecord:
    """Register the new key a partner announced (checked by the caller against its
    registered key); the old key is listed as retired and ``valid_until``, which was the
    old key's, is removed."""
    partner = profile.partner(partner_id)
    record = KeyRecord(fingerprint=change.previous_fingerprint,
                       public_key=partner.public_key, on=on or dt.date.today())

    def write(document) -> None:
        table = document["partners"][partner_id]
        table["public_key"] = change.public_key
        if "valid_until" in table:
            del table["valid_until"]
        table["retired_keys"] = _key_records([*partner.retired_keys, record])

    _edit_partners(profile, write)
    return record


def key_refusal(partner_id: str, partner: PartnerSettings, public_key: str, *,
                signed: dt.date, today: dt.date) -> Message | None:
    """Why a package signed on ``signed`` with ``public_key`` cannot be accepted from the
    partner today (revoked, retired or expired key), or None."""
    key_fingerprint = public_key_fingerprint(public_key)
    for record in partner.revoked_keys:
        if record.fingerprint == key_fingerprint:
            return Message("it is signed with a key of {partner} revoked on {date}.",
                           partner=partner_id, date=record.on.isoformat())
    for record in partner.retired_keys:
        if record.fingerprint == key_fingerprint:
            return Message("it is signed with a key of {partner} that a new key replaced on "
                           "{date}; ask for a package signed with its current key.",
                           partner=partner_id, date=record.on.isoformat())
    until = partner.valid_until
    if public_key == partner.public_key and until is not None and max(signed, today) > until:
        return Message("the key of {partner} expired on {date}; ask the partner for its new "
                       "key.", partner=partner_id, date=until.isoformat())
    return None


def key_warnings(profile: Profile, *, today: dt.date | None = None) -> list[Message]:
    """A warning for each partner whose key is revoked, has expired, or expires within
    :data:`WARN_DAYS` days."""
    today = today or dt.date.today()
    warnings = []
    for partner in list_partners(profile):
        settings, until = partner.settings, partner.settings.valid_until
        revoked = [r for r in settings.revoked_keys if r.fingerprint == partner.fingerprint]
        if revoked:
            warnings.append(Message("The key of {partner} was revoked on {date}: its packages "
                                    "are refused until its new key is registered.",
                                    partner=partner.id, date=revoked[0].on.isoformat()))
        elif until is not None and until < today:
            warnings.append(Message("The key of {partner} expired on {date}: its packages are "
                                    "refused until its new key is registered.",
                                    partner=partner.id, date=until.isoformat()))
        elif until is not None and (until - today).days <= WARN_DAYS:
            warnings.append(Message("The key of {partner} expires on {date}, in {days} "
                                    "day(s): ask the partner for its new key.",
                                    partner=partner.id, date=until.isoformat(),
                                    days=(until - today).days))
    return warnings


def _edit_partners(profile: Profile, change: Callable[[tomlkit.TOMLDocument], None]) -> None:
    """Apply ``change`` to ``profile.toml``'s document (``[partners]`` made if missing),
    check the result with the settings model, and write it atomically; ``profile`` then
    holds the settings written, so that what follows sees them (the next package of a
    sync, signed with the key a partner announced in the one before)."""
    path = profile.settings_path
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    if "partners" not in document:
        document.add(tomlkit.nl())
        document["partners"] = tomlkit.table(is_super_table=True)
    change(document)
    text = tomlkit.dumps(document)
    try:
        settings = type(profile.settings).model_validate(tomlkit.parse(text).unwrap())
    except ValidationError as exc:
        raise MigprofileError(describe_validation_error(exc), path=path) from exc
    write_if_changed(path, text.encode("utf-8"))
    profile.settings = settings
