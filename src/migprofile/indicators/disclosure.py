"""Disclosure control: what leaves the profile never reveals small counts about people.

Applied where outputs are written (exchange packages, the report, ``tables.xlsx``,
``indicators.csv``) to the counts of every protected dataflow, one published table at a
time. A table is a set of cells and the additive relations between them (a total equals
the sum of its parts). Three steps, as statistical offices do for their border data:

1. **Primary suppression**: a count from 1 to ``threshold - 1`` is withheld.
2. **Complementary suppression**: more cells are withheld until no withheld cell can be
   computed back from the published cells and totals of the same table. A withheld cell
   ``k`` is determined exactly when the unit vector ``e_k`` lies in the row space of the
   table's constraint matrix restricted to the withheld cells, that is when every vector
   of that matrix's null space is zero at ``k``; while one is, the smallest published cell
   sharing a relation with it is withheld too.
3. **Random rounding** to base 3 (as Stats NZ publishes its migration counts) of every
   published count, totals included, each on its own: a count ``v`` with remainder
   ``r = v mod 3`` becomes ``v - r`` with probability ``(3 - r) / 3`` and ``v - r + 3``
   with probability ``r / 3``, so the expected value is ``v``. The draw is seeded by a
   hash of the profile's private salt, the table and the cell: the same build gives the
   same bytes, and nobody without the salt can undo the rounding by repeating it.

Withheld cells are marked ``C`` (SDMX ``CONF_STATUS`` "confidential") and never shown as
zero.

A difference of counts (net migration = arrivals - departures) is published in one table
with its two counts: the relation binds the three like a total, a difference is never
withheld for being small (only to protect a count), and the three are rounded together
(the same draw rounds the departures and the arrivals, the net is their difference), so the
published net is exactly the published arrivals minus the published departures and each
of the three is within the rounding base of its true value. A difference may leave the
totals of its tables to the rounding (:func:`declare_difference`, ``margins=False``): then
only small counts, and the nets beside them, are withheld.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from migprofile.codes import TOTAL, Dataflow
from migprofile.i18n import FREE, WITHHELD
from migprofile.indicators.registry import Indicator
from migprofile.profile import DisclosureSettings, Profile
from migprofile.sources.canonical import parse_dims
from migprofile.warehouse import Warehouse

__all__ = [
    "COUNT_UNITS",
    "FREE",
    "WITHHELD",
    "DisclosureRule",
    "Table",
    "declare_difference",
    "declare_measure_difference",
    "determined_cells",
    "disclosure_rule",
    "disclosure_salt",
    "indicator_rule",
    "protect_indicator_values",
    "protect_observations",
    "protect_table",
    "published_values",
    "rounded",
    "table_from_cells",
    "table_with_differences",
]

COUNT_UNITS = frozenset({"persons", "consultations", "associations"})
"""Units of counts: only counts are rounded and suppressed."""

SALT_FILE = "disclosure-salt"

Key = Hashable


@dataclass(frozen=True)
class DisclosureRule:
    """How one dataflow's counts are protected when they leave the profile."""

    enabled: bool
    threshold: int
    rounding_base: int

    def describe(self) -> dict:
        """The rule as recorded in an exchange package's manifest."""
        return {"enabled": self.enabled, "threshold": self.threshold,
                "rounding_base": self.rounding_base}


def disclosure_rule(settings: DisclosureSettings, flow: Dataflow) -> DisclosureRule:
    """The rule of a dataflow: its own settings, else the defaults; on by default only
    for dataflows built from records about individual people."""
    own = settings.dataflows.get(flow.id)
    enabled = own.enabled if own is not None and own.enabled is not None else (
        flow.microdata and settings.microdata)
    threshold = own.threshold if own is not None and own.threshold else settings.threshold
    base = (own.rounding_base if own is not None and own.rounding_base
            else settings.rounding_base)
    return DisclosureRule(enabled, threshold, base)


def disclosure_salt(profile: Profile) -> bytes:
    """The profile's private salt for the rounding draws, created (mode 0600) when needed."""
    path = profile.secret(SALT_FILE, create=lambda: secrets.token_hex(32).encode("ascii"))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


Relation = tuple[Key, tuple[Key, ...]]


