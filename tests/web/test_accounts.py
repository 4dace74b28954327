"""Accounts from the command line, sign-in, sessions, lockout, rate limiting, audit log."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from migprofile.web import WebSettings, create_app
from tests.web.conftest import ACCOUNTS, PASSWORD


def _cli_database(web) -> list[str]:
    return ["--database", web.database] if web.database else []


def test_users_add_list_disable_from_the_command_line(web, cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    result = cli("users", "add", web.root, "--email", "New.Viewer@Example.org", "--role",
                 "viewer", "--password-stdin", *_cli_database(web))
    assert result.exit_code == 0, result
    assert "Created new.viewer@example.org (viewer)" in result.stdout
    listed = cli("users", "list", web.root, *_cli_database(web))
    assert "new.viewer@example.org  viewer  -  active" in listed.stdout
    assert "editor@dolab.example.org  editor  VN_DOLAB  active" in listed.stdout
    client = web.client()
    signed = client.post("/api/session", json={"email": "new.viewer@example.org",
                                                "password": "another long password"})
    assert signed.status_code == 200 and signed.json()["role"] == "viewer"
    assert client.get("/api/dataflows").status_code == 200
    result = cli("users", "disable", web.root, "new.viewer@example.org", *_cli_database(web))
    assert result.exit_code == 0 and "sessions are ended" in result.stdout
    assert client.get("/api/dataflows").status_code == 401
    again = web.client().post("/api/session", json={"email": "new.viewer@example.org",
                                                     "password": "another long password"})
    assert again.status_code == 401
    assert "disabled" in cli("users", "list", web.root, *_cli_database(web)).stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "editor", "--agency", "NOPE"], "no agency 'NOPE'"),
    (["--role", "editor"], "a editor needs --agency"),
    (["--role", "partner", "--agency", "XX"], "'XX' is not a registered partner"),
    (["--role", "viewer", "--agency", "VN_DOLAB"], "leave out --agency"),
    (["--role", "boss"], "role 'boss'"),
])
def test_users_add_refuses_what_cannot_work(web, cli, monkeypatch, args, message):
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    result = cli("users", "add", web.root, "--email", "someone@example.org", *args,
                 "--password-stdin", *_cli_database(web))
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_users_add_wants_the_password_on_stdin(web, cli, monkeypatch):
    result = cli("users", "add", web.root, "--email", "x@example.org", "--role", "viewer",
                 *_cli_database(web))
    assert result.exit_code == 2 and "--password-stdin" in result.stderr
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    result = cli("users", "add", web.root, "--email", "x@example.org", "--role", "viewer",
                 "--password-stdin", *_cli_database(web))
    assert result.exit_code == 2 and "at least 10 characters" in result.stderr


def test_passwords_are_stored_as_argon2_hashes(web):
    with web.db.session() as db:
        stored = db.execute(text("SELECT password_hash FROM users")).scalars().all()
    assert stored and all(h.startswith("$argon2id$") for h in stored)
    assert not any(PASSWORD in h for h in stored)


def test_the_session_cookie_is_httponly_samesite_and_secure_over_tls(web):
    email = ACCOUNTS["viewer"][0]
    plain = web.client().post("/api/session", json={"email": email, "password": PASSWORD})
    cookie = plain.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    tls = web.client(base_url="https://testserver").post(
        "/api/session", json={"email": email, "password": PASSWORD})
    assert "; secure" in tls.headers["set-cookie"].lower()


def test_the_sign_in_form_signs_in_and_out(web):
    client = web.client()
    form = client.get("/login")
    token = client.cookies.get("migprofile_csrf")
    assert f'value="{token}"' in form.text
    forged = client.post("/login", data={"email": ACCOUNTS["editor"][0], "password": PASSWORD,
                                         "csrf_token": "forged"})
    assert forged.status_code == 403
    signed = client.post("/login", data={"email": ACCOUNTS["editor"][0], "password": PASSWORD,
                                         "csrf_token": token})
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    page = client.get("/upload")
    assert page.status_code == 200
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/upload").status_code == 401


def test_signing_in_leads_back_to_the_page_asked_for(web):
    client = web.client()
    asked = client.get("/explorer?indicator=population")
    assert asked.status_code == 401
    assert 'name="next" value="/explorer?indicator=population"' in asked.text
    signed = client.post("/login", data={
        "email": ACCOUNTS["viewer"][0], "password": PASSWORD, "next": "//evil.example",
        "csrf_token": client.cookies.get("migprofile_csrf")})
    assert signed.headers["location"] == "/"
    client.cookies.clear()
    client.get("/login")
    signed = client.post("/login", data={
        "email": ACCOUNTS["viewer"][0], "password": PASSWORD,
        "next": "/explorer?indicator=population",
        "csrf_token": client.cookies.get("migprofile_csrf")})
    assert signed.headers["location"] == "/explorer?indicator=population"


def test_partners_land_on_the_exchange_page(web):
    client = web.client()
    client.get("/login")
    signed = client.post("/login", data={"email": ACCOUNTS["partner"][0], "password": PASSWORD,
                                         "csrf_token": client.cookies.get("migprofile_csrf")})
    assert signed.headers["location"] == "/exchange"


def test_accounts_lock_after_repeated_failures(web):
    email = ACCOUNTS["other_editor"][0]
    client = web.client(client=("192.0.2.10", 1000))
    for _ in range(web.app.state.settings.max_failed_logins):
        assert client.post("/api/session", json={"email": email, "password": "wrong guess!"}
                           ).status_code == 401
    locked = client.post("/api/session", json={"email": email, "password": PASSWORD})
    assert locked.status_code == 401 and "locked" in locked.json()["detail"]
    with web.db.session() as db:
        db.execute(text("UPDATE users SET locked_until = NULL WHERE email = :e"), {"e": email})
        db.commit()
    assert client.post("/api/session", json={"email": email, "password": PASSWORD}
                       ).status_code == 200


def test_one_address_cannot_try_passwords_fast(web, monkeypatch):
    monkeypatch.setattr(web.app.state.settings, "attempts_per_minute", 3)
    client = web.client(client=("192.0.2.20", 1000))
    answers = [client.post("/api/session", json={"email": f"nobody{i}@example.org",
                                                  "password": "guess guess"}).status_code
               for i in range(5)]
    assert answers == [401, 401, 401, 429, 429]
    other = web.client(client=("192.0.2.21", 1000))
    assert other.post("/api/session", json={"email": ACCOUNTS["viewer"][0],
                                            "password": PASSWORD}).status_code == 200


def test_the_audit_log_is_read_by_admins_and_changed_by_nobody(web):
    web.client().post("/api/session", json={"email": ACCOUNTS["viewer"][0],
                                            "password": "not the password"})
    log = web.client("admin").get("/api/audit").json()
    assert any(e["action"] == "login" and e["outcome"] == "refused"
               and e["actor"] == ACCOUNTS["viewer"][0] for e in log)
    assert any(e["action"] == "export" for e in log)
    assert "login" in web.client("admin").get("/admin/audit").text
    assert web.client("viewer").get("/api/audit").status_code == 403
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with web.db.session() as db, pytest.raises(DBAPIError, match="cannot be changed"):
            db.execute(text(statement))
            db.commit()


def test_role_changes_are_audited(web):
    admin = web.client("admin")
    users = {u["email"]: u for u in admin.get("/api/users").json()}
    target = users[ACCOUNTS["other_partner"][0]]
    changed = admin.patch(f"/api/users/{target['id']}", json={"role": "viewer"})
    assert changed.status_code == 200 and changed.json()["role"] == "viewer"
    back = admin.patch(f"/api/users/{target['id']}", json={"role": "partner",
                                                          "agency": "KR_MOIS"})
    assert back.status_code == 200
    entries = [e for e in admin.get("/api/audit").json() if e["action"] == "role_change"]
    assert {e["detail"] for e in entries} >= {"partner (KR_MOIS) -> viewer",
                                              "viewer -> partner (KR_MOIS)"}


def test_serve_refuses_a_folder_that_is_not_a_profile(tmp_path, cli):
    result = cli("serve", tmp_path)
    assert result.exit_code == 2 and "no profile.toml here" in result.stderr


def test_a_bad_database_url_is_explained(tmp_path, built_profile):
    from migprofile.errors import MigprofileError

    with pytest.raises(MigprofileError, match="give a PostgreSQL URL"):
        create_app(WebSettings(profile_dir=built_profile, database="mysql://x/y"))


def test_the_migrations_make_the_schema_the_models_describe(web):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from migprofile.state.db import Base

    with web.db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == "0002"
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.postgres
@pytest.mark.parametrize(("url", "reason"), [
    ("postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dno_such_schema",
     "no schema has been selected"),
    ("postgresql://postgres:secret@127.0.0.1:1/test", "connection"),
])
def test_a_database_that_cannot_be_opened_is_explained(web, cli, monkeypatch, url, reason):
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    result = cli("users", "add", web.root, "--email", "x@example.org", "--role", "viewer",
                 "--password-stdin", "--database", url)
    assert result.exit_code == 2, result.stderr
    assert "cannot open the web app's database" in result.stderr and reason in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
