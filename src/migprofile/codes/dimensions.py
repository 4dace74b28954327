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

NOT_COUNTRIES = frozenset({"OOO", "OOS", "STL", "XON", "XOS", OTHER_COUNTRIES, TOTAL, UNKNOWN})
"""Partner codes that are groups, not countries: unknown, unidentified, stateless, residual,
all partners together."""