@dataclass
class Table:
    """Cells of one published table and the totals that bind them.

    ``relations`` are (total, parts): the cell ``total`` is the sum of the cells ``parts``.
    """

    cells: dict[Key, float]
    relations: list[Relation]
    rounded_together: list[Relation] = field(default_factory=list)
    """Relations that rounding keeps exact (each cell in at most one): the parts' running
    sums are rounded with one draw, so the rounded parts add up to the rounded total."""
    differences: frozenset[Key] = frozenset()
    """Cells that are differences of counts (a net), not counts of people: never withheld
    for being small, and the first withheld to protect a count."""
    fixed: frozenset[Key] = frozenset()
    """Cells every reader knows without their being published (the zero of a count that
    has no row): never withheld, never published."""


def table_from_cells(cells: Mapping[Key, float], dimensions: Sequence[int]) -> Table:
    """The table of cells keyed by tuples of codes, with the totals their ``_T`` codes give.

    For each position ``d`` in ``dimensions``, a cell whose code there is ``_T`` is taken
    as the total of the cells that differ from it only there. Taking every such relation
    as exact is the cautious reading: a published residual ("other countries") or a total
    the parts do not quite reach never makes a withheld cell easier to find.
    """
    relations = []
    for d in dimensions:
        groups: dict[tuple, list[Key]] = {}
        for key in cells:
            groups.setdefault(key[:d] + key[d + 1:], []).append(key)
        for members in groups.values():
            totals = [k for k in members if k[d] == TOTAL]
            parts = tuple(sorted((k for k in members if k[d] != TOTAL), key=repr))
            if totals and parts:
                relations.append((totals[0], parts))
    return Table(dict(cells), relations)


def table_with_differences(cells: Mapping[tuple, float], *,
                           differences: Mapping[Hashable, tuple[Hashable, Hashable]],
                           margins: bool = True) -> Table:
    """The table of cells keyed by (measure, code, code, ...), with each difference
    ``net = plus - minus`` of ``differences`` (net: (plus, minus), by measure) wherever
    the net has a cell, and the totals of their ``_T`` codes unless ``margins`` is False.

    A count without a cell beside a net is a known zero (:attr:`Table.fixed`). Without
    ``margins``, a withheld count is protected by the rounding of every other cell on its
    own (the totals and their parts do not add up exactly once rounded, as Stats NZ
    publishes), not by withholding more cells; only a difference, rounded together with
    its parts, must then be withheld with them.
    """
    width = len(next(iter(cells), (None,)))
    table = table_from_cells(cells, range(1, width) if margins else ())
    fixed, nets = set(), set()
    for key in list(table.cells):
        if key[0] not in differences:
            continue
        plus, minus = ((measure, *key[1:]) for measure in differences[key[0]])
        for member in (plus, minus):
            if member not in table.cells:
                table.cells[member] = 0.0
                fixed.add(member)
        relation = (plus, (minus, key))
        table.relations.append(relation)
        table.rounded_together.append(relation)
        nets.add(key)
    table.differences, table.fixed = frozenset(nets), frozenset(fixed)
    return table


def _constraint_matrix(table: Table, withheld: Sequence[Key]) -> np.ndarray:
    """One row per relation touching a withheld cell: +1 per part, -1 for the total,
    restricted to the withheld cells (the published ones are known numbers)."""
    column = {key: j for j, key in enumerate(withheld)}
    rows = []
    for total, parts in table.relations:
        members = [total, *parts]
        if not any(m in column for m in members):
            continue
        row = np.zeros(len(withheld))
        for member in parts:
            if member in column:
                row[column[member]] += 1.0
        if total in column:
            row[column[total]] -= 1.0
        rows.append(row)
    return np.array(rows).reshape(len(rows), len(withheld))


def determined_cells(table: Table, withheld: Iterable[Key]) -> list[Key]:
    """The withheld cells that the published cells and the totals determine exactly.

    Cell ``k`` is determined iff ``e_k`` is in the row space of the constraint matrix
    restricted to the withheld cells, i.e. iff every null-space vector is zero at ``k``.
    """
    withheld = sorted(set(withheld), key=repr)
    if not withheld:
        return []
    matrix = _constraint_matrix(table, withheld)
    if matrix.shape[0] == 0:
        return []
    _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0.0))).sum())
    null_space = vt[rank:]
    freedom = np.linalg.norm(null_space, axis=0) if len(null_space) else np.zeros(
        len(withheld))
    return [key for key, f in zip(withheld, freedom, strict=True) if f < 1e-9]


def _members(relation: tuple[Key, tuple[Key, ...]]) -> tuple[Key, ...]:
    total, parts = relation
    return (total, *parts)


