"""The pages: server-rendered, usable without JavaScript (only the charts need it)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from migprofile.codes import REPORT_LANGUAGES
from migprofile.errors import Message, MigprofileError
from migprofile.state.accounts import (
    add_user,
    disable_user,
    list_agencies,
    list_users,
    save_agency,
    set_role,
)
from migprofile.state.audit import read_log
from migprofile.state.db import ROLES, Upload
from migprofile.web import actions
from migprofile.web.actions import Context
from migprofile.web.auth import ALL, READERS, WRITERS, Forbidden, client_address, get_db
from migprofile.web.downloads import (
    FIGURE_FORMATS,
    FORMATS,
    explorer_download,
    figure_download,
)
from migprofile.web.routes.common import (
    DataUpload,
    RowId,
    context,
    import_data,
    long_action,
    route,
)
from migprofile.web.security import (
    COOKIE,
    CSRF_COOKIE,
    LoginRefused,
    csrf_matches,
    end_session,
    sign_in,
)
from migprofile.web.service import ExplorerFilter
from migprofile.web.templating import (
    LANGUAGE_COOKIE,
    error_text,
    message_text,
    page_environment,
    render,
    request_language,
)

router = APIRouter(include_in_schema=False)
ROWS_SHOWN = 300
Code = Annotated[str, Query(max_length=64)]
SectionId = Annotated[str, PathParam(max_length=64)]


def page(method: str, path: str, roles):
    return route(router, method, path, roles, response_class=Response)


def home_of(role: str) -> str:
    return "/exchange" if role == "partner" else "/"


def local_path(path: str, default: str) -> str:
    """``path`` if it stays on this site, else ``default`` (no open redirect)."""
    local = path.startswith("/") and not path.startswith("//") and "\\" not in path
    return path if local else default


def back(path: str, **query: str) -> RedirectResponse:
    """After a form: to a page (303, so that reloading does not post again)."""
    return RedirectResponse(path + (f"?{urlencode(query)}" if query else ""), status_code=303)


# signing in, language -------------------------------------------------------------------

@page("GET", "/login", None)
def login_form(request: Request) -> Response:
    if request.state.actor is not None:
        return back(home_of(request.state.actor.role))
    return render(request, "login.html.j2", message=None)


@page("POST", "/login", None)
def login(request: Request, email: Annotated[str, Form(max_length=320)],
          password: Annotated[str, Form(max_length=1000)],
          csrf_token: Annotated[str, Form(max_length=100)] = "",
          next: Annotated[str, Form(max_length=2000)] = "",
          db: Session = Depends(get_db)) -> Response:
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), csrf_token):
        return render(request, "login.html.j2", status=403,
                      message="expired")
    try:
        signed = sign_in(db, request.app.state.settings, email=email, password=password,
                         address=client_address(request))
    except LoginRefused as exc:
        return render(request, "login.html.j2", status=exc.status,
                      message="throttled" if exc.status == 429 else "refused")
    response = back(local_path(next, home_of(signed.user.role)))
    response.set_cookie(COOKIE, signed.token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https",
                        max_age=int(request.app.state.settings.session_hours * 3600))
    response.delete_cookie(CSRF_COOKIE)
    return response


@page("POST", "/logout", ALL)
def logout(request: Request, ctx: Context = Depends(context)) -> Response:
    end_session(ctx.db, request.cookies.get(COOKIE), address=ctx.actor.address)
    response = back("/login")
    response.delete_cookie(COOKIE)
    return response


@page("GET", "/language/{code}", None)
def language(code: str, next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
    """The language switch: remembered in a cookie; back to the page it was pressed on."""
    if code not in REPORT_LANGUAGES:
        raise LookupError(f"language {code!r}")
    response = RedirectResponse(local_path(next, "/"), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax",
                        httponly=True)
    return response


# reading ----------------------------------------------------------------------------------

@page("GET", "/", READERS)
def dashboard(request: Request, ctx: Context = Depends(context)) -> Response:
    """The overview: the key figures, and the report's sections, a page each."""
    if not ctx.service.built:
        return render(request, "dashboard.html.j2", cards=None, sections=None)
    language = request_language(request)
    return render(request, "dashboard.html.j2", cards=ctx.service.overview(language),
                  sections=ctx.service.dashboard(language),
                  edition=ctx.service.latest_edition_name())


