"""The exchange endpoints partners' servers call (``migprofile exchange sync`` on their
side), under ``/exchange/v1``, with their access token; each partner sees only its own.

- ``GET /packages``: the packages this agency publishes for the caller (its outbox);
- ``GET /packages/ID``: one of them;
- ``GET /received``: the caller's packages this profile accepted;
- ``PUT /received/ID``: a package the caller sends (the zip as the body), verified and
  imported as by ``migprofile exchange import``, then the reconciliation is written again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from migprofile.errors import MigprofileError
from migprofile.exchange.package import LIMITS
from migprofile.exchange.remote import API_PREFIX, PACKAGE_ID
from migprofile.state import audit
from migprofile.web.auth import PARTNER_TOKEN, client_address, get_db
from migprofile.web.partner_access import calling_partner, refuse
from migprofile.web.routes.common import long_action, route
from migprofile.web.templating import error_text

router = APIRouter(prefix=API_PREFIX, include_in_schema=False)
Partner = Annotated[str, Depends(calling_partner)]
PackageId = Annotated[str, Path(pattern=PACKAGE_ID.pattern)]


def _record(db: Session, request: Request, partner: str, action: str, target: str, *,
            outcome: str = "ok", detail: str = "") -> None:
    audit.record(db, actor=partner, action=action, target=target, outcome=outcome,
                 detail=detail, address=client_address(request))
    db.commit()


@route(router, "GET", "/packages", PARTNER_TOKEN)
def published(request: Request, partner: Partner) -> JSONResponse:
    """The packages this agency publishes for the calling partner, oldest first."""
    service = request.app.state.service
    return JSONResponse([{"package_id": p.package_id, "sha256": p.sha256, "size": p.size}
                         for p in service.published(partner)])


@route(router, "GET", "/packages/{package_id}", PARTNER_TOKEN)
def download(request: Request, package_id: PackageId, partner: Partner,
             db: Session = Depends(get_db)) -> Response:
    """One package published for the calling partner; another's is not found."""
    found = {p.package_id: p for p in request.app.state.service.published(partner)}
    if package_id not in found:
        raise refuse(db, request, 404, "No such package.", actor=partner)
    _record(db, request, partner, "package_download", package_id)
    return FileResponse(found[package_id].path, media_type="application/zip",
                        filename=f"{package_id}.zip")


@route(router, "GET", "/received", PARTNER_TOKEN)
def received(request: Request, partner: Partner) -> JSONResponse:
    """The calling partner's packages this profile accepted."""
    return JSONResponse([{"package_id": package_id, "sha256": sha}
                         for package_id, sha in request.app.state.service.received(partner)])


async def _body(request: Request) -> bytes:
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > LIMITS.package_bytes:
            break
    return bytes(data)


@route(router, "PUT", "/received/{package_id}", PARTNER_TOKEN, status_code=201)
async def receive(request: Request, package_id: PackageId, partner: Partner,
                  db: Session = Depends(get_db)) -> JSONResponse:
    """A package the calling partner sends: 201 imported, 200 already imported, 422 refused
    (with the reason), 403 made by another agency."""
    settings, service = request.app.state.settings, request.app.state.service
    data = await _body(request)
    if len(data) > LIMITS.package_bytes:
        raise refuse(db, request, 413, f"A package is at most {LIMITS.package_bytes:,} bytes.",
                     actor=partner)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    path = settings.state_dir / "inbox" / f"{stamp}-{secrets.token_hex(4)}" / f"{package_id}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        sender, made_as = await long_action(request, service.package_identity, path)
        if sender != partner:
            raise refuse(db, request, 403, f"This package was made by {sender}, not by "
                                           f"{partner}.", actor=partner)
        if made_as != package_id:
            raise MigprofileError(f"the package's id is {made_as}, not {package_id}.")
        result = await long_action(request, service.import_package, path)
    except MigprofileError as exc:
        reason = " ".join(error_text(exc, "en").split())
        _record(db, request, partner, "package_import", package_id, outcome="refused",
                detail=reason)
        return JSONResponse({"detail": reason}, status_code=422)
    if result.already:
        _record(db, request, partner, "package_import", package_id, outcome="repeat")
        return JSONResponse({"detail": f"Package {package_id} was already imported."},
                            status_code=200)
    flows = ", ".join(f"{e.id} ({e.observations})" for e in result.verified.manifest.dataflows)
    _record(db, request, partner, "package_import", package_id, detail=f"sent by {partner}'s "
            f"server: {flows}")
    try:
        await long_action(request, service.update_reconciliation)
    except MigprofileError as exc:
        _record(db, request, partner, "sync", "reconciliation", outcome="failed",
                detail=error_text(exc, "en"))
    return JSONResponse({"detail": f"Imported package {package_id}."}, status_code=201)
