"""UN DESA's type of data per destination: what each country's immigrant stock rests on.

Flags ``b`` (foreign-born), ``c`` (foreign citizens), ``r`` (refugees added) and ``i``
(imputed, no data) per revision and destination, stored as 0/1 observations of dataflow
``UNDESA_IMS_DATA_TYPE`` with the flag in ``dims`` (``type=b``) and the UN DESA revision as
``time_period``, so that they line up with the stocks they describe.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir

from migprofile.sources import tabular as tab
from migprofile.sources.canonical import canonical
from migprofile.sources.checks import count_rules, country_rules, year_rules
from migprofile.sources.sidecar import SourceMeta

FLAGS = ("b", "c", "r", "i")
COLUMNS = ("revision", "dest_iso3", *(f"type_{flag}" for flag in FLAGS))


def _rules(_: ir.Table) -> list[tab.Rule]:
    rules = [*year_rules("revision"), *country_rules("dest_iso3")]
    for flag in FLAGS:
        rules += count_rules(f"type_{flag}", required=True)
    return rules


def read(path: Path, meta: SourceMeta) -> ir.Table:
    table = tab.load_checked(path, columns=COLUMNS, rules=_rules)
    revision = tab.number(table.revision).cast("int64").cast("string")
    return ibis.union(*(
        canonical(
            table,
            dataflow="UNDESA_IMS_DATA_TYPE",
            measure="DATA_TYPE",
            ref_area=table.dest_iso3.strip(),
            time_period=revision,
            dims=f"type={flag}",
            value=tab.number(table[f"type_{flag}"]),
            unit="flag",
            source="undesa_ims_data_type",
            revision=meta.revision,
            source_row=table[tab.ROW],
        )
        for flag in FLAGS
    ))