@page("GET", "/sections/{section_id}", READERS)
def dashboard_section(section_id: SectionId, request: Request,
                      ctx: Context = Depends(context)) -> Response:
    """One section of the report, its charts drawn in the browser."""
    language = request_language(request)
    section, previous, following = ctx.service.section(language, section_id)

    def blocks() -> Markup:
        return Markup(page_environment(language).get_template(
            "dashboard_sections.html.j2").render(section=section))

    return render(request, "section.html.j2", section=section, previous=previous,
                  following=following,
                  section_html=ctx.service.page_part(f"section-{language}-{section.id}",
                                                     blocks))


@page("GET", "/sections/{section_id}/figures/{number}.{fmt}", READERS)
def figure_data(section_id: SectionId, number: int, fmt: str, request: Request,
                ctx: Context = Depends(context)) -> Response:
    """A chart's data, the rows it draws, as CSV or XLSX."""
    if fmt not in FIGURE_FORMATS:
        raise LookupError(f"download format {fmt!r}")
    title, rows = ctx.service.figure_data(request_language(request), section_id, number)
    return figure_download(title, rows, fmt, f"{section_id}-{number}")


def _filter(indicator: str, country: str, period: str, sex: str) -> ExplorerFilter:
    return ExplorerFilter(indicator.strip(), country.strip().upper(), period.strip(),
                          sex.strip())


@page("GET", "/explorer", READERS)
def explorer(request: Request, indicator: Code = "", country: Code = "", period: Code = "",
             sex: Code = "", ctx: Context = Depends(context)) -> Response:
    if not ctx.service.built:
        return render(request, "explorer.html.j2", content=None)
    language = request_language(request)
    wanted = _filter(indicator, country, period, sex)

    def content() -> Markup:
        total, rows = ctx.service.explorer_table(wanted, language, limit=ROWS_SHOWN)
        return Markup(page_environment(language).get_template("explorer_content.html.j2")
                      .render(wanted=wanted, rows=rows, total=total,
                              choices=ctx.service.explorer_choices(), formats=FORMATS,
                              query=urlencode({k: v for k, v in vars(wanted).items() if v}),
                              names=ctx.service.indicator_names(language)))

    return render(request, "explorer.html.j2",
                  content=ctx.service.page_part(f"explorer-{language}-{wanted}", content))


@page("GET", "/explorer/download", READERS)
def explorer_file(request: Request, format: Code = "csv", indicator: Code = "",
                  country: Code = "", period: Code = "", sex: Code = "") -> Response:
    if format not in FORMATS:
        raise LookupError(f"download format {format!r}")
    return explorer_download(request.app.state.service,
                             _filter(indicator, country, period, sex), format)


@page("GET", "/reconciliation", READERS)
def reconciliation(request: Request, ctx: Context = Depends(context)) -> Response:
    rows = ctx.service.reconciliation() if ctx.service.built else None
    return render(request, "reconciliation.html.j2", rows=rows)


def _shown(request: Request, exc: Exception) -> str:
    """An error in the page's language, without server paths."""
    return error_text(exc, request_language(request))


# national data ------------------------------------------------------------------------------

def _upload_page(request: Request, ctx: Context, *, dataflow: str = "", record=None,
                 status: int = 200) -> Response:
    flows = ctx.service.national_dataflows()
    writable = [k for k in flows if ctx.actor.may_write(ctx.db, k)]
    recent = list(ctx.db.scalars(select(Upload).where(Upload.user_id == ctx.actor.user.id)
                                 .order_by(Upload.id.desc()).limit(10)))
    return render(request, "upload.html.j2", status=status, flows=flows, writable=writable,
                  chosen=dataflow or (writable[0] if writable else ""), record=record,
                  recent=recent)


@page("GET", "/upload", WRITERS)
def upload_form(request: Request, dataflow: Code = "",
                ctx: Context = Depends(context)) -> Response:
    return _upload_page(request, ctx, dataflow=dataflow.upper())


