"""Random ministry tables, written as ministries write them, read back to their figures.

Each example draws a language (Vietnamese, Lao, Korean, English), a format (CSV or XLSX),
and a layout: sex as columns (with or without a total column, under a spanning heading or
not), as rows or not at all; the year in a column (written once per group, merged or left
blank below) or in each table's title (one table per year, on one sheet or one per sheet);
a serial-number column; title, unit (persons or thousands) and source lines; regional
subtotal rows; a grand total. Whatever the draw, the figures read are the figures written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migprofile.codes import builtin_dataflows
from migprofile.sources.national.reader import read_national
from tests.sources.test_layout_corpus import observed
from tests.sources.test_table_reader import windows_1258


@dataclass(frozen=True)
class Words:
    year: str
    country: str
    sex: str
    value: str
    total: str
    women: str
    men: str
    serial: str
    grand_total: str
    regions: dict[str, list[str]]
    countries: dict[str, str]
    units: tuple[str, str]
    """The unit line for persons, and for thousands."""
    title: str
    source: str


LANGUAGES = {
    "vi": Words("Năm", "Thị trường", "Giới tính", "Số lao động", "Tổng số", "Nữ", "Nam", "STT",
                "Tổng cộng", {"Châu Á": ["JPN", "KOR", "TWN"], "Trung Đông": ["SAU", "QAT"]},
                {"JPN": "Nhật Bản", "KOR": "Hàn Quốc", "TWN": "Đài Loan",
                 "SAU": "Ả Rập Xê Út", "QAT": "Qatar"},
                ("Đơn vị tính: người", "Đơn vị tính: nghìn người"),
                "SỐ LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI NĂM {year}",
                "Nguồn: Cục Quản lý lao động ngoài nước"),
    "lo": Words("ປີ", "ປະເທດ", "ເພດ", "ຈຳນວນແຮງງານ", "ລວມ", "ຍິງ", "ຊາຍ", "ລ/ດ", "ລວມທັງໝົດ",
                {"ອາຊີ": ["JPN", "THA", "MYS"], "ເອີຣົບ": ["DEU"]},
                {"JPN": "ຍີ່ປຸ່ນ", "THA": "ໄທ", "MYS": "ມາເລເຊຍ", "DEU": "Germany"},
                ("ຫົວໜ່ວຍ: ຄົນ", "ຫົວໜ່ວຍ: ພັນຄົນ"),
                "ແຮງງານໄປເຮັດວຽກຢູ່ຕ່າງປະເທດ ປີ {year}", "ແຫຼ່ງຂໍ້ມູນ: ກະຊວງແຮງງານ"),
    "ko": Words("연도", "국가", "성별", "파견 인원", "계", "여성", "남성", "번호", "합계",
                {"아시아": ["JPN", "TWN", "PHL"], "중동": ["SAU", "QAT"]},
                {"JPN": "일본", "TWN": "대만", "PHL": "필리핀", "SAU": "사우디아라비아",
                 "QAT": "카타르"},
                ("단위: 명", "단위: 천명"), "{year}년 해외 파견 근로자 현황", "자료: 고용노동부"),
    "en": Words("Year", "Country", "Sex", "Workers deployed", "Total", "Women", "Men", "No.",
                "Grand total", {"Asia": ["JPN", "KOR"], "Middle East": ["SAU", "QAT"]},
                {"JPN": "Japan", "KOR": "Korea", "SAU": "Saudi Arabia", "QAT": "Qatar"},
                ("Unit: persons", "Unit: thousands"), "Workers deployed abroad in {year}",
                "Source: Ministry of Labour"),
}


@dataclass
class Layout:
    words: Words
    xlsx: bool
    sex: str  # "columns", "rows" or "none"
    total_column: bool
    spanning: bool
    year_in: str  # "column" or "title"
    per_sheet: bool
    written_once: bool
    serial: bool
    thousands: bool
    title: bool
    source: bool
    regions: bool
    grand_total: bool
    years: list[int]
    members: dict[str, list[str]]
    merged: bool = False
    """XLSX: a label written once is merged down its rows (CSV: left blank below)."""
    numbered: bool = False
    """A row under the header numbering the columns (A, B, 1, 2, ...)."""
    letterhead: bool = False
    """Ministry, document number and date lines above the title."""
    encoding: str = "utf-8"
    figures: dict[tuple[int, str, str], int] = field(default_factory=dict)

    @classmethod
    def draw(cls, rng: random.Random) -> Layout:
        words = LANGUAGES[rng.choice(sorted(LANGUAGES))]
        xlsx = rng.random() < 0.5
        year_in = rng.choice(["column", "title"])
        members = {region: rng.sample(codes, rng.randint(1, len(codes)))
                   for region, codes in words.regions.items()}
        return cls(words, xlsx, rng.choice(["columns", "rows", "none"]), rng.random() < 0.5,
                   xlsx and rng.random() < 0.5, year_in,
                   xlsx and year_in == "title" and rng.random() < 0.5, rng.random() < 0.5,
                   rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.7,
                   rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.5,
                   list(range(first := rng.randint(2017, 2022), first + rng.randint(1, 2))),
                   members, merged=xlsx and rng.random() < 0.5, numbered=rng.random() < 0.3,
                   letterhead=rng.random() < 0.3,
                   encoding=rng.choice(["utf-8", "utf-8-sig", "utf-16"]
                                       + (["cp1258"] if words is LANGUAGES["vi"] else [])))

    def sexes(self) -> list[str]:
        if self.sex == "none":
            return ["_T"]
        return (["_T"] if self.total_column else []) + ["F", "M"]

    def draw_figures(self, rng: random.Random) -> None:
        step = 100 if self.thousands else 1
        for year in self.years:
            for codes in self.members.values():
                for code in codes:
                    women, men = rng.randint(1, 300) * step, rng.randint(1, 300) * step
                    self.figures[(year, code, "F")] = women
                    self.figures[(year, code, "M")] = men
                    self.figures[(year, code, "_T")] = women + men

    def sum_of(self, year: int, codes: list[str], sex: str) -> int:
        return sum(self.figures[(year, code, sex)] for code in codes)

    def expected(self) -> dict[str, float]:
        found = {}
        for year in self.years:
            rows = [code for codes in self.members.values() for code in codes]
            if self.grand_total:
                rows.append("_T")
            for code in rows:
                for sex in self.sexes():
                    value = self.sum_of(year, [c for cs in self.members.values() for c in cs],
                                        sex) if code == "_T" else self.figures[(year, code, sex)]
                    found[f"{year} {code} {sex}"] = value
        return found

    # writing -----------------------------------------------------------------------------

    def number(self, value: int) -> object:
        shown = value / 1000 if self.thousands else value
        if self.xlsx:
            return shown
        return f"{shown:.1f}".replace(".", ",") if self.thousands and self.words is \
            LANGUAGES["vi"] else (f"{shown:.1f}" if self.thousands else str(value))

    def header(self) -> list[list]:
        w = self.words
        labels = ([w.serial] if self.serial else []) + (
            [w.year] if self.year_in == "column" else []) + [w.country]
        if self.sex == "rows":
            return [[*labels, w.sex, w.value]]
        if self.sex == "none":
            return [[*labels, w.value]]
        split = ([w.total] if self.total_column else []) + [w.women, w.men]
        if self.spanning:
            return [labels + [w.value] + [None] * (len(split) - 1), [None] * len(labels) + split]
        return [labels + split]

    def body(self, year: int) -> list[list]:
        w = self.words
        rows = []
        serial = 0
        groups = [(region, codes) for region, codes in self.members.items()]
        everyone = [c for _, codes in groups for c in codes]
        first = True
        for region, codes in groups:
            entries = ([(region, codes)] if self.regions else []) + [(c, [c]) for c in codes]
            for label, parts in entries:
                serial += 1
                name = label if label in w.regions else w.countries[label]
                rows += self.lines(year, name, parts, serial, first)
                first = False
        if self.grand_total:
            rows += self.lines(year, w.grand_total, everyone, None, False)
        return rows

    def lines(self, year: int, name: str, parts: list[str], serial: int | None,
              first: bool) -> list[list]:
        lead = ([serial] if self.serial else [])
        if self.year_in == "column":
            lead.append(year if first or not self.written_once else None)
        if self.sex == "rows":
            sexes = self.sexes()
            names = {"_T": self.words.total, "F": self.words.women, "M": self.words.men}
            return [[*lead, name if k == 0 or not self.written_once else None, names[sex],
                     self.number(self.sum_of(year, parts, sex))]
                    for k, sex in enumerate(sexes)]
        return [lead + [name] + [self.number(self.sum_of(year, parts, sex))
                                 for sex in self.sexes()]]

    def tables(self) -> list[tuple[int | None, list[list]]]:
        """(year of the table, rows) for each table."""
        w = self.words
        years = self.years if self.year_in == "title" else [None]
        made = []
        for year in years:
            rows: list[list] = []
            if self.title or self.year_in == "title" or self.letterhead:
                rows.append([w.title.format(year=year if year else self.years[0])
                             if year else w.title.format(year="").strip()])
            if self.thousands or self.title:
                rows.append([w.units[1] if self.thousands else w.units[0]])
            if self.letterhead:
                rows += [["BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"], ["Số: 15/2024/BC-LĐTBXH"],
                         ["Hà Nội, ngày 10 tháng 1 năm 2024"]]
            rows += self.header()
            if self.numbered:
                width = len(self.header()[-1])
                labels = width - len(self.sexes()) if self.sex != "rows" else width - 1
                rows.append([chr(ord("A") + k) for k in range(labels)]
                            + [str(k + 1) for k in range(width - labels)])
            for each in ([year] if year else self.years):
                rows += self.body(each)
            if self.source:
                rows.append([w.source])
            made.append((year, rows))
        return made

    def write(self, path: Path) -> Path:
        tables = self.tables()
        if not self.xlsx:
            import csv
            import io

            out = io.StringIO()
            writer = csv.writer(out)
            for _, rows in tables:
                writer.writerows([["" if c is None else c for c in row] for row in rows])
                writer.writerow([])
            target = path.with_suffix(".csv")
            text = out.getvalue()
            target.write_bytes(windows_1258(text) if self.encoding == "cp1258"
                               else text.encode(self.encoding))
            return target
        book = openpyxl.Workbook()
        book.remove(book.active)
        sheets = [(str(year), [rows]) for year, rows in tables] if self.per_sheet else \
            [("Data", [rows for _, rows in tables])]
        for name, blocks in sheets:
            ws = book.create_sheet(name)
            for rows in blocks:
                for row in rows:
                    ws.append(row)
                ws.append([None])
            if self.merged:
                merge_labels_down(ws)
        target = path.with_suffix(".xlsx")
        book.save(target)
        return target


def merge_labels_down(ws) -> None:
    """Merge each label written once with the blank cells below it in its group's rows
    (rows with a label in the next column)."""
    for column in range(1, ws.max_column):
        row = 1
        while row <= ws.max_row:
            end = row
            while (end + 1 <= ws.max_row and ws.cell(end + 1, column).value is None
                   and ws.cell(end + 1, column + 1).value is not None
                   and ws.cell(row, column).value is not None
                   and ws.cell(row, column + 1).value is not None):
                end += 1
            if end > row:
                ws.merge_cells(start_row=row, start_column=column, end_row=end,
                               end_column=column)
            row = end + 1


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_random_ministry_table_gives_the_figures_written(tmp_path, seed):
    rng = random.Random(seed)
    layout = Layout.draw(rng)
    layout.draw_figures(rng)
    path = layout.write(tmp_path / f"table-{seed}")
    read = read_national(path, dataflow=builtin_dataflows()["LABOUR_DEPLOYMENTS"])
    assert [str(p) for p in read.problems] == [], layout
    assert [str(w) for w in read.warnings] == [], layout
    assert observed(read) == layout.expected(), layout
