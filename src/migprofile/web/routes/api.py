"""The JSON API, described at ``/openapi.json``: what the pages do, for scripts and
partners' systems, under the same sessions, roles and CSRF checks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from migprofile.state.accounts import (
    add_user,
    disable_user,
    list_agencies,
    list_users,
    save_agency,
    set_role,
)
from migprofile.state.audit import read_log
from migprofile.web import actions
from migprofile.web.actions import Context
from migprofile.web.auth import ALL, READERS, WRITERS, client_address, get_db
from migprofile.web.downloads import FORMATS, explorer_download
from migprofile.web.routes.common import (
    DataUpload,
    RowId,
    context,
    import_data,
    long_action,
    route,
)
from migprofile.web.security import COOKIE, LoginRefused, end_session, sign_in
from migprofile.web.service import ExplorerFilter

router = APIRouter(prefix="/api", tags=["api"])
schema_router = APIRouter()


class Problem(BaseModel):
    detail: str


ERRORS = {status: {"model": Problem, "description": text} for status, text in {
    400: "Unusable input", 401: "Not signed in", 403: "Not allowed for this account",
    404: "Not found", 413: "Too large", 422: "Invalid request or file", 429: "Too many",
}.items()}


def api(method: str, path: str, roles, *, responses: dict | None = None, **kwargs):
    return route(router, method, path, roles, responses={**ERRORS, **(responses or {})},
                 **kwargs)


# session --------------------------------------------------------------------------------

class Credentials(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class Me(BaseModel):
    email: str
    role: Literal["admin", "editor", "viewer", "partner"]
    agency: str | None
    csrf_token: str = Field(description="Send as the X-CSRF-Token header on every change.")


@api("POST", "/session", None, response_model=Me)
def open_session(credentials: Credentials, request: Request,
                 db: Session = Depends(get_db)) -> JSONResponse:
    """Sign in; the session cookie comes with the answer."""
    settings = request.app.state.settings
    try:
        signed = sign_in(db, settings, email=credentials.email, password=credentials.password,
                         address=client_address(request))
    except LoginRefused as exc:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)
    user = signed.user
    response = JSONResponse(Me(email=user.email, role=user.role, agency=user.agency,
                               csrf_token=signed.csrf_token).model_dump())
    response.set_cookie(COOKIE, signed.token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https",
                        max_age=int(settings.session_hours * 3600))
    return response


@api("GET", "/session", ALL, response_model=Me)
def who_am_i(ctx: Context = Depends(context)) -> Me:
    user = ctx.actor.user
    return Me(email=user.email, role=user.role, agency=user.agency,
              csrf_token=ctx.actor.session.csrf_token)


@api("DELETE", "/session", ALL, status_code=204)
def close_session(request: Request, ctx: Context = Depends(context)) -> Response:
    end_session(ctx.db, request.cookies.get(COOKIE), address=ctx.actor.address)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE)
    return response


# indicators, dashboard, reconciliation -------------------------------------------------

class Indicator(BaseModel):
    indicator: str
    ref_area: str
    counterpart_area: str
    time_period: str
    sex: str
    value: str = Field(description="Empty when withheld (conf_status C) or missing.")
    unit: str
    source: str
    revision: str
    conf_status: str


Text = Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9_:-]*$")]


@api("GET", "/indicators", READERS, response_model=list[Indicator], responses={200: {
    "content": {media.split(";")[0]: {} for media, _ in FORMATS.values()},
    "description": "JSON, or the file of the format asked for"}})
def indicators(request: Request, indicator: Text = "", country: Text = "", period: Text = "",
               sex: Text = "",
               format: Literal["json", "csv", "xlsx", "sdmx"] = "json") -> Response:
    """Indicator values of the last build as published; CSV, XLSX or SDMX-CSV too."""
    wanted = ExplorerFilter(indicator, country, period, sex)
    if format != "json":
        return explorer_download(request.app.state.service, wanted, format)
    return JSONResponse(request.app.state.service.explore(wanted))


class Figure(BaseModel):
    title: str
    note: str
    spec: dict = Field(description="Vega-Lite specification")


class Section(BaseModel):
    id: str
    title: str
    figures: list[Figure]


@api("GET", "/dashboard", READERS, response_model=list[Section])
def dashboard(request: Request,
              language: Literal["en", "vi", "lo", "ko"] = "en") -> list[Section]:
    """The report's sections with their charts, as the dashboard shows them."""
    from migprofile.report.model import Figure as ReportFigure

    return [Section(id=s.id, title=s.title, figures=[
        Figure(title=b.title, note=b.note, spec=b.chart)
        for b in s.blocks if isinstance(b, ReportFigure)])
        for s in request.app.state.service.dashboard(language)]


