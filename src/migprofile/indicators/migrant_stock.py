"""Immigrant and emigrant stocks (UN DESA International Migrant Stock; KNOMAD for checks).

The indicators are declared in ``migrant_stock.toml``; all but the emigration rate are a
generic sum or ratio (:mod:`migprofile.indicators.declarations`).
"""

from __future__ import annotations

import ibis.expr.types as ir

from migprofile.indicators.declarations import Operand, computation, register_topic
from migprofile.indicators.registry import Inputs


@computation("emigration_rate")
def emigration_rate(x: Inputs, *, emigrants: Operand, population: Operand) -> ir.Table:
    """Emigrants / (emigrants + resident population) x 100: the share of all people born
    in the country who live abroad."""
    out = emigrants.rows(x)
    pop = population.rows(x)
    joined = out.join(pop.select("time_period", pop_value=pop.value), "time_period")
    rate = joined.value / (joined.value + joined.pop_value) * 100
    return joined.mutate(value=rate).select(
        "ref_area", "counterpart_area", "time_period", "sex", "value")


register_topic("migrant_stock")
