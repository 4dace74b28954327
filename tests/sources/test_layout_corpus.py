"""A corpus of files laid out the way ministries lay them out, each read to its expected
observations: sex or years as columns, headers over two or three merged rows, title,
document-number and unit lines, serial-number columns, labels merged down the rows,
footnotes, grand totals and regional subtotals, several tables per sheet or per workbook,
in Vietnamese, Lao, Korean and English, as CSV (several encodings) and XLSX. Bad variants
are refused with a message that says what to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from migprofile.codes import builtin_dataflows
from migprofile.profile import Profile
from migprofile.sources.national.labels import Mapping
from migprofile.sources.national.reader import NationalRead, read_national
from tests.sources.test_table_reader import windows_1258

SHOWN = ("time_period", "counterpart_area", "sex")

Writer = Callable[[Path], Path]


def csv_file(text: str, *, encoding: str = "utf-8") -> Writer:
    def write(path: Path) -> Path:
        target = path.with_suffix(".csv")
        data = windows_1258(text) if encoding == "cp1258" else text.encode(encoding)
        target.write_bytes(data)
        return target
    return write


def xlsx_file(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None,
              *, hidden: tuple[str, ...] = ()) -> Writer:
    """A workbook with one sheet per entry (rows from row 1; None leaves a cell empty);
    ``merges`` gives each sheet's merged ranges."""
    def write(path: Path) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            ws = book.create_sheet(name)
            for row in rows:
                ws.append(row)
            for cells in (merges or {}).get(name, []):
                ws.merge_cells(cells)
            if name in hidden:
                ws.sheet_state = "hidden"
        target = path.with_suffix(".xlsx")
        book.save(target)
        return target
    return write


def observed(read: NationalRead) -> dict[str, float]:
    """Each figure the file states by "YEAR PARTNER SEX" (and any other dimension not at
    its total); totals the parts give are checked and dropped later, by the totals rules."""
    found = {}
    for record in read.figures:
        key = [record.codes[d] for d in SHOWN if d in record.codes]
        key += [record.codes[d] for d in read.dimensions
                if d not in SHOWN and record.codes[d] != "_T"]
        found[" ".join(key)] = record.value
    return found


@dataclass
class Case:
    write: Writer
    expected: dict[str, float]
    dataflow: str = "LABOUR_DEPLOYMENTS"
    mapping: dict = field(default_factory=dict)
    sheet: str | None = None


TITLE_VI = "SỐ LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI THEO HỢP ĐỒNG"
FLOW_NAME_VI = "Số lao động đi làm việc ở nước ngoài"
SOURCE_VI = "Nguồn: Cục Quản lý lao động ngoài nước"

