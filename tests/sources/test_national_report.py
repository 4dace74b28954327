"""National data end to end: revisions, history, build, indicators and the report."""

import re
import shutil
import subprocess
from pathlib import Path

import ibis
import openpyxl
import pytest

from migprofile.codes import builtin_dataflows
from migprofile.indicators import compute_indicators
from migprofile.sources.national.reader import read_national
from migprofile.warehouse import Warehouse

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "viet-nam" / "sources"
DOLAB = EXAMPLE / "dolab-lao-dong-di-lam-viec-o-nuoc-ngoai-2017-2023.xlsx"
DOLAB_2019 = EXAMPLE / "dolab-tong-ket-2019.csv"
DIASPORA = "Năm,Quốc gia cư trú,Khái niệm,Số lượng\n2023,Hoa Kỳ,Người Việt Nam ở nước ngoài," \
    "2000\n2023,Nhật Bản,Người Việt Nam ở nước ngoài,500\n2023,Hoa Kỳ,Công dân,300\n"


def run(cli, *args):
    result = cli(*args)
    assert result.exit_code == 0, result
    return result


@pytest.fixture(scope="module")
def dolab_profile(built_profile, tmp_path_factory):
    """The built Viet Nam profile with DOLAB's deployments (r1, r2) and a diaspora table."""
    from migprofile.build import build_profile
    from migprofile.cli import main
    from migprofile.profile import Profile

    root = tmp_path_factory.mktemp("national") / "profile"
    shutil.copytree(built_profile, root)
    diaspora = root.parent / "diaspora.csv"
    diaspora.write_text(DIASPORA, encoding="utf-8")
    for path, flow, citation in ((DOLAB, "LABOUR_DEPLOYMENTS", "DOLAB annual reports"),
                                 (DOLAB_2019, "LABOUR_DEPLOYMENTS", "DOLAB 2019 press release"),
                                 (diaspora, "DIASPORA", "Test diaspora table")):
        assert main(["import", str(root), str(path), "--dataflow", flow, "--provider",
                     "DOLAB", "--citation", citation]) == 0
    build_profile(Profile.load(root))
    return root


def values(profile, indicator):
    with Warehouse.open(profile / "warehouse.duckdb", read_only=True) as warehouse:
        table = warehouse.table("indicator_values")
        rows = table.filter(table.indicator == indicator).to_pyarrow().to_pylist()
    return {(r["counterpart_area"], r["time_period"], r["sex"]): (r["value"], r["revision"])
            for r in rows}


def test_each_year_comes_from_its_latest_revision(dolab_profile):
    deployed = values(dolab_profile, "labour_deployments")
    assert deployed[("_Z", "2017", "_T")] == (134751, "r1")
    assert deployed[("_Z", "2017", "F")] == (53340, "r1")
    assert deployed[("_Z", "2019", "_T")] == (152530, "r2")
    assert deployed[("_Z", "2021", "_T")] == (45058, "r1")
    assert deployed[("_Z", "2023", "F")] == (55804, "r1")
    assert ("_Z", "2018", "F") not in deployed and ("_Z", "2017", "M") not in deployed
    assert sorted(y for _, y, s in deployed if s == "_T") == [str(y) for y in range(2017, 2024)]


def test_destinations_keep_the_residual(dolab_profile):
    by_destination = values(dolab_profile, "labour_deployments_by_destination")
    assert by_destination[("JPN", "2017", "_T")] == (54504, "r1")
    assert by_destination[("TWN", "2017", "_T")] == (66926, "r1")
    assert by_destination[("_O", "2017", "_T")] == (1523, "r1")
    assert by_destination[("KOR", "2020", "_T")] == (1309, "r1")
    assert sum(v for (p, y, s), (v, _) in by_destination.items()
               if y == "2017" and s == "_T") == 134751


def test_history_lists_revisions_and_changes(cli, dolab_profile):
    out = run(cli, "history", dolab_profile, "LABOUR_DEPLOYMENTS").stdout
    assert "LABOUR_DEPLOYMENTS (Workers deployed abroad under contract): 2 revision(s)" in out
    assert re.search(r"r1 +imported .* periods 2017–2023", out)
    assert "22 added, 0 removed, 0 changed, 0 unchanged" in out
    assert re.search(r"r2 +imported .*r2-dolab-tong-ket-2019\.csv +periods 2019\n", out)
    assert "citation  DOLAB 2019 press release" in out
    assert "changed  2019: 147,000 -> 152,530" in out


