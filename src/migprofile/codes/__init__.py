"""Codelists shared by every layer: countries and areas, sex, age groups, languages."""

from migprofile.codes.countries import (
    REPORT_LANGUAGES,
    Country,
    UnknownCountry,
    countries,
    country,
    find_country_code,
    fold_label,
    match_country,
    suggest_countries,
)
from migprofile.codes.dataflows import (
    Codelist,
    Dataflow,
    Dimension,
    Measure,
    builtin_dataflows,
    codelist,
    codelist_codes,
    load_dataflows,
)
from migprofile.codes.dimensions import (
    AGE_TOTAL,
    NOT_APPLICABLE,
    NOT_COUNTRIES,
    OTHER_COUNTRIES,
    SEX_CODES,
    TOTAL,
    UNKNOWN,
)

__all__ = [
    "AGE_TOTAL",
    "NOT_APPLICABLE",
    "NOT_COUNTRIES",
    "OTHER_COUNTRIES",
    "REPORT_LANGUAGES",
    "SEX_CODES",
    "TOTAL",
    "UNKNOWN",
    "Codelist",
    "Country",
    "Dataflow",
    "Dimension",
    "Measure",
    "UnknownCountry",
    "builtin_dataflows",
    "codelist",
    "codelist_codes",
    "countries",
    "country",
    "find_country_code",
    "fold_label",
    "load_dataflows",
    "match_country",
    "suggest_countries",
]
