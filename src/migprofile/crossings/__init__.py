"""Long-term migration from border crossings: the residence rule and flow aggregation."""

from migprofile.crossings.files import ClassifySummary, classify_file
from migprofile.crossings.flows import AGE_GROUPS, DATAFLOW, MEASURES, crossing_observations
from migprofile.crossings.rule import (
    ERROR_MESSAGES,
    RESULT_COLUMNS,
    RuleParameters,
    classify_crossings,
)
from migprofile.crossings.store import ImportSummary, import_crossings, person_key_secret

__all__ = [
    "AGE_GROUPS",
    "DATAFLOW",
    "ERROR_MESSAGES",
    "MEASURES",
    "RESULT_COLUMNS",
    "ClassifySummary",
    "ImportSummary",
    "RuleParameters",
    "classify_crossings",
    "classify_file",
    "crossing_observations",
    "import_crossings",
    "person_key_secret",
]