def test_the_report_shows_labour_migration_with_its_revisions(dolab_profile):
    en = (dolab_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    order = [en.index(f'id="{s}"') for s in ("emigration", "labour_migration", "diaspora",
                                             "remittances")]
    assert order == sorted(order)
    section = en[en.index('id="labour_migration"'):en.index('id="diaspora"')]
    assert "In 2023, 159,986 workers left Viet Nam to work abroad under contract (34.9% of " \
        "them women)." in section
    assert "The main destinations in 2020 were Japan (38,891), Taiwan Province of China " \
        "(34,537), and Republic of Korea (1,309)." in section
    assert "DOLAB: DOLAB 2019 press release, revision r2, used for 2019 (file " \
        "sources/national/LABOUR_DEPLOYMENTS/r2-dolab-tong-ket-2019.csv, sha256" in section
    assert "revision r1, used for 2017–2018, 2020–2023" in section
    assert "<td>2019</td>" in section and "<td>r2</td>" in section


def test_the_report_in_vietnamese(dolab_profile):
    vi = (dolab_profile / "out" / "vi" / "profile.html").read_text(encoding="utf-8")
    section = vi[vi.index('id="labour_migration"'):vi.index('id="diaspora"')]
    assert "Di cư lao động" in section and "159.986" in section
    assert "Các thị trường chính năm 2020 là Nhật Bản (38.891)" in section
    text = subprocess.run(["pdftotext", "-layout", str(dolab_profile / "out" / "vi" /
                                                       "profile.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    words = " ".join(text.split())
    assert "Di cư lao động" in words and "phiên bản r2, dùng cho 2019" in words


def test_diaspora_is_shown_beside_but_apart_from_the_emigrant_stock(dolab_profile):
    en = (dolab_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    section = en[en.index('id="diaspora"'):en.index('id="remittances"')]
    assert "Diaspora is not the emigrant stock" in section
    assert "Diaspora (persons of national origin)" in section and "2,500" in section
    assert "Citizens living abroad" in section and "Emigrant stock" in section
    assert "never added up" in section


def test_sections_without_data_are_left_out(built_profile):
    en = (built_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    for section in ("labour_migration", "foreign_workers", "diaspora", "students_abroad",
                    "returns", "trafficking", "support_centres"):
        assert f'id="{section}"' not in en


def test_the_warehouse_is_a_cache_the_folder_restores(dolab_profile, tmp_path):
    from migprofile.build import build_profile
    from migprofile.profile import Profile

    copy = tmp_path / "profile"
    shutil.copytree(dolab_profile, copy)
    before = values(copy, "labour_deployments")
    (copy / "warehouse.duckdb").unlink()
    build_profile(Profile.load(copy), force=True)
    assert values(copy, "labour_deployments") == before


def test_a_changed_imported_file_is_refused(cli, dolab_profile, tmp_path):
    copy = tmp_path / "profile"
    shutil.copytree(dolab_profile, copy)
    kept = next((copy / "sources" / "national" / "LABOUR_DEPLOYMENTS").glob("r2-*.csv"))
    kept.write_text(kept.read_text(encoding="utf-8-sig").replace("152.530", "152.531"),
                    encoding="utf-8")
    result = cli("build", copy)
    assert result.exit_code == 2 and "an imported file must not be changed" in result.stderr


def test_a_filled_template_imports(cli, copy_profile, tmp_path):
    out = tmp_path / "template.xlsx"
    run(cli, "template", copy_profile, "students_abroad", "--out", out)
    book = openpyxl.load_workbook(out)
    sheet = book["Data"]
    headings = [c.value for c in sheet[1]]
    assert headings == ["Period / Thời kỳ", "Country of study / Quốc gia học tập",
                        "Sex / Giới tính", "Level of study / Bậc học",
                        "Students / Số du học sinh"]
    lists = {str(v.sqref)[0]: v.formula1
             for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert set(lists) == {"B", "C", "D"}
    codes = book["Codes"]
    assert "MASTER: Master's or equivalent / Thạc sĩ" in [c.value for c in codes["D"]]
    assert "Instructions" in book.sheetnames
    for row in ([2024, "JPN: Japan / Nhật Bản", "F: Female / Nữ", "MASTER: x", 12],
                [2024, "Úc", "_T: Total / Tổng", "_T: Total / Tổng", 30]):
        sheet.append(row)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    result = run(cli, "import", copy_profile, filled, "--dataflow", "STUDENTS_ABROAD",
                 "--provider", "Ministry of Education and Training")
    assert "2 figure(s) for 2024" in result.stdout


def test_women_alone_are_not_a_total(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Năm,Quốc gia,Nữ\n2023,Nhật Bản,5\n2023,Hàn Quốc,7\n", encoding="utf-8")
    read = read_national(path, dataflow=builtin_dataflows()["STUDENTS_ABROAD"])
    assert not read.problems
    obs = ibis.memtable(read.observations(country="VNM", revision="r1"))
    rows = compute_indicators(obs, area="VNM", revisions={}).to_pyarrow().to_pylist()
    students = {(r["counterpart_area"], r["sex"]): r["value"] for r in rows
                if r["indicator"] == "students_abroad"}
    assert students == {("_Z", "F"): 12}


def test_a_figure_a_later_revision_changed_is_listed_with_the_one_used(dolab_profile):
    en = (dolab_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    annex = en[en.index("Sources that disagree"):]
    assert "2019: 147,000 in revision r1; 152,530 in revision r2. The report uses revision " \
        "r2, the latest covering the year." in annex
    vi = (dolab_profile / "out" / "vi" / "profile.html").read_text(encoding="utf-8")
    assert "2019: 147.000 theo phiên bản r1; 152.530 theo phiên bản r2. Báo cáo dùng phiên " \
        "bản r2" in vi
