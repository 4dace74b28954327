"""Long-term migration from border-crossing records (dataflow LTM_FLOWS).

Final and provisional counts are separate indicators, never added together: a provisional
count changes when later crossings arrive (see docs/border-data.md). Months are the months
of the crossing (YYYY-MM); a month is final or provisional as a whole.

The report's aggregates (12-month totals by citizenship and sex, crossings by year) are
computed here from the exact monthly counts, then protected once as published tables
(:func:`border_tables`): adding up monthly counts that were already rounded and withheld
would drift from the truth and lose the small citizenships.

The indicators are declared in ``border.toml``, each computed by :func:`flows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import ibis.expr.types as ir

from migprofile.codes import TOTAL
from migprofile.indicators.declarations import computation, register_topic
from migprofile.indicators.disclosure import (
    DisclosureRule,
    Table,
    declare_difference,
    declare_measure_difference,
    disclosure_salt,
    indicator_rule,
    protect_table,
    table_with_differences,
)
from migprofile.indicators.ops import dim_is, summed, with_sex_total
from migprofile.indicators.registry import Inputs
from migprofile.profile import Profile
from migprofile.warehouse import Warehouse

SOURCE = "crossings"
FINAL, PROVISIONAL = "FINAL", "PROVISIONAL"


@computation("crossing_flows")
def flows(x: Inputs, *, measure: str, finality: Literal["FINAL", "PROVISIONAL"] = FINAL,
          residence: Literal["R", "NR"] | None = None, by_partner: bool = False) -> ir.Table:
    """Monthly counts of one measure, by sex with their total (and, for an indicator by
    partner, by citizenship)."""
    rows = x.source(SOURCE, measure)
    rows = rows.filter((rows.ref_area == x.area) & dim_is(rows.dims, "finality", finality))
    if residence is not None:
        rows = rows.filter(dim_is(rows.dims, "residence", residence))
    partner = rows.counterpart_area if by_partner else None
    return with_sex_total(summed(rows, area=x.area, partner=partner))


register_topic("border")

# Each month's table (arrivals and departures by citizenship and sex, the net by sex):
# small counts are withheld, with the net beside them; every other cell is rounded on its
# own, so the totals over citizenships and sexes do not give a withheld count back exactly
# and need not be withheld as well (as Stats NZ publishes its border statistics).
for _suffix in ("", "_provisional"):
    declare_difference(f"ltm_net{_suffix}", plus=f"ltm_arrivals{_suffix}",
                       minus=f"ltm_departures{_suffix}", margins=False)
declare_measure_difference("LTM_FLOWS", net="LTM_NET", plus="LTM_ARRIVALS",
                           minus="LTM_DEPARTURES", not_shared=("residence",))


# Published aggregates -------------------------------------------------------------------

WINDOW_MONTHS = 12
FLOWS = ("ltm_arrivals", "ltm_departures", "ltm_net")
BY_CITIZENSHIP = {"ltm_arrivals_by_citizenship": "ltm_arrivals",
                  "ltm_departures_by_citizenship": "ltm_departures"}
BY_RESIDENCE = ("arrivals_residents", "arrivals_non_residents", "departures_residents",
                "departures_non_residents")
NO_PROTECTION = DisclosureRule(enabled=False, threshold=1, rounding_base=1)


@dataclass(frozen=True)
class BorderTables:
    """What the report publishes beyond the monthly indicators, as published (withheld
    values are NaN).

    ``window_flows`` holds long-term arrivals, departures and net over ``window``, keyed
    (indicator of :data:`FLOWS`, citizenship or ``_T``, sex or ``_T``); the net only for
    all citizenships. ``by_year`` holds all final crossings of residents and non-residents
    (:data:`BY_RESIDENCE`) keyed (indicator, year), over the year's final months
    (``year_months``).
    """

    final_months: tuple[str, ...]
    provisional_months: tuple[str, ...]
    window: tuple[str, ...]
    """The 12 calendar months ending with the last final month (fewer if the data are
    shorter)."""
    window_flows: dict[tuple[str, str, str], float]
    year_months: dict[str, tuple[str, ...]]
    by_year: dict[tuple[str, str], float]
    rule: DisclosureRule


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def window_months(final_months: Iterable[str], *, months: int = WINDOW_MONTHS) -> tuple[str, ...]:
    """The ``months`` calendar months ending with the last final month, from the first
    month of data at the earliest."""
    final = sorted(final_months)
    if not final:
        return ()
    last = _month_index(final[-1])
    first = max(_month_index(final[0]), last - months + 1)
    return tuple(_month(i) for i in range(first, last + 1))


def _exact_monthly(rows: Iterable[Mapping]) -> dict[tuple[str, str, str, str], float]:
    """Exact monthly counts keyed (indicator, citizenship or ``_T``, month, sex)."""
    wanted = {*FLOWS, *(f"{i}_provisional" for i in FLOWS), *BY_CITIZENSHIP, *BY_RESIDENCE}
    monthly = {}
    for row in rows:
        if row["indicator"] not in wanted:
            continue
        partner = row["counterpart_area"] if row["indicator"] in BY_CITIZENSHIP else TOTAL
        monthly[(row["indicator"], partner, row["time_period"], row["sex"])] = float(
            row["value"])
    return monthly


def _window_cells(monthly: Mapping[tuple, float],
                  window: tuple[str, ...]) -> dict[tuple[str, str, str], float]:
    """The flows over the window by citizenship (both sexes) and by sex (all
    citizenships): the cells the report publishes."""
    cells: dict[tuple[str, str, str], float] = {}
    inside = set(window)
    for (indicator, partner, month, sex), value in monthly.items():
        own = BY_CITIZENSHIP.get(indicator, indicator)
        if own in FLOWS and month in inside and TOTAL in (partner, sex):
            key = (own, partner, sex)
            cells[key] = cells.get(key, 0.0) + value
    return cells


def _year_cells(monthly: Mapping[tuple, float]) -> dict[tuple[str, str], float]:
    cells: dict[tuple[str, str], float] = {}
    for (indicator, _, month, sex), value in monthly.items():
        if indicator in BY_RESIDENCE and sex == TOTAL:
            key = (indicator, month[:4])
            cells[key] = cells.get(key, 0.0) + value
    return cells


def border_tables(rows: Iterable[Mapping], *, rule: DisclosureRule = NO_PROTECTION,
                  salt: bytes = b"") -> BorderTables | None:
    """The border aggregates the report publishes, from the exact indicator values.

    Each aggregate is the sum of exact monthly counts, and each published table is then
    protected once with ``rule``: the 12-month flows by citizenship and by sex, with
    arrivals, departures and net linked (net = arrivals - departures), and the crossings
    of residents and non-residents by year. Only counts below the threshold are withheld,
    with the net beside a withheld count; every other cell is rounded on its own, so
    totals and parts protect each other (see :func:`table_with_differences`). None when
    there are no border counts.
    """
    monthly = _exact_monthly(rows)
    final = sorted({k[2] for k in monthly if k[0] in (*FLOWS, *BY_RESIDENCE)})
    provisional = sorted({k[2] for k in monthly if k[0].endswith("_provisional")})
    if not final and not provisional:
        return None
    window = window_months(final)
    flows = _window_cells(monthly, window)
    if flows:
        table = table_with_differences(flows, margins=False, differences={
            "ltm_net": ("ltm_arrivals", "ltm_departures")})
        published = protect_table(table, rule=rule, salt=salt,
                                  table_id=f"border/{window[0]}..{window[-1]}")
        flows = {key: published[key] for key in flows}
    years = _year_cells(monthly)
    years = protect_table(Table(years, []), rule=rule, salt=salt, table_id="border/years")
    year_months: dict[str, list[str]] = {}
    for month in final:
        year_months.setdefault(month[:4], []).append(month)
    return BorderTables(tuple(final), tuple(provisional), window, flows,
                        {y: tuple(m) for y, m in year_months.items()}, years, rule)


def published_border_tables(profile: Profile, warehouse: Warehouse, *,
                            protect: bool = True) -> BorderTables | None:
    """:func:`border_tables` of a profile, protected as its outputs are (``protect``)."""
    values = warehouse.table("indicator_values")
    names = [*FLOWS, *(f"{i}_provisional" for i in FLOWS), *BY_CITIZENSHIP, *BY_RESIDENCE]
    rows = values.filter(values.indicator.isin(names)).to_pyarrow().to_pylist()
    rule = indicator_rule(profile, warehouse, "ltm_arrivals") if protect and rows else None
    if rule is None or not rule.enabled:
        return border_tables(rows)
    return border_tables(rows, rule=rule, salt=disclosure_salt(profile))
