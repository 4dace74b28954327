"""The application factory: ``create_app(settings)`` gives the ASGI app ``serve`` runs."""

from __future__ import annotations

from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

import migprofile
from migprofile.errors import MigprofileError, ValidationFailed
from migprofile.profile import Profile
from migprofile.state.db import Database, state_url
from migprofile.web.actions import TooLarge
from migprofile.web.auth import Forbidden, NotSignedIn, authorize
from migprofile.web.partner_access import PartnerRefused, refused_answer
from migprofile.web.routes import api, exchange, narrative, pages, sdmx
from migprofile.web.service import ProfileService
from migprofile.web.settings import WebSettings
from migprofile.web.templating import error_text, render, request_language

__all__ = ["create_app"]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Vega compiles chart expressions with Function(): 'unsafe-eval'; vega-embed styles
    # itself inline.
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; "
                               "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
}


class BodyLimit:
    """Refuses a request whose declared body is larger than uploads may be (413)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length")
            if length and length.isdigit() and int(length) > self.limit:
                response = JSONResponse({"detail": "The request is larger than the app "
                                         "accepts."}, status_code=413)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every answer; pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(("/static/", "/vendor/"))

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str, **extra) -> Response:
    if is_api(request):
        return JSONResponse({"detail": message, **extra}, status_code=status)
    if status == 401:
        return render(request, "login.html.j2", status=401, message=None)
    return render(request, "error.html.j2", status=status, message=message,
                  status_code=status, **extra)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        return _error(request, 401, "Sign in first.")

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error(request, 403, str(exc) or "Your account may not do this.")

    @app.exception_handler(LookupError)
    async def not_found(request: Request, exc: LookupError) -> Response:
        return _error(request, 404, f"Not found: {exc}")

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> Response:
        return _error(request, 413, error_text(exc, request_language(request)))

    @app.exception_handler(ValidationFailed)
    async def failed(request: Request, exc: ValidationFailed) -> Response:
        return _error(request, 422,
                      error_text(exc, request_language(request)).splitlines()[0])

    @app.exception_handler(PartnerRefused)
    async def partner_refused(request: Request, exc: PartnerRefused) -> Response:
        return refused_answer(exc)

    @app.exception_handler(MigprofileError)
    async def unusable(request: Request, exc: MigprofileError) -> Response:
        return _error(request, 400, error_text(exc, request_language(request)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        return _error(request, 422, "; ".join(problems))


@asynccontextmanager
async def _lifespan(app: FastAPI):
    from migprofile.web.routes.common import READ_THREADS
    from migprofile.web.schedule import run_on_schedule

    anyio.to_thread.current_default_thread_limiter().total_tokens = READ_THREADS
    async with anyio.create_task_group() as tasks:
        if app.state.service.profile.settings.exchange.sync_every:
            tasks.start_soon(run_on_schedule, app)
        yield
        tasks.cancel_scope.cancel()


def create_app(settings: WebSettings) -> FastAPI:
    """The web app over ``settings.profile_dir``; migrates its database first."""
    profile = Profile.load(settings.profile_dir)  # refuse a folder that is not a profile
    app = FastAPI(title="migprofile", lifespan=_lifespan, version=migprofile.__version__,
                  description="The Migration Profile's web API: the same accounts, roles and "
                              "checks as the pages. Sign in with POST /api/session; send "
                              "the returned csrf_token as X-CSRF-Token on every change.",
                  docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(authorize)])
    app.state.settings = settings
    app.state.db = Database(state_url(profile, settings.database))
    app.state.service = ProfileService(profile)
    _install_handlers(app)
    app.include_router(api.router)
    app.include_router(api.schema_router)
    app.include_router(exchange.router)
    app.include_router(pages.router)
    app.include_router(narrative.router)
    app.include_router(sdmx.router)
    app.mount("/static", StaticFiles(packages=[("migprofile", "web/static")]), name="static")

    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 2**20)
    return app
