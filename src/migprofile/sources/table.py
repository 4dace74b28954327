"""Reading a spreadsheet as an agency sent it: the cells of one sheet, each with its row.

CSV files come in many encodings (UTF-8 with or without a byte-order mark, UTF-16 as Excel's
"Unicode text", Windows-1258 from Vietnamese Windows, Windows-1252) and with ``,``, ``;`` or
tab between fields. XLSX workbooks have titles above the header, merged cells, formulas,
hidden rows. This module turns either into the same thing, :class:`SheetRows`: every
non-empty row as written, numbered as the officer sees it (line in the CSV file, row in
Excel), so that a problem can be reported where the officer can find it. It knows nothing
about dataflows; :func:`locate_header` is told which headings it should recognise.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from migprofile.errors import InputProblem, Message, MigprofileError

__all__ = [
    "NOT_AVAILABLE",
    "Cell",
    "Header",
    "SheetRows",
    "Table",
    "cell_text",
    "decode_text",
    "is_figure",
    "is_footnote",
    "is_unit_line",
    "locate_header",
    "locate_tables",
    "parse_number",
    "read_sheet",
    "read_sheets",
    "sniff_delimiter",
    "title_year",
    "unit_scale",
]

Cell = str | int | float | None

NOT_AVAILABLE = frozenset({"", "-", "–", "—", "..", "...", "…", "n/a", "N/A", "na", "NA"})
"""Marks agencies write for "no figure": the cell is read as not available, never as zero."""

HEADER_SEARCH_ROWS = 20
MAX_HEADER_ROWS = 3
DELIMITERS = (",", ";", "\t")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
VIETNAMESE_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
WINDOWS_1258_ONLY = frozenset(b"\x8a\x8e\x9a\x9e\x9f\xc3\xcc\xd0\xd2\xd5\xdd\xde\xe3\xec\xf0\xf2"
                              b"\xf5\xfd\xfe")
"""Bytes that Windows-1258 and Windows-1252 decode to different characters."""


@dataclass
class SheetRows:
    """The non-empty rows of one sheet (or CSV file), as written, with their numbers."""

    path: Path
    sheet: str | None
    rows: list[tuple[int, list[Cell]]]
    warnings: list[InputProblem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[str] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    """Cells that cannot be read without losing a figure (formulas without a saved value,
    figures hidden under a merged cell)."""
    hidden: bool = False
    """A hidden sheet: read only to say it holds a table."""
    merged: set[tuple[int, int]] = field(default_factory=set)
    """(row, column index) of cells that only repeat the value of a merged range's first
    cell: a label there continues the one above, a figure there would be counted twice."""


@dataclass(frozen=True)
class Header:
    """The header of a table: its headings and the rows it spans."""

    headings: list[str]
    rows: tuple[int, ...]
    index: int
    """Position in :attr:`SheetRows.rows` of the last header row; data follow it."""
    first: int = -1
    """Position in :attr:`SheetRows.rows` of the first header row."""


@dataclass
class Table:
    """One table of a sheet: the lines above it, its header, its rows, the notes below."""

    sheet: SheetRows
    header: Header
    rows: list[tuple[int, list[Cell]]]
    above: list[tuple[int, str]]
    """Title, document-number and unit lines above the header (row, text)."""
    notes: list[tuple[int, str]] = field(default_factory=list)
    """Footnote and source lines, and text lines between this table and the next."""


def cell_text(cell: Cell) -> str:
    """The text of a cell as the officer sees it (``2017`` for the number 2017.0)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return unicodedata.normalize("NFC", str(cell)).strip()


# numbers --------------------------------------------------------------------------------

_GROUPED = {sep: re.compile(rf"^\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+$") for sep in ",."}
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")


