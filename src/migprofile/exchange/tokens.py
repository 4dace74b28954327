"""Access tokens: how a partner agency's server proves who it is when it queries ours.

A token is shown once, when it is made, and only its sha256 is kept, in the profile's
private folder (``.secret/access-tokens.json``, mode 0600): a copy of the folder does not
give access. Tokens are long random strings, so a plain hash is enough; they are compared in
constant time. Each token belongs to one registered partner; revoking a partner's tokens, or
removing the partner from ``profile.toml``, ends its access at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from migprofile.errors import MigprofileError
from migprofile.profile import Profile

__all__ = ["AccessToken", "issue_token", "list_tokens", "partner_for_token", "revoke_tokens"]

TOKENS_FILE = "access-tokens.json"
PREFIX = "mpt"


@dataclass(frozen=True)
class AccessToken:
    """What is kept of a token: never the token itself."""

    id: str
    partner: str
    sha256: str
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


@dataclass(frozen=True)
class IssuedToken:
    """A new token, with the only copy of its secret."""

    token: str
    record: AccessToken


def _path(profile: Profile) -> Path:
    return profile.secrets_dir / TOKENS_FILE


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def list_tokens(profile: Profile) -> list[AccessToken]:
    """Every token ever issued, active or revoked, oldest first."""
    path = _path(profile)
    if not path.is_file():
        return []
    try:
        return [AccessToken(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
    except (ValueError, TypeError) as exc:
        raise MigprofileError(f"the access tokens file is damaged ({exc}); revoke and issue "
                              "the partners' tokens again.", path=path) from exc


def _save(profile: Profile, tokens: list[AccessToken]) -> None:
    data = json.dumps([asdict(token) for token in tokens], indent=1).encode("utf-8")
    profile.write_secret(TOKENS_FILE, data)


def issue_token(profile: Profile, partner: str) -> IssuedToken:
    """A new token for a registered partner; its earlier tokens stay valid until revoked."""
    profile.partner(partner)  # registered, or an error
    token_id = secrets.token_hex(4)
    token = f"{PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
    record = AccessToken(id=token_id, partner=partner, sha256=_digest(token), created=_now())
    _save(profile, [*list_tokens(profile), record])
    return IssuedToken(token, record)


def revoke_tokens(profile: Profile, partner: str, token_id: str | None = None) -> int:
    """Revoke a partner's active tokens (or only ``token_id``); returns how many."""
    revoked = 0
    kept = []
    for record in list_tokens(profile):
        if record.partner == partner and record.active and token_id in (None, record.id):
            record = AccessToken(**(asdict(record) | {"revoked": _now()}))
            revoked += 1
        kept.append(record)
    if revoked:
        _save(profile, kept)
    return revoked


def partner_for_token(profile: Profile, token: str) -> str | None:
    """The partner a presented token belongs to, or None (unknown, revoked, or its partner
    no longer registered). Every active record is compared, in constant time."""
    digest = _digest(token)
    found = None
    for record in list_tokens(profile):
        if hmac.compare_digest(record.sha256, digest) and record.active:
            found = record.partner
    if found is not None and found not in profile.settings.partners:
        return None
    return found
