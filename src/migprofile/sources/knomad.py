"""KNOMAD/World Bank bilateral matrices (2021), in long format.

The remittance matrix (``knomad_brm``) gives estimated flows from a sending to a receiving
country in US$ million; it is stored in US$ with the receiving country as ``ref_area``.
The migration matrix (``knomad_bmm``) gives migrants by origin and destination; it is
stored with the destination as ``ref_area``. Rows for the World total are left out (they
are the sums of the cells); the residual destinations "Other North" and "Other South"
become the pseudo-codes ``XON`` and ``XOS``. The matrix year is the source's revision.
Both are model-based estimates (observation status ``E``).
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir

from migprofile.sources import tabular as tab
from migprofile.sources.canonical import canonical
from migprofile.sources.checks import count_rules, country_rules
from migprofile.sources.sidecar import SourceMeta

RESIDUAL_CODES = {"Other North": "XON", "Other South": "XOS"}
WORLD_LABELS = ("WORLD", "World")


def _without_world(table: ir.Table, *name_columns: str) -> ir.Table:
    for column in name_columns:
        table = table.filter(~table[column].strip().isin(WORLD_LABELS))
    return table


def _code(table: ir.Table, code_column: str, name_column: str) -> ir.StringValue:
    """The ISO code, or the pseudo-code of a residual group named in the name column."""
    return ibis.coalesce(
        ibis.ifelse(tab.blank(table[code_column]), None, table[code_column].strip()),
        table[name_column].strip().substitute(RESIDUAL_CODES, else_=None),
    )


def _prepare(path: Path, columns: dict[str, str], value: str, *, whole: bool) -> ir.Table:
    """Read, drop World rows, code the countries, check every row."""

    def coded(table: ir.Table) -> ir.Table:
        table = _without_world(table, *columns)
        return table.mutate(**{code: _code(table, code, name) for name, code in columns.items()})

    def rules(_: ir.Table) -> list[tab.Rule]:
        return [*country_rules(*columns.values()),
                *count_rules(value, required=True, whole=whole)]

    return tab.load_checked(path, columns=[*columns, *columns.values(), value], rules=rules,
                            prepare=coded)


def read_remittances(path: Path, meta: SourceMeta) -> ir.Table:
    table = _prepare(
        path,
        {"sending_country": "sending_country_iso3",
         "receiving_country": "receiving_country_iso3"},
        "usd_million",
        whole=False,
    )
    return canonical(
        table,
        dataflow="KNOMAD_BRM",
        measure="REMITTANCES",
        ref_area=table.receiving_country_iso3,
        counterpart_area=table.sending_country_iso3,
        time_period=meta.revision,
        value=tab.number(table.usd_million) * 1_000_000,
        unit="USD",
        obs_status="E",
        source="knomad_brm",
        revision=meta.revision,
        source_row=table[tab.ROW],
    )


def read_migrants(path: Path, meta: SourceMeta) -> ir.Table:
    table = _prepare(
        path,
        {"origin_country": "origin_country_iso3",
         "destination_country": "destination_country_iso3"},
        "migrants",
        whole=True,
    )
    return canonical(
        table,
        dataflow="KNOMAD_BMM",
        measure="MIGRANT_STOCK",
        ref_area=table.destination_country_iso3,
        counterpart_area=table.origin_country_iso3,
        time_period=meta.revision,
        value=tab.number(table.migrants),
        unit="persons",
        obs_status="E",
        source="knomad_bmm",
        revision=meta.revision,
        source_row=table[tab.ROW],
    )