def parse_number(cell: Cell) -> float | None:
    """The number in a cell, or None when it says "not available".

    Thousands separators may be ``,`` (English), ``.`` (Vietnamese) or spaces; the decimal
    mark ``.`` or ``,``. With both marks, the last one is the decimal mark. With one mark
    used once before exactly three digits (``1,234``, ``1.234``) it separates thousands:
    these are counts of people. Raises ValueError for text that is not a number.
    """
    if isinstance(cell, bool):
        raise ValueError("not a number")
    if isinstance(cell, int | float):
        return float(cell)
    text = cell_text(cell)
    for space in (" ", "\u00a0", "\u202f", "'"):
        text = text.replace(space, "")
    if text in NOT_AVAILABLE:
        return None
    sign = -1.0 if text.startswith("-") else 1.0
    digits = _normalised_digits(text.lstrip("+-"))
    if digits is None:
        raise ValueError("not a number")
    return sign * float(digits)


def _normalised_digits(text: str) -> str | None:
    """``1.234,5`` -> ``1234.5``; None when the text is no number in any usual style."""
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = text.rpartition(decimal)
        if not _GROUPED[thousands].match(whole) and thousands in whole:
            return None
        text = whole.replace(thousands, "") + "." + fraction
    elif commas or dots:
        mark = "," if commas else "."
        if _GROUPED[mark].match(text) and not (commas + dots == 1 and text.startswith("0")):
            text = text.replace(mark, "")
        elif commas + dots == 1:
            text = text.replace(",", ".")
        else:
            return None
    return text if _PLAIN.match(text) else None


# CSV ------------------------------------------------------------------------------------

def decode_text(data: bytes, *, path: Path) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    Refuses, naming the file, text whose encoding cannot be decided: better than importing
    names with garbled letters.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode(data, name, path), "utf-16" if name == "utf-16" else "utf-8 (BOM)"
    if b"\x00" in data[:4096]:
        name = "utf-16-be" if data[:1] == b"\x00" else "utf-16-le"
        return _decode(data, name, path), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_single_byte(data, path=path)


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise MigprofileError(Message(
            "the file starts like {encoding} text but byte {byte} is not valid "
            "{encoding}. Save it again from the spreadsheet program as \"CSV UTF-8\".",
            encoding=encoding, byte=exc.start), path=path) from exc


def _decode_single_byte(data: bytes, *, path: Path) -> tuple[str, str]:
    """Windows-1258 (Vietnamese) or Windows-1252, told apart by Vietnamese tone marks."""
    decoded = {}
    for encoding in ("cp1258", "cp1252"):
        try:
            decoded[encoding] = unicodedata.normalize("NFC", data.decode(encoding))
        except UnicodeDecodeError:
            continue
    vietnamese = "cp1258" in decoded and _has_vietnamese_tone_marks(data.decode("cp1258"))
    if vietnamese:
        return decoded["cp1258"], "windows-1258"
    if "cp1252" in decoded and not (set(data) & WINDOWS_1258_ONLY):
        return decoded["cp1252"], "windows-1252"
    raise MigprofileError(Message(
        "cannot tell which text encoding the file uses: it is not UTF-8 or UTF-16, and "
        "neither Windows-1258 (Vietnamese) nor Windows-1252 reads it unambiguously. Open "
        "it in the spreadsheet program and save it as \"CSV UTF-8\" (or as .xlsx)."),
        path=path)


def _has_vietnamese_tone_marks(text: str) -> bool:
    """Windows-1258 writes tones as combining marks after a letter: a sure sign."""
    return any(ch in VIETNAMESE_TONE_MARKS and i and text[i - 1].isalpha()
               for i, ch in enumerate(text))


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one that splits the most lines into the same many fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if (count, width) > best_score:
            best, best_score = delimiter, (count, width)
    return best


def _read_csv(path: Path) -> SheetRows:
    text, encoding = decode_text(path.read_bytes(), path=path)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    for record in reader:
        cells: list[Cell] = [unicodedata.normalize("NFC", c) for c in record]
        if any(c.strip() for c in cells):
            rows.append((line, cells))
        line = reader.line_num + 1
    return SheetRows(path, None, rows, encoding=encoding, delimiter=delimiter)


# XLSX -----------------------------------------------------------------------------------

