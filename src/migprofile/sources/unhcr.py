"""UNHCR Refugee Data Finder: populations by country of asylum and country of origin.

One observation per non-empty cell, dataflow ``UNHCR``, with the country of asylum as
``ref_area`` and the country of origin as ``counterpart_area``. Internally displaced
persons are reported with asylum = origin = the country itself.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir

from migprofile.sources import tabular as tab
from migprofile.sources.canonical import canonical
from migprofile.sources.checks import count_rules, country_rules, year_rules
from migprofile.sources.sidecar import SourceMeta

KIND = "unhcr"
DATAFLOW = "UNHCR"
MEASURES = {
    "refugee": "REFUGEES",
    "asylum": "ASYLUM_SEEKERS",
    "refugee_return": "REFUGEE_RETURNS",
    "idp": "IDPS",
    "idp_return": "IDP_RETURNS",
    "stateless": "STATELESS",
    "other": "OTHERS_OF_CONCERN",
}
COLUMNS = ("year", "asylum_iso3", "origin_iso3", *MEASURES)


def _rules(_: ir.Table) -> list[tab.Rule]:
    rules = [*year_rules("year"), *country_rules("asylum_iso3", "origin_iso3")]
    for column in MEASURES:
        rules += count_rules(column)
    return rules


def read(path: Path, meta: SourceMeta) -> ir.Table:
    table = tab.load_checked(path, columns=COLUMNS, rules=_rules)
    parts = []
    for column, measure in MEASURES.items():
        present = table.filter(~tab.blank(table[column]))
        parts.append(canonical(
            present,
            dataflow=DATAFLOW,
            measure=measure,
            ref_area=present.asylum_iso3.strip(),
            counterpart_area=present.origin_iso3.strip(),
            time_period=tab.number(present.year).cast("int64").cast("string"),
            value=tab.number(present[column]),
            unit="persons",
            source=KIND,
            revision=meta.revision,
            source_row=present[tab.ROW],
        ))
    return ibis.union(*parts)
