"""The API against its own OpenAPI document (schemathesis): every operation, with data
generated from the schema, as an admin; no server error, answers as documented."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from migprofile.profile import Profile
from migprofile.state.accounts import add_user
from migprofile.state.db import User
from migprofile.web import WebSettings, create_app
from migprofile.web.security import COOKIE, open_session
from tests.web.conftest import PASSWORD

ADMIN = "fuzz.admin@example.org"
CHECKED_AGAINST_THE_PROFILE = {
    "POST /api/dataflows/{dataflow}/revisions", "POST /api/packages/inbox",
    "POST /api/packages/outbox", "POST /api/users", "PATCH /api/users/{user_id}",
    "PUT /api/agencies/{agency_id}",
}
"""Operations whose input is checked against the profile (a file's content, a registered
partner, a dataflow, an agency, an unused email): input that fits the schema may rightly
be refused (400, 422), so schemathesis's "valid data is accepted" check does not apply."""


@pytest.fixture(scope="session")
def fuzzed_app(built_profile, database, tmp_path_factory):
    """An app of its own (the generated requests change things), on each database."""
    root = tmp_path_factory.mktemp("openapi") / "viet-nam"
    shutil.copytree(built_profile, root)
    url = None
    if database is not None:
        from tests.web.conftest import _postgres_schema

        url, drop = _postgres_schema()
    app = create_app(WebSettings(profile_dir=root, database=url))
    with app.state.db.session() as db:
        add_user(db, Profile.load(root), email=ADMIN, role="admin", password=PASSWORD)
    yield app
    app.state.db.dispose()
    if database is not None:
        drop()


def admin_headers(app) -> dict[str, str]:
    """A fresh session for each request: a generated request may sign out."""
    with app.state.db.session() as db:
        user = db.query(User).filter_by(email=ADMIN).one()
        signed = open_session(db, app.state.settings, user)
    return {"Cookie": f"{COOKIE}={signed.token}", "X-CSRF-Token": signed.csrf_token}


def fuzz(operation, app) -> None:
    """Generated requests to one operation; raises what schemathesis finds."""
    excluded = ([positive_data_acceptance]
                if operation.label in CHECKED_AGAINST_THE_PROFILE else [])

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        case.call_and_validate(headers=admin_headers(app), excluded_checks=excluded)

    check()


def test_the_api_keeps_to_its_openapi_document(fuzzed_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app,
                                            headers=admin_headers(fuzzed_app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures = {}
    for operation in operations:
        try:
            fuzz(operation, fuzzed_app)
        except Exception as exc:  # every operation's failure is reported, not the first
            failures[operation.label] = exc
    assert not failures, "\n\n".join(f"{label}:\n{exc}" for label, exc in failures.items())
