"""The SDMX REST endpoint under ``/sdmx``: partner agencies' servers query it with a token.

Sessions play no part here: every query carries ``Authorization: Bearer TOKEN`` (issued
with ``migprofile partners token`` or on the admin's token page). The query itself is
answered by :mod:`migprofile.exchange.sdmx_rest`; this router checks the token and the
partner's registration, and writes every query, answered or refused, to the audit log.
Refusals are one line of plain text.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from migprofile.errors import MigprofileError
from migprofile.exchange.sdmx_rest import QueryRefused, answer_query
from migprofile.state import audit
from migprofile.web.auth import PARTNER_TOKEN, client_address, guard
from migprofile.web.partner_access import PartnerRefused, identify_partner

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
             headers: dict[str, str] | None = None) -> Response:
    _log(request, actor=actor, outcome="refused", detail=f"{status} {reason}")
    return PlainTextResponse(reason + "\n", status_code=status, headers=headers)


@router.api_route("/sdmx/{path:path}", methods=["GET"], openapi_extra=guard(PARTNER_TOKEN))
def sdmx_query(path: str, request: Request) -> Response:
    """Answer one SDMX REST query of a partner's server."""
    try:
        partner_id = identify_partner(request)
    except PartnerRefused as refused:
        return _refused(request, refused.status, refused.reason, headers=refused.headers,
                        actor=f"partner {refused.partner}" if refused.partner else ANONYMOUS)
    actor = f"partner {partner_id}"
    profile = request.app.state.service.profile
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
