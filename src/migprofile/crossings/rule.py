"""The residence rule (12/16 and its variants) as set-based Ibis expressions.

One code path for every engine: each output of the reference's per-person loop is written
as window functions over a person's crossings, using the closed form of the rule (see
``docs/border-data.md``). Persons are the values of ``_person``; their crossings keep the
order of ``_seq``. Day numbers (days since 1970-01-01) stand for dates throughout.

Searches "up to the date on which a running sum reaches a bound" are RANGE frames over a
sort key ``value * KEY_SCALE + _seq``: the key keeps the crossings in order and the frame
bound in units of ``value`` selects exactly the crossings that the reference's inner loop
visits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

__all__ = [
    "ERROR_MESSAGES",
    "RESULT_COLUMNS",
    "RuleParameters",
    "classify_crossings",
]

KEY_SCALE = 2**32
"""Multiplier of a sort key's value; row sequence numbers stay below it."""

NO_CROSSING = 2**62
"""Stands for "no such crossing" in comparisons of sequence numbers."""

DAY_OFFSET = 2**17
"""Added to day numbers packed with a sequence number, to keep them positive (dates after
1611); packed values stay below 2**53, exact even where an engine divides in floating
point."""

EPOCH = dt.date(1970, 1, 1)

ERROR_MESSAGES = {
    1: "dates out of order",
    2: "two crossings in the same direction",
    3: "invalid direction code",
    4: "invalid crossing date",
}
"""The reference's error codes for a person whose crossings cannot be classified."""

RESULT_COLUMNS = (
    "res_status_before",
    "res_status_after",
    "is_long_term_mig",
    "date_finalised_res_before",
    "date_finalised_res_after",
    "date_finalised_ltm",
    "days_to_next_crossing",
    "provisional",
    "error_code",
    "imputed",
)
"""The columns the rule adds to each crossing, in output order."""


@dataclass(frozen=True)
class RuleParameters:
    """The rule's parameters: window W and threshold V in days, and the gap policy."""

    window: int = 487
    threshold: int = 365
    on_gap: Literal["reject", "impute"] = "reject"

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= self.window:
            raise ValueError(
                f"the threshold ({self.threshold}) must be positive and not exceed the window "
                f"({self.window})"
            )
        if self.on_gap not in ("reject", "impute"):
            raise ValueError(f"on_gap must be reject or impute, not {self.on_gap!r}")

    @property
    def no_migration_bound(self) -> int:
        """N = W - V: days in the opposite state after which a crossing is not a migration."""
        return self.window - self.threshold


def classify_crossings(crossings: ir.Table, *, rule: RuleParameters,
                       data_end: dt.date | None = None,
                       initial_status: ir.Table | None = None,
                       carry: tuple[str, ...] = ()) -> ir.Table:
    """Classify every crossing with the residence rule.

    Parameters
    ----------
    crossings
        One row per crossing with ``_row`` (int64 position in the input, unique),
        ``_person``, ``_date`` (date, null when unreadable) and ``_arr`` (1 arrival,
        0 departure, null when the direction code is invalid), plus any other columns,
        which pass through.
    rule
        Window, threshold and gap policy.
    data_end
        Last date the data cover; decides single crossings and ``provisional``. Default:
        the latest crossing date.
    initial_status
        Optional ``_person``, ``status`` (0/1), ``as_of`` (date), at most one row per person:
        the residence status before the first crossing when that crossing is on or after
        ``as_of``.
    carry
        Columns copied into imputed crossings from the crossing that revealed the gap.

    Returns
    -------
    ibis.Table
        The input columns plus :data:`RESULT_COLUMNS`; ``_seq`` orders the rows (an imputed
        crossing, an extra row with ``imputed = 1``, comes just before the crossing that
        revealed the gap and has its ``_row``), ``_date`` and ``_arr`` are those used.
    """
    core = crossings.select("_row", "_person", "_date", "_arr")
    table = core.select(
        "_row",
        "_person",
        _seq=core._row.cast("int64") * 2,
        _day=core._date.epoch_days().cast("int32"),
        _arr=core._arr.cast("int8"),
        imputed=ibis.literal(0, type="int8"),
    )
    end_day = _data_end_day(table, data_end)
    if rule.on_gap == "impute":
        table = _with_imputed_crossings(table)
    table = _with_initial_status(table, initial_status)
    table = _person_sequence(table, rule)
    table = _resolution(table, rule, end_day)
    table = _status(table)
    table = _return_crossing_dates(table, rule)
    return _with_passthrough(_outputs(table, rule, end_day), crossings, carry=carry)