def _check_workbook_bytes(path: Path) -> None:
    head = path.read_bytes()[:8]
    if head == OLE2_MAGIC:
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise MigprofileError(Message(
                "the workbook is protected by a password, so it cannot be read. Open it in "
                "Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
                "Password, then clear it), save, and import it again."), path=path)
        raise MigprofileError(Message(
            "this is an old Excel 97-2003 workbook (.xls). Open it in Excel and save it as "
            "\"Excel Workbook (.xlsx)\", then import it again."), path=path)
    if head[:4] != ZIP_MAGIC:
        raise MigprofileError(Message("not an XLSX workbook: the file is damaged or of "
                                      "another kind. Open it in Excel and save it as .xlsx."),
                              path=path)


def _open_workbook(path: Path, *, data_only: bool):
    """The workbook; a damaged one (truncated, a part missing or not XML) is refused in one
    sentence: what the zip or XML library says about it is of no use to the officer and
    may quote the file's raw bytes."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except Exception as exc:  # whatever openpyxl, zipfile or the XML parser raise
        raise MigprofileError(Message(
            "the workbook is damaged and cannot be read. Open it in Excel; if Excel "
            "repairs it, save the repaired copy and import that."), path=path) from exc


def _chosen_sheets(book, sheet: str | None, path: Path) -> list:
    """The sheet asked for, or every sheet (a workbook may hold one table per sheet; hidden
    ones are read only to say so when they hold a table)."""
    if sheet is None:
        return book.worksheets
    if sheet not in book.sheetnames:
        raise MigprofileError(Message(
            "the workbook has no sheet {sheet!r}; its sheets are: {sheets}.", sheet=sheet,
            sheets=", ".join(repr(n) for n in book.sheetnames)), path=path)
    return [book[sheet]]


def _merged_values(ws) -> tuple[dict[tuple[int, int], Cell], set[tuple[int, int]]]:
    """Each cell of a merged range carries the value of the range's top-left cell; the
    second set holds the cells that only repeat it."""
    filled, copies = {}, set()
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                filled[(row, col)] = value
                if (row, col) != (merged.min_row, merged.min_col):
                    copies.add((row, col))
    return filled, copies


def _written_cells(path: Path, titles: list[str]) -> dict[str, dict[tuple[int, int], Cell]]:
    """Every cell of these sheets as stored in the file, formulas as formulas, including
    the cells a merged range covers (Excel keeps only the first; other programs may have
    written more)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        return {title: {(cell.row, cell.column): cell.value
                        for row in book[title].iter_rows() for cell in row
                        if getattr(cell, "value", None) is not None}
                for title in titles}
    finally:
        book.close()


def _read_worksheet(path: Path, ws, written: dict[tuple[int, int], Cell], sheets: list[str],
                    *, chosen: bool) -> SheetRows:
    merged, copies = _merged_values(ws)
    result = SheetRows(path, ws.title, [], sheets=sheets, hidden=not chosen and len(
        sheets) > 1 and ws.sheet_state != "visible")
    result.problems += _hidden_by_merge(path, ws.title, copies, written, merged)
    for row_number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [merged.get((row_number, col), value) for col, value in enumerate(row, start=1)]
        if not any(cell_text(c) for c in cells):
            continue
        if ws.row_dimensions[row_number].hidden:
            result.warnings.append(InputProblem(
                file=str(path), sheet=ws.title, row=row_number, rule="hidden_row",
                severity="warning", message=Message(
                    "hidden row skipped; unhide it in Excel if it holds figures to import")))
            continue
        result.problems.extend(_uncomputed_formulas(path, ws.title, written, row_number, cells))
        result.merged |= {(row_number, col - 1) for col in range(1, len(cells) + 1)
                          if (row_number, col) in copies}
        result.rows.append((row_number, cells))
    return result


