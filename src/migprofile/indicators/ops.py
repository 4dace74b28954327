"""Small relational steps that indicator computations share."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from migprofile.codes import NOT_APPLICABLE, TOTAL
from migprofile.indicators.registry import Inputs

__all__ = ["dim_is", "per", "summed", "total_only", "wdi_series", "with_sex_total"]

KEY = ("ref_area", "counterpart_area", "time_period", "sex")


def summed(rows: ir.Table, *, area: str, partner: ir.Column | None = None) -> ir.Table:
    """Sum ``value`` by year and sex (and partner), as indicator rows of ``area``."""
    keys = {"time_period": rows.time_period, "sex": rows.sex}
    if partner is not None:
        keys["counterpart_area"] = partner
    out = rows.group_by(**keys).agg(value=rows.value.sum())
    if partner is None:
        out = out.mutate(counterpart_area=ibis.literal(NOT_APPLICABLE))
    return out.mutate(ref_area=ibis.literal(area)).select(*KEY, "value")


def with_sex_total(rows: ir.Table) -> ir.Table:
    """Indicator rows by sex, plus their sum over sexes (``_T``) for sources that give none."""
    keys = [k for k in KEY if k != "sex"]
    total = rows.group_by(keys).agg(value=rows.value.sum()).mutate(sex=ibis.literal(TOTAL))
    return rows.union(total.select(*KEY, "value"))


def dim_is(dims: ir.StringValue, key: str, code: str) -> ir.BooleanValue:
    """Whether an observation's extra dimensions (``a=1;b=2``) give ``key`` the ``code``."""
    return (ibis.literal(";") + dims + ";").contains(f";{key}={code};")


def total_only(rows: ir.Table) -> ir.Table:
    """Rows for both sexes together."""
    return rows.filter(rows.sex == TOTAL)


def per(numerator: ir.Table, denominator: ir.Table, *, scale: float = 100.0,
        sex: str | None = None) -> ir.Table:
    """``numerator / denominator * scale``, matched on year (the denominator's sex is _T).

    Years where either is missing, or the denominator is zero, give no row.
    """
    den = denominator.select(time_period=denominator.time_period, den=denominator.value)
    joined = numerator.join(den, "time_period").filter(ibis.deferred.den != 0)
    out = joined.mutate(value=joined.value / joined.den * scale)
    if sex is not None:
        out = out.mutate(sex=ibis.literal(sex))
    return out.select(*KEY, "value")


def wdi_series(x: Inputs, measure: str) -> ir.Table:
    """One World Bank series of the profile's country, as indicator rows."""
    rows = x.source("wdi", measure)
    return summed(rows.filter(rows.ref_area == x.area), area=x.area)
