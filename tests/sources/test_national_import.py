"""Importing national data: precise reports for broken files, nothing half-imported,
revisions that keep what came before."""

import shutil
from pathlib import Path

import openpyxl
import pytest

from migprofile.warehouse import Warehouse

DATA = Path(__file__).parents[1] / "data" / "national"
HEADER = "Năm,Thị trường,Giới tính,Số lao động\n"
GOOD = HEADER + "2022,Nhật Bản,Nữ,10\n2022,Nhật Bản,Nam,20\n2022,Hàn Quốc,Nữ,3\n" \
    "2022,Hàn Quốc,Nam,4\n2022,Tổng cộng,Nữ,13\n2022,Tổng cộng,Nam,24\n"


def warehouse_rows(profile):
    with Warehouse.open(profile / "warehouse.duckdb", read_only=True) as warehouse:
        return {name: sorted(map(repr, warehouse.table(name).to_pyarrow().to_pylist()))
                for name in warehouse.con.list_tables()}


def profile_files(profile):
    return {p.relative_to(profile): p.read_bytes() for p in sorted(profile.rglob("*"))
            if p.is_file() and "validation" not in p.relative_to(profile).parts}


def write_csv(text, encoding="utf-8"):
    def write(path):
        target = path.with_suffix(".csv")
        target.write_bytes(text.encode(encoding))
        return target
    return write


def write_xlsx(rows, *, empty=False):
    def write(path):
        book = openpyxl.Workbook()
        if not empty:
            for row in rows:
                book.active.append(row)
        target = path.with_suffix(".xlsx")
        book.save(target)
        return target
    return write


def corrupt_xlsx(path):
    target = path.with_suffix(".xlsx")
    target.write_bytes(b"PK\x03\x04 this is not the rest of a workbook")
    return target


def protected_xlsx(path):
    return Path(shutil.copy(DATA / "password-protected.xlsx", path.with_suffix(".xlsx")))


def windows_1258_bad_country(path):
    from tests.sources.test_table_reader import windows_1258

    target = path.with_suffix(".csv")
    target.write_bytes(windows_1258("Năm;Thị trường;Số lao động\n2022;Nhật Bảm;12\n"))
    return target


# (writer, exit code, rule, row, column, value) -- or, for exit 2, a message
BROKEN = {
    "utf16_text_in_number": (write_csv(HEADER + "2022,Nhật Bản,Nữ,mười\n", "utf-16"), 1,
                             "number", 2, "Số lao động", "mười"),
    "windows1258_unknown_country": (windows_1258_bad_country, 1, "unknown_code", 2,
                                    "Thị trường", "Nhật Bảm"),
    "undecidable_encoding": (write_csv("Nam,Thi truong,So lao dong\n2022,x\x81\xd0,1\n",
                                       "latin-1"), 2, "cannot tell which text encoding"),
    "semicolons_decimal_comma": (write_csv("Năm;Thị trường;Số lao động\n2022;Nhật Bản;12,5\n"),
                                 1, "integer", 2, "Số lao động", "12,5"),
    "negative_count": (write_csv(HEADER + "2022,Nhật Bản,Nữ,-10\n"), 1, "non_negative", 2,
                       "Số lao động", "-10"),
    "duplicate_rows": (write_csv(HEADER + "2022,Nhật Bản,Nữ,10\n2022,Japan,F,10\n"), 1,
                       "duplicate", 3, "Số lao động", "2022, JPN, F, _T, _T"),
    "unknown_country": (write_csv(HEADER + "2022,Atlantis,Nữ,10\n"), 1, "unknown_code", 2,
                        "Thị trường", "Atlantis"),
    "totals_do_not_add_up": (write_csv(HEADER + "2022,Nhật Bản,Nữ,10\n2022,Hàn Quốc,Nữ,3\n"
                                                "2022,Tổng cộng,Nữ,14\n"), 1, "totals", 4,
                             "Số lao động", "14"),
    "year_in_the_future": (write_csv(HEADER + "2999,Nhật Bản,Nữ,10\n"), 1, "period_range", 2,
                           "Năm", "2999"),
    "regional_subtotal_disagrees": (write_csv("Năm,Thị trường,Số lao động\n2021,Châu Á,100\n"
                                              "2021,Nhật Bản,60\n2021,Hàn Quốc,30\n"), 1,
                                    "subtotal", 2, "Số lao động", "100"),
    "formula_without_saved_value": (write_xlsx([["Năm", "Thị trường", "Nữ", "Nam"],
                                                [2021, "Nhật Bản", 15000, "=C2*2"]]), 1,
                                    "formula_not_computed", 2, "D", "=C2*2"),
    "nam_of_years_beside_nu": (write_csv("Nam,Thị trường,Nữ\n2021,Nhật Bản,15000\n"), 1,
                               "ambiguous_column", 1, "Nam", "2021"),
    "empty_sheet": (write_xlsx([], empty=True), 2, "sheet 'Sheet' is empty"),
    "password_protected": (protected_xlsx, 2, "protected by a password"),
    "corrupt_xlsx": (corrupt_xlsx, 2, "the workbook is damaged"),
}


