"""UN DESA International Migrant Stock: destination x origin x sex, mid-year stocks.

Columns ``year, dest_iso3, origin_iso3, male, female, total``. Each row gives three
observations (sex ``_T``, ``F``, ``M``) of dataflow ``UNDESA_IMS``, with the destination as
``ref_area`` and the origin as ``counterpart_area``. Summing over origins gives a country's
immigrant stock; summing over destinations gives its emigrant stock.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir

from migprofile.sources import tabular as tab
from migprofile.sources.canonical import canonical
from migprofile.sources.checks import count_rules, country_rules, year_rules
from migprofile.sources.sidecar import SourceMeta

KIND = "undesa_ims"
DATAFLOW = "UNDESA_IMS"
MEASURE = "MIGRANT_STOCK"
SEX_COLUMNS = {"total": "_T", "female": "F", "male": "M"}
COLUMNS = ("year", "dest_iso3", "origin_iso3", *SEX_COLUMNS)


def _rules(_: ir.Table) -> list[tab.Rule]:
    rules = [*year_rules("year"), *country_rules("dest_iso3", "origin_iso3")]
    for column in SEX_COLUMNS:
        rules += count_rules(column, required=True)
    return rules


def read(path: Path, meta: SourceMeta) -> ir.Table:
    table = tab.load_checked(path, columns=COLUMNS, rules=_rules)
    parts = [
        canonical(
            table,
            dataflow=DATAFLOW,
            measure=MEASURE,
            ref_area=table.dest_iso3.strip(),
            counterpart_area=table.origin_iso3.strip(),
            time_period=tab.number(table.year).cast("int64").cast("string"),
            sex=sex,
            value=tab.number(table[column]),
            unit="persons",
            source=KIND,
            revision=meta.revision,
            source_row=table[tab.ROW],
        )
        for column, sex in SEX_COLUMNS.items()
    ]
    return ibis.union(*parts)
