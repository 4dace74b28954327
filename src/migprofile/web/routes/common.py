"""What the page and API routes share: declaring a route with the roles it admits, and
reaching the request's context."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.orm import Session

from migprofile.web.actions import Context
from migprofile.web.auth import current_actor, get_db, guard

__all__ = ["RowId", "context", "route"]

RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a row's number")]
"""The id of an account or a package (an INTEGER column in both databases)."""


def route(router: APIRouter, method: str, path: str, roles: Iterable[str] | None, **kwargs):
    """Declare ``method path`` on ``router``, admitting ``roles`` (None: public)."""
    return router.api_route(path, methods=[method], openapi_extra=guard(roles), **kwargs)


async def context(request: Request, db: Session = Depends(get_db)) -> Context:
    app = request.app
    return Context(db, app.state.service, app.state.settings, current_actor(request))