def _complement(table: Table, exposed: Key, withheld: set[Key]) -> Key | None:
    """The published cell to withhold with ``exposed``.

    Taken from a relation in which ``exposed`` is the only withheld cell (else from any
    of its relations), preferring a cell whose other relations already hold a withheld
    cell (it closes a cycle instead of exposing a new cell), then parts over totals, then
    the smallest.
    """
    mine = [r for r in table.relations if exposed in _members(r)]
    lonely = [r for r in mine if not (set(_members(r)) - {exposed}) & withheld] or mine
    candidates = {m for r in lonely for m in _members(r)} - withheld - table.fixed
    if not candidates:
        return None
    totals = {total for total, _ in table.relations}

    def benefit(cell: Key) -> int:
        return sum(1 for r in table.relations
                   if cell in _members(r) and set(_members(r)) & withheld)

    return min(candidates, key=lambda k: (-benefit(k), k not in table.differences,
                                          k in totals, table.cells[k], repr(k)))


def suppressed_cells(table: Table, *, threshold: int) -> set[Key]:
    """Primary suppression (counts below ``threshold``; never a difference), then
    complementary suppression, one cell at a time, until no withheld cell is determined by
    the rest of the table."""
    withheld = {k for k, v in table.cells.items()
                if not math.isnan(v) and 0 < v < threshold
                and k not in table.differences and k not in table.fixed}
    while exposed := determined_cells(table, withheld):
        complement = next((c for c in (_complement(table, k, withheld) for k in exposed)
                           if c is not None), None)
        if complement is None:
            return withheld
        withheld.add(complement)
    return withheld


def _draw(salt: bytes, table_id: str, key: Key) -> float:
    """A number in [0, 1) fixed by the salt, the table and the cell."""
    digest = hashlib.sha256(salt + table_id.encode("utf-8") + b"\x00" + repr(key).encode())
    return int.from_bytes(digest.digest()[:8], "big") / 2**64


def rounded(value: float, *, base: int, draw: float) -> float:
    """Unbiased random rounding of a count to a multiple of ``base``."""
    if base <= 1 or math.isnan(value):
        return value
    remainder = value % base
    down = value - remainder
    return down + base if draw < remainder / base else down


def protect_table(table: Table, *, rule: DisclosureRule, salt: bytes,
                  table_id: str) -> dict[Key, float]:
    """The published values of a table: withheld cells are NaN, the others rounded.

    Parameters
    ----------
    table
        The cells (true counts) and their relations.
    rule
        Threshold and rounding base; a disabled rule returns the cells unchanged.
    salt
        The profile's private salt (:func:`disclosure_salt`).
    table_id
        Names the table in the rounding draws (dataflow, measure and period, say).
    """
    if not rule.enabled:
        return dict(table.cells)
    withheld = suppressed_cells(table, threshold=rule.threshold)
    values = _rounded_together(table, base=rule.rounding_base, salt=salt, table_id=table_id)
    return {key: math.nan if key in withheld else values[key] if key in values else
            rounded(value, base=rule.rounding_base, draw=_draw(salt, table_id, key))
            for key, value in table.cells.items()}


def _rounded_together(table: Table, *, base: int, salt: bytes,
                      table_id: str) -> dict[Key, float]:
    """The cells of :attr:`Table.rounded_together`: each part is the difference of two
    running sums rounded with the relation's one draw, so every cell is unbiased, within
    ``base`` of its value, and the parts add up to the total."""
    values = {}
    for total, parts in table.rounded_together:
        draw = _draw(salt, table_id, ("together", total))
        running = previous = 0.0
        for part in parts:
            running += table.cells[part]
            now = rounded(running, base=base, draw=draw)
            values[part], previous = now - previous, now
        values[total] = previous
    return values


def _observation_key(row: Mapping, *, leave_out: Sequence[str] = ()) -> tuple:
    """The cell of an observation within its table: every dimension but measure and period,
    extra dimensions one position each (``dims`` sorted by key), but those of ``leave_out``."""
    dims = [code for key, code in parse_dims(row["dims"]).items() if key not in leave_out]
    return (row["ref_area"], row["counterpart_area"], row["sex"], row["age"], *dims)


@dataclass(frozen=True)
class MeasureDifference:
    """A measure of a dataflow that is, cell by cell, the difference of two others."""

    net: str
    plus: str
    minus: str
    not_shared: tuple[str, ...] = ()
    """Extra dimensions whose codes differ between the three measures of one cell (the
    residence status: non-resident for a long-term arrival, resident for a long-term
    departure, ``_T`` for the net); left out of the cell's key."""

    @property
    def measures(self) -> tuple[str, str, str]:
        return (self.net, self.plus, self.minus)


