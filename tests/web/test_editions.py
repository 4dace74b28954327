"""The Editions page: an admin publishes (after confirming), a viewer sees and downloads
but cannot publish, and the page says what changed since an edition."""

from __future__ import annotations

import re
import shutil

import pytest

from migprofile.exchange.keys import init_keys
from migprofile.profile import Profile
from migprofile.state.accounts import add_user
from migprofile.state.audit import read_log
from migprofile.web import WebSettings, create_app
from tests.web.conftest import ACCOUNTS, PASSWORD, WebApp


@pytest.fixture(scope="module")
def web(built_profile, tmp_path_factory):
    """The app over a copy of the built profile, with a signing key: its outputs are
    current, so publishing builds nothing."""
    root = tmp_path_factory.mktemp("editions-web") / "viet-nam"
    shutil.copytree(built_profile, root)
    profile = Profile.load(root)
    init_keys(profile)
    app = create_app(WebSettings(profile_dir=root, attempts_per_minute=1000))
    with app.state.db.session() as db:
        for who in ("admin", "viewer"):
            email, role, agency = ACCOUNTS[who]
            add_user(db, profile, email=email, role=role, password=PASSWORD, agency=agency)
    yield WebApp(app, root, None, root, {})
    app.state.db.dispose()


def _csrf(client) -> str:
    return client.headers["X-CSRF-Token"]


@pytest.fixture(scope="module")
def published(web):
    admin = web.client("admin")
    unconfirmed = admin.post("/editions", data={"edition": "2026", "csrf_token": _csrf(admin)})
    assert unconfirmed.status_code == 422 and "Confirm that edition 2026" in unconfirmed.text
    assert not (web.root / "editions" / "2026").exists()
    answer = admin.post("/editions", data={"edition": "2026", "confirm": "true",
                                           "csrf_token": _csrf(admin)})
    assert answer.status_code == 200, answer.text[-2000:]
    assert "Edition 2026 is published" in answer.text
    return web


def test_an_admin_publishes_and_the_audit_log_says_who(published):
    manifest = (published.root / "editions" / "2026" / "manifest.json").read_text("utf-8")
    assert '"published_by": "admin@example.org"' in manifest
    with published.db.session() as db:
        entry = next(e for e in read_log(db) if e.action == "publish")
    assert (entry.actor, entry.target, entry.outcome) == ("admin@example.org", "2026", "ok")


def test_publishing_again_is_refused_on_the_page(published):
    admin = published.client("admin")
    again = admin.post("/editions", data={"edition": "2026", "confirm": "true",
                                          "csrf_token": _csrf(admin)})
    assert again.status_code == 422 and "already published" in again.text


def test_a_viewer_sees_and_downloads_an_edition_but_cannot_publish(published):
    viewer = published.client("viewer")
    page = viewer.get("/editions")
    assert page.status_code == 200 and "Edition 2026" in page.text
    assert "Verified: every file is as published" in page.text
    assert 'action="/editions"' not in page.text
    refused = viewer.post("/editions", data={"edition": "2027", "confirm": "true",
                                             "csrf_token": _csrf(viewer)})
    assert refused.status_code == 403 and not (published.root / "editions" / "2027").exists()
    figures = viewer.get("/editions/2026/files/indicators.csv")
    assert figures.status_code == 200
    assert figures.content == (published.root / "editions" / "2026" /
                               "indicators.csv").read_bytes()
    assert viewer.get("/editions/2026/files/en/profile.pdf").content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["../profile.toml", "..%2F..%2Fprofile.toml",
                                  "%2E%2E/%2E%2E/profile.toml", "narrative/../../out/x",
                                  "not-listed.txt"])
def test_only_the_files_of_the_manifest_are_served(published, name):
    answer = published.client("viewer").get(f"/editions/2026/files/{name}")
    assert answer.status_code == 404 and "[profile]" not in answer.text


def test_the_page_says_what_changed_since_the_edition(published):
    path = published.root / "narrative" / "findings.en.md"
    path.write_text("- Remittances grew again in 2024.\n", encoding="utf-8")
    try:
        page = published.client("viewer").get("/editions/2026/diff")
    finally:
        path.unlink()
    assert page.status_code == 200
    assert "<h3>findings.en.md (added)</h3>" in page.text
    assert "+- Remittances grew again in 2024." in page.text
    assert "<h2>Figures</h2>" not in page.text and "<h2>Sources</h2>" not in page.text


def test_the_overview_compares_each_key_figure_with_the_latest_edition(published):
    page = published.client("viewer").get("/")
    assert "No edition published yet." not in page.text
    assert re.search(r'<p class="change">Edition 2026: [\d,]+ \(\d{4}\)</p>', page.text)
