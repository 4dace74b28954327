"""What each role does through the app: uploads with their validation report, revisions,
packages to and from partners, the explorer's downloads, the language switch."""

from __future__ import annotations

import csv
import io

import openpyxl
from markupsafe import escape

from tests.web.conftest import BAD_CSV, GOOD_CSV


def _upload(client, dataflow: str, name: str, content: str | bytes, **form):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(f"/api/dataflows/{dataflow}/revisions",
                       files={"file": (name, data, "text/csv")}, data=form)


def test_a_file_with_errors_is_refused_with_every_problem_then_the_corrected_one_imported(
        web):
    editor = web.client("editor")
    refused = _upload(editor, "LABOUR_DEPLOYMENTS", "dolab-2023.csv", BAD_CSV)
    assert refused.status_code == 422
    body = refused.json()
    assert body["status"] == "refused" and body["revision"] is None
    problems = {(p["row"], p["column"], p["value"], p["rule"]) for p in body["problems"]}
    assert (3, "Thị trường", "Japon", "unknown_code") in problems
    assert (4, "Số lao động", "abc", "number") in problems
    before = editor.get("/api/dataflows/LABOUR_DEPLOYMENTS/revisions").json()
    assert not any(r["file"].endswith("dolab-2023.csv") for r in before)
    imported = _upload(editor, "LABOUR_DEPLOYMENTS", "dolab-2023.csv", GOOD_CSV)
    assert imported.status_code == 201, imported.text
    revision = imported.json()["revision"]
    history = editor.get("/api/dataflows/LABOUR_DEPLOYMENTS/revisions").json()
    assert len(history) == len(before) + 1
    assert history[-1]["revision"] == revision and history[-1]["periods"] == ["2022", "2023"]
    page = web.client("viewer").get("/dataflows/LABOUR_DEPLOYMENTS")
    assert revision in page.text and "dolab-2023.csv" in page.text
    log = web.client("admin").get("/api/audit").json()
    assert any(e["action"] == "import" and e["outcome"] == "refused" for e in log)
    assert any(e["action"] == "import" and e["target"] == f"LABOUR_DEPLOYMENTS/{revision}"
               for e in log)


def test_the_upload_page_shows_row_column_value_and_problem(web):
    editor = web.client("editor")
    page = editor.get("/upload")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = editor.post("/upload", data={"dataflow": "LABOUR_DEPLOYMENTS", "csrf_token": csrf},
                         files={"file": ("dolab-draft.csv", BAD_CSV.encode(), "text/csv")})
    assert answer.status_code == 422
    table = answer.text.split('id="problems"')[1].split("</table>")[0]
    assert "Japon" in table and "Thị trường" in table and "not a known" in table
    assert "unknown_code" not in table
    assert "<td class=\"num\">3</td>" in table


def test_editors_write_only_their_agencys_dataflows_and_viewers_none(web):
    other = web.client("other_editor")
    refused = _upload(other, "LABOUR_DEPLOYMENTS", "moet.csv", GOOD_CSV)
    assert refused.status_code == 403 and "does not send LABOUR_DEPLOYMENTS" in refused.text
    assert _upload(web.client("editor"), "STUDENTS_ABROAD", "x.csv", GOOD_CSV
                   ).status_code == 403
    assert _upload(web.client("viewer"), "LABOUR_DEPLOYMENTS", "x.csv", GOOD_CSV
                   ).status_code == 403
    flows = {f["id"]: f for f in other.get("/api/dataflows").json()}
    assert flows["STUDENTS_ABROAD"]["writable"] and not flows["LABOUR_DEPLOYMENTS"]["writable"]
    assert flows["LABOUR_DEPLOYMENTS"]["agencies"] == ["VN_DOLAB"]
    page = other.get("/upload")
    assert 'value="STUDENTS_ABROAD"' in page.text and 'value="LABOUR_DEPLOYMENTS"' not in page.text


