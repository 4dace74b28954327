"""Who a partner's server is: its ``Authorization: Bearer TOKEN``, checked on every request.

The token is one this agency issued (``migprofile partners token``), still active, of a
partner still registered whose registration (its key's ``valid_until``) has not expired.
A refusal answers with its status (401 for a missing, unknown or revoked token, 403 for an
expired registration) and a one-line reason that says nothing about what exists, and is
written to the audit log with the address it came from.
"""

from __future__ import annotations

import datetime as dt

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from migprofile.exchange.partners import public_key_fingerprint
from migprofile.exchange.tokens import partner_for_token
from migprofile.state import audit
from migprofile.web.auth import client_address, get_db

__all__ = ["PartnerRefused", "calling_partner", "identify_partner", "refused_answer"]

ANONYMOUS = "anonymous partner server"


class PartnerRefused(Exception):
    """A partner's server is refused: ``status``, a one-line ``reason``, and the partner
    when its token was good (an expired registration)."""

    def __init__(self, status: int, reason: str, *, partner: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.partner = partner

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="migprofile"'} if self.status == 401 else {}


def refused_answer(exc: PartnerRefused) -> JSONResponse:
    return JSONResponse({"detail": exc.reason}, status_code=exc.status, headers=exc.headers)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def identify_partner(request: Request) -> str:
    """The id of the partner whose server makes the request; :class:`PartnerRefused` if
    its token is missing, unknown or revoked, or its registered key is revoked or expired
    (the same rule as for its packages)."""
    token = _bearer(request)
    if token is None:
        raise PartnerRefused(401, "A partner access token is required "
                                  "(Authorization: Bearer TOKEN).")
    profile = request.app.state.service.profile
    partner = partner_for_token(profile, token)
    if partner is None:
        raise PartnerRefused(401, "The access token is not valid (unknown or revoked).")
    settings = profile.settings.partners[partner]
    current = public_key_fingerprint(settings.public_key)
    for record in settings.revoked_keys:
        if record.fingerprint == current:
            raise PartnerRefused(403, f"The key of {partner} was revoked on "
                                      f"{record.on.isoformat()}.", partner=partner)
    until = settings.valid_until
    if until is not None and dt.date.today() > until:
        raise PartnerRefused(403, f"The registration of {partner} expired on "
                                  f"{until.isoformat()}.", partner=partner)
    return partner


def refuse(db: Session, request: Request, status: int, reason: str, *,
           actor: str = ANONYMOUS) -> PartnerRefused:
    """The refusal, written to the audit log first."""
    audit.record(db, actor=actor, action="partner_access", target=request.url.path,
                 outcome="refused", detail=f"{status}: {reason}",
                 address=client_address(request))
    db.commit()
    return PartnerRefused(status, reason)


async def calling_partner(request: Request, db: Session = Depends(get_db)) -> str:
    """The id of the partner whose server makes the request, or a refusal (audited)."""
    try:
        return identify_partner(request)
    except PartnerRefused as exc:
        raise refuse(db, request, exc.status, exc.reason,
                     actor=exc.partner or ANONYMOUS) from None
