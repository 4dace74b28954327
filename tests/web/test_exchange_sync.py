"""Two servers exchange by themselves: Viet Nam and Lao PDR, each a real ``serve`` on the
loopback, registered with each other and holding each other's access token.

The profiles read no international data (``[sources]`` is empty), so that ingesting and
reconciling take a second; their national data are the synthetic files of
tests/data/exchange/, imported as an officer imports them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import socket
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomlkit
import uvicorn

from migprofile.build import update_reconciliation
from migprofile.exchange.remote import API_PREFIX, connect_partner
from migprofile.exchange.sync import read_status, sync
from migprofile.exchange.tokens import issue_token
from migprofile.profile import Profile
from migprofile.sources.national.store import Provenance, import_national
from migprofile.state.audit import read_log
from migprofile.web import WebSettings, create_app
from tests.exchange_helpers import make_profile, register_each_other

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "exchange"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(root: Path):
    """``migprofile serve ROOT`` on a free loopback port, in a thread; yields (url, app)."""
    app = create_app(WebSettings(profile_dir=root))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.db.dispose()


def server_profile(root: Path, iso3: str) -> Path:
    """A profile with an agency and a key, reading only its own national data."""
    make_profile(root, iso3, [])
    path = root / "profile.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["sources"] = tomlkit.table()
    document["exchange"] = {"attempts": 3, "retry_after": "1s"}
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return root


def import_file(root: Path, file: Path, dataflow: str) -> None:
    import_national(Profile.load(root), file, dataflow_id=dataflow,
                    provenance=Provenance(provider="Test fixture"))


def mirror_rows(root: Path) -> dict[str, dict]:
    """Viet Nam's comparisons of its work permits with Lao PDR's deployments, by year."""
    with (root / "out" / "reconciliation.csv").open(newline="") as handle:
        return {r["first_period"]: r for r in csv.DictReader(handle)
                if r["kind"] == "mirror" and r["partner"] == "LA_MOLSW"}


def call(url: str, path: str, token: str | None, method: str = "GET") -> tuple[int, dict, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url + API_PREFIX + path, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


@dataclass
class Pair:
    vn: Path
    la: Path
    vn_url: str
    la_url: str
    vn_app: object
    la_app: object
    token_for_la: str
    """The token Viet Nam issued to Lao PDR (presented to Viet Nam's server)."""


@pytest.fixture
def pair(tmp_path):
    vn = server_profile(tmp_path / "viet-nam", "VNM")
    la = server_profile(tmp_path / "lao-pdr", "LAO")
    register_each_other(vn, la)
    import_file(vn, FIXTURES / "viet-nam-work-permits.csv", "WORK_PERMITS_FOREIGNERS")
    import_file(la, FIXTURES / "lao-labour-deployments.csv", "LABOUR_DEPLOYMENTS")
    with serving(vn) as (vn_url, vn_app), serving(la) as (la_url, la_app):
        to_la = issue_token(Profile.load(vn), "LA_MOLSW").token
        connect_partner(Profile.load(la), "VN_DOLAB", url=vn_url, token=to_la)
        connect_partner(Profile.load(vn), "LA_MOLSW", url=la_url,
                        token=issue_token(Profile.load(la), "VN_DOLAB").token)
        yield Pair(vn, la, vn_url, la_url, vn_app, la_app, to_la)


def audit_entries(app, action: str) -> list:
    with app.state.db.session() as db:
        return [e for e in read_log(db) if e.action == action]


def test_two_servers_exchange_and_reconcile_by_themselves(pair, cli, tmp_path):
    # Lao PDR publishes a package for Viet Nam (after reading its data in, as a build does)
    update_reconciliation(Profile.load(pair.la))
    assert cli("exchange", "export", pair.la, "--to", "VN_DOLAB").exit_code == 0

    # one sync in Viet Nam: pulls Lao PDR's package, publishes and sends its own
    first = cli("exchange", "sync", pair.vn)
    assert first.exit_code == 0, first
    line = first.stdout.splitlines()[0]
    assert line.startswith("LA_MOLSW: 1 package(s) imported, 1 sent, published ")
    rows = mirror_rows(pair.vn)
    assert sorted(rows) == ["2019", "2020", "2021", "2022", "2023"]
    assert rows["2023"]["first_value"] == "1100" and rows["2023"]["second_value"] == "1010"
    assert rows["2023"]["first_source"].startswith("partner_la_molsw")
    # ... and Lao PDR's server imported Viet Nam's package and reconciled at once
    assert (pair.la / "out" / "reconciliation.csv").is_file()
    assert len(list((pair.la / "sources" / "partners" / "VN_DOLAB").glob("*.zip"))) == 1

    # a second sync imports, publishes and sends nothing
    again = cli("exchange", "sync", pair.vn)
    assert again.stdout.splitlines()[0] == "LA_MOLSW: 0 package(s) imported, 0 sent"
    assert len(list((pair.vn / "sources" / "partners" / "LA_MOLSW").glob("*.zip"))) == 1

    # a new revision in Lao PDR reaches Viet Nam's mirror statistics in one sync (Lao PDR's)
    revised = tmp_path / "lao-labour-deployments-revised.csv"
    revised.write_text((FIXTURES / "lao-labour-deployments.csv").read_text(encoding="utf-8")
                       .replace("2023,Viet Nam,1100", "2023,Viet Nam,1500"), encoding="utf-8")
    import_file(pair.la, revised, "LABOUR_DEPLOYMENTS")
    events = []
    result = sync(Profile.load(pair.la), refresh=update_reconciliation, record=events.append)
    (partner,) = result.partners
    assert partner.error is None and partner.published and partner.sent == [partner.published]
    assert partner.imported == []
    rows = mirror_rows(pair.vn)
    assert rows["2023"]["first_value"] == "1500" and rows["2022"]["first_value"] == "900"
    assert [e.action for e in events] == ["publish", "attempt", "send"]
    status = read_status(Profile.load(pair.la))["VN_DOLAB"]
    assert status.last_success and status.last_error is None and status.sent == 1

    # the audit logs say who did what
    assert [e.outcome for e in audit_entries(pair.vn_app, "package_import")] == ["ok"]
    assert {e.actor for e in audit_entries(pair.la_app, "package_download")} == {"VN_DOLAB"}
    synced = audit_entries(pair.vn_app, "sync")
    assert {e.detail.split(":")[0] for e in synced} >= {"attempt", "import", "publish", "send"}


def test_a_partner_that_is_down_is_retried_then_recorded_and_the_others_still_sync(pair):
    down = free_port()  # nobody listens there
    profile = Profile.load(pair.vn)
    korea = pair.la.parent / "korea"
    make_profile(korea, "LAO", [])  # any key will do: the server is never reached
    from migprofile.exchange.keys import load_keys
    from migprofile.exchange.partners import add_partner

    add_partner(profile, "KR_MOIS", country="KOR",
                public_key=load_keys(Profile.load(korea)).public_key)
    connect_partner(profile, "KR_MOIS", url=f"http://127.0.0.1:{down}", token="mpt_x_y")
    update_reconciliation(Profile.load(pair.la))
    pair.la_app.state.service.export(to="VN_DOLAB", dataflows=[], period=None)
    slept, events = [], []
    result = sync(profile, refresh=update_reconciliation, sleep=slept.append,
                  record=events.append)
    by_partner = {r.partner: r for r in result.partners}
    assert slept == [1.0, 2.0]
    assert by_partner["KR_MOIS"].attempts == 3 and "KR_MOIS" in by_partner
    assert "Connection refused" in by_partner["KR_MOIS"].error
    assert by_partner["LA_MOLSW"].error is None and len(by_partner["LA_MOLSW"].imported) == 1
    failures = [(e.partner, e.outcome) for e in events if e.action == "failure"]
    assert failures == [("KR_MOIS", "retry"), ("KR_MOIS", "retry"), ("KR_MOIS", "failed")]
    statuses = read_status(profile)
    assert "Connection refused" in statuses["KR_MOIS"].last_error
    assert statuses["KR_MOIS"].last_success is None and statuses["LA_MOLSW"].last_success
    assert mirror_rows(pair.vn)["2019"]["first_value"] == "1200"

    # the command line says so, writes the audit log, and exits with 3
    from migprofile.cli import main

    assert main(["exchange", "sync", str(pair.vn), "--partner", "KR_MOIS"]) == 3
    failed = [e for e in audit_entries(pair.vn_app, "sync") if e.target == "KR_MOIS"]
    assert [e.outcome for e in failed] == ["failed", "ok", "retry", "ok", "retry", "ok"]
    status_file = json.loads((pair.vn / "exchange" / "sync-status.json").read_text())
    assert set(status_file) == {"KR_MOIS", "LA_MOLSW"}


def test_wrong_tokens_and_other_partners_packages_are_refused_and_logged(pair):
    status, headers, body = call(pair.vn_url, "/packages", None)
    assert status == 401 and headers["www-authenticate"].startswith("Bearer")
    assert json.loads(body) == {"detail": "A partner access token is required "
                                          "(Authorization: Bearer TOKEN)."}
    status, _, body = call(pair.vn_url, "/packages", pair.token_for_la + "x")
    assert status == 401 and "not valid" in body and "\n" not in json.loads(body)["detail"]
    status, _, body = call(pair.vn_url, "/packages/20260301T093000Z-VN_DOLAB-KR_MOIS",
                           pair.token_for_la)
    assert status == 404 and json.loads(body) == {"detail": "No such package."}
    assert call(pair.vn_url, "/packages", pair.token_for_la)[:1] == (200,)
    refused = audit_entries(pair.vn_app, "partner_access")
    assert [(e.actor, e.outcome, e.detail[:3]) for e in reversed(refused)] == [
        ("anonymous partner server", "refused", "401"),
        ("anonymous partner server", "refused", "401"),
        ("LA_MOLSW", "refused", "404")]
    assert pair.token_for_la not in " ".join(e.detail for e in refused)

    # a revoked token and an expired registration
    from migprofile.exchange.tokens import revoke_tokens

    revoke_tokens(Profile.load(pair.vn), "LA_MOLSW")
    assert call(pair.vn_url, "/received", pair.token_for_la)[0] == 401
    token = issue_token(Profile.load(pair.vn), "LA_MOLSW").token
    path = pair.vn / "profile.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["partners"]["LA_MOLSW"]["valid_until"] = tomlkit.date("2020-01-01")
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    status, _, body = call(pair.vn_url, "/received", token)
    assert status == 403 and "expired on 2020-01-01" in body


def test_serve_syncs_on_its_schedule_and_the_exchange_page_shows_it(pair):
    from fastapi.testclient import TestClient

    from migprofile.state.accounts import add_user
    from migprofile.web.security import COOKIE, open_session

    update_reconciliation(Profile.load(pair.la))
    pair.la_app.state.service.export(to="VN_DOLAB", dataflows=[], period=None)
    path = pair.vn / "profile.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["exchange"]["sync_every"] = "6h"
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    status_file = pair.vn / "exchange" / "sync-status.json"
    with TestClient(pair.vn_app) as client:  # runs the app's lifespan: the schedule starts
        deadline = time.monotonic() + 60
        while not status_file.is_file():
            assert time.monotonic() < deadline, "no scheduled sync"
            time.sleep(0.2)
        with pair.vn_app.state.db.session() as db:
            user = add_user(db, Profile.load(pair.vn), email="admin@example.org", role="admin",
                            password="a long test password")
            signed = open_session(db, pair.vn_app.state.settings, user)
        client.cookies.set(COOKIE, signed.token)
        page = client.get("/exchange")
    status = read_status(Profile.load(pair.vn))["LA_MOLSW"]
    assert status.imported == 1 and status.last_error is None
    next_try = dt.datetime.fromisoformat(status.next_try) - dt.datetime.fromisoformat(
        status.last_success)
    assert next_try == dt.timedelta(hours=6)
    assert page.status_code == 200 and "servers</h2>" in page.text, page.text[-3000:]
    assert pair.la_url in page.text and status.next_try in page.text
    assert "every 6h" in page.text
    assert [e.actor for e in audit_entries(pair.vn_app, "sync")][-1] == "exchange sync"


def test_when_a_sync_is_due():
    from migprofile.exchange.sync import PartnerStatus
    from migprofile.profile import ProfileSettings
    from migprofile.web.schedule import due_in

    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    settings = ProfileSettings.model_validate({
        "profile": {"country": "VNM", "edition": "2026", "languages": ["en"]},
        "exchange": {"sync_every": "6h"},
        "partners": {key: {"country": "LAO", "public_key": "k", "url": "http://127.0.0.1:1"}
                     for key in ("A", "B")} | {"C": {"country": "KOR", "public_key": "k"}}})
    profile = Profile(Path("unused"), settings)
    later = PartnerStatus(next_try=(now + dt.timedelta(hours=2)).isoformat())
    sooner = PartnerStatus(next_try=(now + dt.timedelta(minutes=5)).isoformat())
    assert due_in(profile, {}, now=now) == 0
    assert due_in(profile, {"A": later}, now=now) == 0  # B never synced
    assert due_in(profile, {"A": later, "B": sooner}, now=now) == 300
    assert due_in(profile, {"A": later, "B": PartnerStatus(next_try=now.isoformat())},
                  now=now + dt.timedelta(minutes=1)) == 0


@pytest.mark.parametrize(("value", "problem"), [
    ("2m", "too often"), ("6 hours", "not a duration"), ("", "not a duration")])
def test_the_schedule_setting_is_checked(value, problem):
    from pydantic import ValidationError

    from migprofile.profile import ExchangeSettings

    with pytest.raises(ValidationError, match=problem):
        ExchangeSettings(sync_every=value)
    assert ExchangeSettings(retry_after="30s").delays() == [30.0, 60.0, 120.0]


def test_connecting_a_partner_keeps_its_token_private(pair, cli, monkeypatch):
    import io
    import os
    import stat

    monkeypatch.setattr("sys.stdin", io.StringIO("mpt_abcd_secret\n"))
    result = cli("partners", "connect", pair.vn, "LA_MOLSW", "--url", "https://la.example/")
    assert result.exit_code == 0, result
    assert "mpt_abcd_secret" not in result.stdout
    assert Profile.load(pair.vn).settings.partners["LA_MOLSW"].url == "https://la.example"
    secret = pair.vn / ".secret" / "partner-servers.json"
    assert json.loads(secret.read_text())["LA_MOLSW"] == "mpt_abcd_secret"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert "mpt_abcd_secret" not in (pair.vn / "profile.toml").read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO("mpt_abcd_secret\n"))
    bad = cli("partners", "connect", pair.vn, "LA_MOLSW", "--url", "ftp://la.example")
    assert bad.exit_code == 2 and "not a server's address" in bad.stderr
