"""The machine-readable outputs: ``indicators.csv`` and the workbook ``tables.xlsx``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from migprofile.codes import countries
from migprofile.files import reproducible_zip
from migprofile.i18n import FREE, WITHHELD
from migprofile.indicators import REGISTRY, UNITS
from migprofile.indicators.comparisons import Reconciliation

__all__ = ["CSV_COLUMNS", "RECONCILIATION_COLUMNS", "format_value", "indicators_csv",
           "indicators_workbook", "reconciliation_csv"]

WORKBOOK_TIME = dt.datetime(2000, 1, 1)
"""Fixed document time, so that the same values always give the same workbook bytes."""

CSV_COLUMNS = ("indicator", "ref_area", "counterpart_area", "time_period", "sex", "value",
               "unit", "source", "revision", "conf_status")
"""``conf_status`` is ``C`` where disclosure control withheld the value (left empty),
``F`` elsewhere."""

RECONCILIATION_COLUMNS = (
    "pair", "kind", "partner", "first", "first_source", "first_period", "first_value",
    "second", "second_source", "second_period", "second_value", "difference",
    "relative_pct", "asymmetry_pct", "flagged")


def format_value(value: float | None) -> str:
    """Whole numbers without a decimal point; others with full precision; a withheld or
    missing value as nothing."""
    if value is None or math.isnan(value):
        return ""
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def indicators_csv(rows: Sequence[dict]) -> bytes:
    """``out/indicators.csv``: one line per indicator value, in a stable order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([format_value(row[c]) if c == "value" else row.get(c, FREE)
                         for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def reconciliation_csv(rows: Sequence[Reconciliation]) -> bytes:
    """``out/reconciliation.csv``: each pair of figures that should agree, by period."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECONCILIATION_COLUMNS)
    for r in rows:
        writer.writerow([r.pair, r.kind, r.partner, r.first, r.first_source, r.first_period,
                         format_value(r.first_value), r.second, r.second_source,
                         r.second_period, format_value(r.second_value),
                         format_value(r.difference), _percent(r.relative_pct),
                         _percent(r.asymmetry_pct), "yes" if r.flagged else "no"])
    return out.getvalue().encode("utf-8")


def _sheet_names() -> dict[str, str]:
    """Excel allows 31 characters in a sheet name; longer ids are cut and numbered."""
    names: dict[str, str] = {}
    for n, item in enumerate(REGISTRY.values(), start=1):
        name = item.id if len(item.id) <= 31 else f"{item.id[:27]}_{n:03d}"
        names[item.id] = name
    return names


def _autowidth(sheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _about_sheet(book, languages: Sequence[str], sheets: dict[str, str],
                 citations: dict[str, str], revisions: dict[str, str]) -> None:
    sheet = book.active
    sheet.title = "About"
    header = ["indicator", "sheet", "unit", "source", "revision", "reference"]
    header += [f"name ({lang})" for lang in languages]
    header += [f"definition ({lang})" for lang in languages]
    sheet.append(header)
    for item in REGISTRY.values():
        sheet.append([
            item.id, sheets[item.id], UNITS[item.unit]["en"],
            "; ".join(citations.get(k, k) for k in item.sources),
            revisions.get(item.id, ""), item.reference,
            *(item.name[lang] for lang in languages),
            *(item.definition[lang] for lang in languages),
        ])
    sheet.append([])
    sheet.append([f"{WITHHELD}: a value withheld by disclosure control (a small count, or "
                  "one from which a small count could be worked out); never a zero."])
    _style_header(sheet, len(header))
    _autowidth(sheet, [32, 32, 14, 60, 12, 24] + [40] * len(languages) * 2)


def _style_header(sheet, width: int) -> None:
    for cell in sheet[1][:width]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def indicators_workbook(rows: Sequence[dict], *, languages: Sequence[str],
                        citations: dict[str, str]) -> bytes:
    """``out/tables.xlsx``: an About sheet, then one sheet per indicator, frozen header.

    Every value row carries its unit, source and revision, so a sheet copied elsewhere
    keeps its notes. ``citations`` maps a source kind to its citation.
    """
    book = openpyxl.Workbook()
    sheets = _sheet_names()
    by_indicator: dict[str, list[dict]] = {}
    for row in rows:
        by_indicator.setdefault(row["indicator"], []).append(row)
    revisions = {key: values[0]["revision"] for key, values in by_indicator.items()}
    _about_sheet(book, languages, sheets, citations, revisions)
    known = countries()
    for item in REGISTRY.values():
        sheet = book.create_sheet(sheets[item.id])
        header = ["country", "partner", *(f"partner ({lang})" for lang in languages),
                  "year", "sex", "value", "unit", "source", "revision"]
        sheet.append(header)
        for row in by_indicator.get(item.id, []):
            partner = known.get(row["counterpart_area"])
            names = [partner.name(lang) if partner else "" for lang in languages]
            value = WITHHELD if row.get("conf_status") == WITHHELD else row["value"]
            sheet.append([row["ref_area"], row["counterpart_area"], *names, row["time_period"],
                          row["sex"], value, row["unit"], row["source"], row["revision"]])
        _style_header(sheet, len(header))
        _autowidth(sheet, [10, 10, *([28] * len(languages)), 8, 6, 18, 10, 16, 12])
    book.properties.creator = "migprofile"
    book.properties.created = book.properties.modified = WORKBOOK_TIME
    buffer = io.BytesIO()
    # Workbook.save() stamps the current time; the writer itself keeps ours.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return reproducible_zip(buffer.getvalue())