@page("POST", "/upload", WRITERS)
async def upload(request: Request, dataflow: Annotated[str, Form(max_length=64)],
                 data: Annotated[DataUpload, Depends()],
                 ctx: Context = Depends(context)) -> Response:
    record = await import_data(request, ctx, dataflow, data)
    return _upload_page(request, ctx, dataflow=record.dataflow, record=record,
                        status=200 if record.status == "imported" else 422)


@page("GET", "/dataflows/{dataflow}", READERS)
def dataflow_history(dataflow: str, request: Request,
                     ctx: Context = Depends(context)) -> Response:
    from migprofile.sources.national.history import describe_key

    flow, entries = ctx.service.history(dataflow)
    return render(request, "history.html.j2", flow=flow, entries=list(reversed(entries)),
                  describe=lambda key: describe_key(flow, key),
                  writable=ctx.actor.may_write(ctx.db, flow.id))


# exchange -------------------------------------------------------------------------------------

def _exchange_page(request: Request, ctx: Context, *, message: str | None = None,
                   error: str | None = None, status: int = 200) -> Response:
    from migprofile.operations import key_warnings

    packages = actions.visible_packages(ctx)
    profile = ctx.service.profile
    registered = profile.settings.partners
    partners = sorted(registered)
    servers = {key: p.url for key, p in sorted(registered.items())
               if p.url and ctx.actor.role in READERS}
    warnings = key_warnings(profile) if ctx.actor.role in ("admin", "editor") else []
    return render(request, "exchange.html.j2", status=status, message=message, error=error,
                  inbox=[p for p in packages if p.direction == "in"],
                  outbox=[p for p in packages if p.direction == "out"], partners=partners,
                  flows=ctx.service.national_dataflows(), servers=servers,
                  sync_status=ctx.service.sync_status() if servers else {},
                  sync_every=profile.settings.exchange.sync_every,
                  key_warnings=[message_text(w, request_language(request)) for w in warnings])


@page("GET", "/exchange", ALL)
def exchange(request: Request, ctx: Context = Depends(context)) -> Response:
    return _exchange_page(request, ctx)


@page("POST", "/exchange/inbox", ("admin", "editor", "partner"))
async def exchange_receive(request: Request, file: Annotated[UploadFile, File()],
                           ctx: Context = Depends(context)) -> Response:
    try:
        _, message = await long_action(request, actions.receive_package, ctx, file)
    except (MigprofileError, Forbidden) as exc:
        return _exchange_page(request, ctx, error=_shown(request, exc), status=422)
    return _exchange_page(request, ctx, message=message)


@page("POST", "/exchange/outbox", WRITERS)
async def exchange_send(request: Request, to: Annotated[str, Form(max_length=64)],
                        period: Annotated[str, Form(max_length=20)] = "",
                        dataflows: Annotated[list[str] | None, Form()] = None,
                        ctx: Context = Depends(context)) -> Response:
    try:
        package = await long_action(request, actions.export_package, ctx, to=to,
                                    dataflows=dataflows or [], period=period)
    except MigprofileError as exc:
        return _exchange_page(request, ctx, error=_shown(request, exc), status=422)
    return _exchange_page(request, ctx, message=f"{package.package_id}: {package.summary}")


@page("GET", "/exchange/packages/{package_id}", ALL)
def exchange_file(package_id: RowId, ctx: Context = Depends(context)) -> Response:
    package = actions.package_file(ctx, package_id)
    path = ctx.settings.profile_dir / package.path
    return FileResponse(path, media_type="application/zip", filename=path.name)


# report ---------------------------------------------------------------------------------------

@page("GET", "/report", READERS)
def report(request: Request, built: Code = "", ctx: Context = Depends(context)) -> Response:
    profile = ctx.service.profile
    return render(request, "report.html.j2", languages=profile.languages,
                  built=ctx.service.built, just_built=built)


