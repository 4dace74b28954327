"""Who may call which route: every route of the app, every role, read from the app itself,
so that a new route is checked the day it is added."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from migprofile.build import BuildResult
from migprofile.web.auth import ALL
from migprofile.web.service import ProfileService

SAMPLES = {"dataflow": "LABOUR_DEPLOYMENTS", "user_id": "1", "agency_id": "VN_DOLAB",
           "language": "en", "code": "en", "path": "dataflow", "edition": "2026",
           "file": "indicators.csv", "section": "emigration", "section_id": "emigration",
           "number": "1", "fmt": "csv"}
"""A value for each path parameter; a route with a new parameter fails until it has one."""
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/language/{code}"),
          ("GET", "/vendor/vega.js"), ("POST", "/api/session")}
"""The only routes that admit anonymous visitors."""
"""Routes for partners' servers: an access token opens them, an account's session does not."""


def app_routes(app) -> list[tuple[str, str, object]]:
    """(method, path, route) of every route the app serves, included routers too."""
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            found += [(method, context.path, context) for method in sorted(context.methods)]
        else:
            assert isinstance(context.original_route, Mount) and context.path == "/static", \
                f"a route outside FastAPI's checks: {context.path}"
    assert len(found) > 40
    return found


def concrete(path: str, web) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "package_id":
            return str(web.packages["LA_MOLSW"])
        assert name in SAMPLES, f"no sample value for path parameter {name!r}"
        return SAMPLES[name]
    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


@pytest.fixture
def fast_build(monkeypatch):
    """Building takes a minute; authorisation does not depend on it."""
    from migprofile.profile import Profile

    monkeypatch.setattr(ProfileService, "build", lambda self: BuildResult(
        Profile.load(self.root), True, 0.0))


def test_every_route_declares_who_may_call_it(web):
    for method, path, route in app_routes(web.app):
        extra = route.openapi_extra or {}
        if (method, path) in PUBLIC:
            assert extra.get("x-public"), (method, path)
        elif extra.get("x-partner-token"):  # partners' servers: tests of /sdmx, /exchange/v1
            assert path.startswith(("/exchange/v1/", "/sdmx/")) and "x-roles" not in extra, \
                (method, path)
        else:
            roles = extra.get("x-roles")
            assert roles and set(roles) <= set(ALL), f"{method} {path} declares no roles"


def test_anonymous_visitors_get_401_everywhere_but_the_public_routes(web):
    client = web.client()
    for method, path, _ in app_routes(web.app):
        answer = client.request(method, concrete(path, web))
        if (method, path) in PUBLIC:
            assert answer.status_code not in (401, 500), (method, path, answer.status_code)
        else:
            assert answer.status_code == 401, (method, path, answer.status_code)


@pytest.mark.parametrize("role", ["admin", "editor", "viewer", "partner"])
def test_each_role_reaches_exactly_its_routes(web, role, fast_build):
    for method, path, route in app_routes(web.app):
        if (method, path) in PUBLIC or (route.openapi_extra or {}).get("x-partner-token"):
            continue
        client = web.client(role)  # a fresh session: some routes end it
        answer = client.request(method, concrete(path, web))
        allowed = role in route.openapi_extra["x-roles"]
        assert answer.status_code < 500, (method, path, answer.text[:300])
        if allowed:
            assert answer.status_code not in (401, 403), (role, method, path, answer.text[:300])
        else:
            assert answer.status_code == 403, (role, method, path, answer.status_code)


def test_partner_token_routes_do_not_take_a_session(web):
    routes = [(m, p) for m, p, r in app_routes(web.app)
              if (r.openapi_extra or {}).get("x-partner-token")]
    assert len(routes) == 5
    for role in ROLES_WITH_SESSIONS:
        client = web.client(role)
        for method, path in routes:
            answer = client.request(method, concrete(path, web))
            assert answer.status_code == 401, (role, method, path, answer.status_code)


ROLES_WITH_SESSIONS = ("admin", "partner")


def test_a_route_without_declared_roles_admits_nobody(web):
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/undeclared-test-route")
    def undeclared() -> dict:
        return {"secret": True}

    before = list(web.app.router.routes)
    web.app.include_router(router)
    try:
        assert web.client("admin").get("/undeclared-test-route").status_code == 403
        assert web.client().get("/undeclared-test-route").status_code == 401
    finally:
        web.app.router.routes[:] = before


def test_changes_need_the_sessions_csrf_token(web):
    client = web.client("admin")
    token = client.headers.pop("X-CSRF-Token")
    body = {"name": "Ministry of Education", "dataflows": ["STUDENTS_ABROAD"]}
    refused = client.put("/api/agencies/VN_MOET", json=body)
    assert refused.status_code == 403 and "did not come from this site" in refused.text
    assert client.put("/api/agencies/VN_MOET", json=body,
                      headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.put("/api/agencies/VN_MOET", json=body,
                      headers={"X-CSRF-Token": token}).status_code == 200
    page = client.post("/admin/agencies", data={"agency_id": "VN_MOET", "name": "x"})
    assert page.status_code == 403
    page = client.post("/admin/agencies", data={"agency_id": "VN_MOET", "csrf_token": token,
                                                "name": "Ministry of Education",
                                                "dataflows": ["STUDENTS_ABROAD"]})
    assert page.status_code == 303


def test_the_openapi_document_needs_an_account_and_names_the_roles(web):
    assert web.client().get("/openapi.json").status_code == 401
    document = web.client("partner").get("/openapi.json").json()
    upload = document["paths"]["/api/dataflows/{dataflow}/revisions"]["post"]
    assert upload["x-roles"] == ["admin", "editor"]
    assert "/login" not in document["paths"]
