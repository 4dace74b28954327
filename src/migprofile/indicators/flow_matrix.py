"""Flows between two dimensions of one national dataflow: who moved from where to where.

A census gives internal migrants by province of origin and of destination (and by sex,
age and reason); the report shows the latest year's origin x destination table and the
largest flows. Both are read off the dataflow's observations in force, every other
dimension totalled by the rule of :mod:`migprofile.codes.totals` (a total the file
gives, else the sum of complete parts), so the table's margins are those the indicators
use. The dataflow and its two dimensions come from its section declaration
(``kind = "flow_matrix"`` or ``"largest_flows"`` with ``flow = [FROM, TO]``): any dataflow
with two such dimensions is shown the same way. Where the profile protects the dataflow's
counts (disclosure control), the table is protected as one table with its margins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import ibis.expr.types as ir

from migprofile.codes import TOTAL, Dataflow
from migprofile.codes.dataflows import FLOW_BLOCKS
from migprofile.indicators.disclosure import (
    DisclosureRule,
    disclosure_rule,
    disclosure_salt,
    protect_table,
    table_from_cells,
)
from migprofile.indicators.national import national_cube, national_rows
from migprofile.profile import Profile
from migprofile.sources.national.store import revisions
from migprofile.warehouse import Warehouse

__all__ = ["FlowMatrix", "declared_flows", "flow_matrix", "profile_flow_matrices", "protected"]

Pair = tuple[str, str]


@dataclass(frozen=True)
class FlowMatrix:
    """The latest year's flows of a dataflow from the codes of one dimension to those of
    another; a figure that cannot be known (incomplete parts) or is withheld is absent."""

    dataflow: str
    dimensions: Pair
    """(from, to): ``("origin", "destination")``."""
    year: str
    revision: str
    cells: dict[Pair, float]
    """(from code, to code) -> the flow, for every pair with a known figure."""
    from_totals: dict[str, float]
    to_totals: dict[str, float]
    total: float | None
    names: dict[str, str] = field(default_factory=dict)
    """Code -> the label the files wrote for it (open codelists keep only the letters of
    a label in the code: "Hà Nội" is ``HA_NOI``)."""

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def largest(self, n: int) -> list[tuple[Pair, float]]:
        """The ``n`` largest flows, largest first (ties by codes)."""
        ranked = sorted(self.cells.items(), key=lambda item: (-item[1], item[0]))
        return [(pair, value) for pair, value in ranked if value > 0][:n]

    @staticmethod
    def _top(totals: Mapping[str, float], n: int) -> list[str]:
        return [code for code, _ in sorted(totals.items(), key=lambda i: (-i[1], i[0]))][:n]

    def top_from(self, n: int) -> list[str]:
        """The ``n`` codes most people came from, largest first."""
        return self._top(self.from_totals, n)

    def top_to(self, n: int) -> list[str]:
        """The ``n`` codes most people went to, largest first."""
        return self._top(self.to_totals, n)


def flow_matrix(observations: ir.Table, flow: Dataflow, *, area: str,
                dimensions: Pair) -> FlowMatrix | None:
    """The flows of ``flow`` between ``dimensions`` in its latest year; None without data."""
    data = national_cube(national_rows(observations, area=area, flows=[flow]), flow)
    if not data.revisions:
        return None
    year = max(data.revisions)
    source, target = dimensions

    def figure(**codes: str) -> float | None:
        cell = data.cube.value(data.key(time_period=year, **codes))
        return cell.value if cell is not None else None

    froms, tos = data.codes(source, year=year), data.codes(target, year=year)
    cells = {(a, b): value for a in froms for b in tos
             if (value := figure(**{source: a, target: b})) is not None}
    from_totals = {a: value for a in froms if (value := figure(**{source: a})) is not None}
    to_totals = {b: value for b in tos if (value := figure(**{target: b})) is not None}
    return FlowMatrix(flow.id, dimensions, year, data.revisions[year], cells, from_totals,
                      to_totals, figure())


def protected(matrix: FlowMatrix, *, rule: DisclosureRule, salt: bytes) -> FlowMatrix:
    """The matrix as it may be published: one table of the flows and their margins,
    small counts withheld and every count rounded (:func:`protect_table`)."""
    if not rule.enabled:
        return matrix
    cells = {**matrix.cells,
             **{(a, TOTAL): v for a, v in matrix.from_totals.items()},
             **{(TOTAL, b): v for b, v in matrix.to_totals.items()}}
    if matrix.total is not None:
        cells[(TOTAL, TOTAL)] = matrix.total
    values = protect_table(table_from_cells(cells, (0, 1)), rule=rule, salt=salt,
                           table_id=f"{matrix.dataflow}/{'x'.join(matrix.dimensions)}/"
                                    f"{matrix.year}")
    shown = {key: value for key, value in values.items() if value == value}  # not NaN
    return replace(
        matrix, cells={k: v for k, v in shown.items() if TOTAL not in k},
        from_totals={a: v for (a, b), v in shown.items() if b == TOTAL and a != TOTAL},
        to_totals={b: v for (a, b), v in shown.items() if a == TOTAL and b != TOTAL},
        total=shown.get((TOTAL, TOTAL)))


def file_labels(profile: Profile, flow: Dataflow, dimensions: Pair) -> dict[str, str]:
    """Code -> the label the imported files wrote for it, in ``dimensions`` (the latest
    revision's where two differ)."""
    found = {}
    for revision in revisions(profile, flow.id):
        for dimension in dimensions:
            found |= {code: label for label, code in
                      revision.meta.labels.get(dimension, {}).items()}
    return found


def declared_flows(flows: Mapping[str, Dataflow]) -> list[tuple[Dataflow, Pair]]:
    """Each national dataflow and pair of dimensions a section declaration shows flows of."""
    found = []
    for flow in flows.values():
        blocks = flow.section.blocks if flow.national and flow.section is not None else []
        for block in blocks:
            pair = (block.flow[0], block.flow[1]) if block.kind in FLOW_BLOCKS else None
            if pair is not None and (flow, pair) not in found:
                found.append((flow, pair))
    return found


def profile_flow_matrices(profile: Profile, warehouse: Warehouse,
                          flows: Mapping[str, Dataflow], *,
                          protect: bool = True) -> dict[tuple[str, Pair], FlowMatrix]:
    """The flow matrices a profile's report shows, by (dataflow, dimensions); protected as
    the profile's outputs are (``protect``)."""
    found = {}
    for flow, pair in declared_flows(flows):
        matrix = flow_matrix(warehouse.observations, flow, area=profile.country,
                             dimensions=pair)
        if matrix is None:
            continue
        matrix = replace(matrix, names=file_labels(profile, flow, pair))
        rule = disclosure_rule(profile.settings.disclosure, flow)
        if protect and rule.enabled:
            matrix = protected(matrix, rule=rule, salt=disclosure_salt(profile))
        found[(flow.id, pair)] = matrix
    return found
