"""Indicators: the registry of declarations and their computation for a profile."""

# Imported in the order their indicators are listed (tables.xlsx, the annex): each module
# registers the indicators its TOML file declares, the national ones, declared beside their
# dataflows, between forced migration and remittances.
from migprofile.indicators import border, migrant_stock, forced_migration  # noqa: F401, I001
from migprofile.indicators import declared  # noqa: F401
from migprofile.indicators import remittances  # noqa: F401
from migprofile.indicators import world  # noqa: F401
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