def test_uploads_are_limited_in_type_and_size(web, monkeypatch):
    editor = web.client("editor")
    wrong = _upload(editor, "LABOUR_DEPLOYMENTS", "tool.exe", b"MZ\x90\x00")
    assert wrong.status_code == 400 and "a .csv, .xlsx file is expected" in wrong.text
    fake = _upload(editor, "LABOUR_DEPLOYMENTS", "fake.xlsx", b"not a workbook")
    assert fake.status_code == 422 and fake.json()["status"] == "unusable"
    assert fake.json()["message"].startswith("not an XLSX workbook")
    monkeypatch.setattr(web.app.state.settings, "max_upload_bytes", 1000)
    large = _upload(editor, "LABOUR_DEPLOYMENTS", "large.csv", GOOD_CSV + "\n" * 2000)
    assert large.status_code == 413


def test_partners_see_and_collect_only_their_own_packages(web):
    partner = web.client("partner")
    listed = partner.get("/api/packages").json()
    assert listed and {p["partner"] for p in listed} == {"LA_MOLSW"}
    own = partner.get(f"/api/packages/{web.packages['LA_MOLSW']}/file")
    assert own.status_code == 200 and own.content[:2] == b"PK"
    assert partner.get(f"/api/packages/{web.packages['KR_MOIS']}/file").status_code == 404
    assert partner.get(f"/exchange/packages/{web.packages['KR_MOIS']}").status_code == 404
    page = partner.get("/exchange")
    assert "LA_MOLSW" in page.text and "KR_MOIS" not in page.text
    for path in ("/", "/explorer", "/reconciliation", "/report", "/api/indicators",
                 "/api/dataflows", "/dataflows/LABOUR_DEPLOYMENTS", "/report/en.pdf"):
        assert partner.get(path).status_code == 403, path
    readers = {p["partner"] for p in web.client("viewer").get("/api/packages").json()}
    assert readers >= {"LA_MOLSW", "KR_MOIS"}


def test_a_partner_sends_its_own_package_and_no_one_elses(web, lao_package):
    impostor = web.client("other_partner")
    refused = impostor.post("/api/packages/inbox",
                            files={"file": ("la.zip", lao_package.read_bytes())})
    assert refused.status_code == 403 and "made by LA_MOLSW" in refused.text
    partner = web.client("partner")
    sent = partner.post("/api/packages/inbox",
                        files={"file": ("la.zip", lao_package.read_bytes())})
    assert sent.status_code in (200, 201), sent.text
    inbox = [p for p in partner.get("/api/packages").json() if p["direction"] == "in"]
    assert inbox and inbox[0]["partner"] == "LA_MOLSW"
    assert "WORK_PERMITS_FOREIGNERS" in inbox[0]["summary"]
    assert (web.root / "sources" / "partners" / "LA_MOLSW").is_dir()
    again = partner.post("/api/packages/inbox",
                         files={"file": ("la.zip", lao_package.read_bytes())})
    assert again.status_code == 200 and "already imported" in again.json()["detail"]


