"""How observations add up: the one rule the importer, the indicators and the report share.

A figure for a key whose codes include the total ``_T`` is either given (a file's own
total) or derived from its parts along one dimension, and only where those parts are
complete:

- a *closed* codelist (sex: women and men) is complete when every code but "not
  recorded" (``_U``) has a value; a value for ``_U`` is added when there is one;
- an *open* dimension (partner countries, years, provinces, occupation groups) is complete
  when every code the data use for it, in the same year and the same open codes, has a
  value: a partner split by sex counts in the total of women only if every other partner
  of that year is split by sex too;
- a dimension whose codes overlap (``additive = false``) is never added up;
- nor is any dimension of a dataflow whose measure does not add up (rates and shares:
  the cost of a remittance in per cent of the amount sent): its totals are the ones a
  file gives, never a sum, and no total is checked against its parts.

A partial split therefore never removes a partner from a total: the total of the partners
is derived from each partner's own total (given, or derived from its complete split), and
where one partner's figure is missing the total is unknown, not smaller.

Shares (women among workers) are taken on the base where both figures are known, so a
share never exceeds 100 % and says what it covers (:meth:`Cube.share`).

Given totals and the sum of their complete parts must agree within the dataflow's
rounding tolerance (``[totals]`` in its declaration, :func:`within_tolerance`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from migprofile.codes.dataflows import Dataflow, codelist
from migprofile.codes.dimensions import TOTAL, UNKNOWN

__all__ = ["Cell", "Cube", "Share", "add_exactly", "within_tolerance"]

CLOSED, OPEN, NOT_ADDITIVE = "closed", "open", "not additive"


def add_exactly(values: Iterable[float]) -> float:
    """The sum of ``values`` to the precision of its inputs, without binary float noise
    (0.1 + 0.2 is 0.3, not 0.30000000000000004)."""
    return float(sum((Decimal(repr(float(v))) for v in values), Decimal(0)))


@dataclass(frozen=True)
class Cell:
    """A figure and the source rows it comes from (given, or the parts it was summed from)."""

    value: float
    rows: frozenset[int]


@dataclass(frozen=True)
class Share:
    """A part (women) of a base (everyone whose sex was recorded), both known."""

    part: float
    base: float
    whole: bool
    """True when the base is the whole total, not only the part of it where the split is
    known."""

    @property
    def percent(self) -> float | None:
        return self.part / self.base * 100 if self.base else None


Key = tuple[str, ...]


class Cube:
    """The observations of one dataflow, keyed by their codes, and what they add up to.

    ``dimensions`` are the dataflow's dimension ids in the order of every key;
    ``observations`` are ``(key, value, row)``: ``row`` says where the figure came from
    (a file's row, or any number the caller wants back in :attr:`Cell.rows`).

    A dataflow counted from records about people (``microdata``, border crossings) stores
    no empty cells: there a missing part is a zero, not an unknown.
    """

    def __init__(self, dataflow: Dataflow, dimensions: Sequence[str],
                 observations: Iterable[tuple[Key, float, int]]) -> None:
        self.dimensions = tuple(dimensions)
        self.counted = dataflow.microdata
        self.kinds = tuple(_kind(dataflow, d) for d in self.dimensions)
        self.required = {d: _required_codes(dataflow, d) for d in self.dimensions
                         if self.kinds[self.dimensions.index(d)] == CLOSED}
        self.given: dict[Key, Cell] = {}
        self._members: dict[tuple[int, Key], set[str]] = defaultdict(set)
        for key, value, row in observations:
            key = tuple(key)
            self.given[key] = Cell(float(value), frozenset([row]))
            self._remember_members(key)
        self._values: dict[Key, Cell | None] = {}
        self._shares: dict[tuple[Key, int, str], Share | None] = {}

    # what the data use ----------------------------------------------------------------

    def _context(self, key: Key, axis: int) -> Key:
        """The codes that decide which parts a total along ``axis`` needs: those of the
        other open dimensions (a year, a partner); closed ones (sex) do not matter."""
        return tuple(code if self.kinds[i] == OPEN and i != axis else TOTAL
                     for i, code in enumerate(key))

    def _remember_members(self, key: Key) -> None:
        for axis, code in enumerate(key):
            if code == TOTAL or self.kinds[axis] != OPEN:
                continue
            context = self._context(key, axis)
            # every coarser context (an open code replaced by the total) sees it too
            for coarser in _coarser(context, [i for i, k in enumerate(self.kinds)
                                              if k == OPEN and i != axis]):
                self._members[(axis, coarser)].add(code)

    def parts(self, key: Key, axis: int) -> list[Key] | None:
        """The keys whose sum is ``key``'s figure along ``axis``, or None where that
        dimension cannot be added up or nothing is known of its parts."""
        kind = self.kinds[axis]
        if key[axis] != TOTAL or kind == NOT_ADDITIVE:
            return None
        if kind == CLOSED:
            codes = sorted(self.required[self.dimensions[axis]])
        else:
            codes = sorted(self._members.get((axis, self._context(key, axis)), ()))
        if not codes:
            return None
        return [(*key[:axis], code, *key[axis + 1:]) for code in codes]

    # figures --------------------------------------------------------------------------

    def value(self, key: Sequence[str]) -> Cell | None:
        """The figure of ``key``: given, or derived from complete parts; None if unknown."""
        key = tuple(key)
        if key not in self._values:
            self._values[key] = self.given.get(key) or self._derived_any(key)
        return self._values[key]

    def _derived_any(self, key: Key) -> Cell | None:
        for axis in range(len(key)):
            found = self.derived(key, axis)
            if found is not None:
                return found
        return None

    def derived(self, key: Sequence[str], axis: int) -> Cell | None:
        """The sum of ``key``'s parts along ``axis`` where every part is known."""
        key = tuple(key)
        parts = self.parts(key, axis)
        if parts is None:
            return None
        cells = [self.value(part) for part in parts]
        if self.counted:
            cells = [cell for cell in cells if cell is not None]
        if not cells or any(cell is None for cell in cells):
            return None
        if self.kinds[axis] == CLOSED:
            unknown = self.value((*key[:axis], UNKNOWN, *key[axis + 1:]))
            if unknown is not None:
                cells.append(unknown)
        return _sum(cells)

    def known_parts(self, key: Sequence[str], axis: int) -> Cell | None:
        """The sum of the parts of ``key`` along ``axis`` that are known (perhaps not
        all): a total can never be smaller."""
        key = tuple(key)
        parts = self.parts(key, axis) or []
        if self.kinds[axis] == CLOSED and parts:
            parts.append((*key[:axis], UNKNOWN, *key[axis + 1:]))
        cells = [c for c in map(self.value, parts) if c is not None]
        return _sum(cells) if cells else None

    def share(self, key: Sequence[str], axis: int, code: str) -> Share | None:
        """``code``'s share of ``key`` along ``axis`` (women among everyone), on the base
        where both are known: the whole total if the part is known for it, else the sum
        over the parts of another dimension (partners) where both are known."""
        key = tuple(key)
        memo = (key, axis, code)
        if memo not in self._shares:
            self._shares[memo] = self._share(key, axis, code)
        return self._shares[memo]

    def _share(self, key: Key, axis: int, code: str) -> Share | None:
        if self.kinds[axis] == NOT_ADDITIVE:  # a part of a rate, or of overlapping codes
            return None
        part = self.value((*key[:axis], code, *key[axis + 1:]))
        base = self.value(key)
        if part is not None and base is not None:
            return Share(part.value, base.value, whole=True)
        for other in range(len(key)):
            if other == axis:
                continue
            found = [self.share(sub, axis, code) for sub in self.parts(key, other) or []]
            found = [s for s in found if s is not None]
            if found:
                return Share(add_exactly(s.part for s in found),
                             add_exactly(s.base for s in found), whole=False)
        return None


def _sum(cells: list[Cell]) -> Cell:
    return Cell(add_exactly(c.value for c in cells), frozenset().union(*(c.rows for c in cells)))


def _coarser(context: Key, axes: list[int]) -> list[Key]:
    """``context`` and each key made from it by replacing some of ``axes`` by the total."""
    found = [context]
    for axis in axes:
        found += [(*k[:axis], TOTAL, *k[axis + 1:]) for k in found if k[axis] != TOTAL]
    return found


def _kind(dataflow: Dataflow, dimension: str) -> str:
    if not dataflow.additive:
        return NOT_ADDITIVE
    declared = next((d for d in dataflow.dimensions if d.id == dimension), None)
    if declared is None or declared.codelist is None:
        return OPEN
    found = codelist(declared.codelist, dataflow)
    if not found.additive:
        return NOT_ADDITIVE
    return CLOSED if found.closed else OPEN


def _required_codes(dataflow: Dataflow, dimension: str) -> set[str]:
    """The codes a complete split of a closed dimension has: all but the total and
    "not recorded" (a figure for "not recorded" is added where there is one)."""
    declared = dataflow.dimension(dimension)
    return set(codelist(declared.codelist, dataflow).codes) - {TOTAL, UNKNOWN}


def within_tolerance(dataflow: Dataflow, total: float, parts: float) -> bool:
    """Whether a given total and the sum of its parts agree, given the dataflow's
    rounding tolerance."""
    allowed = max(dataflow.totals.tolerance, abs(total) * dataflow.totals.tolerance_pct / 100)
    return math.isclose(total, parts, abs_tol=allowed + 1e-9 * max(abs(total), 1))