MEASURE_DIFFERENCES: dict[str, MeasureDifference] = {}
"""By dataflow id: the measures protected as one linked table in exchange packages."""


def declare_measure_difference(dataflow_id: str, *, net: str, plus: str, minus: str,
                               not_shared: tuple[str, ...] = ()) -> None:
    """Declare that measure ``net`` of a dataflow is ``plus - minus``, cell by cell: the
    three are protected as one linked table, leaving the margins to the rounding."""
    MEASURE_DIFFERENCES[dataflow_id] = MeasureDifference(net, plus, minus, not_shared)


def _observation_tables(rows: Sequence[dict], linked: MeasureDifference | None
                        ) -> tuple[dict[tuple[str, str], dict], MeasureDifference | None]:
    """The rows of counts by table, (measure or linked net, period), keyed by cell, and
    the difference that links tables.

    Rows that do not make a linked table (two rows of one measure in one cell, which the
    long-term flows never have) are protected measure by measure instead.
    """
    tables: dict[tuple[str, str], dict[tuple, dict]] = {}
    for row in rows:
        if row["unit"] not in COUNT_UNITS:
            continue
        if linked is not None and row["measure"] in linked.measures:
            cells = tables.setdefault((linked.net, row["time_period"]), {})
            key = (row["measure"], *_observation_key(row, leave_out=linked.not_shared))
            if key in cells:
                return _observation_tables(rows, None)
            cells[key] = row
        else:
            tables.setdefault((row["measure"], row["time_period"]), {})[
                _observation_key(row)] = row
    return tables, linked


def protect_observations(rows: Sequence[dict], *, rule: DisclosureRule, salt: bytes,
                         dataflow_id: str) -> list[dict]:
    """Observations of one dataflow as they may leave the profile.

    Each measure and period is one table whose cells are keyed by every other dimension;
    a ``_T`` code makes a cell the total of the cells it adds up. A measure that is the
    difference of two others (:func:`declare_measure_difference`) makes one linked table
    with them (:func:`table_with_differences`). Counts are suppressed and rounded
    (:func:`protect_table`); a withheld cell keeps its row with value NaN. Values in other
    units, and every value when the rule is off, are unchanged.
    """
    if not rule.enabled:
        return [dict(row) for row in rows]
    tables, linked = _observation_tables(rows, MEASURE_DIFFERENCES.get(dataflow_id))
    published = {}
    for (family, period), cells in tables.items():
        values = {k: float(r["value"]) for k, r in cells.items()}
        if linked is not None and family == linked.net:
            table = table_with_differences(
                values, differences={linked.net: (linked.plus, linked.minus)}, margins=False)
        else:
            table = table_from_cells(values, range(len(next(iter(cells)))))
        protected = protect_table(table, rule=rule, salt=salt,
                                  table_id=f"{dataflow_id}/{family}/{period}")
        published.update({id(cells[k]): v for k, v in protected.items() if k in cells})
    return [{**row, "value": published.get(id(row), row["value"])} for row in rows]


def _indicator_rule(indicator: Indicator, rules: Mapping[str, DisclosureRule],
                    source_dataflows: Mapping[str, set[str]]) -> DisclosureRule | None:
    """The rule of the first protected dataflow an indicator of counts is computed from."""
    if indicator.unit not in COUNT_UNITS:
        return None
    flows = sorted({f for kind in indicator.sources for f in source_dataflows.get(kind, ())})
    return next((rules[f] for f in flows if f in rules and rules[f].enabled), None)


DIFFERENCES: dict[str, tuple[str, str]] = {}
"""Indicators that are a difference of two others (net: (plus, minus)), declared with
:func:`declare_difference`: the three are protected as one linked table."""

MARGINS_BY_ROUNDING: set[str] = set()
"""Differences whose tables leave their totals over partners and sexes to the rounding."""


def declare_difference(net: str, *, plus: str, minus: str, margins: bool = True) -> None:
    """Declare that indicator ``net`` is ``plus - minus``, month by month and sex by sex.

    ``margins`` False: in the three indicators' tables, a withheld count is protected from
    the totals over partners and sexes by the rounding of every cell on its own, as
    Statistics New Zealand publishes its border statistics, not by withholding more cells
    (see :func:`table_with_differences`).
    """
    DIFFERENCES[net] = (plus, minus)
    if not margins:
        MARGINS_BY_ROUNDING.add(net)


def _table_of(indicator: Indicator) -> str:
    """The indicator whose cells a value is: a by-partner indicator's cells are those of
    its total over partners (``partner_total``), by partner."""
    return indicator.partner_total or indicator.id