@pytest.fixture
def national_profile(copy_profile):
    """The built Viet Nam profile; national imports change it."""
    return copy_profile


def import_args(profile, path, *extra):
    return ("import", profile, path, "--dataflow", "LABOUR_DEPLOYMENTS", "--provider",
            "Test agency", *extra)


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_gets_its_precise_report_and_changes_nothing(cli, national_profile,
                                                                   tmp_path, case):
    writer, code, *expected = BROKEN[case]
    path = writer(tmp_path / case)
    tables, files = warehouse_rows(national_profile), profile_files(national_profile)
    result = cli(*import_args(national_profile, path))
    assert result.exit_code == code, result
    assert "Traceback" not in result.stderr and path.name in result.stderr
    if code == 2:
        assert expected[0] in result.stderr
    else:
        rule, row, column, value = expected
        assert f"row {row}, column {column!r}" in result.stderr
        assert f"(value {value!r}) [{rule}]" in result.stderr
        assert "nothing was imported" in result.stderr
        reports = sorted((national_profile / "validation").glob(f"{case}-*"))
        text = next(p for p in reports if p.suffix == ".txt").read_text(encoding="utf-8")
        assert f"[{rule}]" in text
    assert warehouse_rows(national_profile) == tables
    assert profile_files(national_profile) == files


def test_unknown_labels_suggest_codes_and_a_mapping_makes_the_next_import_work(
        cli, national_profile, tmp_path):
    path = tmp_path / "dolab.csv"
    path.write_text("Năm,Thị trường,Số LĐ xuất cảnh\n2022,Nhật Bản,10\n2021,Japon,5\n",
                    encoding="utf-8")
    result = cli(*import_args(national_profile, path))
    assert result.exit_code == 1
    assert "column 'Số LĐ xuất cảnh': not a column of LABOUR_DEPLOYMENTS" in result.stderr
    mapping = next((national_profile / "validation").glob("dolab-*.mapping.toml"))
    text = mapping.read_text(encoding="utf-8")
    assert '"Năm" = "time_period"' in text and '"Số LĐ xuất cảnh" = ""' in text
    filled = text.replace('"Số LĐ xuất cảnh" = ""', '"Số LĐ xuất cảnh" = "value"')
    mapping.write_text(filled, encoding="utf-8")
    result = cli(*import_args(national_profile, path, "--mapping", mapping))
    assert result.exit_code == 1
    assert "(value 'Japon') [unknown_code]" in result.stderr and "closest: JPN (Japan)" \
        in result.stderr
    second = sorted((national_profile / "validation").glob("dolab-*.mapping.toml"))[-1]
    labels = second.read_text(encoding="utf-8").replace('"Japon" = ""', '"Japon" = "JPN"')
    second.write_text(labels, encoding="utf-8")
    result = cli(*import_args(national_profile, path, "--mapping", second))
    assert result.exit_code == 0, result
    saved = national_profile / "mappings" / "LABOUR_DEPLOYMENTS.toml"
    assert '"Japon" = "JPN"' in saved.read_text(encoding="utf-8")
    again = tmp_path / "dolab-2023.csv"
    again.write_text("Năm,Thị trường,Số LĐ xuất cảnh\n2023,Japon,7\n", encoding="utf-8")
    assert cli(*import_args(national_profile, again)).exit_code == 0