@api("GET", "/reconciliation", READERS, response_model=list[dict[str, str]])
def reconciliation(request: Request) -> list[dict[str, str]]:
    """Every pair of figures that should agree (``out/reconciliation.csv``)."""
    return request.app.state.service.reconciliation()


# national data --------------------------------------------------------------------------

class Dataflow(BaseModel):
    id: str
    name: str
    agencies: list[str]
    writable: bool = Field(description="Whether this account may upload it.")


@api("GET", "/dataflows", READERS, response_model=list[Dataflow])
def dataflows(ctx: Context = Depends(context)) -> list[Dataflow]:
    owners: dict[str, list[str]] = {}
    for agency in list_agencies(ctx.db):
        for flow in agency.dataflows:
            owners.setdefault(flow, []).append(agency.id)
    return [Dataflow(id=k, name=f.names["en"], agencies=owners.get(k, []),
                     writable=ctx.actor.may_write(ctx.db, k))
            for k, f in ctx.service.national_dataflows().items()]


class Change(BaseModel):
    kind: str
    key: list[str]
    old: float | None
    new: float | None


class Revision(BaseModel):
    revision: str
    file: str
    imported_at: dt.datetime
    provider: str
    periods: list[str]
    changes: list[Change]
    unchanged: int


DataflowId = Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_]+$")]


@api("GET", "/dataflows/{dataflow}/revisions", READERS, response_model=list[Revision])
def revisions(dataflow: DataflowId, ctx: Context = Depends(context)) -> list[Revision]:
    """Each revision of a national dataflow and what it changed."""
    _, entries = ctx.service.history(dataflow)
    return [Revision(revision=e.revision.name, file=e.revision.path.name,
                     imported_at=e.revision.meta.imported_at,
                     provider=e.revision.meta.provider, periods=e.periods,
                     changes=[Change(kind=c.kind, key=list(c.key), old=c.old, new=c.new)
                              for c in e.changes], unchanged=e.unchanged)
            for e in entries]


class UploadProblem(BaseModel):
    severity: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str


class UploadResult(BaseModel):
    id: int
    dataflow: str
    filename: str
    status: Literal["imported", "refused", "unusable"]
    revision: str | None
    message: str
    problems: list[UploadProblem]


@api("POST", "/dataflows/{dataflow}/revisions", WRITERS, response_model=UploadResult,
     status_code=201)
async def upload(request: Request, dataflow: DataflowId,
                 data: Annotated[DataUpload, Depends()],
                 ctx: Context = Depends(context)) -> JSONResponse:
    """Upload an agency's CSV or XLSX: 201 imported, 422 refused with every problem."""
    record = await import_data(request, ctx, dataflow, data)
    body = UploadResult.model_validate(record, from_attributes=True).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if record.status == "imported" else 422)


class BuildResult(BaseModel):
    up_to_date: bool
    seconds: float
    indicator_values: int


@api("POST", "/build", WRITERS, response_model=BuildResult)
async def build(request: Request, ctx: Context = Depends(context)) -> BuildResult:
    """Build the profile (``migprofile build``)."""
    result = await long_action(request, ctx.service.build)
    ctx.audit("build", detail="up to date" if result.up_to_date
              else f"{result.indicator_values} values in {result.seconds:.0f} s")
    ctx.db.commit()
    return BuildResult(up_to_date=result.up_to_date, seconds=result.seconds,
                       indicator_values=result.indicator_values)


@api("GET", "/reports/{language}", READERS, response_class=FileResponse,
     responses={200: {"content": {"application/pdf": {}}}})
def report_pdf(language: Literal["en", "vi", "lo", "ko"],
               request: Request) -> FileResponse:
    """The report of the last build as PDF."""
    path = request.app.state.service.report_pdf(language)
    return FileResponse(path, media_type="application/pdf",
                        filename=f"migration-profile-{language}.pdf")


# exchange -------------------------------------------------------------------------------

class PackageOut(BaseModel):
    id: int
    at: dt.datetime
    direction: Literal["in", "out"]
    partner: str
    package_id: str
    summary: str


@api("GET", "/packages", ALL, response_model=list[PackageOut])
def packages(ctx: Context = Depends(context)) -> list[PackageOut]:
    """Packages received and sent; a partner sees only its own."""
    return [PackageOut.model_validate(p, from_attributes=True)
            for p in actions.visible_packages(ctx)]


@api("GET", "/packages/{package_id}/file", ALL, response_class=FileResponse,
     responses={200: {"content": {"application/zip": {}}}})
def package_file(package_id: RowId, ctx: Context = Depends(context)) -> FileResponse:
    package = actions.package_file(ctx, package_id)
    path = ctx.settings.profile_dir / package.path
    return FileResponse(path, media_type="application/zip", filename=path.name)