def _family(indicator: Indicator) -> str:
    """The indicator whose table a value belongs to: a by-partner indicator and its total
    over partners make one table (partners by sex, with totals), and a difference and the
    two indicators it is the difference of make one (linked) table."""
    own = _table_of(indicator)
    return next((net for net, pair in DIFFERENCES.items() if own in (net, *pair)), own)


def protect_indicator_values(rows: Sequence[dict], *, rules: Mapping[str, DisclosureRule],
                             source_dataflows: Mapping[str, set[str]],
                             salt: bytes) -> list[dict]:
    """Indicator values as the report, ``tables.xlsx`` and ``indicators.csv`` publish them.

    The values of an indicator of counts computed from a protected dataflow are protected
    table by table: for each year, the indicator by partner and sex, with its total over
    partners (``partner_total``) and over sexes, linked with the indicators it is the
    difference of or part of a difference with (:func:`declare_difference`). Each returned
    row has ``conf_status``: ``C`` for a withheld value (NaN), ``F`` otherwise.

    Parameters
    ----------
    rows
        Rows of ``indicator_values``.
    rules
        Disclosure rule by dataflow id.
    source_dataflows
        The dataflows of each source kind's observations (an indicator names its sources).
    salt
        The profile's private salt.
    """
    from migprofile.indicators.registry import REGISTRY

    protected = {key: rule for key, item in REGISTRY.items()
                 if (rule := _indicator_rule(item, rules, source_dataflows)) is not None}
    tables: dict[tuple[str, str], dict[tuple, int]] = {}
    for index, row in enumerate(rows):
        item = REGISTRY.get(row["indicator"])
        if item is None or item.id not in protected:
            continue
        partner = row["counterpart_area"] if item.by_partner else TOTAL
        tables.setdefault((_family(item), row["time_period"]), {})[
            (_table_of(item), partner, row["sex"])] = index
    values = {}
    for (family, period), cells in tables.items():
        rule = protected[rows[next(iter(cells.values()))]["indicator"]]
        table = table_with_differences(
            {k: float(rows[i]["value"]) for k, i in cells.items()},
            differences={family: DIFFERENCES[family]} if family in DIFFERENCES else {},
            margins=family not in MARGINS_BY_ROUNDING)
        published = protect_table(table, rule=rule, salt=salt, table_id=f"{family}/{period}")
        values.update({cells[k]: v for k, v in published.items() if k in cells})
    return [{**row, "value": values.get(i, row["value"]),
             "conf_status": WITHHELD if math.isnan(values.get(i, 0.0)) else FREE}
            for i, row in enumerate(rows)]


def _rules(profile: Profile, warehouse: Warehouse) -> tuple[dict[str, DisclosureRule],
                                                             dict[str, set[str]]]:
    """The disclosure rule of each dataflow, and the dataflows of each source kind."""
    flows = profile.dataflows
    rules = {flow_id: disclosure_rule(profile.settings.disclosure, flow)
             for flow_id, flow in flows.items()}
    pairs = warehouse.observations.select("source", "dataflow").distinct().to_pyarrow()
    source_dataflows: dict[str, set[str]] = {}
    for pair in pairs.to_pylist():
        source_dataflows.setdefault(pair["source"], set()).add(pair["dataflow"])
    return rules, source_dataflows


def indicator_rule(profile: Profile, warehouse: Warehouse,
                   indicator_id: str) -> DisclosureRule | None:
    """The rule that protects an indicator's values where they are published; None when
    they are published as they are."""
    from migprofile.indicators.registry import REGISTRY

    rules, source_dataflows = _rules(profile, warehouse)
    return _indicator_rule(REGISTRY[indicator_id], rules, source_dataflows)


def published_values(profile: Profile, warehouse: Warehouse) -> list[dict]:
    """The profile's indicator values as every output publishes them (see
    :func:`protect_indicator_values`), in the order of ``indicators.csv``."""
    rows = warehouse.table("indicator_values").order_by(
        "indicator", "counterpart_area", "time_period", "sex", "revision") \
        .to_pyarrow().to_pylist()
    rules, source_dataflows = _rules(profile, warehouse)
    held = {f for flows_of in source_dataflows.values() for f in flows_of}
    if not any(rules[f].enabled for f in held if f in rules):
        return [{**row, "conf_status": FREE} for row in rows]
    return protect_indicator_values(rows, rules=rules, source_dataflows=source_dataflows,
                                    salt=disclosure_salt(profile))