def test_the_explorer_filters_and_downloads_csv_xlsx_and_sdmx(web):
    viewer = web.client("viewer")
    page = viewer.get("/explorer", params={"indicator": "emigrant_stock_by_destination",
                                           "country": "jpn", "sex": "F"})
    assert page.status_code == 200 and "emigrant_stock_by_destination" in page.text
    query = {"indicator": "emigrant_stock_by_destination", "country": "JPN", "sex": "F"}
    rows = viewer.get("/api/indicators", params=query).json()
    assert rows and all(r["counterpart_area"] == "JPN" and r["sex"] == "F" for r in rows)
    text = viewer.get("/explorer/download", params={**query, "format": "csv"}).text
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [line["time_period"] for line in lines] == [r["time_period"] for r in rows]
    sdmx = viewer.get("/api/indicators", params={**query, "format": "sdmx"})
    assert sdmx.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
    first = next(csv.DictReader(io.StringIO(sdmx.text)))
    assert first["DATAFLOW"] == "MIGPROFILE:INDICATORS(1.0)" and first["SEX"] == "F"
    assert first["OBS_VALUE"] == rows[0]["value"]
    book = viewer.get("/explorer/download", params={**query, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(book.content))["emigrant_stock_by_destination"]
    assert sheet.max_row == len(rows) + 1
    assert viewer.get("/explorer/download", params={"format": "pdf"}).status_code == 404


def test_the_dashboard_has_the_reports_charts_as_vega_lite(web):
    viewer = web.client("viewer")
    sections = viewer.get("/api/dashboard", params={"language": "vi"}).json()
    figures = [f for s in sections for f in s["figures"]]
    assert figures and all("vega-lite" in f["spec"]["$schema"] for f in figures)
    assert figures[0]["spec"]["config"]["font"] == "Noto Sans"
    assert {s["id"] for s in sections} >= {"key_figures", "emigration", "remittances"}
    viewer.cookies.set("migprofile_lang", "vi")
    pages = [viewer.get(f"/sections/{s['id']}").text for s in sections]
    assert sum(page.count('class="vega"') for page in pages) == len(figures)
    assert all(f"<h1>{escape(s['title'])}</h1>" in page for s, page in zip(sections, pages,
                                                                   strict=True))
    script = web.client().get("/vendor/vega.js")
    assert script.status_code == 200 and "vegaEmbed" in script.text


def test_the_language_switch_is_remembered(web):
    viewer = web.client("viewer")
    switched = viewer.get("/language/vi", params={"next": "/explorer"})
    assert switched.status_code == 303 and switched.headers["location"] == "/explorer"
    page = viewer.get("/explorer")
    assert '<html lang="vi" ' in page.text
    for elsewhere in ("//evil.example", "/\\evil.example", "https://evil.example"):
        assert viewer.get("/language/en", params={"next": elsewhere}
                          ).headers["location"] == "/"
    korean = web.client("viewer", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get("/report")
    assert '<html lang="ko" ' in korean.text


def test_the_report_pdf_is_served_in_each_language_of_the_profile(web):
    viewer = web.client("viewer")
    for language in ("en", "vi"):
        pdf = viewer.get(f"/report/{language}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    missing = viewer.get("/api/reports/lo")
    assert missing.status_code == 404 and "not 'lo'" in missing.json()["detail"]


def test_a_mapping_file_sent_with_the_data_maps_what_cannot_be_guessed(web):
    editor = web.client("editor")
    data = "Năm,Thị trường,Số LĐ xuất cảnh\n2021,Japonsko,7\n".encode()
    refused = _upload(editor, "LABOUR_DEPLOYMENTS", "dolab-2021.csv", data)
    assert refused.status_code == 422
    assert any(p["column"] == "Số LĐ xuất cảnh" for p in refused.json()["problems"])
    mapping = ('[columns]\n"Số LĐ xuất cảnh" = "value"\n\n'
               '[labels.counterpart_area]\n"Japonsko" = "JPN"\n').encode()
    imported = editor.post("/api/dataflows/LABOUR_DEPLOYMENTS/revisions",
                           files={"file": ("dolab-2021.csv", data, "text/csv"),
                                  "mapping": ("dolab.toml", mapping, "application/toml")})
    assert imported.status_code == 201, imported.text
    assert imported.json()["message"].startswith("1 figure(s) for 2021")
    wrong = editor.post("/api/dataflows/LABOUR_DEPLOYMENTS/revisions",
                        files={"file": ("dolab-2021.csv", data, "text/csv"),
                               "mapping": ("dolab.txt", mapping, "text/plain")})
    assert wrong.status_code == 400 and ".toml file is expected" in wrong.text


def test_the_exchange_page_warns_of_a_partner_key_about_to_expire(web, partner_profiles):
    """Admins and editors are told a month ahead, in the page's language; others are not."""
    import datetime as dt

    from migprofile.exchange.partners import add_partner
    from migprofile.profile import Profile

    _, _, korea_key = partner_profiles
    soon = dt.date.today() + dt.timedelta(days=10)
    profile = Profile.load(web.root)
    add_partner(profile, "KR_MOIS", country="KOR", public_key=korea_key, valid_until=soon,
                replace=True)
    try:
        admin = web.client("admin")
        page = admin.get("/exchange").text
        assert f"The key of KR_MOIS expires on {soon.isoformat()}, in 10 day(s)" in page
        admin.cookies.set("migprofile_lang", "vi")
        translated = admin.get("/exchange").text
        assert soon.isoformat() in translated and "The key of KR_MOIS" not in translated
        assert "KR_MOIS expires" not in web.client("viewer").get("/exchange").text
    finally:
        add_partner(profile, "KR_MOIS", country="KOR", public_key=korea_key, replace=True)
