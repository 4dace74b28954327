"""The canonical shape of aggregate data: one long table of observations, SDMX-like.

Every reader returns this shape, the warehouse stores it, indicators read it and exchange
packages are written from it. ``dims`` holds the dimensions a dataflow has beyond the
common ones, as ``key=value`` pairs sorted by key and joined by ``;`` (empty when none).
``source_row`` is the line of the input file an observation came from, for tracing a
published figure back to its row (null when the observation was derived from many rows).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from migprofile.codes import AGE_TOTAL, NOT_APPLICABLE, TOTAL

__all__ = ["OBSERVATION_SCHEMA", "canonical", "format_dims", "parse_dims"]

OBSERVATION_SCHEMA = ibis.schema(
    {
        "dataflow": "string",
        "measure": "string",
        "ref_area": "string",
        "counterpart_area": "string",
        "time_period": "string",
        "sex": "string",
        "age": "string",
        "dims": "string",
        "value": "float64",
        "unit": "string",
        "obs_status": "string",
        "source": "string",
        "revision": "string",
        "source_row": "int64",
    }
)

DEFAULTS = {
    "counterpart_area": NOT_APPLICABLE,
    "sex": TOTAL,
    "age": AGE_TOTAL,
    "dims": "",
    "obs_status": "A",
}


def canonical(table: ir.Table, **columns: object) -> ir.Table:
    """Select ``table`` into the canonical shape.

    Each keyword names a canonical column and gives an expression or a literal; missing
    columns take their SDMX default (``_Z`` partner, ``_T`` sex and age, status ``A``).
    """
    unknown = set(columns) - set(OBSERVATION_SCHEMA.names)
    if unknown:
        raise TypeError(f"not canonical columns: {sorted(unknown)}")
    selected = {}
    for name, dtype in OBSERVATION_SCHEMA.items():
        value = columns.get(name, DEFAULTS.get(name))
        expr = value if isinstance(value, ir.Value) else ibis.literal(value, type=dtype)
        selected[name] = expr.cast(dtype)
    return table.select(**selected)


def format_dims(pairs: dict[str, str]) -> str:
    """``{"b": "2", "a": "1"}`` -> ``"a=1;b=2"``."""
    return ";".join(f"{k}={pairs[k]}" for k in sorted(pairs))


def parse_dims(text: str) -> dict[str, str]:
    """Inverse of :func:`format_dims`."""
    if not text:
        return {}
    return dict(part.split("=", 1) for part in text.split(";"))