def _hidden_by_merge(path: Path, title: str, copies: set[tuple[int, int]],
                     written: dict[tuple[int, int], Cell],
                     merged: dict[tuple[int, int], Cell]) -> list[InputProblem]:
    """Values stored under a merged range but not shown: Excel would display only the
    range's first cell, so a figure there would be lost without anyone seeing it."""
    from openpyxl.utils import get_column_letter

    return [InputProblem(
        file=str(path), sheet=title, row=row, column=get_column_letter(col),
        value=cell_text(written[(row, col)]), rule="merged_hides_value",
        message=Message("this cell is covered by a merged cell showing {shown!r}, so its own "
                        "value is hidden. Unmerge the cells in Excel and give each figure its "
                        "own cell", shown=cell_text(merged[(row, col)])))
        for row, col in sorted(copies) if cell_text(written.get((row, col)))]


def _read_xlsx(path: Path, sheet: str | None) -> list[SheetRows]:
    _check_workbook_bytes(path)
    book = _open_workbook(path, data_only=True)
    sheets = _chosen_sheets(book, sheet, path)
    written = _written_cells(path, [ws.title for ws in sheets])
    return [_read_worksheet(path, ws, written[ws.title], list(book.sheetnames),
                            chosen=sheet is not None) for ws in sheets]


def _uncomputed_formulas(path: Path, title: str, written: dict[tuple[int, int], Cell],
                         row_number: int, cells: list[Cell]) -> list[InputProblem]:
    """Formula cells saved without their computed value (written by a program, not Excel):
    the figure is unknown, so the file cannot be imported as it is."""
    from openpyxl.utils import get_column_letter

    found = []
    for col, value in enumerate(cells, start=1):
        formula = written.get((row_number, col))
        if value is None and isinstance(formula, str) and formula.startswith("="):
            found.append(InputProblem(
                file=str(path), sheet=title, row=row_number,
                column=get_column_letter(col), value=formula, rule="formula_not_computed",
                message=Message("the formula has no saved result, so its figure is unknown. "
                                "Open the file in Excel and save it, so that Excel stores the "
                                "result")))
    return found


