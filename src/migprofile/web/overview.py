"""The dashboard's overview: each key figure of the report with the line of its series
and what it was in the latest published edition."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from migprofile.codes import NOT_APPLICABLE
from migprofile.report.model import KeyFigure

__all__ = ["EditionValue", "KeyFigureCard", "latest_edition", "sparkline_points"]

WIDTH = 100
HEIGHT = 28
"""The sparkline's drawing box; the page stretches it to the card's width."""


@dataclass(frozen=True)
class EditionValue:
    """An indicator's latest value in a published edition."""

    edition: str
    year: str
    value: str


@dataclass(frozen=True)
class KeyFigureCard:
    figure: KeyFigure
    points: str
    """The series as SVG polyline points; empty with fewer than two years."""
    years: tuple[str, str] | None
    then: EditionValue | None
    """The value in the latest edition; None when no edition has this figure."""


def sparkline_points(values: list[float]) -> str:
    """Points of a line through ``values`` (one a year, in order), scaled to the box."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = WIDTH / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{HEIGHT - 1 - (v - low) / span * (HEIGHT - 2):.1f}"
                    for i, v in enumerate(values))


def latest_edition(indicators_csv: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(indicator, sex) -> (year, value) of the latest year with a value in an edition's
    ``indicators.csv`` (values without a partner country, as the key figures are)."""
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for row in csv.DictReader(io.StringIO(indicators_csv)):
        if row["counterpart_area"] != NOT_APPLICABLE or not row["value"]:
            continue
        key = (row["indicator"], row["sex"])
        if key not in latest or row["time_period"] >= latest[key][0]:
            latest[key] = (row["time_period"], row["value"])
    return latest