def test_warnings_stop_the_import_unless_accepted(cli, national_profile, tmp_path):
    def build(ws):
        for row in (["Năm", "Thị trường", "Số lao động"], [2021, "Nhật Bản", 10],
                    [2021, "Hàn Quốc", 5], [2023, "Nhật Bản", 8]):
            ws.append(row)
        ws.row_dimensions[3].hidden = True

    book = openpyxl.Workbook()
    build(book.active)
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    files = profile_files(national_profile)
    result = cli(*import_args(national_profile, path))
    assert result.exit_code == 1 and "2 warning(s); nothing was imported" in result.stderr
    assert "row 3: hidden row skipped" in result.stderr
    assert "no figures for 2022 although the file covers 2021–2023" in result.stderr
    assert profile_files(national_profile) == files
    result = cli(*import_args(national_profile, path, "--accept-warnings"))
    assert result.exit_code == 0 and "2 warning(s) accepted" in result.stdout


def test_the_same_file_twice_is_refused(cli, national_profile, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert cli(*import_args(national_profile, path)).exit_code == 0
    result = cli(*import_args(national_profile, path))
    assert result.exit_code == 2 and "already imported as revision r1" in result.stderr


def test_unknown_dataflow_and_options(cli, national_profile, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = cli("import", national_profile, path, "--dataflow", "LABOUR_DEPLOYMENT",
                 "--provider", "x")
    assert result.exit_code == 2 and "Did you mean: LABOUR_DEPLOYMENTS" in result.stderr
    result = cli(*import_args(national_profile, path, "--obtained", "31/12/2024"))
    assert result.exit_code == 2 and "not a date like" in result.stderr
    assert cli("import", national_profile, path, "--provider", "x").exit_code == 2


def test_an_ambiguous_heading_is_resolved_by_the_mapping_it_writes(cli, national_profile,
                                                                   tmp_path):
    path = tmp_path / "nam.csv"
    path.write_text("Nam,Thị trường,Nữ\n2021,Nhật Bản,15000\n2022,Nhật Bản,16000\n",
                    encoding="utf-8")
    result = cli(*import_args(national_profile, path))
    assert result.exit_code == 1 and "[ambiguous_column]" in result.stderr
    mapping = next((national_profile / "validation").glob("nam-*.mapping.toml"))
    text = mapping.read_text(encoding="utf-8")
    assert '"Nam" = ""  # one of: sex=M, time_period, value, ignore' in text
    mapping.write_text(text.replace('"Nam" = ""', '"Nam" = "time_period"'), encoding="utf-8")
    result = cli(*import_args(national_profile, path, "--mapping", mapping))
    assert result.exit_code == 0, result


def test_a_ministry_workbook_imports_whole(cli, national_profile, tmp_path):
    """Two tables (one per year) on one sheet, each under a title, a unit line and a
    two-row header, with a serial-number column, a regional subtotal, a grand total and a
    source line."""
    book = openpyxl.Workbook()
    ws = book.active
    for year in (2020, 2021):
        for row in ([f"SỐ LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI NĂM {year}"],
                    [None, None, "Đơn vị tính: nghìn người"],
                    ["STT", "Thị trường", "Số lao động", None],
                    [None, None, "Tổng số", "Trong đó: Nữ"],
                    ["I", "Châu Á", 40.5, 15.5], [1, "Nhật Bản", 39, 15],
                    [2, "Hàn Quốc", 1.5, 0.5], [None, "Tổng cộng", 40.5, 15.5],
                    ["Nguồn: Cục Quản lý lao động ngoài nước"], [None]):
            ws.append(row)
    path = tmp_path / "dolab.xlsx"
    book.save(path)
    result = cli(*import_args(national_profile, path))
    assert result.exit_code == 0, result
    from migprofile.codes import builtin_dataflows
    from migprofile.sources.national.reader import read_national

    read = read_national(path, dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"])
    figures = {(r.codes["time_period"], r.codes["counterpart_area"], r.codes["sex"]): r.value
               for r in read.figures}
    assert figures[("2021", "JPN", "_T")] == 39000
    assert figures[("2020", "KOR", "F")] == 500
    assert figures[("2021", "_T", "_T")] == 40500
    assert len(figures) == 12
