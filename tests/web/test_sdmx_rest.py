"""The SDMX REST endpoint, as a partner's server meets it: ``migprofile serve`` running,
sdmx1's own ``Client`` reading structures and data with an access token, every answer
validated against the SDMX-ML 2.1 schemas, the numbers those of a package for the same
partner, and every refusal with its status, one line and an audit-log entry."""

from __future__ import annotations

import math
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sdmx
from sdmx import message
from sdmx.model import common

from migprofile.exchange.export import export_package, shared_data
from migprofile.exchange.package import data_files
from migprofile.exchange.partners import add_partner, revoke_partner_key
from migprofile.exchange.schemas import (
    dataset_schema,
    schema_problems,
    validate_structure_message,
)
from migprofile.exchange.sdmx_csv import read_csv_rows
from migprofile.exchange.sdmx_rest import (
    DATA_TYPES,
    QueryRefused,
    negotiate,
    parse_data_query,
    period_range,
)
from migprofile.exchange.structure import structure_message
from migprofile.exchange.tokens import issue_token, partner_for_token, revoke_tokens
from migprofile.profile import Profile, create_profile
from migprofile.state.audit import read_log
from migprofile.state.db import Database, state_url
from tests.exchange_helpers import (
    CREATED,
    make_profile,
    observation,
    register_each_other,
    store,
    unzip,
)

FLOW = "LABOUR_DEPLOYMENTS"
DIMENSIONS = ("REF_AREA", "MEASURE", "COUNTERPART_AREA", "SEX", "OCCUPATION", "CHANNEL",
              "TIME_PERIOD")
CSV_1 = "application/vnd.sdmx.data+csv;version=1.0.0"
CSV_2 = "application/vnd.sdmx.data+csv;version=2.0.0"


def _deployments() -> list[dict]:
    """Deployments to Lao PDR and Korea by sex, 2020-2023, with counts small enough for
    disclosure control to suppress some."""
    rows = []
    for year, (women, men) in {"2020": (2, 40), "2021": (25, 31), "2022": (3, 57),
                               "2023": (44, 61)}.items():
        for partner, factor in (("LAO", 1), ("KOR", 10)):
            for sex, value in (("F", women * factor), ("M", men * factor),
                               ("_T", (women + men) * factor)):
                rows.append(observation(FLOW, ref_area="VNM", partner=partner, year=year,
                                        sex=sex, value=value,
                                        dims="channel=_T;occupation=_T"))
    return rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Endpoint:
    """A running ``migprofile serve`` over Viet Nam's profile, and its partners' tokens."""

    def __init__(self, root: Path, url: str, tokens: dict[str, str]) -> None:
        self.root, self.url, self.tokens = root, url, tokens

    def get(self, path: str, *, token: str | None = "LA_MOLSW", accept: str | None = None,
            **params) -> requests.Response:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {self.tokens.get(token, token)}"
        if accept is not None:
            headers["Accept"] = accept
        return requests.get(f"{self.url}/{path}", headers=headers, params=params, timeout=60)

    def audit(self) -> list:
        database = Database(state_url(Profile.load(self.root)))
        try:
            with database.session() as db:
                return read_log(db, limit=20)
        finally:
            database.dispose()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sdmx-rest")
    vn = make_profile(folder / "vn", "VNM", _deployments()).root
    store(vn, [observation("UNHCR", ref_area="VNM", partner="LAO", year="2022", value=120)],
          bundled=True)
    with (vn / "profile.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n[disclosure.dataflows.{FLOW}]\nenabled = true\n")
    la = make_profile(folder / "la", "LAO", []).root
    register_each_other(vn, la)
    korea = create_profile("KOR", folder / "korea", languages=["en", "ko"], edition="2026")
    from migprofile.exchange.keys import init_keys

    profile = Profile.load(vn)
    add_partner(profile, "KR_MOIS", country="KOR", public_key=init_keys(korea).public_key,
                valid_until=CREATED.date().replace(year=2025))
    labour = create_profile("KOR", folder / "korea-labour", languages=["en", "ko"],
                            edition="2026")
    add_partner(profile, "KR_MOEL", country="KOR", public_key=init_keys(labour).public_key)
    revoke_partner_key(profile, "KR_MOEL")
    revoked = issue_token(profile, "LA_MOLSW")
    revoke_tokens(profile, "LA_MOLSW", revoked.record.id)
    tokens = {"LA_MOLSW": issue_token(profile, "LA_MOLSW").token, "revoked": revoked.token,
              "KR_MOIS": issue_token(profile, "KR_MOIS").token,
              "KR_MOEL": issue_token(profile, "KR_MOEL").token}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "migprofile", "serve", str(vn), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    deadline = time.monotonic() + 90
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=5)
            break
        except requests.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"migprofile serve did not start: {server.stdout.read()!r}")
            time.sleep(0.2)
    yield Endpoint(vn, f"http://127.0.0.1:{port}/sdmx", tokens)
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def package(endpoint, tmp_path_factory) -> dict[str, bytes]:
    """The package the same partner would get, for comparing the numbers."""
    out = tmp_path_factory.mktemp("package") / "vn-to-la.zip"
    export_package(Profile.load(endpoint.root), to="LA_MOLSW", out=out, now=CREATED)
    return unzip(out.read_bytes())