CASES: dict[str, Case] = {
    # --- sex as columns -------------------------------------------------------------------
    "vi_sex_columns_csv": Case(csv_file(
        "Năm,Thị trường,Nữ,Nam\n2021,Nhật Bản,15000,24000\n2021,Hàn Quốc,300,934\n"),
        {"2021 JPN F": 15000, "2021 JPN M": 24000, "2021 KOR F": 300, "2021 KOR M": 934}),
    "vi_sex_columns_with_total_xlsx": Case(xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Tổng số", "Nữ", "Nam"],
        [2021, "Nhật Bản", 39000, 15000, 24000],
        [2021, "Đài Loan", 20000, 8000, 12000]]}),
        {"2021 JPN _T": 39000, "2021 JPN F": 15000, "2021 JPN M": 24000, "2021 TWN _T": 20000,
         "2021 TWN F": 8000, "2021 TWN M": 12000}),
    "vi_total_and_of_which_women_csv": Case(csv_file(
        "Năm,Thị trường,Tổng số,Trong đó: Nữ\n2022,Nhật Bản,67295,25000\n"
        "2022,Hàn Quốc,12000,1500\n2022,Tổng cộng,79295,26500\n"),
        {"2022 JPN _T": 67295, "2022 JPN F": 25000, "2022 KOR _T": 12000, "2022 KOR F": 1500,
         "2022 _T _T": 79295, "2022 _T F": 26500}),
    "vi_nam_without_accents_is_the_year_csv": Case(csv_file(
        "Nam,Thi truong,So lao dong\n2019,Nhat Ban,82703\n2020,Nhat Ban,39036\n"),
        {"2019 JPN _T": 82703, "2020 JPN _T": 39036}),
    "vi_two_nam_without_accents_year_and_men_csv": Case(csv_file(
        "Nam,Thi truong,Nu,Nam\n2021,Nhat Ban,15000,24000\n2022,Nhat Ban,16000,2021\n"),
        {"2021 JPN F": 15000, "2021 JPN M": 24000, "2022 JPN F": 16000, "2022 JPN M": 2021}),
    "vi_nam_beside_nu_is_men_with_year_in_title_csv": Case(csv_file(
        "SO LAO DONG DI LAM VIEC O NUOC NGOAI NAM 2021\nThi truong,Nu,Nam\n"
        "Nhat Ban,15000,24000\nDai Loan,8000,12000\n"),
        {"2021 JPN F": 15000, "2021 JPN M": 24000, "2021 TWN F": 8000, "2021 TWN M": 12000}),
    "vi_nam_with_years_of_counts_beside_year_column_csv": Case(csv_file(
        "Năm,Thị trường,Nữ,Nam\n2021,Nhật Bản,1990,2005\n2022,Nhật Bản,2010,2019\n"),
        {"2021 JPN F": 1990, "2021 JPN M": 2005, "2022 JPN F": 2010, "2022 JPN M": 2019}),
    # --- merged headers ------------------------------------------------------------------
    "vi_two_row_header_title_repeats_flow_name_xlsx": Case(xlsx_file({"Số liệu": [
        [FLOW_NAME_VI, None, None, None],
        ["Năm", "Thị trường", "Số lao động", None],
        [None, None, "Tổng số", "Trong đó: Nữ"],
        [2021, "Nhật Bản", 39000, 15000],
        [None, "Hàn Quốc", 1234, 400],
        [None, "Tổng cộng", 40234, 15400]]},
        {"Số liệu": ["A1:D1", "A2:A3", "B2:B3", "C2:D2", "A4:A6"]}),
        {"2021 JPN _T": 39000, "2021 JPN F": 15000, "2021 KOR _T": 1234, "2021 KOR F": 400,
         "2021 _T _T": 40234, "2021 _T F": 15400}),
    "vi_two_row_header_csv": Case(csv_file(
        f"{TITLE_VI}\n\nNăm,Thị trường,Số lao động,\n,,Tổng số,Trong đó: Nữ\n"
        "2020,Nhật Bản,39036,14000\n,Đài Loan,34561,12000\n"),
        {"2020 JPN _T": 39036, "2020 JPN F": 14000, "2020 TWN _T": 34561,
         "2020 TWN F": 12000}),
    "vi_three_row_header_stt_unit_footnote_xlsx": Case(xlsx_file({"Biểu 1": [
        [f"{TITLE_VI} NĂM 2021"] + [None] * 4,
        [None, None, None, "Đơn vị tính: người", None],
        ["STT", "Thị trường", FLOW_NAME_VI, None, None],
        [None, None, "Tổng số", "Chia ra", None],
        [None, None, None, "Nữ", "Nam"],
        [1, "Nhật Bản", 39000, 15000, 24000],
        [2, "Hàn Quốc", 1234, 434, 800],
        ["Tổng cộng", None, 40234, 15434, 24800],
        [SOURCE_VI] + [None] * 4,
        ["Ghi chú: số liệu năm 2021 là số liệu chính thức"] + [None] * 4]},
        {"Biểu 1": ["A1:E1", "A3:A5", "B3:B5", "C3:E3", "C4:C5", "D4:E4", "A8:B8",
                    "A9:E9", "A10:E10"]}),
        {"2021 JPN _T": 39000, "2021 JPN F": 15000, "2021 JPN M": 24000, "2021 KOR _T": 1234,
         "2021 KOR F": 434, "2021 KOR M": 800, "2021 _T _T": 40234, "2021 _T F": 15434,
         "2021 _T M": 24800}),
    "vi_years_as_columns_under_a_spanning_heading_xlsx": Case(xlsx_file({"Sheet1": [
        ["Thị trường", "Số lao động", None, None],
        [None, 2019, 2020, 2021],
        ["Nhật Bản", 82703, 39036, 39000],
        ["Đài Loan", 54480, 34561, 20000]]}, {"Sheet1": ["A1:A2", "B1:D1"]}),
        {"2019 JPN _T": 82703, "2020 JPN _T": 39036, "2021 JPN _T": 39000,
         "2019 TWN _T": 54480, "2020 TWN _T": 34561, "2021 TWN _T": 20000}),
    "vi_years_over_sex_three_row_header_xlsx": Case(xlsx_file({"Sheet1": [
        ["Thị trường", "Số lao động", None, None, None],
        [None, 2020, None, 2021, None],
        [None, "Nữ", "Nam", "Nữ", "Nam"],
        ["Nhật Bản", 14000, 25036, 15000, 24000]]},
        {"Sheet1": ["A1:A3", "B1:E1", "B2:C2", "D2:E2"]}),
        {"2020 JPN F": 14000, "2020 JPN M": 25036, "2021 JPN F": 15000,
         "2021 JPN M": 24000}),
    "vi_years_over_sex_two_row_header_xlsx": Case(xlsx_file({"Sheet1": [
        ["Thị trường", 2020, None, 2021, None],
        [None, "Nữ", "Nam", "Nữ", "Nam"],
        ["Nhật Bản", 14000, 25036, 15000, 24000]]},
        {"Sheet1": ["A1:A2", "B1:C1", "D1:E1"]}),
        {"2020 JPN F": 14000, "2020 JPN M": 25036, "2021 JPN F": 15000,
         "2021 JPN M": 24000}),
    # --- lines above the table -----------------------------------------------------------
    "vi_unit_thousands_csv": Case(csv_file(
        f"{TITLE_VI}\nĐơn vị tính: nghìn người\nNăm,Thị trường,Số lao động\n"
        "2019,Nhật Bản,\"82,7\"\n2019,Đài Loan,\"54,48\"\n2019,Hàn Quốc,\"7,2\"\n"),
        {"2019 JPN _T": 82700, "2019 TWN _T": 54480, "2019 KOR _T": 7200}),
    "vi_unit_millions_xlsx": Case(xlsx_file({"Sheet1": [
        ["Đơn vị: triệu người"], ["Năm", "Quốc gia", "Số lao động"],
        [2023, "Nhật Bản", 0.08]]}),
        {"2023 JPN _T": 80000}),
    "vi_document_number_and_date_lines_xlsx": Case(xlsx_file({"BC": [
        ["BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["Số: 15/2023/BC-LĐTBXH", None, "Hà Nội, ngày 10 tháng 1 năm 2023"],
        [f"BÁO CÁO {TITLE_VI} NĂM 2022", None, None],
        [None, None, "ĐVT: người"],
        ["STT", "Nước tiếp nhận", "Số lao động xuất cảnh"],
        ["I", "Nhật Bản", 67295], ["II", "Đài Loan", 58598], ["III", "Hàn Quốc", 9968],
        [None, "Tổng cộng", 135861],
        ["* Số liệu do các doanh nghiệp báo cáo", None, None]]}),
        {"2022 JPN _T": 67295, "2022 TWN _T": 58598, "2022 KOR _T": 9968,
         "2022 _T _T": 135861}),
    "vi_year_from_the_sheet_name_xlsx": Case(xlsx_file({"Năm 2020": [
        ["Thị trường", "Tổng số", "Nữ"], ["Nhật Bản", 39036, 14000]]}),
        {"2020 JPN _T": 39036, "2020 JPN F": 14000}),
    # --- labels merged or continued down the rows ----------------------------------------
    "vi_years_merged_down_xlsx": Case(xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Số lao động"],
        [2020, "Nhật Bản", 39036], [None, "Đài Loan", 34561],
        [2021, "Nhật Bản", 39000], [None, "Đài Loan", 20000]]},
        {"Sheet1": ["A2:A3", "A4:A5"]}),
        {"2020 JPN _T": 39036, "2020 TWN _T": 34561, "2021 JPN _T": 39000,
         "2021 TWN _T": 20000}),
    "vi_years_continued_by_blank_cells_csv": Case(csv_file(
        "Năm;Thị trường;Giới tính;Số lao động\n2021;Nhật Bản;Nữ;15000\n;;Nam;24000\n"
        ";Hàn Quốc;Nữ;300\n;;Nam;934\n2022;Nhật Bản;Nữ;25000\n"),
        {"2021 JPN F": 15000, "2021 JPN M": 24000, "2021 KOR F": 300, "2021 KOR M": 934,
         "2022 JPN F": 25000}),
    "vi_country_merged_down_sex_rows_xlsx": Case(xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Giới tính", "Số lao động"],
        [2021, "Nhật Bản", "Nữ", 15000], [None, None, "Nam", 24000],
        [None, "Đài Loan", "Nữ", 8000], [None, None, "Nam", 12000]]},
        {"Sheet1": ["A2:A5", "B2:B3", "B4:B5"]}),
        {"2021 JPN F": 15000, "2021 JPN M": 24000, "2021 TWN F": 8000,
         "2021 TWN M": 12000}),
    "vi_section_lines_give_the_year_csv": Case(csv_file(
        "Thị trường,Số lao động\nNăm 2020,\nNhật Bản,39036\nĐài Loan,34561\n"
        "Năm 2021,\nNhật Bản,39000\n"),
        {"2020 JPN _T": 39036, "2020 TWN _T": 34561, "2021 JPN _T": 39000}),
    # --- totals and regional subtotals ---------------------------------------------------
    "vi_regions_heading_their_countries_csv": Case(csv_file(
        f"{TITLE_VI} NĂM 2022\nSTT,Thị trường,Số lao động\nI,Châu Á,128893\n1,Nhật Bản,67295\n"
        "2,Đài Loan,58598\n3,Trung Quốc,3000\nII,Trung Đông,5500\n1,Ả Rập Xê Út,3500\n"
        "2,Qatar,2000\n,Tổng cộng,134393\n"),
        {"2022 JPN _T": 67295, "2022 TWN _T": 58598, "2022 CHN _T": 3000,
         "2022 SAU _T": 3500, "2022 QAT _T": 2000, "2022 _T _T": 134393}),
    "vi_regions_closing_their_countries_xlsx": Case(xlsx_file({"2021": [
        ["Thị trường", "Tổng số", "Nữ"],
        ["Châu Á", None, None],
        ["Nhật Bản", 39000, 15000], ["Hàn Quốc", 1234, 400],
        ["Cộng châu Á", 40234, 15400],
        ["Châu Âu", None, None],
        ["Đức", 500, 200], ["Ba Lan", 300, 100],
        ["Cộng châu Âu", 800, 300],
        ["Tổng cộng", 41034, 15700]]}),
        {"2021 JPN _T": 39000, "2021 JPN F": 15000, "2021 KOR _T": 1234, "2021 KOR F": 400,
         "2021 DEU _T": 500, "2021 DEU F": 200, "2021 POL _T": 300, "2021 POL F": 100,
         "2021 _T _T": 41034, "2021 _T F": 15700}),
    "vi_regions_by_year_long_table_csv": Case(csv_file(
        "Năm,Thị trường,Số lao động\n2020,Châu Á,73597\n2020,Nhật Bản,39036\n"
        "2020,Đài Loan,34561\n2021,Châu Á,59000\n2021,Nhật Bản,39000\n2021,Đài Loan,20000\n"),
        {"2020 JPN _T": 39036, "2020 TWN _T": 34561, "2021 JPN _T": 39000,
         "2021 TWN _T": 20000}),
    "vi_regions_in_thousands_round_apart_csv": Case(csv_file(
        "Đơn vị tính: nghìn người\nNăm,Thị trường,Số lao động\n2022,Châu Á,126.0\n"
        "2022,Nhật Bản,67.3\n2022,Đài Loan,58.6\n"),
        {"2022 JPN _T": 67300, "2022 TWN _T": 58600}),
    # --- several tables ------------------------------------------------------------------
    "vi_one_table_per_year_on_one_sheet_xlsx": Case(xlsx_file({"Tổng hợp": [
        [f"Bảng 1. {TITLE_VI} NĂM 2020"], ["Đơn vị tính: người"],
        ["Thị trường", "Tổng số", "Nữ"],
        ["Nhật Bản", 39036, 14000], ["Đài Loan", 34561, 12000],
        [SOURCE_VI], [None],
        [f"Bảng 2. {TITLE_VI} NĂM 2021"],
        ["Thị trường", "Tổng số", "Nữ"],
        ["Nhật Bản", 39000, 15000], ["Đài Loan", 20000, 8000],
        [SOURCE_VI]]}),
        {"2020 JPN _T": 39036, "2020 JPN F": 14000, "2020 TWN _T": 34561, "2020 TWN F": 12000,
         "2021 JPN _T": 39000, "2021 JPN F": 15000, "2021 TWN _T": 20000,
         "2021 TWN F": 8000}),
    "vi_one_table_per_sheet_xlsx": Case(xlsx_file({
        "2020": [[f"{TITLE_VI} NĂM 2020"], ["Thị trường", "Nữ", "Nam"],
                 ["Nhật Bản", 14000, 25036]],
        "2021": [[f"{TITLE_VI} NĂM 2021"], ["Thị trường", "Nữ", "Nam"],
                 ["Nhật Bản", 15000, 24000]],
        "Codes": [["JPN", "Nhật Bản"]]}, hidden=("Codes",)),
        {"2020 JPN F": 14000, "2020 JPN M": 25036, "2021 JPN F": 15000,
         "2021 JPN M": 24000}),
    "vi_one_sheet_chosen_of_several_xlsx": Case(xlsx_file({
        "2020": [["Năm", "Thị trường", "Số lao động"], [2020, "Nhật Bản", 39036]],
        "2021": [["Năm", "Thị trường", "Số lao động"], [2021, "Nhật Bản", 39000]]}),
        {"2021 JPN _T": 39000}, sheet="2021"),
    "en_two_tables_in_one_csv": Case(csv_file(
        "\"Table 1: Workers deployed abroad, 2020\"\nCountry,Women,Men\nJapan,14000,25036\n"
        "Source: Department of Overseas Labour\n\n\"Table 2: Workers deployed abroad, 2021\"\n"
        "Country,Women,Men\nJapan,15000,24000\nTaiwan,8000,12000\n"
        "Note: 2021 figures are provisional\n"),
        {"2020 JPN F": 14000, "2020 JPN M": 25036, "2021 JPN F": 15000, "2021 JPN M": 24000,
         "2021 TWN F": 8000, "2021 TWN M": 12000}),
    # --- encodings -----------------------------------------------------------------------
    "vi_utf8_bom_unit_footnote_csv": Case(csv_file(
        f"{TITLE_VI}\nĐơn vị tính: người\nNăm,Thị trường,Tổng số,Nữ\n2023,Nhật Bản,80000,"
        "30000\n2023,Đài Loan,58000,20000\nNguồn: Bộ Lao động - Thương binh và Xã hội\n",
        encoding="utf-8-sig"),
        {"2023 JPN _T": 80000, "2023 JPN F": 30000, "2023 TWN _T": 58000,
         "2023 TWN F": 20000}),
    "vi_utf16_tab_two_row_header_csv": Case(csv_file(
        "Năm\tThị trường\tSố lao động\t\n\t\tTổng số\tTrong đó: Nữ\n2021\tNhật Bản\t39000\t"
        "15000\n\tHàn Quốc\t1234\t400\n", encoding="utf-16"),
        {"2021 JPN _T": 39000, "2021 JPN F": 15000, "2021 KOR _T": 1234, "2021 KOR F": 400}),
    "vi_windows_1258_sex_columns_csv": Case(csv_file(
        "Năm;Thị trường;Nữ;Nam\n2021;Nhật Bản;15.000;24.000\n2021;Đài Loan;8.000;12.000\n",
        encoding="cp1258"),
        {"2021 JPN F": 15000, "2021 JPN M": 24000, "2021 TWN F": 8000, "2021 TWN M": 12000}),
    # --- Lao -----------------------------------------------------------------------------
    "lo_long_table_csv": Case(csv_file(
        "ປີ,ປະເທດປາຍທາງ,ເພດ,ຈຳນວນແຮງງານ\n2022,ໄທ,ຍິງ,5200\n2022,ໄທ,ຊາຍ,4800\n"
        "2022,ມາເລເຊຍ,ຍິງ,300\n2022,ມາເລເຊຍ,ຊາຍ,700\n"),
        {"2022 THA F": 5200, "2022 THA M": 4800, "2022 MYS F": 300, "2022 MYS M": 700}),
    "lo_sex_columns_serial_unit_footnote_xlsx": Case(xlsx_file({"ປີ 2022": [
        ["ແຮງງານທີ່ໄປເຮັດວຽກຢູ່ຕ່າງປະເທດ ປີ 2022", None, None, None, None],
        [None, None, None, "ຫົວໜ່ວຍ: ພັນຄົນ", None],
        ["ລ/ດ", "ປະເທດ", "ລວມ", "ຍິງ", "ຊາຍ"],
        [1, "ໄທ", 10.5, 5.2, 5.3], [2, "ຍີ່ປຸ່ນ", 1.2, 0.5, 0.7],
        ["ລວມທັງໝົດ", None, 11.7, 5.7, 6.0],
        ["ແຫຼ່ງຂໍ້ມູນ: ກະຊວງແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ", None, None, None, None]]},
        {"ປີ 2022": ["A1:E1", "A6:B6"]}),
        {"2022 THA _T": 10500, "2022 THA F": 5200, "2022 THA M": 5300, "2022 JPN _T": 1200,
         "2022 JPN F": 500, "2022 JPN M": 700, "2022 _T _T": 11700, "2022 _T F": 5700,
         "2022 _T M": 6000}),
    "lo_regions_csv": Case(csv_file(
        "ປີ,ປະເທດ,ຈຳນວນແຮງງານ\n2023,ອາຊີ,11500\n2023,ໄທ,10000\n2023,ມາເລເຊຍ,1000\n"
        "2023,ຍີ່ປຸ່ນ,500\n2023,ລວມ,11500\n"),
        {"2023 THA _T": 10000, "2023 MYS _T": 1000, "2023 JPN _T": 500, "2023 _T _T": 11500}),
    # --- Korean --------------------------------------------------------------------------
    "ko_long_table_csv": Case(csv_file(
        "연도,국가,성별,파견 인원\n2022,일본,여성,1200\n2022,일본,남성,1800\n"
        "2022,대만,여,400\n2022,대만,남,600\n"),
        {"2022 JPN F": 1200, "2022 JPN M": 1800, "2022 TWN F": 400, "2022 TWN M": 600}),
    "ko_sex_columns_unit_thousands_xlsx": Case(xlsx_file({"Sheet1": [
        ["2022년 해외 파견 근로자 현황"], ["단위: 천명"],
        ["번호", "국가", "계", "여", "남"],
        [1, "일본", 3.0, 1.2, 1.8], [2, "대만", 1.0, 0.4, 0.6],
        ["합계", None, 4.0, 1.6, 2.4],
        ["자료: 고용노동부"]]}),
        {"2022 JPN _T": 3000, "2022 JPN F": 1200, "2022 JPN M": 1800, "2022 TWN _T": 1000,
         "2022 TWN F": 400, "2022 TWN M": 600, "2022 _T _T": 4000, "2022 _T F": 1600,
         "2022 _T M": 2400}),
    "ko_regions_with_subtotal_words_xlsx": Case(xlsx_file({"Sheet1": [
        ["연도", "국가", "파견 인원"],
        [2023, "일본", 3000], [2023, "대만", 1000], [2023, "아시아 소계", 4000],
        [2023, "사우디아라비아", 700], [2023, "카타르", 300], [2023, "중동 소계", 1000],
        [2023, "합계", 5000]]}),
        {"2023 JPN _T": 3000, "2023 TWN _T": 1000, "2023 SAU _T": 700, "2023 QAT _T": 300,
         "2023 _T _T": 5000}),
    # --- English -------------------------------------------------------------------------
    "en_unit_thousands_sex_columns_csv": Case(csv_file(
        "Workers deployed abroad under contract\nUnit: thousands\nYear,Country,Total,Women,"
        "Men\n2021,Japan,39,15,24\n2021,Korea,1.5,0.5,1\n2021,Total,40.5,15.5,25\n"
        "Source: Ministry of Labour\n"),
        {"2021 JPN _T": 39000, "2021 JPN F": 15000, "2021 JPN M": 24000, "2021 KOR _T": 1500,
         "2021 KOR F": 500, "2021 KOR M": 1000, "2021 _T _T": 40500, "2021 _T F": 15500,
         "2021 _T M": 25000}),
    "en_merged_title_repeats_flow_name_xlsx": Case(xlsx_file({"Data": [
        ["Workers deployed", None, None],
        ["Year", "Country", "Workers deployed"],
        [2021, "Japan", 39000], [2021, "Middle East", 3000], [2021, "Saudi Arabia", 2000],
        [2021, "Qatar", 1000]]}, {"Data": ["A1:C1"]}),
        {"2021 JPN _T": 39000, "2021 SAU _T": 2000, "2021 QAT _T": 1000}),
    "vi_title_split_at_its_comma_csv": Case(csv_file(
        "Số lao động đi làm việc ở nước ngoài, năm 2021\nNăm,Thị trường,Số lao động\n"
        "2021,Nhật Bản,39000\n"),
        {"2021 JPN _T": 39000}),
    "ko_form_number_and_date_lines_xlsx": Case(xlsx_file({"통계표": [
        ["[서식 제3호]"], ["작성일: 2023. 1. 15."], ["2022년 해외 파견 근로자 현황"],
        ["단위: 명"], ["번호", "국가", "계", "여성", "남성"],
        [1, "일본", 3000, 1200, 1800], [2, "필리핀", 500, 300, 200],
        ["주: 2022년 잠정치"]]}),
        {"2022 JPN _T": 3000, "2022 JPN F": 1200, "2022 JPN M": 1800, "2022 PHL _T": 500,
         "2022 PHL F": 300, "2022 PHL M": 200}),
    "vi_form_number_line_xlsx": Case(xlsx_file({"Sheet1": [
        ["Mẫu số: 01/2023/TT-BLĐTBXH"], [f"{TITLE_VI} NĂM 2022"],
        ["Thị trường", "Tổng số", "Lao động nữ"], ["Hàn Quốc", 9968, 1200]]}),
        {"2022 KOR _T": 9968, "2022 KOR F": 1200}),
    # --- numbered columns, units in headings, marks around labels ------------------------
    "vi_heading_unit_numbered_columns_marked_labels_xlsx": Case(xlsx_file({"Biểu 02": [
        [f"{TITLE_VI} NĂM 2022"] + [None] * 3,
        ["STT", "Thị trường", "Số lao động (nghìn người)", "Tỷ lệ nữ (%)"],
        ["A", "B", "(1)", "(2)"],
        [1, "- Nhật Bản", 67.3, 37.2], [2, "- Đài Loan (1)", 58.6, 34.1],
        [None, "Tổng cộng:", 125.9, 35.8],
        ["(1) Đài Loan (Trung Quốc)"] + [None] * 3]}, {"Biểu 02": ["A1:D1"]}),
        {"2022 JPN _T": 67300, "2022 TWN _T": 58600, "2022 _T _T": 125900}),
    "vi_headings_broken_over_lines_uppercase_xlsx": Case(xlsx_file({"Sheet1": [
        ["NĂM", "THỊ TRƯỜNG", "NỮ\n(nghìn người)", "NAM\n(nghìn người)"],
        [2021, "NHẬT BẢN", "15", "24,5"]]}),
        {"2021 JPN F": 15000, "2021 JPN M": 24500}),
    "vi_share_column_under_a_spanning_heading_xlsx": Case(xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Số lao động", None, None],
        [None, None, "Tổng số", "Nữ", "Tỷ lệ nữ (%)"],
        [2022, "Nhật Bản", 67295, 25000, 37.1]]},
        {"Sheet1": ["A1:A2", "B1:B2", "C1:E1"]}),
        {"2022 JPN _T": 67295, "2022 JPN F": 25000}),
    "ko_year_columns_with_suffix_csv": Case(csv_file(
        "해외 파견 근로자 현황\n(단위: 명)\n국가,2021년,2022년\n일본,2800,3000\n대만,900,1000\n"
        "합계,3700,4000\n"),
        {"2021 JPN _T": 2800, "2022 JPN _T": 3000, "2021 TWN _T": 900, "2022 TWN _T": 1000,
         "2021 _T _T": 3700, "2022 _T _T": 4000}),
    "lo_year_columns_with_prefix_xlsx": Case(xlsx_file({"Sheet1": [
        ["ລ/ດ", "ປະເທດ", "ປີ 2022", "ປີ 2023"],
        [1, "ໄທ", 10000, 11000], [2, "ມາເລເຊຍ", 1000, 900]]}),
        {"2022 THA _T": 10000, "2023 THA _T": 11000, "2022 MYS _T": 1000,
         "2023 MYS _T": 900}),
    "en_both_sexes_with_year_in_title_csv": Case(csv_file(
        "Workers deployed abroad in 2022\nCountry,Both sexes,Female,Male\n"
        "Japan,3000,1200,1800\n* provisional\n"),
        {"2022 JPN _T": 3000, "2022 JPN F": 1200, "2022 JPN M": 1800}),
    # --- columns told by their cells -----------------------------------------------------
    "ko_category_heading_and_blank_corner_xlsx": Case(xlsx_file({"Sheet1": [
        ["2022년 해외 파견 근로자"], [None, "구분", "여성", "남성"],
        ["I", "아시아", 1600, 2400], [1, "일본", 1200, 1800], [2, "대만", 400, 600],
        [None, "합계", 1600, 2400]]}),
        {"2022 JPN F": 1200, "2022 JPN M": 1800, "2022 TWN F": 400, "2022 TWN M": 600,
         "2022 _T F": 1600, "2022 _T M": 2400}),
    "vi_region_rows_by_sex_long_table_csv": Case(csv_file(
        "Năm,Thị trường,Giới tính,Số lao động\n2021,Châu Á,Nữ,15400\n2021,Châu Á,Nam,24834\n"
        "2021,Nhật Bản,Nữ,15000\n2021,Nhật Bản,Nam,24000\n2021,Hàn Quốc,Nữ,400\n"
        "2021,Hàn Quốc,Nam,834\n"),
        {"2021 JPN F": 15000, "2021 JPN M": 24000, "2021 KOR F": 400, "2021 KOR M": 834}),
    "vi_worded_headings_and_a_region_column_xlsx": Case(xlsx_file({"Sheet1": [
        [f"{TITLE_VI} NĂM 2023"], ["Đơn vị: lao động"],
        ["STT", "Khu vực", "Thị trường", "Tổng số lao động", "Số lao động nữ"],
        [1, "Châu Á", "Nhật Bản", 80000, 30000], [2, "Châu Á", "Đài Loan", 58000, 20000],
        [3, "Châu Âu", "Đức", 700, 300]]}),
        {"2023 JPN _T": 80000, "2023 JPN F": 30000, "2023 TWN _T": 58000,
         "2023 TWN F": 20000, "2023 DEU _T": 700, "2023 DEU F": 300}),
    "ko_bare_subtotal_rows_csv": Case(csv_file(
        "2023년 해외 파견 근로자\n국가,인원\n일본,3000\n대만,1000\n소계,4000\n"
        "사우디아라비아,700\n카타르,300\n소계,1000\n합계,5000\n"),
        {"2023 JPN _T": 3000, "2023 TWN _T": 1000, "2023 SAU _T": 700, "2023 QAT _T": 300,
         "2023 _T _T": 5000}),
    # --- other dataflows and the template's codes ----------------------------------------
    "vi_template_codes_bare_and_labelled_xlsx": Case(xlsx_file({"Data": [
        ["Năm", "Thị trường", "Giới tính", "Nhóm nghề", "Hình thức đi làm việc",
         "Số lao động"],
        [2022, "JPN: Nhật Bản / Japan", "_T", "_T", "SERVICE", 100],
        [2022, "JPN", "F: Nữ / Female", "_T: Tổng / Total", "_T: Tổng / Total", 40],
        [2022, "KOR", "_T", "OC7", "_T", 30]]}),
        {"2022 JPN _T SERVICE": 100, "2022 JPN F": 40, "2022 KOR _T OC7": 30}),
    "ko_students_by_level_columns_csv": Case(csv_file(
        "2023년 해외 유학생\n국가,학사,석사,박사\n일본,500,120,30\n", encoding="utf-8-sig"),
        {"2023 JPN _T BACHELOR": 500, "2023 JPN _T MASTER": 120,
         "2023 JPN _T DOCTORAL": 30}, dataflow="STUDENTS_ABROAD"),
    "vi_returnees_sex_columns_xlsx": Case(xlsx_file({"Sheet1": [
        ["Năm", "Trở về từ", "Tổng số", "Nữ", "Nam"],
        [2023, "Hàn Quốc", 120, 50, 70]]}),
        {"2023 KOR _T": 120, "2023 KOR F": 50, "2023 KOR M": 70}, dataflow="RETURNEES"),
    "vi_region_mapped_to_other_countries_csv": Case(csv_file(
        "Năm,Thị trường,Số lao động\n2021,Nhật Bản,39000\n2021,Châu Phi,760\n"),
        {"2021 JPN _T": 39000, "2021 _O _T": 760},
        mapping={"labels": {"counterpart_area": {"Châu Phi": "_O"}}}),
}


