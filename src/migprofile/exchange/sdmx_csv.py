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

from migprofile.errors import Message
from migprofile.exchange.sdmx_ml import Observation, data_set, observation, sdmx_value
from migprofile.exchange.structure import DataflowStructure

__all__ = ["csv_version_1", "read_csv", "read_csv_rows", "structure_id", "write_csv",
           "write_indicators_csv"]


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


ATTRIBUTES = ("UNIT", "OBS_STATUS", "CONF_STATUS")


def structure_id(structure: DataflowStructure) -> str:
    """``STRUCTURE_ID`` of the dataflow's lines: ``MIGPROFILE:WORK_PERMITS_FOREIGNERS(1.0)``."""
    flow = structure.definition
    return f"{flow.maintainer.id}:{flow.id}({flow.version})"


def read_csv(data: bytes, structure: DataflowStructure) -> list[Observation]:
    """The observations of an SDMX-CSV file of one dataflow, read as :func:`read_data`
    reads the SDMX-ML copy, so that the two can be compared value by value.

    Raises
    ------
    ValueError
        Not UTF-8 CSV, a column missing, a line of another dataflow or of the wrong
        length, or a value that is not a number; the error's text is a :class:`Message`.
    """
    try:
        lines = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(Message("it is not UTF-8 CSV ({error}).", error=str(exc))) from exc
    header, *body = lines or [[]]
    wanted = ["STRUCTURE", "STRUCTURE_ID", *structure.columns, "OBS_VALUE", *ATTRIBUTES]
    missing = [column for column in wanted if column not in header]
    if missing or len(set(header)) != len(header):
        raise ValueError(Message("its header lacks {columns} or repeats a column.",
                                 columns=", ".join(missing) or "nothing"))
    found, expected = [], structure_id(structure)
    for number, line in enumerate(body, start=2):
        if len(line) != len(header):
            raise ValueError(Message("line {line} has {count} fields, the header {header}.",
                                     line=number, count=len(line), header=len(header)))
        cells = dict(zip(header, line, strict=True))
        if cells["STRUCTURE_ID"] != expected:
            raise ValueError(Message("line {line} is of {given!r}, not {expected}.",
                                     line=number, given=cells["STRUCTURE_ID"],
                                     expected=expected))
        try:
            found.append(observation(structure, cells, cells["OBS_VALUE"] or None,
                                     {k: cells[k] for k in ATTRIBUTES}))
        except ValueError as exc:
            raise ValueError(Message("line {line}: OBS_VALUE {value!r} is not a number.",
                                     line=number, value=cells["OBS_VALUE"])) from exc
    return found


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
