"""A blank workbook an agency fills in for a national dataflow.

Its "Data" sheet has one column per dimension the agency gives and one for the figures,
headed in the profile's languages; each coded column offers a dropdown list of the valid
codes (``JPN: Nhật Bản / Japan``) kept on a "Codes" sheet. An "Instructions" sheet says
what to put where. A filled template imports with no mapping.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from migprofile.codes import TOTAL, Dataflow, codelist
from migprofile.codes.dataflows import SEX_NAMES
from migprofile.errors import MigprofileError
from migprofile.profile import Profile
from migprofile.report.i18n import localizer
from migprofile.sources.national.store import national_dataflow

__all__ = ["write_template"]

DATA_ROWS = 2000
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_NAMES = SEX_NAMES[TOTAL]


def _heading(names: dict[str, str], languages: list[str]) -> str:
    return " / ".join(dict.fromkeys(names[lang] for lang in languages))


def _choices(dataflow: Dataflow, codelist_id: str, languages: list[str]) -> list[str]:
    """``CODE: name / name`` for each code, the total first where codes can be added up."""
    found = codelist(codelist_id, dataflow)
    total = [f"{TOTAL}: {_heading(TOTAL_NAMES, languages)}"] if found.additive else []
    return total + [f"{code}: {_heading(names, languages)}"
                    for code, names in found.codes.items() if code != TOTAL]


def _instructions(sheet, dataflow: Dataflow, languages: list[str]) -> None:
    sheet.column_dimensions["A"].width = 110
    for lang in languages:
        loc = localizer(lang)
        lines = [
            dataflow.names[lang],
            dataflow.description.get(lang, ""),
            loc._("Fill in the sheet \"Data\": one row per figure. Do not rename or move the "
                  "columns."),
            loc._("Choose codes from the dropdown lists; country names or ISO codes typed in "
                  "any of the report languages are also accepted."),
            loc._("Write each year in full (2024). Counts are whole numbers of zero or more."),
            loc._("Leave a cell empty when the figure is not available; do not write zero for "
                  "a missing figure."),
            loc._("When a figure is not broken down by a column (all occupations, for "
                  "instance), choose the total (_T) in that column."),
            loc._("A totals row is allowed: it is checked against the rows it adds up, then "
                  "dropped."),
            loc._("Columns:"),
        ]
        lines += [f"  {d.names[lang]}" for d in dataflow.dimensions]
        lines += [f"  {dataflow.measures[0].names[lang]}", ""]
        for text in lines:
            sheet.append([text])
            sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True)
        sheet.cell(sheet.max_row - len(lines) + 1, 1).font = Font(bold=True, size=13)


def _data_sheet(book, sheet, dataflow: Dataflow, languages: list[str]) -> None:
    codes_sheet = book.create_sheet("Codes")
    columns = [(d.names, d.codelist, d.id) for d in dataflow.dimensions]
    columns.append((dataflow.measures[0].names, None, "value"))
    for index, (names, codelist_id, dimension) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, _heading(names, languages))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = 34 if codelist_id else 16
        rule = _validation(dataflow, codelist_id, dimension, languages, codes_sheet, index)
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{DATA_ROWS}")
    sheet.freeze_panes = "A2"
    codes_sheet.sheet_state = "hidden"


def _validation(dataflow: Dataflow, codelist_id: str | None, dimension: str,
                languages: list[str], codes_sheet, index: int) -> DataValidation | None:
    if dimension == "time_period":
        return DataValidation(type="whole", operator="between", formula1="1900",
                              formula2="2100", allow_blank=True)
    if dimension == "value":
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True)
    if codelist_id is None or codelist(codelist_id, dataflow).open:
        return None
    choices = _choices(dataflow, codelist_id, languages)
    letter = get_column_letter(index)
    for row, choice in enumerate(choices, start=1):
        codes_sheet.cell(row, index, choice)
    return DataValidation(type="list", formula1=f"Codes!${letter}$1:${letter}${len(choices)}",
                          allow_blank=True, showErrorMessage=False)


def write_template(profile: Profile, dataflow_id: str, *, out: Path | str) -> Path:
    """Write the template of a national dataflow for the profile's languages.

    Parameters
    ----------
    profile
        The profile (its languages head the columns).
    dataflow_id
        A national dataflow, e.g. ``LABOUR_DEPLOYMENTS``.
    out
        The workbook to write (``.xlsx``).
    """
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise MigprofileError("the template is an .xlsx workbook; name the file *.xlsx.",
                              path=out)
    dataflow = national_dataflow(profile, dataflow_id)
    languages = profile.languages
    book = openpyxl.Workbook()
    instructions = book.active
    instructions.title = "Instructions"
    _instructions(instructions, dataflow, languages)
    data = book.create_sheet("Data", 0)
    _data_sheet(book, data, dataflow, languages)
    book.active = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out