@pytest.fixture(scope="module")
def structures(endpoint):
    """The DSDs the endpoint describes, to derive each data message's schema."""
    shared = shared_data(Profile.load(endpoint.root), "LA_MOLSW")
    header = message.Header(id="TEST", prepared=CREATED, sender=common.Agency(id="VN_DOLAB"))
    return structure_message(list(shared.flows.values()), languages=shared.languages,
                             used=shared.used, header=header)[1]


def schema_check(response: requests.Response, structures) -> list[str]:
    """The problems of an answer against the SDMX-ML 2.1 schemas (none for SDMX-CSV)."""
    kind = response.headers["content-type"]
    if "structurespecificdata" in kind:
        flow = response.url.split("/sdmx/data/")[1].split("/")[0].split("?")[0]
        return schema_problems(dataset_schema(structures[flow]), response.content)
    if "structure+xml" in kind:
        return validate_structure_message(response.content)
    assert "csv" in kind, kind
    return []


@pytest.fixture
def client(endpoint, structures):
    """sdmx1's Client for the endpoint as an SDMX 2.1 source, with the partner's token;
    each answer it reads is validated against the schemas."""
    sdmx.add_source({"id": "MIGPROFILE", "url": endpoint.url,
                     "name": "Viet Nam Migration Profile"}, override=True)
    found = sdmx.Client("MIGPROFILE")
    found.session.headers["Authorization"] = f"Bearer {endpoint.tokens['LA_MOLSW']}"
    found.problems, found.answers = [], []

    def validate(response, *args, **kwargs):
        found.answers.append(response.url)
        if response.ok:
            found.problems += [f"{response.url}: {p}" for p in schema_check(response,
                                                                              structures)]
    found.session.hooks["response"].append(validate)
    yield found
    assert found.answers and not found.problems, found.problems


def package_values(package: dict[str, bytes], **wanted: set[str]) -> dict[tuple, float]:
    """The package's observations of the dataflow whose codes are among ``wanted``."""
    found = {}
    for row in read_csv_rows(package[data_files(FLOW)[1]]):
        if all(row[dim] in codes for dim, codes in wanted.items()):
            value = row["OBS_VALUE"]
            found[tuple(row[d] for d in DIMENSIONS)] = math.nan if value == "" else float(value)
    return found


def sdmx1_values(msg) -> dict[tuple, float]:
    series = sdmx.to_pandas(msg.data[0])
    names = list(series.index.names)
    return {tuple(key[names.index(d)] for d in DIMENSIONS): float(value)
            for key, value in series.items()}


