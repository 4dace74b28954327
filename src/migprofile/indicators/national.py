"""Indicators from national administrative data (imported with ``migprofile import``).

Each year is taken from the latest revision that covers it. A dimension an indicator does
not show is totalled by the rule of :mod:`migprofile.codes.totals`: the agency's own total
where the file gave one (45,058 workers in 2021), otherwise the sum of complete parts. Women
alone are not a total, and a partner split by sex never drops out of the total of all
partners: its total is its women and men added up. Shares of women are taken on the base
where both figures are known (:func:`women_shares`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from migprofile.codes import NOT_APPLICABLE, TOTAL, Dataflow
from migprofile.codes.dataflows import RATE_UNITS
from migprofile.codes.totals import Cube, Share
from migprofile.indicators.registry import REGISTRY, Inputs

__all__ = ["NationalValues", "RevisedFigure", "adds_up", "in_force", "latest_revisions",
           "national_cube", "national_families", "national_rows", "national_source",
           "national_values", "revised_figures", "with_extra_dimensions", "women_shares"]

CANONICAL = ("counterpart_area", "time_period", "sex", "age")
VALUE_SCHEMA = pa.schema([("counterpart_area", pa.string()), ("time_period", pa.string()),
                          ("sex", pa.string()), ("value", pa.float64()),
                          ("revision", pa.string()), ("ref_area", pa.string())])


def in_force(rows: ir.Table) -> ir.BooleanValue:
    """Whether a row of a national source is in force: of the latest revision (``r2`` after
    ``r1``) that covers its year for its country. The one rule of revisions, whether the
    rows are then read in the warehouse or in memory."""
    number = rows.revision.substr(1).cast("int64")
    return number == number.max().over(group_by=[rows.source, rows.ref_area,
                                                 rows.time_period])


def latest_revisions(rows: ir.Table) -> ir.Table:
    """The rows in force (:func:`in_force`) of national sources' observations."""
    return rows.filter(in_force(rows))


def with_extra_dimensions(rows: ir.Table, extra: list[str]) -> ir.Table:
    return rows.mutate(**{dim: rows.dims.re_extract(rf"(?:^|;){dim}=([^;]*)", 1)
                          for dim in extra})


def _revision_number(revision: str) -> int:
    return int(revision[1:])


NationalRows = dict[str, list[dict]]
"""The observations of national sources for one country, by source id."""


def national_rows(observations: ir.Table, *, area: str,
                  flows: Iterable[Dataflow] | None = None) -> NationalRows:
    """Every observation of ``area`` from ``flows`` (by default the national dataflows of
    the registry's indicators), fetched in one query: each indicator then reads its
    dataflow's rows from memory."""
    chosen = flows if flows is not None else (f.flow for f in national_families().values())
    sources = sorted({flow.source_id for flow in chosen})
    obs = observations
    rows = obs.filter(obs.source.isin(sources) & (obs.ref_area == area)) if sources else \
        obs.filter(ibis.literal(False))
    found: NationalRows = {source: [] for source in sources}
    for row in rows.select(*CANONICAL, "dims", "value", "revision", "source",
                           in_force=in_force(rows)).to_pyarrow().to_pylist():
        found[row["source"]].append(row)
    return found


def _inputs_rows(x: Inputs) -> NationalRows:
    return x.once("national_rows", lambda: national_rows(x.observations, area=x.area))


def _chosen(rows: list[dict], revision: str | None) -> list[dict]:
    """The rows of ``revision``, or those in force (:func:`in_force`)."""
    if revision is not None:
        return [r for r in rows if r["revision"] == revision]
    return [r for r in rows if r["in_force"]]


def _extra_codes(dims: str | None, extra: list[str]) -> dict[str, str | None]:
    """The codes of the dimensions kept in the ``dims`` column (``age=Y15-24;skill=LOW``)."""
    given: dict[str, str] = {}
    for part in (dims or "").split(";"):
        name, sep, code = part.partition("=")
        if sep and name not in given:
            given[name] = code
    return {dim: given.get(dim) for dim in extra}


@dataclass(frozen=True)
class NationalCube:
    """A national dataflow's observations in force (latest revision of each year)."""

    flow: Dataflow
    cube: Cube
    revisions: dict[str, str]
    """The revision each year comes from."""

    @property
    def dimensions(self) -> tuple[str, ...]:
        return self.cube.dimensions

    def codes(self, dimension: str, *, year: str) -> list[str]:
        """The codes of ``dimension`` the year's observations use (not the total)."""
        axis, time = self.dimensions.index(dimension), self.dimensions.index("time_period")
        return sorted({key[axis] for key in self.cube.given
                       if key[time] == year and key[axis] != TOTAL})

    def key(self, **codes: str) -> tuple[str, ...]:
        """A key: the given codes, every other dimension totalled."""
        return tuple(codes.get(d, TOTAL) for d in self.dimensions)


def national_cube(rows: NationalRows, flow: Dataflow, *,
                  fixed: Mapping[str, str] | None = None,
                  revision: str | None = None) -> NationalCube:
    """The observations in force of a national dataflow (or those of one ``revision``), as
    a :class:`Cube`."""
    dims = [d.id for d in flow.dimensions]
    extra = [d.id for d in flow.extra_dimensions]
    found = []
    for row in _chosen(rows.get(flow.source_id, []), revision):
        row = {**row, **_extra_codes(row["dims"], extra)}
        if all(row[dim] == code for dim, code in (fixed or {}).items()):
            found.append(row)
    cube = Cube(flow, dims, [(tuple(r[d] or TOTAL for d in dims), r["value"], i)
                             for i, r in enumerate(found)])
    revisions: dict[str, str] = {}
    for r in found:
        revisions[r["time_period"]] = max(revisions.get(r["time_period"], r["revision"]),
                                          r["revision"], key=_revision_number)
    return NationalCube(flow, cube, revisions)