def _with_passthrough(result: ir.Table, crossings: ir.Table, *,
                      carry: tuple[str, ...]) -> ir.Table:
    """The input's other columns, joined back by row: the rule works on narrow rows.

    An imputed crossing has the row number of the crossing that revealed the gap; it takes
    only the ``carry`` columns from it.
    """
    names = [c for c in crossings.columns if c not in ("_row", "_person", "_date", "_arr")]
    others = crossings.select("_row", *names).rename(_input_row="_row")
    joined = result.left_join(others, result._row == others._input_row)
    imputed = joined.imputed == 1
    return joined.select(
        *[
            name if name in carry
            else ibis.cases((imputed, ibis.null(others[name].type())), else_=joined[name])
            .name(name)
            for name in names
        ],
        *result.columns,
    )


def _data_end_day(table: ir.Table, data_end: dt.date | None) -> ir.IntegerValue:
    if data_end is not None:
        return ibis.literal((data_end - EPOCH).days, type="int64")
    return table._day.max().cast("int64")


def _by_person(order_by: str = "_seq", **frame) -> ibis.expr.builders.LegacyWindowBuilder:
    return ibis.window(group_by="_person", order_by=order_by, **frame)


def _row_error(table: ir.Table, *, gaps_are_errors: bool) -> ir.IntegerValue:
    """The reference's checks on one crossing, in the reference's order (0 = no problem)."""
    ordered = _by_person()
    first = ibis.row_number().over(ordered) == 0
    prev_day = table._day.lag().over(ordered)
    prev_arr = table._arr.lag().over(ordered)
    same_direction = (table._arr == prev_arr) if gaps_are_errors else ibis.literal(False)
    return ibis.cases(
        (first & table._day.isnull(), 4),
        (first & table._arr.isnull(), 3),
        (first, 0),
        (table._arr.isnull(), 3),
        (table._day.isnull(), 4),
        (table._day < prev_day, 1),
        (same_direction, 2),
        else_=0,
    )


def _person_error(table: ir.Table, row_error: ir.IntegerValue) -> ir.IntegerValue:
    """A person's error code is that of their first crossing with a problem."""
    key = ibis.cases((row_error > 0, table._seq * 8 + row_error), else_=None)
    return (key.min().over(_by_person(rows=(None, None))) % 8).fill_null(0).cast("int8")


