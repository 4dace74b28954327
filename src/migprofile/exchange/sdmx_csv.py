"""SDMX-CSV: the same data as the SDMX-ML message, for a spreadsheet or a script.

sdmx1 writes the table (SDMX-CSV 2.0: ``STRUCTURE, STRUCTURE_ID, ACTION``, one column
per dimension, ``OBS_VALUE``, then the observation attributes); a withheld cell has an
empty ``OBS_VALUE`` and ``CONF_STATUS`` ``C``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import pandas as pd
import sdmx

from migprofile.exchange.sdmx_ml import Observation, data_set, sdmx_value
from migprofile.exchange.structure import DataflowStructure

__all__ = ["csv_version_1", "read_csv_rows", "write_csv", "write_indicators_csv"]


def write_csv(structure: DataflowStructure, rows: Iterable[Observation]) -> bytes:
    """SDMX-CSV of one dataflow's observations, UTF-8, one line per observation."""
    table = sdmx.to_csv(data_set(structure, rows), rtype=pd.DataFrame, attributes="o")
    table["OBS_VALUE"] = [None if pd.isna(v) else sdmx_value(float(v))
                          for v in table["OBS_VALUE"]]
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def csv_version_1(data: bytes) -> bytes:
    """The SDMX-CSV 2.0 of :func:`write_csv` as SDMX-CSV 1.0, what SDMX REST 1.5 clients
    ask for: the first column ``DATAFLOW`` holds the dataflow's reference, and there is no
    ``STRUCTURE`` or ``ACTION`` column."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header, lines = rows[0], rows[1:]
    dropped = {header.index("STRUCTURE"), header.index("ACTION")}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in [header, *lines]:
        writer.writerow([value for i, value in enumerate(row) if i not in dropped])
    text = out.getvalue().replace("STRUCTURE_ID", "DATAFLOW", 1)
    return text.encode("utf-8")


def read_csv_rows(data: bytes) -> list[dict[str, str]]:
    """The lines of an SDMX-CSV file as text, for comparing it with the SDMX-ML copy."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


INDICATORS_DATAFLOW = "MIGPROFILE:INDICATORS(1.0)"
INDICATOR_COLUMNS = ("DATAFLOW", "INDICATOR", "REF_AREA", "COUNTERPART_AREA", "TIME_PERIOD",
                     "SEX", "OBS_VALUE", "UNIT_MEASURE", "SOURCE", "REVISION", "CONF_STATUS")


def write_indicators_csv(rows: Iterable[dict]) -> bytes:
    """SDMX-CSV 1.0 of indicator values (rows shaped as ``out/indicators.csv``): one
    dataflow whose dimensions are the indicator, areas, period and sex; a withheld value
    has an empty ``OBS_VALUE`` and ``CONF_STATUS`` ``C``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INDICATOR_COLUMNS)
    for row in rows:
        writer.writerow([INDICATORS_DATAFLOW, row["indicator"], row["ref_area"],
                         row["counterpart_area"], row["time_period"], row["sex"], row["value"],
                         row["unit"], row["source"], row["revision"], row["conf_status"]])
    return out.getvalue().encode("utf-8")