def _read(case: Case, tmp_path: Path, name: str) -> NationalRead:
    path = case.write(tmp_path / name)
    return read_national(path, dataflow=builtin_dataflows()[case.dataflow], sheet=case.sheet,
                         mapping=Mapping.model_validate(case.mapping))


def test_the_corpus_is_broad():
    names = list(CASES)
    assert len(names) >= 30
    for what in ("_csv", "_xlsx", "vi_", "lo_", "ko_", "en_"):
        assert sum(what in n for n in names) >= 3, what


@pytest.mark.parametrize("name", list(CASES))
def test_a_ministry_layout_gives_its_figures(tmp_path, name):
    case = CASES[name]
    read = _read(case, tmp_path, name)
    assert [str(p) for p in read.problems] == []
    assert [str(w) for w in read.warnings] == []
    assert observed(read) == case.expected


if __name__ == "__main__":
    import sys
    import tempfile

    for name in sys.argv[1:] or CASES:
        read = _read(CASES[name], Path(tempfile.mkdtemp()), name)
        print(name, [str(p) for p in read.problems + read.warnings])
        print("   ", observed(read))
        print("   ", CASES[name].expected)


def merged_over_a_value(path: Path) -> Path:
    """A workbook whose merged range C2:D2 covers a cell that holds its own figure (a
    program, not Excel, wrote it): only the first is shown."""
    from openpyxl.worksheet.cell_range import CellRange

    book = openpyxl.Workbook()
    ws = book.active
    for row in (["Năm", "Thị trường", "Nữ", "Nam"], [2021, "Nhật Bản", 15000, 24000]):
        ws.append(row)
    ws.merged_cells.add(CellRange("C2:D2"))
    target = path.with_suffix(".xlsx")
    book.save(target)
    return target


