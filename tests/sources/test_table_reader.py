"""Reading agency files as they come: encodings, delimiters, numbers, workbook layouts."""

import openpyxl
import pytest

from migprofile.errors import MigprofileError
from migprofile.sources.table import decode_text, locate_header, parse_number, read_sheet


@pytest.mark.parametrize(
    ("text", "number"),
    [("1,234", 1234), ("1.234", 1234), ("1 234", 1234), ("134.751", 134751),
     ("1.234.567", 1234567), ("1,234,567", 1234567), ("1.234,5", 1234.5),
     ("1,234.5", 1234.5), ("0,5", 0.5), ("1,5", 1.5), ("12", 12), ("-3", -3),
     (2017.0, 2017), ("-", None), ("", None), ("…", None), (None, None)],
)
def test_numbers_as_written(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["abc", "1.23.4", "12a", "1,2,3"])
def test_text_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


VIETNAMESE = "Năm;Thị trường;Số lao động\n2017;Nhật Bản;54.504\n"


def windows_1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: tone marks as combining characters
    after letters that carry their other marks (ă, â, ơ, ...)."""
    import unicodedata

    tones = set("\u0300\u0301\u0303\u0309\u0323")
    clusters: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            base, marks = clusters[-1]
            clusters[-1] = (base, marks + ch) if ch in tones else (
                unicodedata.normalize("NFC", base + ch), marks)
        else:
            clusters.append((ch, ""))
    return "".join(base + marks for base, marks in clusters).encode("cp1258")


@pytest.mark.parametrize(
    ("encode", "name"),
    [(lambda t: t.encode("utf-8"), "utf-8"),
     (lambda t: t.encode("utf-8-sig"), "utf-8 (BOM)"),
     (lambda t: t.encode("utf-16"), "utf-16"),
     (lambda t: t.encode("utf-16-le"), "utf-16-le"),
     (windows_1258, "windows-1258")],
)
def test_encodings_are_recognised(tmp_path, encode, name):
    text, encoding = decode_text(encode(VIETNAMESE), path=tmp_path / "f.csv")
    assert (text, encoding) == (VIETNAMESE, name)


def test_windows_1252_without_vietnamese(tmp_path):
    data = "Country,Value\nCôte d'Ivoire,12\n".encode("cp1252")
    assert decode_text(data, path=tmp_path / "f.csv") == (
        "Country,Value\nCôte d'Ivoire,12\n", "windows-1252")


def test_undecidable_encoding_is_refused(tmp_path):
    with pytest.raises(MigprofileError, match="cannot tell which text encoding") as info:
        decode_text(b"Country,Value\n\x81\x8d\xd0,12\n", path=tmp_path / "f.csv")
    assert "CSV UTF-8" in str(info.value) and info.value.exit_code == 2


@pytest.mark.parametrize(("delimiter", "body"),
                         [(",", 'a,b,c\n1,"1,234",3\n'), (";", "a;b;c\n1;1,5;3\n"),
                          ("\t", "a\tb\tc\n1\t2\t3\n")])
def test_delimiters(tmp_path, delimiter, body):
    path = tmp_path / "f.csv"
    path.write_text(body, encoding="utf-8")
    rows = read_sheet(path)
    assert rows.delimiter == delimiter
    assert rows.rows[1] == (2, ["1", body.splitlines()[1].split(delimiter)[1].strip('"'), "3"]
                            if delimiter != "," else ["1", "1,234", "3"])


def workbook(tmp_path, build, name="f.xlsx"):
    book = openpyxl.Workbook()
    build(book.active)
    path = tmp_path / name
    book.save(path)
    return path


def agency_layout(ws):
    ws.title = "Số liệu"
    ws["A1"] = "SỐ LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI"
    ws.merge_cells("A1:D1")
    ws["A3"], ws["B3"], ws["C3"] = "Năm", "Thị trường", "Số lao động"
    ws["C4"], ws["D4"] = "Tổng số", "Nữ"
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:D3")
    for row in ([2017, "Nhật Bản", 10, 4], [None, "Hàn Quốc", 5, None],
                [None, "Tổng cộng", 15, 4]):
        ws.append(row)
    ws.merge_cells("A5:A7")


def test_workbook_titles_merged_headers_and_years(tmp_path):
    path = workbook(tmp_path, agency_layout)
    rows = read_sheet(path)
    header = locate_header(rows, recognised=lambda t: t in {"Năm", "Thị trường", "Tổng số",
                                                           "Nữ", "Số lao động"})
    assert header.rows == (3, 4)
    assert header.headings == ["Năm", "Thị trường", "Số lao động / Tổng số",
                               "Số lao động / Nữ"]
    assert rows.rows[-1] == (7, [2017, "Tổng cộng", 15, 4])


def test_hidden_rows_are_skipped_with_a_warning(tmp_path):
    def build(ws):
        ws.append(["Năm", "Thị trường", "Số lao động"])
        ws.append([2017, "Nhật Bản", 10])
        ws.append([2017, "Hàn Quốc", 5])
        ws.row_dimensions[3].hidden = True

    rows = read_sheet(workbook(tmp_path, build))
    assert [n for n, _ in rows.rows] == [1, 2]
    assert [(w.rule, w.row, w.severity) for w in rows.warnings] == [
        ("hidden_row", 3, "warning")]


def test_a_formula_without_its_value_is_an_error_not_a_warning(tmp_path):
    def build(ws):
        ws.append(["Năm", "Thị trường", "Số lao động"])
        ws.append([2017, "Nhật Bản", "=1+1"])

    rows = read_sheet(workbook(tmp_path, build))
    assert rows.warnings == []
    problem = rows.problems[0]
    assert (problem.rule, problem.row, problem.column, problem.value, problem.severity) == (
        "formula_not_computed", 2, "C", "=1+1", "error")


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = workbook(tmp_path, agency_layout)
    with pytest.raises(MigprofileError, match="no sheet 'Data'; its sheets are: 'Số liệu'"):
        read_sheet(path, sheet="Data")


@pytest.mark.parametrize(
    ("line", "factor"),
    [("Đơn vị tính: nghìn người", 1000), ("Đơn vị tính: Người", 1), ("ĐVT: người", 1),
     ("Đơn vị: triệu người", 1_000_000), ("ຫົວໜ່ວຍ: ພັນຄົນ", 1000), ("ຫົວໜ່ວຍ: ຄົນ", 1),
     ("단위: 천명", 1000), ("단위 : 명", 1), ("(단위: 만 명)", 10_000), ("Unit: thousands", 1000),
     ("Unit: persons", 1), ("(Unit: '000)", 1000), ("Năm 2021", None), ("Nhật Bản", None)],
)
def test_unit_lines(line, factor):
    from migprofile.sources.table import unit_scale

    assert unit_scale(line) == factor


def test_a_unit_not_understood_is_refused_rather_than_guessed():
    from migprofile.sources.table import unit_scale

    with pytest.raises(ValueError):
        unit_scale("Đơn vị tính: tỷ đồng")


@pytest.mark.parametrize(
    ("lines", "year"),
    [(["BÁO CÁO SỐ LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI NĂM 2022"], "2022"),
     (["Số: 15/2023/BC-LĐTBXH", "Hà Nội, ngày 10 tháng 1 năm 2023", "NĂM 2022"], "2022"),
     (["작성일: 2023. 1. 15.", "2022년 해외 파견 근로자"], "2022"),
     (["ເລກທີ 12/ກຮສ", "ແຮງງານ ປີ 2021"], "2021"),
     (["Nguồn: báo cáo năm 2023", "Table 2: 2021"], "2021"),
     (["GIAI ĐOẠN 2019-2021"], None), (["SỐ LAO ĐỘNG"], None)],
)
def test_the_year_of_a_title(lines, year):
    from migprofile.sources.table import title_year

    found = title_year(list(enumerate(lines, start=1)))
    assert (found[0] if found else None) == year


@pytest.mark.parametrize("line", ["Nguồn: Cục Quản lý lao động ngoài nước", "Ghi chú: sơ bộ",
                                  "* Số liệu sơ bộ", "(1) Đài Loan (Trung Quốc)",
                                  "Source: DOLAB", "ແຫຼ່ງຂໍ້ມູນ: ກະຊວງແຮງງານ", "자료: 고용노동부"])
def test_footnote_lines(line):
    from migprofile.sources.table import is_footnote

    assert is_footnote(line)


def test_tables_one_after_another_with_their_titles_and_notes(tmp_path):
    from migprofile.sources.table import locate_tables

    def build(ws):
        for row in (["NĂM 2020"], ["Thị trường", "Số lao động"], ["Nhật Bản", 10],
                    ["Nguồn: DOLAB"], ["NĂM 2021"], ["Thị trường", "Số lao động"],
                    ["Nhật Bản", 12], ["Hàn Quốc", 3]):
            ws.append(row)

    tables = locate_tables(read_sheet(workbook(tmp_path, build)),
                           recognised=lambda t: t in {"Thị trường", "Số lao động"})
    assert [t.header.rows for t in tables] == [(2,), (6,)]
    assert [[n for n, _ in t.rows] for t in tables] == [[3], [7, 8]]
    assert [t.above for t in tables] == [[(1, "NĂM 2020")], [(4, "Nguồn: DOLAB"),
                                                             (5, "NĂM 2021")]]
    assert tables[0].notes == [(4, "Nguồn: DOLAB"), (5, "NĂM 2021")]


def test_a_row_numbering_the_columns_belongs_to_the_header(tmp_path):
    def build(ws):
        for row in (["STT", "Thị trường", "Số lao động"], ["A", "B", "1"], [1, "Nhật Bản", 10]):
            ws.append(row)

    header = locate_header(read_sheet(workbook(tmp_path, build)),
                           recognised=lambda t: t in {"STT", "Thị trường", "Số lao động"})
    assert (header.rows, header.index) == ((1, 2), 1)
