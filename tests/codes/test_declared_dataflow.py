"""A dataflow declared only in a profile folder, with codes of its own, reaches every output:
indicators.csv, the report in each language, tables.xlsx, the agency template, the SDMX
structure, the web explorer and dashboard. No code knows it."""

import csv
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import sdmx

from migprofile.errors import MigprofileError
from migprofile.profile import Profile

DECLARATION = (Path(__file__).parents[1] / "data" / "RESIDENCE_GRANTS.toml").read_text(
    encoding="utf-8")

DATA = """Year,Citizenship,Sex,Reason,Persons granted residence
2022,JPN,F,WORK,120
2022,JPN,M,WORK,380
2022,KOR,F,FAMILY,210
2022,KOR,M,FAMILY,90
2023,JPN,F,WORK,150
2023,JPN,M,WORK,410
2023,KOR,F,FAMILY,230
2023,KOR,M,FAMILY,100
2023,CHN,F,STUDY,75
2023,CHN,M,STUDY,64
"""


@pytest.fixture(scope="module")
def profile(built_profile, tmp_path_factory):
    """The built Viet Nam profile (English, Vietnamese) with the dataflow and its data."""
    from migprofile.build import build_profile
    from migprofile.cli import main

    root = tmp_path_factory.mktemp("declared") / "profile"
    shutil.copytree(built_profile, root)
    (root / "dataflows").mkdir()
    (root / "dataflows" / "RESIDENCE_GRANTS.toml").write_text(DECLARATION, encoding="utf-8")
    data = root.parent / "residence.csv"
    data.write_text(DATA, encoding="utf-8")
    assert main(["import", str(root), str(data), "--dataflow", "RESIDENCE_GRANTS",
                 "--provider", "Immigration Department", "--citation", "Permits 2022-2023"]) == 0
    build_profile(Profile.load(root))
    return root


def published(root) -> dict[tuple[str, str, str, str], str]:
    text = (root / "out" / "indicators.csv").read_text(encoding="utf-8")
    return {(r["indicator"], r["counterpart_area"], r["time_period"], r["sex"]): r["value"]
            for r in csv.DictReader(io.StringIO(text))
            if r["source"] == "residence_grants"}


def test_its_indicators_are_computed_from_the_declaration_alone(profile):
    values = published(profile)
    assert values[("residence_grants", "_Z", "2023", "_T")] == "1029"
    assert values[("residence_grants", "_Z", "2023", "F")] == "455"
    assert values[("residence_grants", "_Z", "2022", "_T")] == "800"
    assert values[("residence_grants_by_partner", "JPN", "2023", "_T")] == "560"
    assert values[("residence_grants_by_partner", "CHN", "2023", "M")] == "64"
    assert values[("residence_grants_reason_work", "_Z", "2023", "_T")] == "560"
    assert values[("residence_grants_reason_study", "_Z", "2023", "_T")] == "139"
    assert ("residence_grants_reason_study", "_Z", "2022", "_T") not in values


def test_the_registry_holds_them_only_for_their_profile(profile):
    from migprofile.indicators import REGISTRY
    from migprofile.indicators.declared import profile_registry
    from migprofile.profile import Profile

    assert "residence_grants" not in REGISTRY
    with profile_registry(Profile.load(profile)):
        assert REGISTRY["residence_grants_by_partner"].partner_total == "residence_grants"
    assert "residence_grants" not in REGISTRY


@pytest.mark.parametrize("language, words", [
    ("en", ["Residence granted to foreign nationals", "1,029", "Employment", "54.4%",
            "Foreign nationals granted residence in the year"]),
    ("vi", ["Người nước ngoài được cấp phép cư trú", "1.029", "Làm việc", "54,4%",
            "Số người nước ngoài được cấp phép cư trú trong năm"]),
])
def test_its_section_is_in_each_language_of_the_report(profile, language, words):
    html = (profile / "out" / language / "profile.html").read_text(encoding="utf-8")
    section = html[html.index(words[0]):]
    for word in words[1:]:
        assert word in section, word