# (writer, rule, row, column, value, fragments of the message)
BAD: dict[str, tuple] = {
    "subtotal_disagrees_csv": (csv_file(
        "Năm,Thị trường,Số lao động\n2021,Châu Á,100\n2021,Nhật Bản,60\n2021,Hàn Quốc,30\n"),
        "subtotal", 2, "Số lao động", "100",
        ("Châu Á is 100", "(rows 3–4: Nhật Bản, Hàn Quốc) add up to 90", "difference of 10")),
    "subtotal_in_thousands_beyond_rounding_csv": (csv_file(
        "Đơn vị tính: nghìn người\nNăm,Thị trường,Số lao động\n2022,Châu Á,126.4\n"
        "2022,Nhật Bản,67.3\n2022,Đài Loan,58.6\n"),
        "subtotal", 3, "Số lao động", "126.4", ("is 126,400", "add up to 125,900")),
    "closing_subtotal_disagrees_xlsx": (xlsx_file({"2022": [
        ["STT", "Thị trường", "Tổng số", "Nữ"], [1, "Nhật Bản", 10, 4], [2, "Hàn Quốc", 5, 2],
        [None, "Cộng châu Á", 15, 7]]}),
        "subtotal", 4, "Nữ", "7", ("Cộng châu Á is 7", "add up to 6")),
    "region_without_its_countries_csv": (csv_file(
        "Năm,Thị trường,Số lao động\n2021,Nhật Bản,10\n2021,Châu Phi,5\n"),
        "subtotal", 3, "Thị trường", "Châu Phi", ("without the countries", '"_O"')),
    "nam_fits_neither_reading_csv": (csv_file(
        "Năm,Thị trường,Nam\n2021,Nhật Bản,khoảng 10\n2021,Hàn Quốc,gần 5\n"),
        "ambiguous_column", 1, "Nam", "khoảng 10, gần 5",
        ("sex=M or as time_period", "fit neither reading", "mapping file")),
    "nam_of_years_beside_nu_fits_both_readings_csv": (csv_file(
        "Nam,Thị trường,Nữ\n2021,Nhật Bản,15000\n2022,Nhật Bản,16000\n"),
        "ambiguous_column", 1, "Nam", "2021, 2022", ("fit both readings", "mapping file")),
    "formula_without_saved_value_xlsx": (xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Nữ", "Nam"], [2021, "Nhật Bản", 15000, "=C2*2"]]}),
        "formula_not_computed", 2, "D", "=C2*2", ("no saved result",)),
    "figure_merged_over_two_columns_xlsx": (xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Nữ", "Nam"], [2021, "Nhật Bản", 15000, None]]},
        {"Sheet1": ["C2:D2"]}),
        "merged_figure", 2, "Nam", "15000", ("counted in each",)),
    "label_merged_over_a_figure_xlsx": (xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Nữ", "Nam"], [2021, "Nhật Bản", 15000, 24000],
        [2021, "Tổng cộng", None, 24000]]}, {"Sheet1": ["B3:C3"]}),
        "merged_figure", 3, "Nữ", "Tổng cộng", ("showing 'Tổng cộng'", "Unmerge")),
    "figure_hidden_under_a_merged_cell_xlsx": (merged_over_a_value,
        "merged_hides_value", 2, "D", "24000", ("showing '15000'", "Unmerge")),
    "text_in_a_sex_column_csv": (csv_file(
        "Năm,Thị trường,Nữ,Nam\n2021,Nhật Bản,15000,24000\n2021,Hàn Quốc,300,khoảng 900\n"),
        "number", 3, "Nam", "khoảng 900", ("not a number",)),
    "unit_not_understood_csv": (csv_file(
        "Đơn vị tính: tỷ đồng\nNăm,Thị trường,Số lao động\n2021,Nhật Bản,10\n"),
        "unit", 1, None, "Đơn vị tính: tỷ đồng", ("not understood",)),
    "title_names_two_years_csv": (csv_file(
        "SỐ LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI 2020-2021\nThị trường,Số lao động\n"
        "Nhật Bản,10\n"),
        "missing_column", 2, None, None, ("no column for the year",)),
    "same_year_twice_on_one_row_xlsx": (xlsx_file({"Sheet1": [
        ["Thị trường", "Năm 2021", "2021"], ["Nhật Bản", 39000, 39000]]}),
        "duplicate", 2, "2021", "2021, JPN, _T, _T, _T", ("first in column 'Năm 2021'",)),
    "same_figure_on_two_sheets_xlsx": (xlsx_file({
        "A": [["Năm", "Thị trường", "Số lao động"], [2021, "Nhật Bản", 39000]],
        "B": [["Năm", "Thị trường", "Số lao động"], [2021, "Nhật Bản", 39000]]}),
        "duplicate", 2, "Số lao động", "2021, JPN, _T, _T, _T",
        ("first in column 'Số lao động' of sheet 'A'",)),
    "total_column_beside_two_splits_xlsx": (xlsx_file({"Sheet1": [
        ["Năm", "Thị trường", "Tổng số", "Nữ", "Lao động giản đơn"],
        [2021, "Nhật Bản", 10, 4, 3]]}),
        "layout", 1, "Tổng số", None, ("split the figures by occupation and sex",)),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_layout_is_refused_with_a_useful_message(tmp_path, name):
    writer, rule, row, column, value, fragments = BAD[name]
    read = read_national(writer(tmp_path / name),
                         dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"])
    found = [p for p in read.problems if p.rule == rule]
    assert found, [str(p) for p in read.problems]
    problem = found[0]
    assert (problem.row, problem.column, problem.value, problem.severity) == (
        row, column, value, "error"), str(problem)
    for fragment in fragments:
        assert fragment in problem.message, problem.message


def test_an_ambiguous_heading_leaves_its_readings_for_the_mapping(tmp_path):
    writer = BAD["nam_fits_neither_reading_csv"][0]
    read = read_national(writer(tmp_path / "nam"),
                         dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"])
    assert read.unknown_columns == {"Nam": ["sex=M", "time_period"]}


# every code a template offers -------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NATIONAL = sorted(flow.id for flow in builtin_dataflows().values() if flow.national)


def _dropdowns(profile: Path, dataflow_id: str, tmp_path: Path) -> dict[str, list[str]]:
    """Each coded column of the template's Data sheet with the entries its dropdown
    offers (kept on the hidden Codes sheet)."""
    from migprofile.report.agency_template import write_template

    book = openpyxl.load_workbook(write_template(Profile.load(profile), dataflow_id,
                                                 out=tmp_path / f"{dataflow_id}.xlsx"))
    flow = builtin_dataflows()[dataflow_id]
    columns = {}
    for index, dimension in enumerate(flow.dimensions, start=1):
        entries = [row[0] for row in book["Codes"].iter_rows(min_col=index, max_col=index,
                                                             values_only=True) if row[0]]
        if entries:
            columns[dimension.id] = entries
    return columns


@pytest.mark.parametrize("profile", ["viet-nam", "lao-pdr"])
@pytest.mark.parametrize("dataflow_id", NATIONAL)
def test_every_dropdown_entry_is_accepted_bare_and_as_its_label(tmp_path, profile,
                                                                dataflow_id):
    from migprofile.sources.national.labels import HeadingResolver

    flow = builtin_dataflows()[dataflow_id]
    resolver = HeadingResolver(flow, Mapping())
    dropdowns = _dropdowns(EXAMPLES / profile, dataflow_id, tmp_path)
    assert dropdowns, "the template offers no dropdown"
    refused = []
    for dimension, entries in dropdowns.items():
        for entry in entries:
            code = entry.partition(":")[0]
            for form in (entry, code):
                if resolver.labels[dimension].code(form) != code:
                    refused.append(f"{dimension}: {form!r}")
    assert refused == []


@pytest.mark.parametrize("dataflow_id", NATIONAL)
def test_the_filled_template_imports_with_the_bare_total_code(tmp_path, dataflow_id):
    """The template itself (its hidden Codes sheet and its Instructions sheet too), with a
    row typing ``_T`` in each coded column that offers the total (``_T: Total``)."""
    from migprofile.report.agency_template import write_template

    flow = builtin_dataflows()[dataflow_id]
    dropdowns = _dropdowns(EXAMPLES / "viet-nam", dataflow_id, tmp_path)
    row = []
    for dimension in flow.dimensions:
        entries = dropdowns.get(dimension.id, [])
        if dimension.id == "time_period":
            row.append(2022)
        elif dimension.id == "counterpart_area":
            row.append("JPN")
        else:
            row.append(entries[0].partition(":")[0] if entries else "Hà Nội")
    path = write_template(Profile.load(EXAMPLES / "viet-nam"), dataflow_id,
                          out=tmp_path / "filled.xlsx")
    book = openpyxl.load_workbook(path)
    for column, value in enumerate([*row, 12], start=1):
        book["Data"].cell(2, column, value)
    book.save(path)
    read = read_national(path, dataflow=flow)
    assert [str(p) for p in read.problems + read.warnings] == []
    assert (read.sheet, [r.value for r in read.records]) == ("Data", [12])


def test_a_hidden_sheet_with_a_table_is_named_not_dropped_unseen(tmp_path):
    path = xlsx_file({
        "2021": [["Năm", "Thị trường", "Số lao động"], [2021, "Nhật Bản", 39000]],
        "2020": [["Năm", "Thị trường", "Số lao động"], [2020, "Nhật Bản", 39036]]},
        hidden=("2020",))(tmp_path / "hidden")
    read = read_national(path, dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"])
    assert read.problems == [] and observed(read) == {"2021 JPN _T": 39000}
    assert [(w.rule, w.sheet, w.severity) for w in read.warnings] == [
        ("hidden_sheet", "2020", "warning")]


def test_a_labelled_row_starting_like_a_footnote_keeps_its_figure(tmp_path):
    path = csv_file("Năm,Thị trường,Số lao động\n2021,* Nhật Bản,39000\n")(tmp_path / "star")
    read = read_national(path, dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"])
    assert read.problems == [] and observed(read) == {"2021 JPN _T": 39000}


def test_a_hidden_sheet_named_with_sheet_is_read(tmp_path):
    path = xlsx_file({
        "2021": [["Năm", "Thị trường", "Số lao động"], [2021, "Nhật Bản", 39000]],
        "2020": [["Năm", "Thị trường", "Số lao động"], [2020, "Nhật Bản", 39036]]},
        hidden=("2020",))(tmp_path / "hidden")
    read = read_national(path, dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"],
                         sheet="2020")
    assert (read.problems, read.warnings) == ([], [])
    assert (read.sheet, observed(read)) == ("2020", {"2020 JPN _T": 39036})
