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

from migprofile.exchange.tokens import partner_for_token
from migprofile.web import audit
from migprofile.web.auth import client_address, get_db

__all__ = ["PartnerRefused", "calling_partner", "refused_answer"]

ANONYMOUS = "anonymous partner server"


class PartnerRefused(Exception):
    """A partner's server is refused: ``status`` and a one-line ``reason``."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def refused_answer(exc: PartnerRefused) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="migprofile"'} if exc.status == 401 else {}
    return JSONResponse({"detail": exc.reason}, status_code=exc.status, headers=headers)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def refuse(db: Session, request: Request, status: int, reason: str, *,
           actor: str = ANONYMOUS) -> PartnerRefused:
    """The refusal, written to the audit log first."""
    audit.record(db, actor=actor, action="partner_access", target=request.url.path,
                 outcome="refused", detail=f"{status}: {reason}",
                 address=client_address(request))
    db.commit()
    return PartnerRefused(status, reason)


async def calling_partner(request: Request, db: Session = Depends(get_db)) -> str:
    """The id of the partner whose server makes the request, or a refusal."""
    token = _bearer(request)
    if token is None:
        raise refuse(db, request, 401, "A partner access token is required "
                                       "(Authorization: Bearer TOKEN).")
    profile = request.app.state.service.profile
    partner = partner_for_token(profile, token)
    if partner is None:
        raise refuse(db, request, 401, "The access token is not valid (unknown or revoked).")
    until = profile.settings.partners[partner].valid_until
    if until is not None and dt.date.today() > until:
        raise refuse(db, request, 403, f"The registration of {partner} expired on "
                                       f"{until.isoformat()}.", actor=partner)
    return partner
