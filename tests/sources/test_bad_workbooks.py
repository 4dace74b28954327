"""Workbooks that cannot be read: each is named in one line that says what to do, without
the file's raw bytes or a library's message, exit status 2, and nothing is kept."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

DATA = Path(__file__).parents[1] / "data" / "national"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    for row in (["Năm", "Thị trường", "Số lao động"], [2022, "Nhật Bản", 10]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def truncated(path: Path) -> Path:
    """A workbook cut off half-way, as an interrupted download or e-mail leaves it."""
    data = _workbook_bytes()
    target = path.with_suffix(".xlsx")
    target.write_bytes(data[:len(data) // 2])
    return target


def random_bytes(path: Path) -> Path:
    target = path.with_suffix(".xlsx")
    target.write_bytes(bytes((i * 73 + 41) % 256 for i in range(4096)))
    return target


def renamed_xls(path: Path) -> Path:
    """An Excel 97-2003 file renamed to .xlsx."""
    target = path.with_suffix(".xlsx")
    target.write_bytes(OLE2_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le") * 8)
    return target


def broken_part(path: Path) -> Path:
    """A zip that says it is a workbook, but whose sheet is not XML."""
    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes()))
    target = path.with_suffix(".xlsx")
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = b"<worksheet \x00\xff\xfe garbage"
            out.writestr(info.filename, data)
    return target


def password_protected(path: Path) -> Path:
    return Path(shutil.copy(DATA / "password-protected.xlsx", path.with_suffix(".xlsx")))


BAD_WORKBOOKS = {
    "truncated": (truncated, "the workbook is damaged and cannot be read"),
    "random_bytes": (random_bytes, "not an XLSX workbook: the file is damaged or of another "
                                   "kind"),
    "renamed_xls": (renamed_xls, "this is an old Excel 97-2003 workbook (.xls)"),
    "broken_part": (broken_part, "the workbook is damaged and cannot be read"),
    "password_protected": (password_protected, "the workbook is protected by a password"),
}


def _kept(profile: Path) -> dict:
    return {p.relative_to(profile): p.read_bytes() for p in sorted(profile.rglob("*"))
            if p.is_file() and p.relative_to(profile).parts[0] in ("sources", "mappings")}


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_an_unreadable_workbook_is_named_in_one_clean_line(cli, copy_profile, tmp_path, case):
    writer, expected = BAD_WORKBOOKS[case]
    path = writer(tmp_path / case)
    before = _kept(copy_profile)
    result = cli("import", copy_profile, path, "--dataflow", "LABOUR_DEPLOYMENTS",
                 "--provider", "DOLAB")
    assert result.exit_code == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: {path}: {expected}")
    assert not re.search(r"\\x[0-9a-f]{2}|b'|Traceback|Error -\d|BadZipFile|KeyError",
                         lines[0])
    assert _kept(copy_profile) == before
