"""The country in its region and the world, and UN DESA's revisions side by side.

A country's migrant stock means little alone: the report sets it beside the stock of its
region (the M49 sub-region UN DESA aggregates it into) and of the world, each computed
from the same UN DESA file as the country's own figure (the world is every destination
of the file, a region the destinations the bundled M49 table places in it), so that the
world's 304,021,813 migrants of 2024 are a sum anyone can repeat.

UN DESA revises whole series with each edition (new census rounds, new methods): Lao PDR's
emigrants in 2020 were 1.30 million in the 2020 revision and 0.61 million in the 2024
one. When a profile lists two revisions, the stocks are computed from each, beside the
main figures (which keep the revision the profile lists first).

The indicators are declared in ``world.toml``; the computations here are those that are
not a generic sum or ratio (:mod:`migprofile.indicators.declarations`).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from migprofile.codes import NOT_APPLICABLE, WORLD, region_of
from migprofile.indicators.declarations import Country, computation, register_topic
from migprofile.indicators.ops import KEY, per, summed, total_only
from migprofile.indicators.registry import Inputs

__all__ = ["REVISED_STOCKS"]

STOCK = ("undesa_ims", "MIGRANT_STOCK")


def _members(x: Inputs) -> tuple[str, list[str]] | None:
    """The code and member countries of the profile's country's region."""
    region = region_of(x.area)
    return None if region is None else (region.code, sorted(region.members))


def _stock_in(x: Inputs, area: str, members: list[str] | None) -> ir.Table:
    """Migrants living in ``members`` (every destination when None), as rows of ``area``."""
    rows = x.source(*STOCK)
    if members is not None:
        rows = rows.filter(rows.ref_area.isin(members))
    return summed(rows, area=area)


def _population_of(x: Inputs, area: str, members: list[str] | None) -> ir.Table:
    rows = x.source("wdi", "POPULATION")
    if members is not None:
        rows = rows.filter(rows.ref_area.isin(members))
    return summed(rows, area=area)


def _nothing(x: Inputs) -> ir.Table:
    rows = x.source(*STOCK).filter(ibis.literal(False))
    return summed(rows, area=x.area)


@computation("world_stock")
def world_stock(x: Inputs) -> ir.Table:
    return _stock_in(x, WORLD, None)


@computation("world_share")
def world_share(x: Inputs) -> ir.Table:
    return per(total_only(world_stock(x)), _population_of(x, WORLD, None))


@computation("region_stock")
def region_stock(x: Inputs) -> ir.Table:
    found = _members(x)
    return _nothing(x) if found is None else _stock_in(x, *found)


@computation("region_share")
def region_share(x: Inputs) -> ir.Table:
    found = _members(x)
    if found is None:
        return _nothing(x)
    return per(total_only(_stock_in(x, *found)), _population_of(x, *found))


# UN DESA's revisions side by side --------------------------------------------------------

@computation("stock_by_revision")
def stock_by_revision(x: Inputs, *, country: Country) -> ir.Table:
    """A stock by year, sex and revision (of the migrants living in the country, or of
    those born in it: the observations whose ``country`` column is the country), when the
    profile lists two revisions or more."""
    rows = x.every_revision(*STOCK)
    if len(x.listed.get(STOCK[0], ())) < 2:
        rows = rows.filter(ibis.literal(False))
    rows = rows.filter(rows[country] == x.area)
    out = rows.group_by("time_period", "sex", "revision").agg(value=rows.value.sum())
    return out.mutate(ref_area=ibis.literal(x.area),
                      counterpart_area=ibis.literal(NOT_APPLICABLE)).select(
        *KEY, "value", "revision")


register_topic("world")

REVISED_STOCKS = {"immigrant_stock": "immigrant_stock_by_revision",
                  "emigrant_stock": "emigrant_stock_by_revision"}
"""Each stock and the indicator giving it in every listed revision."""
