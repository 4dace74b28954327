"""Partner agencies in ``profile.toml``: registered and listed without editing the file.

``profile.toml`` is the officer's file, with their comments; it is edited with tomlkit so
that everything else in it stays as written, and the result is checked with the same
settings model before it replaces the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from pydantic import ValidationError

from migprofile.errors import MigprofileError
from migprofile.exchange.keys import decode_public_key, fingerprint
from migprofile.files import write_if_changed
from migprofile.profile import PartnerSettings, Profile, describe_validation_error

__all__ = ["Partner", "add_partner", "list_partners", "public_key_fingerprint",
           "set_partner_url"]


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


def add_partner(root: Path | str, partner_id: str, *, country: str, public_key: str,
                name: str = "", agency: str = "", valid_until: dt.date | None = None,
                replace: bool = False) -> Partner:
    """Register a partner agency and its public key in ``profile.toml``.

    Parameters
    ----------
    root
        The profile folder.
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
    profile = Profile.load(root)
    own = profile.settings.agency
    if own is not None and own.id == partner_id:
        raise MigprofileError(f"{partner_id} is this profile's own agency, not a partner.",
                              path=profile.settings_path)
    if partner_id in profile.settings.partners and not replace:
        raise MigprofileError(f"partner {partner_id} is already registered; give --replace to "
                              "change its settings (a new key, for instance).",
                              path=profile.settings_path)
    decode_public_key(public_key)
    entry = {"country": country.upper(), "public_key": public_key.strip()}
    entry |= {k: v for k, v in (("name", name), ("agency", agency)) if v}
    if valid_until is not None:
        entry["valid_until"] = valid_until
    _write_partner(profile, partner_id, entry)
    return next(p for p in list_partners(Profile.load(root)) if p.id == partner_id)


def _write_partner(profile: Profile, partner_id: str, entry: dict) -> None:
    def replace(document: tomlkit.TOMLDocument) -> None:
        if "partners" not in document:
            document.add(tomlkit.nl())
            document["partners"] = tomlkit.table(is_super_table=True)
        table = tomlkit.table()
        for key, value in entry.items():
            table[key] = value
        document["partners"][partner_id] = table
    _edit_settings(profile, replace)


def set_partner_url(root: Path | str, partner_id: str, url: str) -> Partner:
    """Say where a registered partner's server is (``[partners.ID] url``), keeping the
    rest of ``profile.toml`` as written.

    Raises
    ------
    MigprofileError
        An unknown partner, or an address that is not ``http(s)://HOST[:PORT][/PATH]``.
    """
    profile = Profile.load(root)
    if partner_id not in profile.settings.partners:
        known = ", ".join(profile.settings.partners) or "none yet"
        raise MigprofileError(f"{partner_id!r} is not a registered partner (registered: "
                              f"{known}); add it with `migprofile partners add` first.",
                              path=profile.settings_path)

    def set_url(document: tomlkit.TOMLDocument) -> None:
        document["partners"][partner_id]["url"] = url.strip()
    _edit_settings(profile, set_url)
    return next(p for p in list_partners(Profile.load(root)) if p.id == partner_id)


def _edit_settings(profile: Profile, change: Callable[[tomlkit.TOMLDocument], None]) -> None:
    """Apply ``change`` to ``profile.toml`` and write it, once the result is valid."""
    path = profile.settings_path
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    change(document)
    text = tomlkit.dumps(document)
    try:
        type(profile.settings).model_validate(tomlkit.parse(text).unwrap())
    except ValidationError as exc:
        raise MigprofileError(describe_validation_error(exc), path=path) from exc
    write_if_changed(path, text.encode("utf-8"))
