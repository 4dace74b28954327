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
    "cell_text",
    "decode_text",
    "locate_header",
    "parse_number",
    "read_sheet",
    "sniff_delimiter",
]

Cell = str | int | float | None

NOT_AVAILABLE = frozenset({"", "-", "–", "—", "..", "...", "…", "n/a", "N/A", "na", "NA"})
"""Marks agencies write for "no figure": the cell is read as not available, never as zero."""

HEADER_SEARCH_ROWS = 20
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


@dataclass(frozen=True)
class Header:
    """The header of a table: its headings and the rows it spans."""

    headings: list[str]
    rows: tuple[int, ...]
    index: int
    """Position in :attr:`SheetRows.rows` of the last header row; data follow it."""


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


def _choose_sheet(book, sheet: str | None, path: Path):
    if sheet is None:
        visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
        return (visible or book.worksheets)[0]
    if sheet not in book.sheetnames:
        raise MigprofileError(Message(
            "the workbook has no sheet {sheet!r}; its sheets are: {sheets}.", sheet=sheet,
            sheets=", ".join(repr(n) for n in book.sheetnames)), path=path)
    return book[sheet]


def _merged_values(ws) -> dict[tuple[int, int], Cell]:
    """Each cell of a merged range carries the value of the range's top-left cell."""
    filled = {}
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                filled[(row, col)] = value
    return filled


def _read_xlsx(path: Path, sheet: str | None) -> SheetRows:
    _check_workbook_bytes(path)
    book = _open_workbook(path, data_only=True)
    ws = _choose_sheet(book, sheet, path)
    formulas = _open_workbook(path, data_only=False)[ws.title]
    merged = _merged_values(ws)
    result = SheetRows(path, ws.title, [], sheets=list(book.sheetnames))
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
        result.warnings.extend(_uncomputed_formulas(path, formulas, row_number, cells))
        result.rows.append((row_number, cells))
    return result


def _uncomputed_formulas(path: Path, formulas, row_number: int,
                         cells: list[Cell]) -> list[InputProblem]:
    """Formula cells saved without their computed value (written by a program, not Excel)."""
    from openpyxl.utils import get_column_letter

    found = []
    for col, value in enumerate(cells, start=1):
        formula = formulas.cell(row_number, col).value
        if value is None and isinstance(formula, str) and formula.startswith("="):
            found.append(InputProblem(
                file=str(path), sheet=formulas.title, row=row_number,
                column=get_column_letter(col), value=formula, rule="formula_not_computed",
                message=Message("the formula has no computed value; open the file in Excel "
                                "and save it, so that Excel stores the result")))
    return found


def read_sheet(path: Path, *, sheet: str | None = None) -> SheetRows:
    """The rows of a CSV file or of one sheet of an XLSX workbook (the first visible one
    unless ``sheet`` names another)."""
    if not path.is_file():
        raise MigprofileError(Message("the file does not exist or is not readable."),
                              path=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise MigprofileError(Message(
                "--sheet applies to XLSX workbooks; this is a text file."), path=path)
        rows = _read_csv(path)
    elif suffix == ".xls":
        _check_workbook_bytes(path)
        raise MigprofileError(Message("an .xls file that is not an old Excel workbook; save "
                                      "it as .xlsx."), path=path)
    else:
        raise MigprofileError(Message(
            "cannot read {suffix} files: give a .csv or .xlsx file.",
            suffix=suffix or "extension-less"), path=path)
    if not rows.rows:
        raise MigprofileError(Message("sheet {sheet!r} is empty: there is no table to import.",
                                      sheet=rows.sheet) if rows.sheet else
                              Message("the file is empty: there is no table to import."),
                              path=path)
    return rows


# header ---------------------------------------------------------------------------------

def locate_header(rows: SheetRows, *, recognised: Callable[[str], bool]) -> Header | None:
    """The header row: the first of the top rows with two or more recognised headings.

    Titles above it are passed over. When the next row holds only headings (merged header
    cells spread over two rows, e.g. "Workers" above "Total" and "Women"), the two rows are
    combined into headings like "Workers / Women". None when no row looks like a header.
    """
    for index, (number, cells) in enumerate(rows.rows[:HEADER_SEARCH_ROWS]):
        texts = [cell_text(c) for c in cells]
        if sum(1 for t in texts if t and recognised(t)) < 2:
            continue
        if index + 1 < len(rows.rows) and _is_subheader(rows.rows[index + 1][1], recognised):
            below_number, below = rows.rows[index + 1]
            return Header(_combined(texts, [cell_text(c) for c in below]),
                          (number, below_number), index + 1)
        return Header(texts, (number,), index)
    return None


def _is_subheader(cells: list[Cell], recognised: Callable[[str], bool]) -> bool:
    texts = [cell_text(c) for c in cells]
    if any(isinstance(c, int | float) for c in cells):
        return False
    for text in texts:
        if not text:
            continue
        try:
            if parse_number(text) is not None:
                return False
        except ValueError:
            pass
    return any(t and recognised(t) for t in texts)


def _combined(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    headings, spanning = [], ""
    for top, bottom in zip(upper, lower, strict=True):
        spanning = top or (spanning if bottom else "")
        parts = [p for p in (spanning, bottom) if p]
        headings.append(" / ".join(dict.fromkeys(parts)))
    return headings