def _with_imputed_crossings(table: ir.Table) -> ir.Table:
    """Add the missing crossing halfway between two crossings in the same direction.

    Only persons with no other problem are imputed; the new crossing takes the place just
    before the crossing that revealed the gap (``_seq`` one less) and its row number.
    """
    ordered = _by_person()
    checked = table.mutate(
        _row_error=_row_error(table, gaps_are_errors=False),
        _prev_day=table._day.lag().over(ordered),
        _gap=(table._arr == table._arr.lag().over(ordered)).fill_null(False),
    )
    checked = checked.mutate(_person_error=_person_error(checked, checked._row_error))
    gaps = checked.filter(checked._gap & (checked._person_error == 0))
    day = (gaps._prev_day + (gaps._day - gaps._prev_day) // 2).cast("int32")
    imputed_values = {
        "_seq": gaps._seq - 1,
        "_day": day,
        "_arr": (1 - gaps._arr).cast("int8"),
        "imputed": ibis.literal(1, type="int8"),
    }
    imputed = gaps.select(
        **{
            name: imputed_values.get(name, gaps[name])
            for name in table.columns
        }
    )
    return table.union(imputed)


def _with_initial_status(table: ir.Table, initial_status: ir.Table | None) -> ir.Table:
    if initial_status is None:
        return table.mutate(_irs_status=ibis.null("int8"), _irs_day=ibis.null("int32"))
    irs = initial_status.select(
        _irs_person=initial_status._person,
        _irs_status=initial_status.status.cast("int8"),
        _irs_day=initial_status.as_of.epoch_days().cast("int32"),
    )
    joined = table.left_join(irs, table._person == irs._irs_person)
    return joined.drop("_irs_person")


def _person_sequence(table: ir.Table, rule: RuleParameters) -> ir.Table:
    """Spells, running days in and out of the country, validation and the first status."""
    ordered = _by_person()
    whole = _by_person(rows=(None, None))
    upto = _by_person(rows=(None, 0))
    is_last = table._seq.lead().over(ordered).isnull()
    spell = ibis.cases((is_last, rule.window),
                       else_=table._day.lead().over(ordered) - table._day)
    # the direction code of the first crossing (-1 when invalid), packed under its sequence
    first_arr = (table._seq * 4 + table._arr.fill_null(-1) + 1).min().over(whole) % 4 - 1
    # (the first day is the earliest one for every person the rule classifies)
    # Days in the country before each crossing, without a second pass over the spells:
    # directions alternate, so they telescope into a running sum of signed crossing days.
    signed = ((2 * table._arr - 1) * table._day).sum().over(upto)
    t = table.mutate(
        _spell=spell.cast("int32"),
        _single=table._seq.count().over(whole) == 1,
        _first_arr=first_arr,
        _first_day=table._day.min().over(whole),
        _row_error=_row_error(table, gaps_are_errors=rule.on_gap == "reject"),
        # DuckDB sums into int128, which slows every later step; valid histories fit int32
        _signed=signed.try_cast("int32"),
    )
    c_in = -t._signed - (1 - t._first_arr) * t._first_day + t._arr * t._day
    t = t.mutate(
        _in=t._arr * t._spell,
        _out=(1 - t._arr) * t._spell,
        _c_in=c_in.cast("int32"),
        _c_out=(t._day - t._first_day - c_in).cast("int32"),
        _initial=ibis.cases(
            (t._irs_status.notnull() & (t._first_day >= t._irs_day), t._irs_status),
            else_=1 - t._first_arr,
        ).cast("int8"),
        # a person in error keeps the initial status (the reference ignores its date then)
        _error_status=ibis.cases(
            (t._irs_status.notnull(), t._irs_status), (t._first_arr == 1, 0), else_=1
        ).cast("int8"),
    ).drop("_irs_status", "_irs_day", "_first_arr", "_first_day", "_signed")
    return t.mutate(
        _key_in=t._c_in.cast("int64") * KEY_SCALE + t._seq,
        _key_out=t._c_out.cast("int64") * KEY_SCALE + t._seq,
    )


def _resolution(table: ir.Table, rule: RuleParameters, end_day: ir.Value) -> ir.Table:
    """Whether each crossing, if migrating, is a long-term migration, and the date it is sure.

    ``_cond``: at least V days in the state entered at the crossing before more than N days
    in the other state. ``_resolved``: the date the running days in the entered state reach
    V (migration), or the running days in the other state pass N (no migration).
    """
    V, N = rule.threshold, rule.no_migration_bound
    t = table
    ahead_v_in = _by_person("_key_in", range=(0, V * KEY_SCALE - 1))
    ahead_n_in = _by_person("_key_in", range=(0, (N + 1) * KEY_SCALE - 1))
    ahead_v_out = _by_person("_key_out", range=(0, V * KEY_SCALE - 1))
    ahead_n_out = _by_person("_key_out", range=(0, (N + 1) * KEY_SCALE - 1))
    arrival, departure = t._arr == 1, t._arr == 0

    def over_arrivals(value, frame):
        return ibis.cases((arrival, value), else_=None).max().over(frame)

    def over_departures(value, frame):
        return ibis.cases((departure, value), else_=None).max().over(frame)

    # arrival j: the last arrival before the in-country days reach V (its days abroad so far
    # and the in-country days at the end of its spell), the last departure before the
    # days abroad pass N (its in-country days so far); a departure j mirrors it.
    stay_if_arr = over_arrivals(t._c_out, ahead_v_in) - t._c_out
    reach_if_arr = over_arrivals(t._c_in + t._in, ahead_v_in) >= t._c_in + V
    mig_if_arr = over_departures(t._c_in, ahead_n_out) - t._c_in
    stay_if_dep = over_departures(t._c_in, ahead_v_out) - t._c_in
    reach_if_dep = over_departures(t._c_out + t._out, ahead_v_out) >= t._c_out + V
    mig_if_dep = over_arrivals(t._c_out, ahead_n_in) - t._c_out

    stay = ibis.cases((arrival, stay_if_arr), else_=stay_if_dep)
    reach = ibis.cases((arrival, reach_if_arr), else_=reach_if_dep)
    mig = ibis.cases((arrival, mig_if_arr), else_=mig_if_dep)
    single = t._single
    cond = ibis.cases((single, end_day - t._day >= V), else_=reach & (stay <= N))
    resolved = ibis.cases(
        (single, t._day + V),
        (cond, t._day + V + stay),
        else_=t._day + N + mig,
    )
    return t.mutate(_cond=cond.fill_null(False), _resolved=resolved.cast("int32")).drop(
        "_c_in", "_c_out", "_in", "_out", "_single")


def _status(table: ir.Table) -> ir.Table:
    """Residence status before/after, long-term migration, and the finalised dates of RB/RA.

    RA is the direction of the latest crossing (up to this one) that meets the condition,
    else the initial status; RB is the same before this crossing. fRA is the running maximum
    of resolution dates of migrating crossings (and crossing dates).
    """
    t = table
    cond_mark = ibis.cases((t._cond, t._seq * 2 + t._arr), else_=None)
    before = cond_mark.max().over(_by_person(rows=(None, -1)))
    t = t.mutate(
        _rb=(before % 2).cast("int8").fill_null(t._initial),
        _person_error=_person_error(t, t._row_error),
    )
    t = t.mutate(_migrating=t._rb != t._arr)
    settled = ibis.cases((t._migrating, t._resolved), else_=t._day)
    t = t.mutate(
        _ra=ibis.cases((t._migrating & t._cond, t._arr), else_=t._rb),
        _ltm=(t._migrating & t._cond).cast("int8"),
        _fra=settled.max().over(_by_person(rows=(None, 0))),
        _frb=ibis.greatest(t._day, settled.max().over(_by_person(rows=(None, -1))).fill_null(
            t._day)),
    )
    # the next migrating crossing in the same direction after this one, for the 8-month rule
    later = _by_person(rows=(1, None))
    mig_arrival = t._migrating & (t._arr == 1)
    mig_departure = t._migrating & (t._arr == 0)
    same_dir = t._arr == 1
    next_seq = ibis.cases(
        (same_dir, ibis.cases((mig_arrival, t._seq), else_=None).min().over(later)),
        else_=ibis.cases((mig_departure, t._seq), else_=None).min().over(later),
    )
    next_frb = ibis.cases(
        (same_dir, ibis.cases((mig_arrival, t._frb), else_=None).min().over(later)),
        else_=ibis.cases((mig_departure, t._frb), else_=None).min().over(later),
    )
    return t.mutate(_next_seq=next_seq, _next_frb=next_frb).drop(
        "_cond", "_resolved", "_row_error", "_initial")


def _return_crossing_dates(table: ir.Table, rule: RuleParameters) -> ir.Table:
    """The "8-month rule": fLTM of a return crossing decided while an earlier one is open.

    A migrating crossing i that has not yet been resolved on the date of a later crossing k
    in the opposite direction fixes fLTM[k] = max(date[k], fRB[i]) when date[k] < fRB[i] + 2N;
    the earliest such i wins. The open crossings before k form a suffix (bounded by the
    days in and out of the country since i), so the earliest migrating one is the later of
    the first migrating crossings in two RANGE frames; when its fRB is too early, the next
    migrating crossing of that direction is the one (its fRB is past date[k]).
    """
    V, N = rule.threshold, rule.no_migration_bound
    S = 2 * N
    t = table
    back_v_in = _by_person("_key_in", range=(-(V * KEY_SCALE - 1), -1))
    back_n_in = _by_person("_key_in", range=(-((N + 1) * KEY_SCALE - 1), -1))
    back_v_out = _by_person("_key_out", range=(-(V * KEY_SCALE - 1), -1))
    back_n_out = _by_person("_key_out", range=(-((N + 1) * KEY_SCALE - 1), -1))
    candidate_arrival = t._migrating & (t._arr == 1)
    candidate_departure = t._migrating & (t._arr == 0)
    # fRB and the next migrating crossing both grow along a history, so one minimum of
    # (fRB, next) packed into one number finds both for the first candidate in a frame
    packed = (t._frb + DAY_OFFSET) * KEY_SCALE + t._next_seq.fill_null(KEY_SCALE - 1)

    def first_open(candidate, frame):
        def earliest(value):
            return ibis.cases((candidate, value), else_=None).min().over(frame)
        return earliest(packed), earliest(t._next_frb)

    # a departure k looks back at arrivals: in-country days < V and days abroad <= N
    dep = [first_open(candidate_arrival, back_v_in), first_open(candidate_arrival, back_n_out)]
    # an arrival k looks back at departures: days abroad < V and in-country days <= N
    arr = [first_open(candidate_departure, back_v_out), first_open(candidate_departure, back_n_in)]

    def pick(index):
        return ibis.cases((t._arr == 1, ibis.greatest(arr[0][index], arr[1][index])),
                          else_=ibis.greatest(dep[0][index], dep[1][index]))

    def both_found():
        return ibis.cases(
            (t._arr == 1, arr[0][0].notnull() & arr[1][0].notnull()),
            else_=dep[0][0].notnull() & dep[1][0].notnull(),
        )

    first, next_frb = pick(0), pick(1)
    frb = first // KEY_SCALE - DAY_OFFSET
    next_seq = ibis.cases((first % KEY_SCALE == KEY_SCALE - 1, NO_CROSSING),
                          else_=first % KEY_SCALE)
    preset = ibis.cases(
        (~both_found(), ibis.null("int64")),
        (frb > t._day - S, ibis.greatest(t._day, frb)),
        (next_seq < t._seq, ibis.greatest(t._day, next_frb)),
        else_=ibis.null("int64"),
    )
    return t.mutate(
        _fltm=ibis.cases((t._ltm == 1, t._fra), else_=preset.fill_null(t._fra))
    ).drop("_key_in", "_key_out", "_migrating", "_next_seq", "_next_frb")


def _date_of(day: ir.IntegerValue) -> ir.DateValue:
    """The date of a day number. Through a timestamp: in DuckDB a date plus days is a
    timestamp, and ``to_timestamp`` goes through time zones (several times slower)."""
    return (ibis.literal(dt.datetime(EPOCH.year, EPOCH.month, EPOCH.day))
            + day.as_interval("D")).date()


def _outputs(table: ir.Table, rule: RuleParameters, end_day: ir.Value) -> ir.Table:
    """The result columns; persons with an error keep their initial status everywhere."""
    t = table
    error = t._person_error > 0
    error_status = t._error_status

    def valid_or(value, otherwise):
        return ibis.cases((error, otherwise), else_=value)

    provisional = (t._fltm > end_day) | (t._fra > end_day)
    kept = ("_row", "_seq", "_person", "_date", "_arr")
    internal = [c for c in t.columns if c.startswith("_") and c not in kept]
    return t.mutate(
        _date=_date_of(t._day),
        res_status_before=valid_or(t._rb, error_status).cast("int8"),
        res_status_after=valid_or(t._ra, error_status).cast("int8"),
        is_long_term_mig=valid_or(t._ltm, 0).cast("int8"),
        date_finalised_res_before=_date_of(valid_or(t._frb, t._day)),
        date_finalised_res_after=_date_of(valid_or(t._fra, t._day)),
        date_finalised_ltm=_date_of(valid_or(t._fltm, t._day)),
        days_to_next_crossing=t._spell.cast("int32"),
        provisional=valid_or(provisional.cast("int8"), 0).cast("int8"),
        error_code=t._person_error.cast("int8"),
    ).drop(*internal)
