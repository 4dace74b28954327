"""The agency's Ed25519 signing key: created once, kept private, shown as a public key.

The private key lives in the profile's private folder (``.secret/signing-key.pem``, mode
0600) and never leaves it: no command prints it and no output contains it. Partners get
the public key (base64 of its 32 raw bytes) and check it by its fingerprint, the sha256 of
those bytes written in groups of four hexadecimal digits, read aloud over the telephone.

A key can change without a new telephone call: ``migprofile keys rotate`` makes a new key,
keeps the old one as ``.secret/previous-signing-key.pem``, and has the old key sign a
:class:`KeyChange` (the new key, its fingerprint, the old key's, the day it takes effect)
kept as ``.secret/key-change.json``. Every package exported after that carries it in its
manifest and is signed with the new key; a partner who still knows only the old key
checks the announcement with it, and registers the new key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migprofile.errors import MigprofileError
from migprofile.profile import AgencyId, Profile

__all__ = ["KeyChange", "KeyPair", "announced_key_change", "decode_public_key", "fingerprint",
           "init_keys", "load_keys", "rotate_keys", "verify"]

PRIVATE_KEY_FILE = "signing-key.pem"
PREVIOUS_KEY_FILE = "previous-signing-key.pem"
KEY_CHANGE_FILE = "key-change.json"


@dataclass(frozen=True)
class KeyPair:
    """The profile's signing key; ``public_key`` is what partners register."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                       serialization.PublicFormat.Raw)

    @property
    def public_key(self) -> str:
        return base64.b64encode(self.public_bytes).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_bytes)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def fingerprint(public_bytes: bytes) -> str:
    """sha256 of the raw public key, in groups of four hex digits (``1f3a 9b07 ...``)."""
    digest = hashlib.sha256(public_bytes).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def _key_path(profile: Profile) -> Path:
    return profile.secrets_dir / PRIVATE_KEY_FILE


def init_keys(profile: Profile) -> KeyPair:
    """Create the profile's key pair; an existing key is never replaced.

    Raises
    ------
    MigprofileError
        The profile already has a key (replacing it would make every partner's copy of
        the public key useless).
    """
    path = _key_path(profile)
    if path.exists():
        raise MigprofileError(
            "this profile already has a signing key; partners know its public key, so it is "
            "kept. Show it with `migprofile keys show DIR`.", path=path)
    pem = _pem(Ed25519PrivateKey.generate())
    profile.secret(PRIVATE_KEY_FILE, create=lambda: pem)
    return load_keys(profile)


def load_keys(profile: Profile) -> KeyPair:
    """The profile's key pair; a missing or unreadable key is a :class:`MigprofileError`."""
    path = _key_path(profile)
    if not path.is_file():
        raise MigprofileError("this profile has no signing key yet; create one with "
                              "`migprofile keys init DIR`.", path=profile.root)
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise MigprofileError(f"the signing key cannot be read ({exc}).", path=path) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise MigprofileError("the signing key is not an Ed25519 key.", path=path)
    return KeyPair(private, path)


def decode_public_key(text: str) -> Ed25519PublicKey:
    """A partner's public key from its base64 text; anything else is refused."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise MigprofileError(
            f"{text!r} is not an Ed25519 public key: expected the 44 characters that "
            "`migprofile keys show` prints on the partner's side.") from exc


def verify(public_key: str, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the holder of ``public_key``'s signature of ``data``."""
    try:
        decode_public_key(public_key).verify(signature, data)
    except InvalidSignature:
        return False
    return True


class KeyChange(BaseModel):
    """A new key of an agency, announced by its previous key (``key_change`` in a package's
    manifest)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency: AgencyId
    public_key: str = Field(description="The new public key (base64).")
    fingerprint: str = Field(description="The new key's fingerprint.")
    previous_fingerprint: str = Field(description="The fingerprint of the key it replaces.")
    effective: dt.date = Field(description="The day the new key signs from.")
    signature: str = Field(description="The previous key's signature of the statement "
                                       "(base64).")

    def statement(self) -> bytes:
        """What the previous key signs: every field but the signature, as sorted JSON."""
        fields = self.model_dump(mode="json", exclude={"signature"})
        return json.dumps({"statement": "migprofile key change", **fields}, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")

    def announced_by(self, previous_key: str) -> bool:
        """Whether the holder of ``previous_key`` signed this announcement, and it names
        that key and the new key truly."""
        try:
            signature = base64.b64decode(self.signature, validate=True)
            new = decode_public_key(self.public_key).public_bytes_raw()
            old = decode_public_key(previous_key).public_bytes_raw()
        except (binascii.Error, ValueError, MigprofileError):
            return False
        return (self.fingerprint == fingerprint(new)
                and self.previous_fingerprint == fingerprint(old)
                and verify(previous_key, self.statement(), signature))


def rotate_keys(profile: Profile, *, agency: str,
                today: dt.date | None = None) -> KeyChange:
    """Replace the profile's signing key by a new one, announced by the old one.

    The old key is kept as ``previous-signing-key.pem`` (an older previous key is
    dropped); the announcement, signed by the old key, is kept as ``key-change.json`` and
    sent in every package from now on. The new key is written last, so that a rotation cut
    short leaves the old key in use and an announcement that no package carries.

    Raises
    ------
    MigprofileError
        The profile has no key yet.
    """
    old = load_keys(profile)
    new = Ed25519PrivateKey.generate()
    new_keys = KeyPair(new, old.path)
    unsigned = KeyChange(agency=agency, public_key=new_keys.public_key,
                         fingerprint=new_keys.fingerprint, previous_fingerprint=old.fingerprint,
                         effective=today or dt.date.today(), signature="")
    change = unsigned.model_copy(update={
        "signature": base64.b64encode(old.sign(unsigned.statement())).decode("ascii")})
    profile.write_secret(PREVIOUS_KEY_FILE, _pem(old.private))
    profile.write_secret(KEY_CHANGE_FILE, change.model_dump_json(indent=2).encode("utf-8"))
    profile.write_secret(PRIVATE_KEY_FILE, _pem(new))
    return change


def announced_key_change(profile: Profile, keys: KeyPair) -> KeyChange | None:
    """The announcement of the profile's current key, if it was made by a rotation."""
    path = profile.secrets_dir / KEY_CHANGE_FILE
    if not path.is_file():
        return None
    try:
        change = KeyChange.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise MigprofileError(f"the key announcement cannot be read ({exc}).",
                              path=path) from exc
    return change if change.public_key == keys.public_key else None


def _pem(private: Ed25519PrivateKey) -> bytes:
    return private.private_bytes(serialization.Encoding.PEM,
                                 serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