@api("POST", "/packages/inbox", ("admin", "editor", "partner"), response_model=PackageOut,
     status_code=201, responses={200: {"model": Problem,
                                       "description": "Already imported; nothing done"}})
async def send_package(request: Request, file: Annotated[UploadFile, File()],
                       ctx: Context = Depends(context)) -> JSONResponse:
    """Send a signed package to this profile: verified, then kept as a source."""
    package, message = await long_action(request, actions.receive_package, ctx, file)
    if package is None:
        return JSONResponse({"detail": message}, status_code=200)
    return JSONResponse(PackageOut.model_validate(package, from_attributes=True)
                        .model_dump(mode="json"), status_code=201)


class ExportRequest(BaseModel):
    to: str = Field(max_length=64)
    dataflows: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list,
                                                                  max_length=50)
    period: str | None = Field(default=None, max_length=20, examples=["2017:2023"])


@api("POST", "/packages/outbox", WRITERS, response_model=PackageOut, status_code=201)
async def export(request: Request, request_body: ExportRequest,
                 ctx: Context = Depends(context)) -> PackageOut:
    """Write a signed package for a partner (``migprofile exchange export``)."""
    package = await long_action(request, actions.export_package, ctx, to=request_body.to,
                                dataflows=request_body.dataflows, period=request_body.period)
    return PackageOut.model_validate(package, from_attributes=True)


# administration -------------------------------------------------------------------------

class UserOut(BaseModel):
    id: int
    email: str
    role: str
    agency: str | None
    disabled: bool


class NewUser(BaseModel):
    email: str = Field(max_length=320)
    role: Literal["admin", "editor", "viewer", "partner"]
    agency: str | None = Field(default=None, max_length=64)
    password: str = Field(max_length=1000)


class UserChange(BaseModel):
    role: Literal["admin", "editor", "viewer", "partner"] | None = None
    agency: str | None = Field(default=None, max_length=64)
    disabled: Literal[True] | None = None


@api("GET", "/users", ("admin",), response_model=list[UserOut])
def users(ctx: Context = Depends(context)) -> list[UserOut]:
    return [UserOut.model_validate(u, from_attributes=True) for u in list_users(ctx.db)]


@api("POST", "/users", ("admin",), response_model=UserOut, status_code=201)
def create_user(body: NewUser, ctx: Context = Depends(context)) -> UserOut:
    user = add_user(ctx.db, ctx.service.profile, email=body.email, role=body.role,
                    password=body.password, agency=body.agency, actor=ctx.actor.email)
    return UserOut.model_validate(user, from_attributes=True)


@api("PATCH", "/users/{user_id}", ("admin",), response_model=UserOut)
def change_user(user_id: RowId, body: UserChange, ctx: Context = Depends(context)) -> UserOut:
    """Change an account's role and agency, or disable it."""
    user = actions.account(ctx, user_id)
    if body.role is not None:
        set_role(ctx.db, ctx.service.profile, user, role=body.role, agency=body.agency,
                 actor=ctx.actor.email)
    if body.disabled:
        disable_user(ctx.db, user, actor=ctx.actor.email)
    return UserOut.model_validate(user, from_attributes=True)


class AgencyBody(BaseModel):
    name: str = Field(max_length=300)
    dataflows: list[Annotated[str, Field(max_length=64)]] = Field(max_length=100)


class AgencyOut(AgencyBody):
    id: str


@api("GET", "/agencies", ("admin",), response_model=list[AgencyOut])
def agencies(ctx: Context = Depends(context)) -> list[AgencyOut]:
    return [AgencyOut(id=a.id, name=a.name, dataflows=a.dataflows)
            for a in list_agencies(ctx.db)]


@api("PUT", "/agencies/{agency_id}", ("admin",), response_model=AgencyOut)
def put_agency(agency_id: Annotated[str, Field(max_length=64)], body: AgencyBody,
               ctx: Context = Depends(context)) -> AgencyOut:
    """Create or update a national agency and the dataflows its editors upload."""
    agency = save_agency(ctx.db, ctx.service.profile, agency_id=agency_id, name=body.name,
                         dataflows=body.dataflows, actor=ctx.actor.email)
    return AgencyOut(id=agency.id, name=agency.name, dataflows=agency.dataflows)


class AuditOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    outcome: str
    detail: str
    address: str


@api("GET", "/audit", ("admin",), response_model=list[AuditOut])
def audit_log(ctx: Context = Depends(context),
              limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[AuditOut]:
    """The audit log, newest first (read only: nobody can change it)."""
    return [AuditOut.model_validate(e, from_attributes=True)
            for e in read_log(ctx.db, limit=limit)]


@route(schema_router, "GET", "/openapi.json", ALL, include_in_schema=False)
def openapi(request: Request) -> JSONResponse:
    """The OpenAPI document of the API, for signed-in accounts."""
    return JSONResponse(request.app.openapi())


