"""Long-term migration flows from the stored crossings, as observations (dataflow LTM_FLOWS)."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from migprofile.crossings.rule import classify_crossings
from migprofile.crossings.tables import crossings_table
from migprofile.profile import CrossingsSettings
from migprofile.sources.canonical import canonical

__all__ = ["AGE_GROUPS", "DATAFLOW", "MEASURES", "crossing_observations"]

DATAFLOW = "LTM_FLOWS"
MEASURES = {
    "LTM_ARRIVALS": "long-term arrivals (crossings that make a person resident)",
    "LTM_DEPARTURES": "long-term departures (crossings that end a residence)",
    "LTM_NET": "long-term arrivals minus long-term departures",
    "ARRIVALS": "all arrivals of persons the rule classified",
    "DEPARTURES": "all departures of persons the rule classified",
}
"""Measures of the dataflow. ``residence`` (the status before the crossing) splits all
arrivals and departures into residents and non-residents; a long-term arrival is always a
non-resident's and a long-term departure a resident's, so the LTM measures carry it too."""

AGE_GROUPS = ((0, 14), (15, 24), (25, 34), (35, 44), (45, 54), (55, 64))
"""Age groups Y0T14 ... Y55T64, then Y_GE65; ``_U`` when the age is not known."""

UNKNOWN = "_U"


def _age_code(age: ir.IntegerValue) -> ir.StringValue:
    cases = [((age >= low) & (age <= high), f"Y{low}T{high}") for low, high in AGE_GROUPS]
    return ibis.cases(*cases, (age >= 65, "Y_GE65"), else_=UNKNOWN)


def _classified(stored: ir.Table, settings: CrossingsSettings) -> ir.Table:
    rule = settings.rule
    table = stored.mutate(_row=stored.seq, _person=stored.person_key,
                          _date=stored.date_crossing, _arr=stored.is_arrival)
    return classify_crossings(table, rule=rule, data_end=settings.data_end,
                              carry=("citizenship", "sex", "birth_year", "age"))


def _first_provisional_month(con: BaseBackend, classified: ir.Table) -> str | None:
    """The month (YYYY-MM) of the earliest crossing that is not final yet, if any.

    As Stats NZ publishes, a month is final only when every crossing in it is: from this
    month on, every month is provisional as a whole, so no month is split between final
    and provisional counts and the final months end before the provisional ones begin.
    """
    first = con.execute(classified.filter(classified.provisional == 1)._date.min())
    if first is None or first != first:  # none, or NaT
        return None
    return first.strftime("%Y-%m")


def _finality(month: ir.StringValue, first_provisional: str | None) -> ir.StringValue:
    if first_provisional is None:
        return ibis.literal("FINAL")
    return ibis.cases((month >= first_provisional, "PROVISIONAL"), else_="FINAL")


def crossing_observations(con: BaseBackend, *, country: str,
                          settings: CrossingsSettings) -> ir.Table | None:
    """Classify the stored crossings and count flows by month and person characteristics.

    Parameters
    ----------
    con
        The profile's warehouse.
    country
        ISO alpha-3 code of the profile's country (``ref_area``).
    settings
        The rule's window, threshold, gap policy and data end (default: latest crossing).

    Returns
    -------
    ibis.Table or None
        Observations in the canonical shape: dataflow ``LTM_FLOWS``, measures of
        :data:`MEASURES`, ``counterpart_area`` the citizenship (``_U`` unknown),
        ``time_period`` the month of the crossing (YYYY-MM), ``sex`` F/M/_U, ``age`` as in
        :data:`AGE_GROUPS`, ``dims`` ``finality=FINAL|PROVISIONAL;residence=R|NR``
        (``_T`` for the net; a month is provisional as a whole, from the month of the
        earliest crossing not final yet), ``obs_status`` ``A`` or ``P`` (provisional), unit
        ``persons``,
        source ``crossings``, ``revision`` the data end. Persons the rule rejected are not
        counted. None when no crossings were imported.
    """
    stored = crossings_table(con)
    if stored is None or con.execute(stored.count()) == 0:
        return None
    data_end = settings.data_end or con.execute(stored.date_crossing.max())
    if isinstance(data_end, dt.datetime):
        data_end = data_end.date()
    settings = settings.model_copy(update={"data_end": data_end})
    result = _classified(stored, settings)
    result = result.filter(result.error_code == 0)
    first_provisional = _first_provisional_month(con, result)
    age = ibis.coalesce(
        result.age.cast("int64"),
        result._date.year().cast("int64") - result.birth_year.cast("int64"),
    )
    month = result._date.strftime("%Y-%m")
    keys = result.mutate(
        time_period=month,
        counterpart_area=result.citizenship.fill_null(UNKNOWN),
        sex=ibis.cases((result.sex.isin(["F", "M"]), result.sex), else_=UNKNOWN),
        age=_age_code(age),
        finality=_finality(month, first_provisional),
        residence=ibis.cases((result.res_status_before == 1, "R"), else_="NR"),
        ltm_arrival=((result.is_long_term_mig == 1) & (result._arr == 1)).cast("int64"),
        ltm_departure=((result.is_long_term_mig == 1) & (result._arr == 0)).cast("int64"),
        arrival=(result._arr == 1).cast("int64"),
    )
    group = ["time_period", "counterpart_area", "sex", "age", "finality"]
    by_residence = keys.group_by([*group, "residence"]).aggregate(
        LTM_ARRIVALS=keys.ltm_arrival.sum(),
        LTM_DEPARTURES=keys.ltm_departure.sum(),
        ARRIVALS=keys.arrival.sum(),
        DEPARTURES=(1 - keys.arrival).sum(),
    )
    net = keys.group_by(group).aggregate(
        value=(keys.ltm_arrival - keys.ltm_departure).sum(),
        ltm=(keys.ltm_arrival + keys.ltm_departure).sum(),
    ).filter(ibis._.ltm > 0).mutate(measure=ibis.literal("LTM_NET"),
                                    residence=ibis.literal("_T")).drop("ltm")
    long = by_residence.pivot_longer(
        ["LTM_ARRIVALS", "LTM_DEPARTURES", "ARRIVALS", "DEPARTURES"],
        names_to="measure", values_to="value",
    ).filter(ibis._.value > 0)
    flows = long.union(net.select(*long.columns))
    return canonical(
        flows,
        dataflow=DATAFLOW,
        measure=flows.measure,
        ref_area=country,
        counterpart_area=flows.counterpart_area,
        time_period=flows.time_period,
        sex=flows.sex,
        age=flows.age,
        # as format_dims writes them: key=value pairs sorted by key
        dims=ibis.literal("finality=") + flows.finality + ";residence=" + flows.residence,
        value=flows.value,
        unit="persons",
        obs_status=ibis.cases((flows.finality == "PROVISIONAL", "P"), else_="A"),
        source="crossings",
        revision=data_end.isoformat(),
        source_row=ibis.null("int64"),
    )