def same(first: dict[tuple, float], second: dict[tuple, float]) -> bool:
    return first.keys() == second.keys() and all(
        (math.isnan(v) and math.isnan(second[k])) or v == second[k] for k, v in first.items())


# the query's parts --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "first", "last"), [
    ("2022", "2022-01-01", "2022-12-31"), ("2024-02", "2024-02-01", "2024-02-29"),
    ("2022-03-15", "2022-03-15", "2022-03-15"), ("2022-Q4", "2022-10-01", "2022-12-31"),
    ("2022-S1", "2022-01-01", "2022-06-30"), ("2022-M07", "2022-07-01", "2022-07-31"),
    ("2022-A1", "2022-01-01", "2022-12-31")])
def test_a_period_is_a_range_of_days(text, first, last):
    assert [str(day) for day in period_range(text)] == [first, last]


@pytest.mark.parametrize("text", ["22", "2022-13", "2022-Q5", "2022-02-30", "2022-W01", "x"])
def test_what_is_not_a_period(text):
    assert period_range(text) is None


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, "application/vnd.sdmx.structurespecificdata+xml; version=2.1"),
    ("*/*", "application/vnd.sdmx.structurespecificdata+xml; version=2.1"),
    ("text/csv, application/xml;q=0.5", "text/csv"),
    ("application/vnd.sdmx.data+csv;version=2.0.0", "application/vnd.sdmx.data+csv; "
                                                     "version=2.0.0"),
    ("application/json, application/*;q=0.1",
     "application/vnd.sdmx.structurespecificdata+xml; version=2.1")])
def test_the_accept_header_chooses_the_format(accept, chosen):
    assert negotiate(accept, list(DATA_TYPES)) == chosen


@pytest.mark.parametrize("accept", ["application/json",
                                    "application/vnd.sdmx.data+csv;version=3.0.0",
                                    "application/xml;q=0"])
def test_a_format_it_cannot_give_is_406(accept):
    with pytest.raises(QueryRefused) as refused:
        negotiate(accept, list(DATA_TYPES))
    assert refused.value.status == 406


def test_a_key_keeps_each_dimensions_codes():
    query = parse_data_query(["MIGPROFILE,FLOW,1.0", "VNM..LAO+KOR", "all"], {})
    assert (query.flow_id, query.agency, query.version) == ("FLOW", "MIGPROFILE", "1.0")
    assert query.key == (frozenset({"VNM"}), None, frozenset({"LAO", "KOR"}))
    for segments in (["A,B,C,D"], ["FLOW", "VNM.<script>"], ["FLOW", "all", "x y"]):
        with pytest.raises(QueryRefused) as refused:
            parse_data_query(segments, {})
        assert refused.value.status == 400


# what a partner reads ------------------------------------------------------------------------

def test_sdmx1_reads_the_shared_dataflows_only(client):
    flows = client.dataflow()
    assert list(flows.dataflow) == [FLOW]  # UNHCR's bundled copy is not shared
    assert str(flows.dataflow[FLOW].name.localizations["en"]).startswith("Workers")


def test_sdmx1_reads_a_structure_with_its_codelists_in_every_language(client):
    structure = client.dataflow(FLOW)  # references=all: the DSD, codelists and concepts
    dsd = structure.dataflow[FLOW].structure
    assert [d.id for d in dsd.dimensions.components] == list(DIMENSIONS)
    sex = structure.codelist["CL_SEX"]
    # the profile's languages, and the partner's own (Lao) for its readers
    assert set(sex["F"].name.localizations) == {"en", "vi", "lo"}
    dsds = client.datastructure(f"DSD_{FLOW}")
    assert f"DSD_{FLOW}" in dsds.structure and "CL_SEX" in dsds.codelist
    alone = client.codelist("CL_SEX")
    assert list(alone.codelist) == ["CL_SEX"] and not alone.structure


