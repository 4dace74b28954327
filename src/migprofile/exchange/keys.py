"""The agency's Ed25519 signing key: created once, kept private, shown as a public key.

The private key lives in the profile's private folder (``.secret/signing-key.pem``, mode
0600) and never leaves it: no command prints it and no output contains it. Partners get
the public key (base64 of its 32 raw bytes) and check it by its fingerprint, the sha256 of
those bytes written in groups of four hexadecimal digits, read aloud over the telephone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from migprofile.errors import MigprofileError
from migprofile.profile import Profile

__all__ = ["KeyPair", "decode_public_key", "fingerprint", "init_keys", "load_keys", "verify"]

PRIVATE_KEY_FILE = "signing-key.pem"


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


def init_keys(root: Path | str) -> KeyPair:
    """Create the profile's key pair; an existing key is never replaced.

    Raises
    ------
    MigprofileError
        The profile already has a key (replacing it would make every partner's copy of
        the public key useless).
    """
    profile = Profile.load(root)
    path = _key_path(profile)
    if path.exists():
        raise MigprofileError(
            "this profile already has a signing key; partners know its public key, so it is "
            "kept. Show it with `migprofile keys show DIR`.", path=path)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
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
