"""What the page and API routes share: declaring a route with the roles it admits, and
reaching the request's context."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from sqlalchemy.orm import Session

from migprofile.web import actions
from migprofile.web.actions import Context
from migprofile.web.auth import current_actor, get_db, guard

__all__ = ["ACTION_THREADS", "READ_THREADS", "DataUpload", "RowId", "context", "import_data",
           "long_action", "route"]

READ_THREADS = 4
"""Threads answering requests. Python runs one thread at a time: a few answer faster than
many taking turns (the others wait in order). Set when the server starts."""
ACTION_THREADS = 4
"""Threads for long actions (build, import, export), apart, so that pages never wait for
them."""

RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a row's number")]
"""The id of an account or a package (an INTEGER column in both databases)."""


def route(router: APIRouter, method: str, path: str, roles: Iterable[str] | None, **kwargs):
    """Declare ``method path`` on ``router``, admitting ``roles`` (None: public)."""
    return router.api_route(path, methods=[method], openapi_extra=guard(roles), **kwargs)


async def long_action(request: Request, function: Callable, /, *args, **kwargs):
    """``function(*args, **kwargs)`` on one of the :data:`ACTION_THREADS`."""
    state = request.app.state
    if getattr(state, "action_limiter", None) is None:
        state.action_limiter = anyio.CapacityLimiter(ACTION_THREADS)
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs),
                                          limiter=state.action_limiter)


async def context(request: Request, db: Session = Depends(get_db)) -> Context:
    app = request.app
    return Context(db, app.state.service, app.state.settings, current_actor(request))


@dataclass(frozen=True)
class DataUpload:
    """An agency's file as the upload form (page or API) sends it, with what
    ``migprofile import`` takes beside it."""

    file: Annotated[UploadFile, File()]
    accept_warnings: Annotated[bool, Form()] = False
    citation: Annotated[str, Form(max_length=500)] = ""
    mapping: Annotated[UploadFile | None, File()] = None


async def import_data(request: Request, ctx: Context, dataflow: str, data: DataUpload):
    """Validate and import an uploaded file on an action thread; the upload's record."""
    return await long_action(request, actions.import_upload, ctx, data.file,
                             dataflow=dataflow, accept_warnings=data.accept_warnings,
                             citation=data.citation, mapping=data.mapping)