@pytest.mark.parametrize("language, title, reason", [
    ("ko", "외국인 거주 허가", "취업"), ("lo", "ຄົນຕ່າງປະເທດທີ່ໄດ້ຮັບອະນຸຍາດອາໄສ", "ເຮັດວຽກ")])
def test_its_section_speaks_a_language_the_profile_adds(profile, language, title, reason):
    from migprofile.indicators.declared import profile_registry
    from migprofile.indicators.disclosure import published_values
    from migprofile.profile import Profile
    from migprofile.report.data import ReportData
    from migprofile.report.i18n import localizer
    from migprofile.report.model import Table
    from migprofile.report.sections import build_sections
    from migprofile.warehouse import Warehouse

    loaded = Profile.load(profile)
    with Warehouse.open(loaded.warehouse_path, read_only=True) as warehouse, \
            profile_registry(loaded):
        data = ReportData.load(loaded, warehouse, values=published_values(loaded, warehouse))
        sections = {s.id: s for s in build_sections(data, localizer(language))}
    section = sections["residence_grants"]
    assert section.title == title
    order = list(sections)
    assert order.index("forced_migration") < order.index("residence_grants") < order.index(
        "annex")
    tables = [b for b in section.blocks if isinstance(b, Table)]
    assert any(row[:2] == [reason, "560"] for t in tables for row in t.rows)


def test_its_sheets_are_in_the_workbook(profile):
    book = openpyxl.load_workbook(profile / "out" / "tables.xlsx", read_only=True)
    rows = list(book["residence_grants"].iter_rows(values_only=True))
    assert ("VNM", "_Z", None, None, "2023", "_T", 1029, "persons", "residence_grants",
            "r1") in rows
    about = [r for r in book["About"].iter_rows(values_only=True)
             if r[0] == "residence_grants_reason_family"]
    assert about and "Người nước ngoài được cấp phép cư trú: Đoàn tụ gia đình" in about[0]


def test_its_template_and_sdmx_structure_carry_its_codes(profile, tmp_path):
    from sdmx import message

    from migprofile.codes import load_dataflows
    from migprofile.exchange.schemas import validate_structure_message
    from migprofile.exchange.structure import structure_message
    from migprofile.report.agency_template import write_template

    out = write_template(Profile.load(profile), "RESIDENCE_GRANTS", out=tmp_path / "residence.xlsx")
    cells = [c for row in openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True)
             for c in row if c]
    assert any("Lý do" in str(c) for c in cells)
    flow = load_dataflows(profile / "dataflows")["RESIDENCE_GRANTS"]
    msg, _ = structure_message([flow], languages=["en", "vi"], used={},
                               header=message.Header(id="RESIDENCE"))
    xml = sdmx.to_xml(msg)
    assert validate_structure_message(xml) == []
    codes = sdmx.read_sdmx(io.BytesIO(xml)).codelist["CL_REASON"]
    assert codes["FAMILY"].name.localizations == {"en": "Family reunion",
                                                  "vi": "Đoàn tụ gia đình"}


def test_the_web_app_explores_and_shows_it(profile):
    from migprofile.web.service import ExplorerFilter, ProfileService

    service = ProfileService(Profile.load(profile))
    total, rows = service.explorer_table(ExplorerFilter(indicator="residence_grants_by_partner"),
                                         "vi", limit=50)
    assert total == 15
    assert rows[0][1] == "Người nước ngoài được cấp phép cư trú: Quốc tịch"
    dashboard = {s.id: s for s in service.dashboard("en")}
    assert dashboard["residence_grants"].title == "Residence granted to foreign nationals"


def test_a_declaration_naming_an_unknown_block_is_refused(tmp_path):
    from migprofile.codes import load_dataflows

    folder = tmp_path / "dataflows"
    folder.mkdir()
    (folder / "RESIDENCE_GRANTS.toml").write_text(
        DECLARATION + '\n[section]\ntitle = { en = "A", vi = "B", lo = "C", ko = "D" }\n'
        '[[section.blocks]]\nkind = "pie"\n', encoding="utf-8")
    with pytest.raises(MigprofileError, match=r"RESIDENCE_GRANTS.toml.*unknown block kind 'pie'"):
        load_dataflows(folder)


