"""What each revision of a national dataflow changed.

A revision replaces, for the years it covers, the values in force before it (those of the
latest earlier revision covering each year); years it does not cover keep theirs. So the
changes of a revision are measured against those values, year by year: figures added,
figures removed, figures changed (old and new value).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migprofile.codes import TOTAL, Dataflow, codelist
from migprofile.profile import Profile
from migprofile.sources.national.store import (
    Revision,
    national_dataflow,
    read_revision,
    revisions,
)

__all__ = ["Change", "RevisionChanges", "dataflow_history", "describe_key"]

Key = tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One figure that a revision added, removed or changed."""

    kind: str
    key: Key
    old: float | None
    new: float | None


@dataclass
class RevisionChanges:
    """A revision and what it changed against the values in force before it."""

    revision: Revision
    periods: list[str]
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0


def _values(profile: Profile, revision: Revision, dataflow: Dataflow) -> dict[Key, float]:
    read = read_revision(profile, revision, dataflow)
    dims = read.dimensions
    return {tuple(r.codes[d] for d in dims): r.value for r in read.records}


def _compare(before: dict[Key, float], after: dict[Key, float]) -> tuple[list[Change], int]:
    changes = []
    unchanged = 0
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None:
            changes.append(Change("added", key, None, new))
        elif new is None:
            changes.append(Change("removed", key, old, None))
        elif old != new:
            changes.append(Change("changed", key, old, new))
        else:
            unchanged += 1
    return changes, unchanged


def dataflow_history(profile: Profile, dataflow_id: str) -> tuple[Dataflow,
                                                                   list[RevisionChanges]]:
    """Every revision of a dataflow with its changes, oldest first."""
    dataflow = national_dataflow(profile, dataflow_id)
    in_force: dict[str, dict[Key, float]] = {}
    history = []
    year = [d.id for d in dataflow.dimensions].index("time_period")
    for revision in revisions(profile, dataflow.id):
        values = _values(profile, revision, dataflow)
        periods = sorted({key[year] for key in values})
        before = {k: v for p in periods for k, v in in_force.get(p, {}).items()}
        changes, unchanged = _compare(before, values)
        history.append(RevisionChanges(revision, periods, changes, unchanged))
        for period in periods:
            in_force[period] = {k: v for k, v in values.items() if k[year] == period}
    return dataflow, history


def describe_key(dataflow: Dataflow, key: Key) -> str:
    """``2019, Japan, Women`` for a key of codes; totals are left out."""
    parts = []
    for dimension, code in zip(dataflow.dimensions, key, strict=True):
        if code == TOTAL:
            continue
        if dimension.codelist is None:
            parts.append(code)
            continue
        names = codelist(dimension.codelist, dataflow).codes.get(code)
        parts.append(names["en"] if names else code)
    return ", ".join(parts)
