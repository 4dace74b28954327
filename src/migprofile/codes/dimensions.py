"""SDMX-style codes for the dimensions every dataflow shares."""

TOTAL = "_T"
"""SDMX code for the total over a dimension (both sexes, all ages)."""

NOT_APPLICABLE = "_Z"
"""SDMX code for a dimension that does not apply (no partner country, for instance)."""

UNKNOWN = "_U"
"""SDMX code for a value that was not recorded (sex, age or citizenship of a traveller)."""

SEX_CODES = ("_T", "F", "M", UNKNOWN)
AGE_TOTAL = TOTAL

OTHER_COUNTRIES = "_O"
"""Residual partner of a national table: the countries an agency did not list separately."""

NOT_COUNTRIES = frozenset({"OOO", "OOS", "STL", "XON", "XOS", "XXX", "UNK", OTHER_COUNTRIES,
                           TOTAL, UNKNOWN, NOT_APPLICABLE, "_X"})
"""Partner codes that are groups, not countries: unknown (UN DESA ``OOO``, UNHCR ``UNK``,
ICAO ``XXX``, SDMX ``_U``, ``_X``), unidentified, stateless, residual (``_O``, ``XON``,
``XOS``), all partners together, not applicable."""


def is_country(code: str) -> bool:
    """Whether a partner code names one country or area, so that it may be ranked among the
    top countries; groups such as "unknown" or "other countries" never are."""
    return code not in NOT_COUNTRIES and not code.startswith("_")
