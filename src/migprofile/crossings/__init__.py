"""Long-term migration from border crossings: the residence rule and flow aggregation.

Each name below is imported on first use: classifying a file needs neither the profile's
settings nor the warehouse's crossing tables.
"""

from migprofile._lazy import lazy_exports

_EXPORTS = {
    "AGE_GROUPS": "migprofile.crossings.flows",
    "DATAFLOW": "migprofile.crossings.flows",
    "MEASURES": "migprofile.crossings.flows",
    "crossing_observations": "migprofile.crossings.flows",
    "ERROR_MESSAGES": "migprofile.crossings.rule",
    "RESULT_COLUMNS": "migprofile.crossings.rule",
    "RuleParameters": "migprofile.profile",
    "classify_crossings": "migprofile.crossings.rule",
    "ClassifySummary": "migprofile.crossings.files",
    "classify_file": "migprofile.crossings.files",
    "ImportSummary": "migprofile.crossings.store",
    "import_crossings": "migprofile.crossings.store",
    "person_key_secret": "migprofile.crossings.store",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
