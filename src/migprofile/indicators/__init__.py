"""Indicators: the registry of declarations and their computation for a profile."""

from migprofile.indicators import (  # noqa: F401
    border,
    forced_migration,
    migrant_stock,
    national,
    remittances,
    world,
)
from migprofile.indicators.comparisons import COMPARISONS, SourceComparison, compare_sources
from migprofile.indicators.compute import compute_indicators, stored_values
from migprofile.indicators.registry import REGISTRY, UNITS, Indicator, Inputs, indicator

__all__ = [
    "COMPARISONS",
    "REGISTRY",
    "UNITS",
    "Indicator",
    "Inputs",
    "SourceComparison",
    "compare_sources",
    "compute_indicators",
    "indicator",
    "stored_values",
]
