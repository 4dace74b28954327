"""The indicator explorer's downloads: the selected values as CSV, XLSX or SDMX-CSV,
written by the same functions as ``out/indicators.csv`` and ``out/tables.xlsx``."""

from __future__ import annotations

import csv
import io
import math

from fastapi.responses import Response

from migprofile.web.service import ExplorerFilter, ProfileService

__all__ = ["FIGURE_FORMATS", "FORMATS", "explorer_download", "figure_download"]

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "sdmx": ("application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8", "sdmx.csv"),
}

FIGURE_FORMATS = ("csv", "xlsx")


def _numeric(rows: list[dict]) -> list[dict]:
    return [{**row, "value": float(row["value"]) if row["value"] else math.nan}
            for row in rows]


def explorer_download(service: ProfileService, wanted: ExplorerFilter, fmt: str) -> Response:
    from migprofile.exchange.sdmx_csv import write_indicators_csv
    from migprofile.report.tables import indicators_csv, indicators_workbook

    rows = service.explore(wanted)
    if fmt == "csv":
        body = indicators_csv(_numeric(rows))
    elif fmt == "xlsx":
        body = indicators_workbook(_numeric(rows), languages=service.profile.languages,
                                   citations={})
    elif fmt == "sdmx":
        body = write_indicators_csv(rows)
    else:
        raise ValueError(f"no download format {fmt!r}")
    media, suffix = FORMATS[fmt]
    name = "-".join(v for v in (wanted.indicator, wanted.country, wanted.period, wanted.sex)
                    if v) or "indicators"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'})


def figure_download(title: str, rows: list[dict], fmt: str, name: str) -> Response:
    """A chart's rows as CSV or as a workbook of one sheet (the title above the table)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        body: bytes | str = text.getvalue()
    elif fmt == "xlsx":
        body = _figure_workbook(title, rows, columns)
    else:
        raise LookupError(f"download format {fmt!r}")
    media, suffix = FORMATS[fmt]
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'})


def _figure_workbook(title: str, rows: list[dict], columns: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
