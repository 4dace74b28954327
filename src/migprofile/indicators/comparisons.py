"""Figures that should agree, compared: never merged, always shown side by side.

Two kinds of pairs are declared once, in ``pairs.toml`` beside this module:

- **two sources** for one concept (remittances in WDI and KNOMAD; the emigrant stock in
  UN DESA, KNOMAD and the consular registers), compared on the profile's indicators;
- **mirror pairs**: one flow or stock as the two countries report it (our workers deployed
  to a partner against the partner's work permits for our citizens; our long-term
  departures to it against its long-term arrivals of our citizens), compared on the
  observations of the profile and of the packages its partners sent.

For each pair and period the comparison gives both values, their difference ``B - A``,
the relative difference ``(B - A) / A`` and the asymmetry index ``(A - B) / ((A + B) / 2)``,
which does not depend on which side is called first, and flags the pair when the absolute
asymmetry index exceeds the threshold.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import ibis.expr.types as ir
import pandas as pd
from pydantic import BaseModel, ConfigDict

from migprofile.codes import NOT_APPLICABLE, TOTAL, Dataflow
from migprofile.codes.dataflows import CANONICAL_DIMENSIONS
from migprofile.codes.totals import Cube, add_exactly
from migprofile.indicators.disclosure import DisclosureRule, Table, protect_table
from migprofile.indicators.national import latest_revisions, with_extra_dimensions
from migprofile.profile import Profile
from migprofile.sources.partners import PARTNER_PREFIX, partner_kind
from migprofile.warehouse import INDICATOR_SCHEMA, Warehouse

__all__ = [
    "COMPARISONS",
    "MirrorPair",
    "Reconciliation",
    "SourceComparison",
    "SourcePair",
    "compare_sources",
    "mirror_pair",
    "mirror_pairs",
    "reconcile_mirrors",
    "reconcile_profile",
    "reconcile_sources",
    "source_pairs",
]


class _Declared(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SameRevision(_Declared):
    """The revision of the first's source that the second was built from."""

    indicator: str
    """The indicator giving the first in every revision the profile lists."""
    revision: str


class SourcePair(_Declared):
    """Two indicators of one concept from two sources."""

    id: str
    first: str
    second: str
    like_with_like: SameRevision | None = None
    """When the second rests on one revision of the first's source: compare with the first
    in that revision where the profile lists it, so that the pair shows how the sources
    differ and not how one of them was revised."""


class MirrorSide(_Declared):
    """One end of a mirror pair: what the reporting country counts."""

    dataflow: str
    measure: str
    partner: str
    """Where the other country's code is: a canonical column or a key of ``dims``."""


class MirrorPair(_Declared):
    """One flow or stock as the origin and the destination country report it."""

    id: str
    names: dict[str, str]
    origin: MirrorSide
    destination: MirrorSide


class _Pairs(_Declared):
    sources: list[SourcePair]
    mirror: list[MirrorPair]


@cache
def _pairs() -> _Pairs:
    text = resources.files("migprofile").joinpath("indicators/pairs.toml").read_text(
        encoding="utf-8")
    return _Pairs.model_validate(tomllib.loads(text))


def source_pairs() -> list[SourcePair]:
    """The declared two-source pairs."""
    return list(_pairs().sources)


def mirror_pairs() -> list[MirrorPair]:
    """The declared mirror pairs."""
    return list(_pairs().mirror)


def mirror_pair(pair_id: str) -> MirrorPair:
    return next(p for p in _pairs().mirror if p.id == pair_id)


COMPARISONS = tuple(source_pairs())
"""The two-source pairs (kept under this name for the report's annex)."""