def test_sdmx1_reads_data_with_a_key_and_periods_as_the_package_has_them(client, package):
    msg = client.data(FLOW, key={"SEX": ["F", "M"], "COUNTERPART_AREA": "LAO"},
                      params={"startPeriod": "2021", "endPeriod": "2022"})
    expected = package_values(package, SEX={"F", "M"}, COUNTERPART_AREA={"LAO"},
                              TIME_PERIOD={"2021", "2022"})
    assert len(expected) == 4 and same(sdmx1_values(msg), expected)
    assert any(math.isnan(v) for v in expected.values())  # 3 women in 2022: withheld
    everything = client.data(FLOW, key="VNM.....")
    assert same(sdmx1_values(everything), package_values(package))


def test_csv_answers_are_the_packages_csv(endpoint, package):
    whole = endpoint.get(f"data/{FLOW}", accept=CSV_2)
    assert whole.status_code == 200 and whole.headers["content-type"].startswith(
        "application/vnd.sdmx.data+csv; version=2.0.0")
    assert whole.content == package[data_files(FLOW)[1]]
    version_1 = endpoint.get(f"data/MIGPROFILE,{FLOW},1.0/..KOR.F..", accept=CSV_1,
                             startPeriod="2023-Q1")
    rows = read_csv_rows(version_1.content)
    assert [(r["DATAFLOW"], r["COUNTERPART_AREA"], r["SEX"], r["TIME_PERIOD"]) for r in rows] \
        == [(f"MIGPROFILE:{FLOW}(1.0)", "KOR", "F", "2023")]
    assert "STRUCTURE" not in rows[0] and "ACTION" not in rows[0]


def test_updated_after_keeps_revisions_obtained_since(endpoint, structures):
    # the fixture's revision was obtained on 2026-01-01
    since = endpoint.get(f"data/{FLOW}", updatedAfter="2025-12-31T20:00:00-05:00")
    assert since.status_code == 200 and not schema_check(since, structures)
    later = endpoint.get(f"data/{FLOW}", updatedAfter="2026-01-02T00:00:00Z")
    assert later.status_code == 404 and later.text.startswith("NoResultsFound")
    plus_as_typed = requests.get(f"{endpoint.url}/data/{FLOW}?updatedAfter="
                                 "2026-01-01T06:00:00+07:00", timeout=60, headers={
                                     "Authorization": f"Bearer {endpoint.tokens['LA_MOLSW']}"})
    assert plus_as_typed.status_code == 200, plus_as_typed.text


def test_xml_by_default_and_406_for_a_type_it_cannot_give(endpoint):
    assert endpoint.get("dataflow", accept="application/xml").headers[
        "content-type"].startswith("application/xml")
    assert endpoint.get("dataflow", accept="*/*").headers["content-type"].startswith(
        "application/vnd.sdmx.structure+xml; version=2.1")
    refused = endpoint.get("dataflow", accept=CSV_1)
    assert refused.status_code == 406 and refused.text.startswith("Not acceptable")


# refusals ------------------------------------------------------------------------------------

