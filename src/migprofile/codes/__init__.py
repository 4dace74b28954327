"""Codelists shared by every layer: countries and areas, sex, age groups, languages."""

from migprofile._lazy import lazy_exports

# Imported at once: the function ``countries`` must shadow the module of the same name.
from migprofile.codes.countries import (
    REPORT_LANGUAGES,
    WORLD,
    Country,
    Region,
    UnknownCountry,
    area_name,
    countries,
    country,
    find_country_code,
    fold_label,
    match_country,
    region_of,
    regions,
    suggest_countries,
)

_DATAFLOWS = "migprofile.codes.dataflows"
_DIMENSIONS = "migprofile.codes.dimensions"

_EXPORTS = {
    "AGE_TOTAL": _DIMENSIONS,
    "NOT_APPLICABLE": _DIMENSIONS,
    "NOT_COUNTRIES": _DIMENSIONS,
    "OTHER_COUNTRIES": _DIMENSIONS,
    "SEX_CODES": _DIMENSIONS,
    "TOTAL": _DIMENSIONS,
    "UNKNOWN": _DIMENSIONS,
    "Codelist": _DATAFLOWS,
    "Dataflow": _DATAFLOWS,
    "Dimension": _DATAFLOWS,
    "Measure": _DATAFLOWS,
    "builtin_dataflows": _DATAFLOWS,
    "codelist": _DATAFLOWS,
    "codelist_codes": _DATAFLOWS,
    "load_dataflows": _DATAFLOWS,
    "is_country": _DIMENSIONS,
}
__all__ = [
    "AGE_TOTAL",
    "NOT_APPLICABLE",
    "NOT_COUNTRIES",
    "OTHER_COUNTRIES",
    "REPORT_LANGUAGES",
    "SEX_CODES",
    "TOTAL",
    "UNKNOWN",
    "WORLD",
    "Codelist",
    "Country",
    "Dataflow",
    "Dimension",
    "Measure",
    "Region",
    "UnknownCountry",
    "area_name",
    "builtin_dataflows",
    "codelist",
    "codelist_codes",
    "countries",
    "country",
    "find_country_code",
    "fold_label",
    "is_country",
    "load_dataflows",
    "match_country",
    "region_of",
    "regions",
    "suggest_countries",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