def test_a_block_only_international_sections_show_is_refused(tmp_path):
    from migprofile.codes import load_dataflows

    folder = tmp_path / "dataflows"
    folder.mkdir()
    (folder / "RESIDENCE_GRANTS.toml").write_text(
        DECLARATION + '\n[section]\ntitle = { en = "A", vi = "B", lo = "C", ko = "D" }\n'
        '[[section.blocks]]\nkind = "sex_bars"\nindicator = "residence_grants"\n'
        'title = { en = "A", vi = "B", lo = "C", ko = "D" }\n', encoding="utf-8")
    with pytest.raises(MigprofileError, match=r"RESIDENCE_GRANTS.toml.*sex_bars, lines, "
                                              r"partner_table blocks are shown in the sections "
                                              r"of the international sources only"):
        load_dataflows(folder)


def readme_declaration() -> str:
    """The README's example declaration: the dataflow, then its indicators and section."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(# dataflows/VOLUNTARY_RETURNS\.toml.*?)```", readme, re.S)
    assert len(blocks) == 2
    top, tables = [], []
    for line in blocks[1].splitlines():
        (tables if tables or line.startswith("[") else top).append(line)
    first, rest = blocks[0].split("\n[[dimensions]]", 1)
    return "\n".join([first, *top, "[[dimensions]]" + rest, *tables])


def test_the_readme_example_declares_what_it_says(tmp_path):
    from migprofile.codes import load_dataflows
    from migprofile.indicators.declared import dataflow_indicators
    from migprofile.report.sections.national import section_plans

    folder = tmp_path / "dataflows"
    folder.mkdir()
    (folder / "VOLUNTARY_RETURNS.toml").write_text(readme_declaration(), encoding="utf-8")
    flows = load_dataflows(folder)
    items = {i.id: i for i in dataflow_indicators(flows["VOLUNTARY_RETURNS"])}
    assert list(items) == ["voluntary_returns", "voluntary_returns_by_country",
                           "assisted_voluntary_returns"]
    assert items["voluntary_returns"].definition["en"].endswith(
        "by sex. Only returns through a programme are counted.")
    assert items["voluntary_returns_by_country"].partner_total == "voluntary_returns"
    plan = next(p for p in section_plans(flows) if p.id == "voluntary_returns")
    assert plan.after == "returns"
    assert [b.kind for b in plan.blocks] == ["year_bars", "year_table", "partner_bars"]


def test_a_section_naming_an_unknown_indicator_is_refused(tmp_path):
    from migprofile.codes import load_dataflows
    from migprofile.report.sections.national import section_plans

    folder = tmp_path / "dataflows"
    folder.mkdir()
    (folder / "RESIDENCE_GRANTS.toml").write_text(
        DECLARATION + '\n[section]\ntitle = { en = "A", vi = "B", lo = "C", ko = "D" }\n'
        '[[section.blocks]]\nkind = "year_bars"\nindicator = "residence_grant"\n'
        'title = { en = "A", vi = "B", lo = "C", ko = "D" }\n', encoding="utf-8")
    with pytest.raises(MigprofileError, match=r"unknown indicators: residence_grant$"):
        section_plans(load_dataflows(folder))


def test_a_sentence_whose_translation_lost_a_placeholder_is_refused(tmp_path):
    from migprofile.codes import load_dataflows

    folder = tmp_path / "dataflows"
    folder.mkdir()
    (folder / "RESIDENCE_GRANTS.toml").write_text(
        DECLARATION + '\n[section]\ntitle = { en = "A", vi = "B", lo = "C", ko = "D" }\n'
        '[[section.intro]]\nindicator = "residence_grants"\ntext = { en = "{number} in {year}.",'
        ' vi = "{number} năm nay.", lo = "{number} {year}", ko = "{year} {number}" }\n',
        encoding="utf-8")
    with pytest.raises(MigprofileError, match=r"vi text '\{number\} năm nay\.' has not the "
                                              r"placeholders"):
        load_dataflows(folder)