def read_sheets(path: Path, *, sheet: str | None = None) -> list[SheetRows]:
    """The rows of a CSV file, or of each visible sheet of an XLSX workbook (only ``sheet``
    when it is given). Sheets without any cell are left out; a file with none is refused."""
    if not path.is_file():
        raise MigprofileError(Message("the file does not exist or is not readable."),
                              path=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        found = _read_xlsx(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise MigprofileError(Message("--sheet applies to XLSX workbooks; this is a text "
                                          "file."), path=path)
        found = [_read_csv(path)]
    elif suffix == ".xls":
        _check_workbook_bytes(path)
        raise MigprofileError(Message("an .xls file that is not an old Excel workbook; save "
                                      "it as .xlsx."), path=path)
    else:
        raise MigprofileError(_unreadable_kind(suffix), path=path)
    filled = [rows for rows in found if rows.rows]
    if not filled:
        if len(found) == 1 and found[0].sheet:
            raise MigprofileError(Message("sheet {sheet!r} is empty: there is no table to "
                                          "import.", sheet=found[0].sheet), path=path)
        raise MigprofileError(Message("the file is empty: there is no table to import."),
                              path=path)
    return filled


def _unreadable_kind(suffix: str) -> Message:
    """Why a file of this kind cannot be read, with or without an extension to name."""
    if suffix:
        return Message("cannot read {suffix} files: give a .csv or .xlsx file.", suffix=suffix)
    return Message("cannot read extension-less files: give a .csv or .xlsx file.")


def read_sheet(path: Path, *, sheet: str | None = None) -> SheetRows:
    """The rows of a CSV file or of one sheet of an XLSX workbook (the first visible one
    with cells unless ``sheet`` names another)."""
    found = read_sheets(path, sheet=sheet)
    return next((rows for rows in found if not rows.hidden), found[0])


# lines around a table -------------------------------------------------------------------

_UNIT_LINE = re.compile(r"^\(?\s*(?:đơn vị tính|đơn vị|đvt|unit|units|ຫົວໜ່ວຍ|단위)\s*[:：]\s*(.+?)"
                        r"\)?$", re.IGNORECASE)
_UNIT_WORDS = (
    (1_000_000, ("triệu", "million", "millions", "ລ້ານ", "백만")),
    (10_000, ("만",)),
    (1_000, ("nghìn", "ngàn", "thousand", "thousands", "'000", "000s", "ພັນ", "천")),
    (1, ("người", "lượt", "lao động", "học sinh", "sinh viên", "nạn nhân", "giấy phép",
         "trường hợp", "hồ sơ", "ca", "person", "persons", "people", "number", "worker",
         "workers", "student", "students", "permit", "permits", "case", "cases", "victim",
         "victims", "ຄົນ", "ແຮງງານ", "ນັກຮຽນ", "ນັກສຶກສາ", "ກໍລະນີ", "명", "인", "건",
         "근로자", "학생")),
)
"""Words of a unit line and the factor they give the figures; a unit none of them names
(money, a percentage) is refused."""
_FOOTNOTE = re.compile(
    r"^(?:\*|\(\d+\)|\d+\)\s|(?:nguồn(?: số liệu)?|ghi chú|chú thích|chú ý|lưu ý|source|sources|"
    r"note|notes|ແຫຼ່ງຂໍ້ມູນ|ແຫຼ່ງ|ໝາຍເຫດ|출처|자료|주|비고)\s*[:：])", re.IGNORECASE)
_NOT_A_TITLE = re.compile(r"^(?:date|dated|ngày lập|ngày báo cáo|ວັນທີ|작성일|기준일)\b",
                          re.IGNORECASE)
_REFERENCE = re.compile(
    r"\S*\d+/(?:\d+/)?\d{4}\S*|\d{4}/\S+|ngày\s+\d+\s+tháng\s+\d+(?:\s+năm\s+\d{4})?|"
    r"\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2}|"
    r"\d{4}\s*년\s*\d{1,2}\s*월(?:\s*\d{1,2}\s*일)?|ວັນທີ\s*\S+", re.IGNORECASE)
"""Document numbers ("Số: 15/2023/BC-LĐTBXH") and dates in a line: they say when a table
was written, not what it is about."""
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def unit_scale(text: str) -> int | None:
    """The factor a unit line gives the figures (``Đơn vị tính: nghìn người`` -> 1000), 1
    for plain counts; None when ``text`` is no unit line. Raises ValueError for a unit line
    whose unit is not understood: better than importing figures a thousand times off."""
    found = _UNIT_LINE.match(text.strip())
    if found is None:
        return None
    unit = found.group(1).casefold()
    if any(mark in unit for mark in ("%", "đồng", "usd", "kip", "ກີບ", "원", "dollar")):
        raise ValueError(unit)
    for factor, words in _UNIT_WORDS:
        if any(_has_word(unit, word) for word in words):
            return factor
    raise ValueError(unit)


def _has_word(text: str, word: str) -> bool:
    if not word.isascii() or "'" in word:
        return word in text
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None


def is_footnote(text: str) -> bool:
    """A source or footnote line below a table (``Nguồn: ...``, ``Ghi chú: ...``,
    ``* ...``)."""
    return _FOOTNOTE.match(text.strip()) is not None


def title_year(lines: list[tuple[int, str]], *, sheet: str | None = None
               ) -> tuple[str, int | None] | None:
    """The one year the title lines (or else the sheet's name) give a table, with the row
    saying it; None when they name no year or several. Document numbers and dates are
    passed over: they say when the table was written, not what it is about."""
    found: dict[str, int | None] = {}
    for row, text in lines:
        if is_footnote(text) or _NOT_A_TITLE.search(text) or is_unit_line(text):
            continue
        for year in _YEAR_IN_TEXT.findall(_REFERENCE.sub(" ", text)):
            found.setdefault(year, row)
    if not found and sheet:
        found = dict.fromkeys(_YEAR_IN_TEXT.findall(sheet))
    if len(found) != 1:
        return None
    return next(iter(found.items()))


def is_unit_line(text: str) -> bool:
    """Whether the text is a unit line (understood or not)."""
    return _UNIT_LINE.match(text.strip()) is not None


# header ---------------------------------------------------------------------------------

Recognise = Callable[[str], bool]
HeadsTable = Callable[[set[str]], bool]


def _any_headings(known: set[str]) -> bool:
    return True


def locate_header(rows: SheetRows, *, recognised: Recognise,
                  heads_table: HeadsTable | None = None, start: int = 0,
                  limit: int = HEADER_SEARCH_ROWS) -> Header | None:
    """The header: the first row from ``start`` (looking ``limit`` rows ahead) with two or
    more different recognised headings that can head a table (``heads_table``: not only
    codes of different kinds, which a row of labels also is), and no figures.

    Titles above it are passed over, also a merged title repeating a heading in each of its
    cells. When the next rows hold only headings under merged cells (e.g. "Workers" above
    "Total" and "Women"), up to three rows are combined into headings like
    "Workers / Women". None when no row looks like a header.
    """
    heads_table = heads_table or _any_headings
    for index in range(start, min(len(rows.rows), start + limit)):
        number, cells = rows.rows[index]
        texts = [cell_text(c) for c in cells]
        if not _is_header_row(texts, recognised, heads_table) or _is_title_over_header(
                rows, index, recognised, heads_table):
            continue
        headings, numbers, last = texts, [number], index
        while (len(numbers) < MAX_HEADER_ROWS and last + 1 < len(rows.rows)
               and _is_subheader(rows.rows[last + 1][1], headings, recognised)):
            last += 1
            below_number, below = rows.rows[last]
            headings = _combined(headings, [cell_text(c) for c in below])
            numbers.append(below_number)
        if last + 1 < len(rows.rows) and _numbers_the_columns(rows.rows[last + 1][1]):
            last += 1
            numbers.append(rows.rows[last][0])
        return Header(headings, tuple(numbers), last, index)
    return None


_COLUMN_NUMBER = re.compile(r"^\(?(?:[A-Z]|\d{1,2})\)?$")


def _numbers_the_columns(cells: list[Cell]) -> bool:
    """A row under the header that numbers the columns ("A | B | 1 | 2 | 3", "(1) | (2)"),
    as official tables do: part of the header, not data."""
    texts = [cell_text(c) for c in cells]
    marks = [t for t in texts if t]
    if len(marks) < 2 or not all(_COLUMN_NUMBER.match(t) for t in marks):
        return False
    digits = [int(t.strip("()")) for t in marks if t.strip("()").isdigit()]
    letters = [ord(t.strip("()")) for t in marks if not t.strip("()").isdigit()]
    return all(not seq or seq == list(range(seq[0], seq[0] + len(seq)))
               for seq in (digits, letters))


def _is_title_over_header(rows: SheetRows, index: int, recognised: Recognise,
                          heads_table: HeadsTable) -> bool:
    """A short title row that happens to hold headings ("Số lao động, năm 2021" split at
    its comma) above the real header, which fills every column the title does with other
    headings (a header merged over two rows repeats its cells) and names more columns."""
    if index + 1 >= len(rows.rows):
        return False
    texts = [cell_text(c) for c in rows.rows[index][1]]
    below = [cell_text(c) for c in rows.rows[index + 1][1]]
    known = {t for t in texts if t and recognised(t)}
    known_below = {t for t in below if t and recognised(t)}
    filled = [j for j, t in enumerate(texts) if t]
    return (len({t for t in texts if t}) <= 2 and len(known_below) > len(known)
            and len(filled) < sum(1 for t in below if t)
            and _is_header_row(below, recognised, heads_table)
            and all(j < len(below) and below[j] and below[j] != texts[j] for j in filled))


def _is_header_row(texts: list[str], recognised: Recognise, heads_table: HeadsTable) -> bool:
    known = {t for t in texts if t and recognised(t)}
    if len(known) < 2 or not heads_table(known):
        return False
    return not any(is_figure(t) and t not in known for t in texts)


def is_figure(cell: Cell) -> bool:
    """Whether a cell holds a number (a figure, or a year)."""
    if isinstance(cell, bool):
        return False
    try:
        return isinstance(cell, int | float) or (bool(cell_text(cell))
                                                 and parse_number(cell) is not None)
    except ValueError:
        return False


def _is_subheader(cells: list[Cell], upper: list[str], recognised: Recognise) -> bool:
    """Headings under a merged (spanning) heading of the row above: only headings, at
    least one under a blank or spanning cell, and no figures (years may head columns)."""
    texts = [cell_text(c) for c in cells]
    if not any(t and recognised(t) for t in texts):
        return False
    if any(is_figure(t) and not recognised(t) for t in texts):
        return False
    padded = upper + [""] * max(0, len(texts) - len(upper))
    return any(text and _under_a_span(padded, j, text) for j, text in enumerate(texts))


def _under_a_span(upper: list[str], j: int, text: str) -> bool:
    above = upper[j]
    if not above or above == text:
        return True
    left = upper[j - 1] if j else None
    right = upper[j + 1] if j + 1 < len(upper) else None
    return left == above or right == above or right == ""


def _combined(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    headings, spanning = [], ""
    for top, bottom in zip(upper, lower, strict=True):
        spanning = top or (spanning if bottom else "")
        parts = [p for part in (spanning, bottom) for p in part.split(" / ") if p]
        headings.append(" / ".join(dict.fromkeys(parts)))
    return headings


# tables ---------------------------------------------------------------------------------

def locate_tables(rows: SheetRows, *, recognised: Recognise,
                  heads_table: HeadsTable | None = None) -> list[Table]:
    """Every table of a sheet, in order: several tables (one per year, say) may follow each
    other, each with its own title lines. Footnote lines are set apart; text lines after a
    table's last figures belong to the next table's title."""
    tables: list[Table] = []
    start, limit = 0, HEADER_SEARCH_ROWS
    header = locate_header(rows, recognised=recognised, heads_table=heads_table,
                           start=start, limit=limit)
    while header is not None:
        following = _next_header(rows, header.index + 1, recognised=recognised,
                                 heads_table=heads_table)
        end = following.first if following else len(rows.rows)
        body = rows.rows[header.index + 1:end]
        last = max((i for i, (_, cells) in enumerate(body) if not _is_text_line(cells)),
                   default=-1)
        above = [(n, text) for n, cells in rows.rows[start:header.first]
                 for text in dict.fromkeys(map(cell_text, cells)) if text]
        table = Table(rows, header, [], above)
        for i, (number, cells) in enumerate(body):
            line = _line_text(cells)
            if (_is_text_line(cells) and is_footnote(line)) or i > last:
                table.notes.append((number, line or " | ".join(
                    t for t in map(cell_text, cells) if t)))
            else:
                table.rows.append((number, cells))
        tables.append(table)
        start = header.index + 1 + last + 1
        header = following
    return tables


def _next_header(rows: SheetRows, start: int, *, recognised: Recognise,
                 heads_table: HeadsTable | None) -> Header | None:
    """The header of the next table on the sheet: set apart from the rows above it by a
    blank row or a title line, unless it holds no number at all (a row of data may read
    like headings: "2019 | Total | 2087")."""
    while start < len(rows.rows):
        found = locate_header(rows, recognised=recognised, heads_table=heads_table,
                              start=start, limit=len(rows.rows))
        if found is None:
            return None
        number, cells = rows.rows[found.first]
        before, above = rows.rows[found.first - 1]
        if (number > before + 1 or _is_text_line(above)
                or not any(is_figure(c) for c in cells)):
            return found
        start = found.first + 1
    return None


def _is_text_line(cells: list[Cell]) -> bool:
    """A row with one text (a title, a unit, a note; merged over several cells or not)."""
    texts = {t for t in map(cell_text, cells) if t}
    return len(texts) == 1 and not is_figure(next(iter(texts)))


def _line_text(cells: list[Cell]) -> str:
    texts = list(dict.fromkeys(t for t in map(cell_text, cells) if t))
    return " ".join(texts) if texts else ""