def _keys(data: NationalCube, *, year: str, by_partner: bool,
          fixed: Mapping[str, str]) -> list[dict[str, str]]:
    """The keys an indicator shows for a year: by sex (and partner), the rest totalled."""
    partners = data.codes("counterpart_area", year=year) if by_partner else [TOTAL]
    sexes = [TOTAL, *data.codes("sex", year=year)] if "sex" in data.dimensions else [TOTAL]
    return [{"time_period": year, "counterpart_area": partner, "sex": sex, **fixed}
            for partner in partners for sex in sexes]


@dataclass(frozen=True)
class NationalValues:
    """The computation of an indicator of a national dataflow (its ``compute``)."""

    flow: Dataflow
    by_partner: bool
    fixed: Mapping[str, str]

    def __call__(self, x: Inputs) -> ir.Table:
        return national_values(x, self.flow, by_partner=self.by_partner, fixed=self.fixed)


def national_families() -> dict[str, NationalValues]:
    """Indicator id -> its computation, for every indicator of national data in the
    registry (shipped or the profile's own)."""
    return {key: item.compute for key, item in REGISTRY.items()
            if isinstance(item.compute, NationalValues)}


def national_source(indicator_id: str) -> Dataflow | None:
    """The national dataflow an indicator is computed from; None for any other."""
    family = national_families().get(indicator_id)
    return family.flow if family is not None else None


def adds_up(indicator_id: str) -> bool:
    """Whether an indicator's values add up (counts) or not (rates and shares): those of
    a national dataflow as its measure says, any other by its unit."""
    flow = national_source(indicator_id)
    if flow is not None:
        return flow.additive
    return REGISTRY[indicator_id].unit not in RATE_UNITS


def national_values(x: Inputs, flow: Dataflow, *, by_partner: bool = False,
                    fixed: Mapping[str, str] | None = None) -> ir.Table:
    """Indicator rows of a national dataflow: by year and sex (and partner), every other
    dimension totalled or, for those in ``fixed``, set to one code."""
    fixed = dict(fixed or {})
    data = national_cube(_inputs_rows(x), flow, fixed=fixed)
    rows = []
    for year, revision in sorted(data.revisions.items()):
        for codes in _keys(data, year=year, by_partner=by_partner, fixed=fixed):
            cell = data.cube.value(data.key(**codes))
            if cell is not None:
                rows.append({"counterpart_area": codes["counterpart_area"] if by_partner
                             else NOT_APPLICABLE, "time_period": year, "sex": codes["sex"],
                             "value": cell.value, "revision": revision, "ref_area": x.area})
    return ibis.memtable(pa.Table.from_pylist(rows, schema=VALUE_SCHEMA))


@dataclass(frozen=True)
class RevisedFigure:
    """A year's total that revisions of a national dataflow gave differently."""

    indicator: str
    year: str
    values: tuple[tuple[str, float], ...]
    """(revision, total) for each revision that gives the year, oldest first."""
    used: str
    """The revision the indicators use: the latest that covers the year."""


def revised_figures(observations: ir.Table, *, area: str) -> list[RevisedFigure]:
    """Every national total (by year, both sexes, all partners) that a later revision
    changed, with each revision's figure."""
    found = []
    rows = national_rows(observations, area=area)
    for indicator_id, family in national_families().items():
        if family.by_partner:
            continue
        flow, fixed = family.flow, family.fixed
        names = sorted({r["revision"] for r in rows[flow.source_id]}, key=_revision_number)
        if len(names) < 2:
            continue
        in_force = national_cube(rows, flow, fixed=fixed)
        cubes = [(name, national_cube(rows, flow, fixed=fixed, revision=name))
                 for name in names]
        for year, used in sorted(in_force.revisions.items()):
            values = tuple((name, cell.value) for name, data in cubes
                           if (cell := data.cube.value(data.key(time_period=year, **fixed)))
                           is not None)
            if len({value for _, value in values}) > 1:
                found.append(RevisedFigure(indicator_id, year, values, used))
    return found


def women_shares(observations: ir.Table, *, area: str) -> dict[tuple[str, str, str], Share]:
    """The share of women of every national indicator shown by sex, by (indicator,
    partner, year), on the base where both figures are known."""
    shares = {}
    rows = national_rows(observations, area=area)
    for indicator_id, family in national_families().items():
        flow, fixed, by_partner = family.flow, family.fixed, family.by_partner
        if not any(d.id == "sex" for d in flow.dimensions):
            continue
        data = national_cube(rows, flow, fixed=fixed)
        axis = data.dimensions.index("sex")
        for year in data.revisions:
            for codes in _keys(data, year=year, by_partner=by_partner, fixed=fixed):
                if codes["sex"] != TOTAL:
                    continue
                share = data.cube.share(data.key(**codes), axis, "F")
                if share is not None:
                    partner = codes["counterpart_area"] if by_partner else NOT_APPLICABLE
                    shares[(indicator_id, partner, year)] = share
    return shares


