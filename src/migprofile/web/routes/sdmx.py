"""The SDMX REST endpoint under ``/sdmx``: partner agencies' servers query it with a token.

Sessions play no part here: every query carries ``Authorization: Bearer TOKEN`` (issued
with ``migprofile partners token`` or on the admin's token page). The query itself is
answered by :mod:`migprofile.exchange.sdmx_rest`; this router checks the token and the
partner's registration, and writes every query, answered or refused, to the audit log.
Refusals are one line of plain text.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from migprofile.errors import MigprofileError
from migprofile.exchange.partners import Partner
from migprofile.exchange.sdmx_rest import QueryRefused, answer_query
from migprofile.exchange.tokens import partner_for_token
from migprofile.web import audit
from migprofile.web.auth import BEARER, client_address

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ANONYMOUS = "anonymous"


def _log(request: Request, *, actor: str, outcome: str, detail: str) -> None:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    with request.app.state.db.session() as db:
        audit.record(db, actor=actor, action="sdmx_query", target=target, outcome=outcome,
                     detail=detail, address=client_address(request))
        db.commit()


def _refused(request: Request, status: int, reason: str, *, actor: str = ANONYMOUS,
             token_given: bool = False) -> Response:
    _log(request, actor=actor, outcome="refused", detail=f"{status} {reason}")
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = ('Bearer realm="sdmx", error="invalid_token"'
                                       if token_given else 'Bearer realm="sdmx"')
    return PlainTextResponse(reason + "\n", status_code=status, headers=headers)


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@router.api_route("/sdmx/{path:path}", methods=["GET"], openapi_extra=BEARER)
def sdmx_query(path: str, request: Request) -> Response:
    """Answer one SDMX REST query of a partner's server."""
    token = _bearer_token(request)
    if token is None:
        return _refused(request, 401, "Unauthorized: send the partner's access token as "
                                      "'Authorization: Bearer TOKEN'.")
    profile = request.app.state.service.profile
    partner_id = partner_for_token(profile, token)
    if partner_id is None:
        return _refused(request, 401, "Unauthorized: the access token is unknown or revoked.",
                        token_given=True)
    actor = f"partner {partner_id}"
    partner = Partner(partner_id, profile.settings.partners[partner_id])
    if partner.expired(dt.datetime.now(dt.UTC).date()):
        return _refused(request, 403, f"Forbidden: the registration of {partner_id} ended on "
                                      f"{partner.settings.valid_until}.", actor=actor)
    try:
        answer = answer_query(profile, partner_id, path, request.query_params.multi_items(),
                              accept=request.headers.get("accept"))
    except QueryRefused as refused:
        return _refused(request, refused.status, refused.reason, actor=actor)
    except MigprofileError as exc:  # the profile is not ready: no [agency], not built
        _log(request, actor=actor, outcome="failed", detail=str(exc))
        return PlainTextResponse("Service unavailable: the profile cannot answer SDMX "
                                 "queries now; its administrators can see why in the audit "
                                 "log.\n", status_code=503)
    _log(request, actor=actor, outcome="ok", detail=answer.summary)
    return Response(answer.body, media_type=answer.media_type)