@dataclass(frozen=True)
class Reconciliation:
    """Two figures that should agree, for one period: A (first) and B (second)."""

    pair: str
    kind: Literal["sources", "mirror"]
    partner: str
    """The partner agency of a mirror pair; empty for two sources."""
    first: str
    """What A is: an indicator id, or ``COUNTRY DATAFLOW.MEASURE -> OTHER``."""
    first_source: str
    first_period: str
    first_value: float
    second: str
    second_source: str
    second_period: str
    second_value: float
    threshold_pct: float
    origin: str = ""
    """A mirror pair's origin country (reports A) ..."""
    destination: str = ""
    """... and destination country (reports B)."""

    @property
    def period(self) -> str:
        return self.second_period

    @property
    def difference(self) -> float:
        """B - A."""
        return self.second_value - self.first_value

    @property
    def relative_pct(self) -> float | None:
        """(B - A) / A, in per cent; None when A is zero."""
        return None if self.first_value == 0 else self.difference / self.first_value * 100

    @property
    def asymmetry_pct(self) -> float | None:
        """(A - B) / ((A + B) / 2), in per cent; None when both are zero."""
        mean = (self.first_value + self.second_value) / 2
        return None if mean == 0 else (self.first_value - self.second_value) / mean * 100

    @property
    def flagged(self) -> bool:
        """The two figures differ by more than the threshold (asymmetry index)."""
        index = self.asymmetry_pct
        return index is not None and abs(index) > self.threshold_pct

    @property
    def disagree(self) -> bool:
        """The second differs from the first by more than the threshold (relative to the
        first): how the report's annex lists sources that disagree."""
        rel = self.relative_pct
        return rel is None or abs(rel) > self.threshold_pct

    # the names the report's annex has always used
    @property
    def id(self) -> str:
        return self.pair

    @property
    def first_year(self) -> str:
        return self.first_period

    @property
    def second_year(self) -> str:
        return self.second_period


SourceComparison = Reconciliation


def _rows(values: pd.DataFrame, indicator: str, revision: str | None) -> pd.DataFrame:
    rows = values[values.indicator == indicator]
    return rows if revision is None else rows[rows.revision == revision]


def _series(values: pd.DataFrame, indicator: str, revision: str | None = None) -> pd.Series:
    rows = _rows(values, indicator, revision)
    rows = rows[(rows.sex == TOTAL) & (rows.counterpart_area == NOT_APPLICABLE)]
    return pd.Series(rows.value.to_numpy(), index=rows.time_period.to_numpy()).sort_index()


def _revisions(values: pd.DataFrame, indicator: str,
               revision: str | None = None) -> dict[str, str]:
    rows = _rows(values, indicator, revision)
    return {p: f"{s} {r}" for p, s, r in zip(rows.time_period, rows.source, rows.revision,
                                             strict=True)}


def _first_side(values: pd.DataFrame, item: SourcePair) -> tuple[str, str | None]:
    """The indicator (and revision) the second of a pair is compared with."""
    same = item.like_with_like
    if same is not None and not _series(values, same.indicator, same.revision).empty:
        return same.indicator, same.revision
    return item.first, None


def reconcile_sources(values: pd.DataFrame, *, threshold_pct: float,
                      latest_only: bool = False) -> list[Reconciliation]:
    """Every declared two-source pair, for each year of the second indicator.

    The first is taken in the same year or the latest year before it, and in the revision
    the second rests on when the pair declares one and the profile lists it. ``latest_only``
    keeps the latest year of the second (what the report's annex shows).
    """
    results = []
    for item in source_pairs():
        first_id, revision = _first_side(values, item)
        first, second = _series(values, first_id, revision), _series(values, item.second)
        years = list(second.index[-1:] if latest_only else second.index)
        first_sources, second_sources = (_revisions(values, first_id, revision),
                                         _revisions(values, item.second))
        for year in years:
            earlier = first[first.index <= year]
            if earlier.empty or pd.isna(second[year]) or pd.isna(earlier.iloc[-1]):
                continue
            results.append(Reconciliation(
                item.id, "sources", "", first_id, first_sources.get(earlier.index[-1], ""),
                str(earlier.index[-1]), float(earlier.iloc[-1]), item.second,
                second_sources.get(year, ""), str(year), float(second[year]), threshold_pct))
    return results


