"""The upload page speaks the officer's language: every problem of a refused or unusable
file in the page's language, the file named as it was uploaded, no rule ids, no Python
reprs, no paths of the server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sources.test_bad_workbooks import BAD_WORKBOOKS
from tests.web.conftest import BAD_CSV

NAME = "Báo cáo DOLAB 2023.csv"
RULE_IDS = ("unknown_code", "[number]", "unknown_column", "damaged", "[duplicate]")
EXPECTED = {
    "vi": ("không phải là số", "quốc gia đến không xác định; gần nhất: JPN",
           "bảng tính bị hỏng", "được bảo vệ bằng mật khẩu"),
    "lo": ("ບໍ່ແມ່ນຕົວເລກ", "ບໍ່ແມ່ນປະເທດປາຍທາງທີ່ຮູ້ຈັກ; ໃກ້ຄຽງທີ່ສຸດ: JPN",
           "ປຶ້ມວຽກເສຍຫາຍ", "ລະຫັດຜ່ານ"),
    "ko": ("숫자가 아닙니다", "알 수 없는 목적국입니다; 가장 가까운 항목: JPN",
           "통합 문서가 손상되어", "암호로 보호되어"),
}


def _post(web, language: str, name: str, data: bytes, kind: str = "text/csv"):
    editor = web.client("editor")
    editor.cookies.set("migprofile_lang", language)
    page = editor.get("/upload")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return editor.post("/upload", data={"dataflow": "LABOUR_DEPLOYMENTS", "csrf_token": csrf},
                       files={"file": (name, data, kind)})


def _alert_and_problems(html: str) -> str:
    """The part of the page that reports on the upload (not the form, not the menus)."""
    start = html.index('role="alert"')
    end = html.index("<form", start) if "<form" in html[start:] else len(html)
    return html[start:end]


def _no_internals(text: str, web) -> None:
    for rule in RULE_IDS:
        assert rule not in text, rule
    assert str(web.root) not in text and "/tmp/" not in text
    assert not re.search(r"\\x[0-9a-f]{2}|b'|Error:|Traceback", text)


@pytest.mark.parametrize("language", ["vi", "lo", "ko"])
def test_a_refused_file_is_reported_in_the_pages_language(web, language):
    answer = _post(web, language, NAME, BAD_CSV.encode())
    assert answer.status_code == 422
    report = _alert_and_problems(answer.text)
    assert NAME in report
    number, unknown, _, _ = EXPECTED[language]
    table = report.split('id="problems"')[1].split("</table>")[0]
    assert number in table and unknown in table
    assert "Japon" in table and "<td class=\"num\">3</td>" in table
    assert "not a number" not in table and "not a known" not in table
    _no_internals(report, web)


@pytest.mark.parametrize("language", ["vi", "lo", "ko"])
@pytest.mark.parametrize("case", ["truncated", "password_protected"])
def test_an_unusable_workbook_is_named_and_explained_in_the_pages_language(web, language, case,
                                                                           tmp_path):
    path = BAD_WORKBOOKS[case][0](tmp_path / "Số liệu 2023")
    answer = _post(web, language, path.name, path.read_bytes(),
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert answer.status_code == 422
    report = _alert_and_problems(answer.text)
    _, _, damaged, protected = EXPECTED[language]
    assert "Số liệu 2023.xlsx" in report
    assert (damaged if case == "truncated" else protected) in report
    _no_internals(report, web)


def test_the_english_page_has_the_command_lines_words_without_rule_ids(web):
    answer = _post(web, "en", NAME, BAD_CSV.encode())
    table = answer.text.split('id="problems"')[1].split("</table>")[0]
    assert "not a known country of destination; closest: JPN" in table
    assert "not a number" in table
    _no_internals(table, web)


def test_a_missing_sidecar_is_explained_without_server_paths(web, tmp_path):
    from migprofile.profile import Profile
    from migprofile.sources.national.store import national_dir

    folder = national_dir(Profile.load(web.root), "LABOUR_DEPLOYMENTS")
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / "r99-orphan.csv"
    orphan.write_text("Năm,Số lao động\n2022,1\n", encoding="utf-8")
    try:
        viewer = web.client("viewer")
        viewer.cookies.set("migprofile_lang", "vi")
        page = viewer.get("/dataflows/LABOUR_DEPLOYMENTS")
    finally:
        orphan.unlink()
    assert page.status_code == 400
    text = _alert_and_problems(page.text)
    expected = Path("sources/national/LABOUR_DEPLOYMENTS/r99-orphan.csv")
    assert f"{expected} không có tệp mô tả đi kèm r99-orphan.meta.toml" in text
    assert "migprofile recover DIR" in text
    _no_internals(text, web)


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", "không phải gói trao đổi dùng được: đây không phải tệp zip đọc được."),
    ("ko", "사용할 수 있는 교환 패키지가 아닙니다: 읽을 수 있는 zip 파일이 아닙니다."),
])
def test_a_refused_package_is_explained_in_the_pages_language(web, language, expected):
    admin = web.client("admin")
    admin.cookies.set("migprofile_lang", language)
    page = admin.get("/exchange")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = admin.post("/exchange/inbox", data={"csrf_token": csrf},
                        files={"file": ("gói từ Lào.zip", b"PK\x03\x04 cut short", "x/zip")})
    assert answer.status_code == 422
    text = _alert_and_problems(answer.text)
    assert expected in text
    _no_internals(text, web)
