"""World Bank World Development Indicators (long format: ``year, iso3, indicator, value``).

Only the series a Migration Profile uses are read; the file's other series are skipped.
WDI writes the Channel Islands as ``CHI``; the UN code ``XCX`` is used instead so that the
country matches UN DESA's.
"""

from __future__ import annotations

from pathlib import Path

import ibis.expr.types as ir

from migprofile.sources import tabular as tab
from migprofile.sources.canonical import canonical
from migprofile.sources.checks import country_rules, year_rules
from migprofile.sources.sidecar import SourceMeta

KIND = "wdi"
DATAFLOW = "WDI"
SERIES = {
    # file code: (measure, unit)
    "pop": ("POPULATION", "persons"),
    "gdp": ("GDP", "USD"),
    "remin": ("REMITTANCES_IN", "USD"),
    "remout": ("REMITTANCES_OUT", "USD"),
    "nmig": ("NET_MIGRATION", "persons"),
}
COLUMNS = ("year", "iso3", "indicator", "value")
WDI_TO_UN_CODES = {"CHI": "XCX"}


def _used_series(table: ir.Table) -> ir.Table:
    table = table.filter(table.indicator.strip().isin(list(SERIES)))
    return table.mutate(iso3=table.iso3.strip().substitute(WDI_TO_UN_CODES))


def _rules(_: ir.Table) -> list[tab.Rule]:
    return [*year_rules("year"), *country_rules("iso3"), tab.missing("value"),
            tab.not_a_number("value")]


def read(path: Path, meta: SourceMeta) -> ir.Table:
    table = tab.load_checked(path, columns=COLUMNS, rules=_rules, prepare=_used_series)
    code = table.indicator.strip()
    return canonical(
        table,
        dataflow=DATAFLOW,
        measure=code.substitute({k: v[0] for k, v in SERIES.items()}),
        ref_area=table.iso3,
        time_period=tab.number(table.year).cast("int64").cast("string"),
        value=tab.number(table.value),
        unit=code.substitute({k: v[1] for k, v in SERIES.items()}),
        source=KIND,
        revision=meta.revision,
        source_row=table[tab.ROW],
    )


__all__ = ["KIND", "SERIES", "read"]