def compare_sources(values: pd.DataFrame, *, threshold_pct: float) -> list[Reconciliation]:
    """Each two-source pair in the latest year of its second source (the report's view)."""
    return reconcile_sources(values, threshold_pct=threshold_pct, latest_only=True)


# mirror pairs -----------------------------------------------------------------------

def _latest_package(rows: ir.Table) -> ir.Table:
    """For each period, the rows of the latest package (package ids start with the time
    they were made)."""
    return rows.filter(rows.revision == rows.revision.max().over(group_by=rows.time_period))


def _side_rows(observations: ir.Table, flow: Dataflow, side: MirrorSide, *, reporter: str,
               source: str | None) -> ir.Table:
    """A side's observations: the profile's own (``source`` None) or a partner's."""
    obs = observations
    rows = obs.filter((obs.dataflow == flow.id) & (obs.measure == side.measure)
                      & (obs.ref_area == reporter))
    if source is not None:
        return _latest_package(rows.filter(rows.source == source))
    if flow.national:
        return latest_revisions(rows.filter(rows.source == flow.source_id))
    return rows.filter(~rows.source.startswith(PARTNER_PREFIX))


def side_totals(observations: ir.Table, flow: Dataflow, side: MirrorSide, *, reporter: str,
                other: str, source: str | None) -> pd.DataFrame:
    """One side of a mirror pair by year: ``year, value, source``.

    Observations of ``reporter`` about ``other`` (in the side's partner dimension), every
    other dimension totalled by :mod:`migprofile.codes.totals` (the reporter's own total
    where it gave one, else the sum of complete parts); months added up to years.
    """
    rows = _side_rows(observations, flow, side, reporter=reporter, source=source)
    extra = sorted({d.id for d in flow.extra_dimensions}
                   | ({side.partner} - set(CANONICAL_DIMENSIONS)))
    rows = with_extra_dimensions(rows, extra)
    rows = rows.filter(rows[side.partner] == other)
    hidden = [d for d in ("counterpart_area", "sex", "age", *extra)
              if d != side.partner]
    labels = rows.select("time_period", "source", "revision").distinct()
    found = rows.select("time_period", "value", *hidden).to_pyarrow().to_pylist()
    dims = ["time_period", *hidden]
    cube = Cube(flow, dims, [(tuple(r[d] or TOTAL for d in dims), r["value"], i)
                             for i, r in enumerate(found)])
    periods = sorted({r["time_period"] for r in found})
    totals = [(p, cube.value((p, *[TOTAL] * len(hidden)))) for p in periods]
    by_year: dict[str, list[float]] = {}
    for period, cell in totals:
        if cell is not None:
            by_year.setdefault(period[:4], []).append(cell.value)
    found = pd.DataFrame({"year": list(by_year),
                          "value": [add_exactly(v) for v in by_year.values()]},
                         columns=["year", "value"])
    sources = labels.mutate(year=labels.time_period.substr(0, 4)).to_pandas()
    found["source"] = [", ".join(sorted({f"{s} {r}" for s, r in zip(
        sources[sources.year == y].source, sources[sources.year == y].revision,
        strict=True)})) for y in found.year]
    return found


@dataclass(frozen=True)
class Partner:
    """A partner as reconciliation needs it."""

    id: str
    country: str


def _protected(found: pd.DataFrame, rule: DisclosureRule | None, *, salt: bytes,
               table_id: str) -> pd.DataFrame:
    """Our side's yearly figures as they may be published (a protected dataflow's counts
    are suppressed and rounded)."""
    if rule is None or not rule.enabled or found.empty:
        return found
    table = Table(dict(zip(found.year, found.value, strict=True)), [])
    published = protect_table(table, rule=rule, salt=salt, table_id=table_id)
    return found.assign(value=[published[y] for y in found.year])