REFUSALS = {
    "no token": (dict(token=None), 401, "A partner access token is required"),
    "wrong token": (dict(token="mpt_0000_not-a-token"), 401, "The access token is not valid"),
    "revoked token": (dict(token="revoked"), 401, "The access token is not valid"),
    "expired registration": (dict(token="KR_MOIS"), 403, "The registration of KR_MOIS expired"),
    "revoked key": (dict(token="KR_MOEL"), 403, "The key of KR_MOEL was revoked on"),
    "key of the wrong length": (dict(path=f"data/{FLOW}/VNM.LAO"), 400, "Syntax error"),
    "bad period": (dict(startPeriod="2021-13"), 400, "Syntax error"),
    "bad updatedAfter": (dict(updatedAfter="yesterday"), 400, "Syntax error"),
    "unknown parameter": (dict(start="2021"), 400, "Syntax error"),
    "bad references": (dict(path="dataflow/all/all/latest", references="cousins"), 400,
                       "Syntax error"),
    "unknown resource": (dict(path="dataflows"), 400, "Syntax error"),
    "series wanted": (dict(dimensionAtObservation="TIME_PERIOD"), 501, "Not implemented"),
    "nothing matches": (dict(path=f"data/{FLOW}/..KOR.F..", endPeriod="2019"), 404,
                        "NoResultsFound"),
    "not shared": (dict(path="data/UNHCR"), 404, "NoResultsFound"),
    "no such dataflow": (dict(path="data/NO_SUCH_FLOW"), 404, "NoResultsFound"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_refusal_has_its_status_one_line_and_an_audit_entry(endpoint, case):
    query, status, reason = REFUSALS[case]
    query = dict(query)
    path = query.pop("path", f"data/{FLOW}")
    answer = endpoint.get(path, **query)
    assert answer.status_code == status, answer.text
    assert answer.text.startswith(reason) and answer.text.count("\n") == 1
    assert answer.headers["content-type"].startswith("text/plain")
    if status == 401:
        assert answer.headers["www-authenticate"].startswith("Bearer")
    entry = endpoint.audit()[0]
    assert (entry.action, entry.outcome) == ("sdmx_query", "refused")
    assert entry.target.startswith(f"/sdmx/{path}") and entry.detail.startswith(str(status))
    assert entry.actor == ("anonymous" if status == 401 else
                           f"partner {query.get('token', 'LA_MOLSW')}")
    if query.get("token"):  # a token, good or bad, is never written down
        secret = endpoint.tokens.get(query["token"], query["token"])
        assert secret not in entry.detail + entry.target + entry.actor


@pytest.mark.parametrize("resource", ["data/{}", "data/MIGPROFILE,{},1.0/all",
                                      "dataflow/MIGPROFILE/{}/latest",
                                      "datastructure/all/DSD_{}/latest"])
def test_not_shared_and_nonexistent_are_answered_alike(endpoint, resource):
    hidden = endpoint.get(resource.format("UNHCR"))
    missing = endpoint.get(resource.format("NO_SUCH_FLOW"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content

    def headers(answer):
        return {k: v for k, v in answer.headers.items() if k.lower() != "date"}
    assert headers(hidden) == headers(missing)


def test_answered_queries_are_logged_with_what_they_gave(endpoint):
    assert endpoint.get(f"data/{FLOW}/..LAO...").status_code == 200
    entry = endpoint.audit()[0]
    assert (entry.actor, entry.outcome) == ("partner LA_MOLSW", "ok")
    assert entry.detail.startswith(f"{FLOW}: 12 observation(s)")


# the admin's token page -------------------------------------------------------------------

def test_an_admin_issues_a_token_shown_once_and_revokes_it(web):
    admin = web.client("admin")
    issued = admin.post("/admin/tokens", data={"partner": "LA_MOLSW"})
    assert issued.status_code == 200 and "shown only this once" in issued.text
    token = re.search(r'<code class="token">([^<]+)</code>', issued.text).group(1)
    token_id = token.split("_")[1]
    assert partner_for_token(Profile.load(web.root), token) == "LA_MOLSW"
    listing = admin.get("/admin/tokens")
    assert token not in listing.text and token_id in listing.text
    assert "/sdmx" in listing.text
    revoked = admin.post("/admin/tokens/revoke", data={"partner": "LA_MOLSW",
                                                       "token_id": token_id})
    assert revoked.status_code == 303
    assert partner_for_token(Profile.load(web.root), token) is None
    assert "revoked on" in admin.get("/admin/tokens").text
    with web.db.session() as db:
        entries = read_log(db, limit=2)
    assert [(e.action, e.target, e.detail) for e in entries] == [
        ("token_revoke", "LA_MOLSW", f"token {token_id}"),
        ("token_issue", "LA_MOLSW", f"token {token_id}")]
    unknown = admin.post("/admin/tokens", data={"partner": "NOBODY"})
    assert unknown.status_code == 422 and "not a registered partner" in unknown.text
    assert web.client("viewer").get("/admin/tokens").status_code == 403
