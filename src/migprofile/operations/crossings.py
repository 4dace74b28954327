"""Operations on border-crossing microdata: classify a file, or load one into a profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from migprofile.errors import MigprofileError
from migprofile.profile import Profile, RuleParameters

__all__ = ["classify", "crossings_import", "rule_parameters"]


def rule_parameters(*, window: int, threshold: int, on_gap: str) -> RuleParameters:
    """The residence rule asked for, or an error saying what is wrong with it."""
    try:
        return RuleParameters(window=window, threshold=threshold, on_gap=on_gap)
    except ValueError as exc:
        raise MigprofileError(str(exc)) from exc


def classify(input_file: Path, out: Path, *, rule: RuleParameters,
             data_end: dt.date | None = None, initial_status: Path | None = None,
             engine: str = "duckdb", columns: str | None = None, memory_limit: str = "4GB",
             progress: Callable[[str], None] | None = None):
    """Classify border crossings with the residence rule (no profile needed); the
    :class:`~migprofile.crossings.ClassifySummary` of the run. ``columns`` is a mapping as
    ``--columns`` takes it (inline or a .toml file)."""
    from migprofile.crossings import classify_file
    from migprofile.crossings.reading import parse_columns
    from migprofile.warehouse import ENGINES

    if engine not in ENGINES:
        raise MigprofileError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}.")
    return classify_file(input_file, out, rule=rule, data_end=data_end,
                         initial_status=initial_status, engine=engine,
                         columns=parse_columns(columns), memory_limit=memory_limit,
                         progress=progress)


def crossings_import(profile: Profile, file: Path, *, columns: str | None = None):
    """Load crossings into the profile's warehouse, person identifiers stored as keys; the
    :class:`~migprofile.crossings.ImportSummary`."""
    from migprofile.crossings import import_crossings
    from migprofile.crossings.reading import parse_columns

    return import_crossings(profile, file, columns=parse_columns(columns))
