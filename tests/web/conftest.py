"""The web app over a built Viet Nam profile, once per database (SQLite, PostgreSQL).

Each database gets its own copy of the profile and, on PostgreSQL, its own schema, so that
runs never meet. The profile has an agency, a signing key and two registered partners
(Lao PDR, with a real profile that makes packages, and Korea); the app has one account of
each role, and packages to and from the partners.

The browser tests get the app on a loopback port instead (``live_server``) and Chromium.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from migprofile.exchange.export import export_package
from migprofile.exchange.keys import init_keys, load_keys
from migprofile.exchange.partners import add_partner
from migprofile.profile import Profile, create_profile
from migprofile.state.accounts import add_user, save_agency
from migprofile.state.db import User
from migprofile.web import WebSettings, create_app
from migprofile.web.security import COOKIE, open_session
from tests.exchange_helpers import CREATED, make_profile, work_permits

POSTGRES = os.environ.get("MIGPROFILE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "a long test password"
ROLES = ("admin", "editor", "viewer", "partner")
ACCOUNTS = {
    "admin": ("admin@example.org", "admin", None),
    "editor": ("editor@dolab.example.org", "editor", "VN_DOLAB"),
    "other_editor": ("editor@moet.example.org", "editor", "VN_MOET"),
    "viewer": ("viewer@example.org", "viewer", None),
    "partner": ("officer@molsw.example.la", "partner", "LA_MOLSW"),
    "other_partner": ("officer@mois.example.kr", "partner", "KR_MOIS"),
}

BAD_CSV = ("Năm,Thị trường,Số lao động\n2022,Nhật Bản,1000\n2022,Japon,5\n"
           "2023,Hàn Quốc,abc\n")
GOOD_CSV = "Năm,Thị trường,Số lao động\n2022,Nhật Bản,1000\n2022,Pháp,5\n2023,Hàn Quốc,300\n"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@pytest.fixture(scope="session")
def partner_profiles(tmp_path_factory):
    """Lao PDR's profile (it makes packages for Viet Nam) and Korea's public key."""
    folder = tmp_path_factory.mktemp("partners")
    lao = folder / "lao"
    make_profile(lao, "LAO", work_permits({("2022", "VNM", "_T"): 120.0,
                                          ("2023", "VNM", "_T"): 150.0}))
    korea = create_profile("KOR", folder / "korea", languages=["en", "ko"], edition="2026")
    return lao, load_keys(Profile.load(lao)).public_key, init_keys(korea).public_key


def _postgres_schema() -> tuple[str, callable]:
    """A new schema for this session, and how to drop it."""
    schema = f"migprofile_test_{secrets.token_hex(4)}"
    engine = create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()
    return f"{POSTGRES}?options=-csearch_path%3D{schema}", drop


@dataclass
class WebApp:
    """The app under test and what the tests need to reach it."""

    app: object
    root: Path
    database: str | None
    lao: Path
    packages: dict[str, int]

    @property
    def db(self):
        return self.app.state.db

    def client(self, who: str | None = None, **kwargs) -> TestClient:
        """A client signed in as one of :data:`ACCOUNTS` (a fresh session), or anonymous."""
        client = TestClient(self.app, follow_redirects=False, **kwargs)
        if who is not None:
            with self.db.session() as db:
                user = db.query(User).filter_by(email=ACCOUNTS[who][0]).one()
                signed = open_session(db, self.app.state.settings, user)
            client.cookies.set(COOKIE, signed.token)
            client.headers["X-CSRF-Token"] = signed.csrf_token
        return client


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.postgres)])
def database(request):
    """None for the default SQLite file, or the URL of a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield None
        return
    url, drop = _postgres_schema()
    yield url
    drop()


@pytest.fixture(scope="session")
def web(built_profile, partner_profiles, database, tmp_path_factory) -> WebApp:
    lao, lao_key, korea_key = partner_profiles
    root = tmp_path_factory.mktemp("web") / "viet-nam"
    shutil.copytree(built_profile, root)
    with (root / "profile.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[agency]\nid = "VN_DOLAB"\nname = "Department of Overseas Labour"\n'
                     'country = "VNM"\n')
    profile = Profile.load(root)
    vn_key = init_keys(profile).public_key
    add_partner(profile, "LA_MOLSW", country="LAO", public_key=lao_key)
    add_partner(profile, "KR_MOIS", country="KOR", public_key=korea_key)
    lao_profile = Profile.load(lao)
    if "VN_DOLAB" not in lao_profile.settings.partners:
        add_partner(lao_profile, "VN_DOLAB", country="VNM", public_key=vn_key)
    settings = WebSettings(profile_dir=root, database=database, attempts_per_minute=1000)
    app = create_app(settings)
    with app.state.db.session() as db:
        save_agency(db, profile, agency_id="VN_DOLAB", name="Department of Overseas Labour",
                    dataflows=["LABOUR_DEPLOYMENTS"], actor="test")
        save_agency(db, profile, agency_id="VN_MOET", name="Ministry of Education",
                    dataflows=["STUDENTS_ABROAD"], actor="test")
        for email, role, agency in ACCOUNTS.values():
            add_user(db, profile, email=email, role=role, password=PASSWORD, agency=agency)
    web = WebApp(app, root, database, lao, {})
    admin = web.client("admin")
    for partner in ("LA_MOLSW", "KR_MOIS"):
        answer = admin.post("/api/packages/outbox", json={
            "to": partner, "dataflows": ["UNHCR"], "period": "2020:2021"})
        assert answer.status_code == 201, answer.text
        web.packages[partner] = answer.json()["id"]
    yield web
    app.state.db.dispose()


@pytest.fixture(scope="session")
def lao_package(web, tmp_path_factory) -> Path:
    """A package Lao PDR made for Viet Nam."""
    out = tmp_path_factory.mktemp("lao-package") / "la-to-vn.zip"
    export_package(Profile.load(web.lao), to="VN_DOLAB", out=out, now=CREATED)
    return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(built_profile, partner_profiles, tmp_path_factory):
    """The app on a loopback port, over its own copy of the built profile (with a signing
    key, to publish editions), with an account of each role: an admin, an editor of the
    agency VN_DOLAB, a viewer and a partner (Lao PDR's ministry)."""
    root = tmp_path_factory.mktemp("browser") / "viet-nam"
    shutil.copytree(built_profile, root)
    init_keys(Profile.load(root))
    add_partner(Profile.load(root), "LA_MOLSW", country="LAO", public_key=partner_profiles[1])
    app = create_app(WebSettings(profile_dir=root))
    with app.state.db.session() as db:
        profile = Profile.load(root)
        save_agency(db, profile, agency_id="VN_DOLAB", name="Department of Overseas Labour",
                    dataflows=["LABOUR_DEPLOYMENTS"], actor="test")
        for who in ROLES:
            email, role, agency = ACCOUNTS[who]
            add_user(db, profile, email=email, role=role, agency=agency, password=PASSWORD)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox"])
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    """A screenshot of the whole page, kept in test-artifacts/web/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