@page("POST", "/report/build", WRITERS)
async def report_build(request: Request, ctx: Context = Depends(context)) -> Response:
    result = await long_action(request, ctx.service.build)
    ctx.audit("build", detail="up to date" if result.up_to_date
              else f"{result.indicator_values} values in {result.seconds:.0f} s")
    ctx.db.commit()
    return back("/report", built="same" if result.up_to_date else "new")


@page("GET", "/report/{language}.pdf", READERS)
def report_pdf(language: str, ctx: Context = Depends(context)) -> Response:
    path = ctx.service.report_pdf(language)
    return FileResponse(path, media_type="application/pdf",
                        filename=f"migration-profile-{language}.pdf")


# editions -------------------------------------------------------------------------------------

EditionName = Annotated[str, PathParam(max_length=50)]


def _editions_page(request: Request, ctx: Context, *, message: str | None = None,
                   error: str | None = None, status: int = 200) -> Response:
    return render(request, "editions.html.j2", status=status, message=message, error=error,
                  editions=ctx.service.editions(),
                  default_edition=ctx.service.profile.settings.profile.edition)


@page("GET", "/editions", READERS)
def editions(request: Request, ctx: Context = Depends(context)) -> Response:
    return _editions_page(request, ctx)


@page("POST", "/editions", ("admin",))
async def editions_publish(request: Request, edition: Annotated[str, Form(max_length=50)],
                           confirm: Annotated[bool, Form()] = False,
                           ctx: Context = Depends(context)) -> Response:
    """Publish an edition, once the admin confirmed it (it can never be changed)."""
    if not confirm:
        return _editions_page(request, ctx, status=422, error=message_text(
            Message("Confirm that edition {edition} is to be published as it is.",
                    edition=edition), request_language(request)))
    try:
        manifest = await long_action(request, actions.publish_edition, ctx, edition.strip())
    except MigprofileError as exc:
        return _editions_page(request, ctx, error=_shown(request, exc), status=422)
    return _editions_page(request, ctx, message=message_text(
        Message("Edition {edition} is published: {count} files, signed.",
                edition=manifest.edition, count=len(manifest.files)),
        request_language(request)))


@page("GET", "/editions/{edition}/files/{file:path}", READERS)
def edition_file(edition: EditionName, file: str,
                 ctx: Context = Depends(context)) -> Response:
    path = ctx.service.edition_file(edition, file)
    return FileResponse(path, filename=f"{edition}-{path.name}")


@page("GET", "/editions/{edition}/diff", READERS)
def edition_diff(request: Request, edition: EditionName, other: Code = "",
                 ctx: Context = Depends(context)) -> Response:
    diff = ctx.service.edition_diff(edition, other or None)
    return render(request, "edition_diff.html.j2", diff=diff,
                  names=ctx.service.indicator_names(request_language(request)),
                  others=[e.edition for e in ctx.service.editions() if e.edition != edition])


# administration -------------------------------------------------------------------------------

def _users_page(request: Request, ctx: Context, *, error: str | None = None,
                status: int = 200) -> Response:
    return render(request, "users.html.j2", status=status, users=list_users(ctx.db),
                  roles=ROLES, agencies=list_agencies(ctx.db),
                  partners=sorted(ctx.service.profile.settings.partners), error=error)


@page("GET", "/admin/users", ("admin",))
def users(request: Request, ctx: Context = Depends(context)) -> Response:
    return _users_page(request, ctx)


@page("POST", "/admin/users", ("admin",))
def users_add(request: Request, email: Annotated[str, Form(max_length=320)],
              role: Annotated[str, Form(max_length=16)],
              password: Annotated[str, Form(max_length=1000)],
              agency: Annotated[str, Form(max_length=64)] = "",
              ctx: Context = Depends(context)) -> Response:
    try:
        add_user(ctx.db, ctx.service.profile, email=email, role=role, password=password,
                 agency=agency or None, actor=ctx.actor.email)
    except MigprofileError as exc:
        return _users_page(request, ctx, error=_shown(request, exc), status=422)
    return back("/admin/users")