def reconcile_mirrors(observations: ir.Table, *, country: str, partners: Sequence[Partner],
                      flows: Mapping[str, Dataflow], threshold_pct: float,
                      rules: Mapping[str, DisclosureRule], salt: bytes) -> list[Reconciliation]:
    """Every declared mirror pair, with each partner, in both directions, for each year
    both sides report.

    Parameters
    ----------
    observations
        The warehouse's observations: the profile's and its partners' packages.
    country
        The profile's country.
    partners
        The partners to reconcile with.
    flows
        Dataflow declarations by id.
    threshold_pct
        A pair is flagged above this absolute asymmetry index.
    rules, salt
        Disclosure rules by dataflow and the profile's salt: the profile's own figures
        of a protected dataflow are rounded and suppressed as in every output.
    """
    results = []
    for pair in mirror_pairs():
        if pair.origin.dataflow not in flows or pair.destination.dataflow not in flows:
            continue
        for partner in partners:
            theirs = partner_kind(partner.id)
            directions = ((country, partner.country, None, theirs),
                          (partner.country, country, theirs, None))
            for origin, destination, origin_source, destination_source in directions:
                sides = []
                for side, reporter, other, source in (
                        (pair.origin, origin, destination, origin_source),
                        (pair.destination, destination, origin, destination_source)):
                    found = side_totals(observations, flows[side.dataflow], side,
                                        reporter=reporter, other=other, source=source)
                    if source is None:
                        found = _protected(found, rules.get(side.dataflow), salt=salt,
                                           table_id=f"{pair.id}/{reporter}/{other}")
                    sides.append(found)
                results += _paired(pair, partner.id, origin, destination, sides,
                                   threshold_pct)
    return results


def _label(country: str, side: MirrorSide, other: str) -> str:
    return f"{country} {side.dataflow}.{side.measure} {other}"


def _paired(pair: MirrorPair, partner: str, origin: str, destination: str,
            sides: list[pd.DataFrame], threshold_pct: float) -> list[Reconciliation]:
    first, second = (s.set_index("year") for s in sides)
    results = []
    for year in sorted(set(first.index) & set(second.index)):
        a, b = first.at[year, "value"], second.at[year, "value"]
        if pd.isna(a) or pd.isna(b):
            continue
        results.append(Reconciliation(
            pair.id, "mirror", partner, _label(origin, pair.origin, destination),
            first.at[year, "source"], year, float(a),
            _label(destination, pair.destination, origin), second.at[year, "source"], year,
            float(b), threshold_pct, origin, destination))
    return results


def reconcile_profile(profile: Profile, warehouse: Warehouse, *, partner: str | None = None,
                      values: pd.DataFrame | None = None) -> list[Reconciliation]:
    """Every pair of a built profile: two sources, then mirror pairs with each partner
    (or only with ``partner``), for every period both figures exist.

    ``values`` are the indicator values as published (default: as published by every
    output, after disclosure control).

    Raises
    ------
    MigprofileError
        ``partner`` is not a registered partner.
    """
    from migprofile.indicators.disclosure import disclosure_rule, disclosure_salt

    if partner is not None:
        profile.partner(partner)  # known, or an error naming the registered ones
    threshold = profile.settings.reconciliation.threshold_pct
    if values is None:
        from migprofile.indicators.disclosure import published_values

        values = pd.DataFrame(published_values(profile, warehouse),
                              columns=[*INDICATOR_SCHEMA.names, "conf_status"])
    found = [] if partner is not None else reconcile_sources(values, threshold_pct=threshold)
    flows = profile.dataflows
    partners = [Partner(key, item.country) for key, item in profile.settings.partners.items()
                if partner is None or key == partner]
    rules = {flow_id: disclosure_rule(profile.settings.disclosure, flow)
             for flow_id, flow in flows.items()}
    return found + reconcile_mirrors(
        warehouse.observations, country=profile.country, partners=partners, flows=flows,
        threshold_pct=threshold, rules=rules, salt=disclosure_salt(profile))
