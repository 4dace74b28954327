"""A partner's server, as ours reaches it: where it is, the token it gave us, and its four
exchange endpoints.

The address is a setting (``[partners.ID] url``); the token is a secret the partner issued
to this agency (``migprofile partners token`` on its side), kept in the profile's private
folder (``.secret/partner-servers.json``, mode 0600), never in ``profile.toml`` and never
on a command line. The client speaks plain HTTP(S) from the standard library, follows no
redirect (the token goes to the address the officer gave, and nowhere else), and tells a
failure worth retrying (the server cannot be reached, or answers 5xx or 429) from one that
is not (the server refuses us: 401, 403, 404, a refused package).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

import migprofile
from migprofile.errors import MigprofileError
from migprofile.exchange.package import LIMITS, sha256
from migprofile.exchange.partners import Partner, set_partner_url
from migprofile.profile import Profile

__all__ = ["API_PREFIX", "PartnerServer", "Refused", "Unreachable", "connect_partner",
           "partner_token"]

SERVERS_FILE = "partner-servers.json"
API_PREFIX = "/exchange/v1"
"""Where ``serve`` answers partners' servers (see ``web/routes/exchange.py``)."""
PACKAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
TIMEOUT_SECONDS = 60.0
MAX_LISTED = 10_000


class Unreachable(Exception):
    """The partner's server could not be reached or failed (worth trying again)."""


class Refused(Exception):
    """The partner's server refused the request (trying again would not help)."""


def _tokens(profile: Profile) -> dict[str, str]:
    path = profile.secrets_dir / SERVERS_FILE
    if not path.is_file():
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise MigprofileError(f"the file of partners' tokens is damaged ({exc}); connect "
                              "the partners again with `migprofile partners connect`.",
                              path=path) from exc
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def partner_token(profile: Profile, partner: str) -> str | None:
    """The token ``partner``'s server gave this agency, or None."""
    return _tokens(profile).get(partner)


def connect_partner(profile: Profile, partner: str, *, url: str, token: str) -> Partner:
    """Record where a registered partner's server is (``profile.toml``) and the access
    token it issued to this agency (the private folder).

    Raises
    ------
    MigprofileError
        An unknown partner, a bad address, or an empty token.
    """
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise MigprofileError("the token is empty or has spaces in it: paste the token the "
                              "partner's `migprofile partners token` printed, alone.")
    registered = set_partner_url(profile, partner, url)
    tokens = _tokens(profile) | {partner: token}
    profile.write_secret(SERVERS_FILE, json.dumps(tokens, indent=1, sort_keys=True).encode())
    return registered


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _reason(error: urllib.error.HTTPError) -> str:
    """The one-line reason a migprofile server gives (``{"detail": ...}``), or the
    status's phrase."""
    try:
        detail = json.loads(error.read(4096) or b"{}").get("detail")
    except (ValueError, AttributeError, OSError):
        detail = None
    text = str(detail) if isinstance(detail, str) and detail else error.reason
    return " ".join(str(text).split())[:300]


@dataclass
class PartnerServer:
    """The exchange endpoints of a partner's server, called with our token."""

    url: str
    token: str
    timeout: float = TIMEOUT_SECONDS

    def _call(self, method: str, path: str, *, body: bytes | None = None,
              content_type: str | None = None, limit: int = 2**20) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   "User-Agent": f"migprofile/{migprofile.__version__}"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(f"{self.url}{API_PREFIX}{path}", data=body,
                                         method=method, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                data = response.read(limit + 1)
                status = response.status
        except urllib.error.HTTPError as exc:
            reason = f"{method} {path}: {exc.code} {_reason(exc)}"
            if exc.code >= 500 or exc.code == 429:
                raise Unreachable(reason) from exc
            if 300 <= exc.code < 400:
                reason += " (a redirect; give the server's final address as its url)"
            raise Refused(reason) from exc
        except (urllib.error.URLError, OSError) as exc:
            why = getattr(exc, "reason", None) or exc
            raise Unreachable(f"{method} {path}: {why}") from exc
        if len(data) > limit:
            raise Refused(f"{method} {path}: the answer is larger than {limit:,} bytes")
        return status, data

    def _listing(self, path: str) -> list[dict]:
        _, data = self._call("GET", path)
        try:
            items = json.loads(data)
            listed = [{"package_id": str(i["package_id"]), "sha256": str(i["sha256"])}
                      for i in items]
        except (ValueError, TypeError, KeyError) as exc:
            raise Refused(f"GET {path}: the answer is not a list of packages") from exc
        if len(listed) > MAX_LISTED or not all(PACKAGE_ID.match(i["package_id"])
                                               for i in listed):
            raise Refused(f"GET {path}: the answer lists package ids that cannot be right")
        return listed

    def published(self) -> list[dict]:
        """The packages the partner publishes for us: ``package_id`` and ``sha256``."""
        return self._listing("/packages")

    def received(self) -> set[str]:
        """The ids of the packages of ours the partner has accepted."""
        return {item["package_id"] for item in self._listing("/received")}

    def download(self, package_id: str, expected_sha256: str) -> bytes:
        """A published package; a copy that does not match its listed sha256 was damaged
        on the way (worth trying again)."""
        _, data = self._call("GET", f"/packages/{package_id}", limit=LIMITS.package_bytes)
        if sha256(data) != expected_sha256:
            raise Unreachable(f"GET /packages/{package_id}: the copy received is not the "
                              "one listed (its sha256 differs)")
        return data

    def send(self, package_id: str, data: bytes) -> bool:
        """Send one of our packages; True when the partner imported it, False when it
        already had it."""
        status, _ = self._call("PUT", f"/received/{package_id}", body=data,
                               content_type="application/zip")
        return status == 201