@page("POST", "/admin/users/{user_id}", ("admin",))
def users_change(request: Request, user_id: RowId,
                 role: Annotated[str, Form(max_length=16)] = "",
                 agency: Annotated[str, Form(max_length=64)] = "",
                 disable: Annotated[bool, Form()] = False,
                 ctx: Context = Depends(context)) -> Response:
    user = actions.account(ctx, user_id)
    try:
        if disable:
            disable_user(ctx.db, user, actor=ctx.actor.email)
        elif role:
            set_role(ctx.db, ctx.service.profile, user, role=role, agency=agency or None,
                     actor=ctx.actor.email)
    except MigprofileError as exc:
        return _users_page(request, ctx, error=_shown(request, exc), status=422)
    return back("/admin/users")


@page("GET", "/admin/agencies", ("admin",))
def agencies(request: Request, ctx: Context = Depends(context)) -> Response:
    return render(request, "agencies.html.j2", agencies=list_agencies(ctx.db),
                  flows=ctx.service.national_dataflows(), error=None)


@page("POST", "/admin/agencies", ("admin",))
def agencies_save(request: Request, agency_id: Annotated[str, Form(max_length=64)],
                  name: Annotated[str, Form(max_length=300)],
                  dataflows: Annotated[list[str] | None, Form()] = None,
                  ctx: Context = Depends(context)) -> Response:
    try:
        save_agency(ctx.db, ctx.service.profile, agency_id=agency_id, name=name,
                    dataflows=dataflows or [], actor=ctx.actor.email)
    except MigprofileError as exc:
        return render(request, "agencies.html.j2", status=422, agencies=list_agencies(ctx.db),
                      flows=ctx.service.national_dataflows(), error=_shown(request, exc))
    return back("/admin/agencies")


def _tokens_page(request: Request, ctx: Context, *, issued: tuple[str, str] | None = None,
                 error: str | None = None, status: int = 200) -> Response:
    from migprofile.exchange.tokens import list_tokens
    from migprofile.operations import partners as registered_partners

    tokens = list_tokens(ctx.service.profile)
    return render(request, "tokens.html.j2", status=status, issued=issued, error=error,
                  partners=[(p, [t for t in tokens if t.partner == p.id])
                            for p in registered_partners(ctx.service.profile)],
                  endpoint=str(request.base_url).rstrip("/") + "/sdmx")


@page("GET", "/admin/tokens", ("admin",))
def tokens(request: Request, ctx: Context = Depends(context)) -> Response:
    return _tokens_page(request, ctx)


@page("POST", "/admin/tokens", ("admin",))
def tokens_issue(request: Request, partner: Annotated[str, Form(max_length=64)],
                 ctx: Context = Depends(context)) -> Response:
    """Issue a token: the answer is the only time it is shown (never in a redirect)."""
    try:
        token = actions.issue_access_token(ctx, partner)
    except MigprofileError as exc:
        return _tokens_page(request, ctx, error=_shown(request, exc), status=422)
    return _tokens_page(request, ctx, issued=(partner, token))


@page("POST", "/admin/tokens/revoke", ("admin",))
def tokens_revoke(request: Request, partner: Annotated[str, Form(max_length=64)],
                  token_id: Annotated[str, Form(max_length=64)] = "",
                  ctx: Context = Depends(context)) -> Response:
    actions.revoke_access_tokens(ctx, partner, token_id or None)
    return back("/admin/tokens")


@page("GET", "/admin/audit", ("admin",))
def audit(request: Request, ctx: Context = Depends(context)) -> Response:
    return render(request, "audit.html.j2", entries=read_log(ctx.db, limit=1000))


@page("GET", "/admin/settings", ("admin",))
def settings(request: Request, ctx: Context = Depends(context)) -> Response:
    from migprofile.web.settings import WebSettings

    values = ctx.settings.model_dump(exclude={"database"})
    return render(request, "settings.html.j2", profile=ctx.service.profile,
                  values=values, fields=WebSettings.model_fields,
                  database=ctx.db.get_bind().dialect.name)


# the charts' scripts ---------------------------------------------------------------------------

@page("GET", "/vendor/vega.js", None)
def vega(request: Request) -> Response:
    """Vega, Vega-Lite and vega-embed, served by the app itself (it works offline)."""
    return Response(request.app.state.service.vega_bundle,
                    media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})
