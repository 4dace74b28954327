"""The residence rule as a plain per-person loop: the oracle the engine is tested against.

Written line by line from the pseudo-code of the rule (the Stats NZ reference, migrbc 2.0.9),
with the product's changes: an explicit data end replaces the machine clock, the initial status
sets the first status only (no override on an exact date), and gaps can be imputed. It is
deliberately slow and literal; keep it that way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ORDER, SAME_DIRECTION, BAD_DIRECTION, BAD_DATE = 1, 2, 3, 4


@dataclass
class Crossing:
    """One input crossing of one person; ``date`` None means unparseable."""

    row: int
    date: dt.date | None
    arrival: int | None
    imputed: int = 0


@dataclass
class Result:
    """The rule's outputs for one crossing."""

    row: int
    date: dt.date | None
    arrival: int | None
    imputed: int
    res_status_before: int = 0
    res_status_after: int = 0
    is_long_term_mig: int = 0
    date_finalised_res_before: dt.date | None = None
    date_finalised_res_after: dt.date | None = None
    date_finalised_ltm: dt.date | None = None
    days_to_next_crossing: int | None = None
    provisional: int = 0
    error_code: int = 0
    extra: dict = field(default_factory=dict)


def person_error(crossings: list[Crossing], *, impute: bool) -> int:
    """The reference's error code for a person: the first problem in row order."""
    for k, c in enumerate(crossings):
        checks = []
        if k == 0:
            checks = [(c.date is None, BAD_DATE), (c.arrival not in (0, 1), BAD_DIRECTION)]
        else:
            prev = crossings[k - 1]
            checks = [
                (c.arrival not in (0, 1), BAD_DIRECTION),
                (c.date is None, BAD_DATE),
                (prev.date is not None and c.date is not None and c.date < prev.date, ORDER),
                (not impute and c.arrival == prev.arrival, SAME_DIRECTION),
            ]
        for failed, code in checks:
            if failed:
                return code
    return 0


def impute_gaps(crossings: list[Crossing]) -> list[Crossing]:
    """Insert the missing crossing halfway between two crossings in the same direction."""
    out: list[Crossing] = []
    for k, c in enumerate(crossings):
        if k > 0 and c.arrival == crossings[k - 1].arrival:
            prev = crossings[k - 1]
            halfway = prev.date + dt.timedelta(days=(c.date - prev.date).days // 2)
            out.append(Crossing(row=c.row, date=halfway, arrival=1 - c.arrival, imputed=1))
        out.append(c)
    return out


def classify_person(crossings: list[Crossing], *, window: int = 487, threshold: int = 365,
                    data_end: dt.date, initial: tuple[int, dt.date] | None = None,
                    impute: bool = False) -> list[Result]:
    """Classify one person's crossings (in their given order) with the residence rule."""
    W, V = window, threshold
    N = W - V
    S = 2 * N
    code = person_error(crossings, impute=impute)
    if code == 0 and impute:
        crossings = impute_gaps(crossings)
    date = [c.date for c in crossings]
    arr = [c.arrival for c in crossings]
    n = len(crossings)
    res = [Result(row=c.row, date=c.date, arrival=c.arrival, imputed=c.imputed) for c in crossings]

    for k in range(n):  # spell[k] = date[k+1] - date[k]; the open last spell lasts W
        if k == n - 1:
            res[k].days_to_next_crossing = W
        elif date[k] is not None and date[k + 1] is not None:
            res[k].days_to_next_crossing = (date[k + 1] - date[k]).days
    spell = [r.days_to_next_crossing for r in res]

    if initial is not None:
        s0, d0 = initial
    else:
        s0, d0 = (0 if arr[0] == 1 else 1), date[0]

    if code:
        for r in res:
            r.res_status_before = r.res_status_after = s0
            r.is_long_term_mig = 0
            r.date_finalised_res_before = r.date_finalised_res_after = r.date
            r.date_finalised_ltm = r.date
            r.error_code = code
        return res

    RB = [0] * n
    RA = [0] * n
    LTM = [0] * n
    fRB: list[dt.date | None] = [None] * n
    fRA: list[dt.date | None] = [None] * n
    fLTM: list[dt.date | None] = [None] * n

    def days(x: int) -> dt.timedelta:
        return dt.timedelta(days=x)

    RB[0] = (1 - arr[0]) if date[0] < d0 else s0
    fRB[0] = date[0]

    def migrating(k: int) -> bool:
        return (arr[k] == 1 and RB[k] == 0) or (arr[k] == 0 and RB[k] == 1)

    if n == 1:
        if not migrating(0):
            RA[0], LTM[0], fRA[0], fLTM[0] = RB[0], 0, date[0], date[0]
        elif (data_end - date[0]).days >= V:
            RA[0], LTM[0] = 1 - RB[0], 1
            fRA[0] = fLTM[0] = date[0] + days(V)
        else:
            RA[0], LTM[0] = RB[0], 0
            fRA[0] = fLTM[0] = date[0] + days(V)
    else:
        for i in range(n):
            if i > 0:
                RB[i] = RA[i - 1]
                fRB[i] = max(fRA[i - 1], date[i])
            if not migrating(i):
                RA[i], LTM[i], fRA[i] = RB[i], 0, fRB[i]
                fLTM[i] = fLTM[i] if fLTM[i] is not None else fRB[i]
                continue
            mig = stay = 0
            for j in range(i, n):
                if (j - i) % 2 == 0:
                    mig += spell[j]
                else:
                    stay += spell[j]
                if stay > N:
                    RA[i], LTM[i] = RB[i], 0
                    fRA[i] = max(date[i] + days(N + mig), fRB[i])
                    fLTM[i] = fLTM[i] if fLTM[i] is not None else fRA[i]
                    break
                if mig >= V:
                    RA[i], LTM[i] = 1 - RB[i], 1
                    fRA[i] = fLTM[i] = max(date[i] + days(V + stay), fRB[i])
                    break
                if ((j - i) % 2 == 0 and date[j + 1] < fRB[i] + days(S)
                        and fLTM[j + 1] is None):
                    fLTM[j + 1] = max(date[j + 1], fRB[i])
                    LTM[j + 1] = 0

    for k, r in enumerate(res):
        r.res_status_before, r.res_status_after, r.is_long_term_mig = RB[k], RA[k], LTM[k]
        r.date_finalised_res_before = fRB[k]
        r.date_finalised_res_after = fRA[k]
        r.date_finalised_ltm = fLTM[k]
        r.provisional = int(fLTM[k] > data_end or fRA[k] > data_end)
    return res


def classify_rows(rows: list[tuple], *, window: int = 487, threshold: int = 365,
                  data_end: dt.date | None = None,
                  initial: dict[object, tuple[int, dt.date]] | None = None,
                  impute: bool = False) -> list[Result]:
    """Classify ``(person, date, arrival)`` rows; persons keep their rows in input order.

    The data end defaults to the latest date in the rows. Results come back in row order,
    an imputed crossing just before the row that revealed the gap.
    """
    persons: dict[object, list[Crossing]] = {}
    for index, (person, date, arrival) in enumerate(rows):
        persons.setdefault(person, []).append(Crossing(row=index, date=date, arrival=arrival))
    if data_end is None:
        data_end = max(d for _, d, _ in rows if d is not None)
    results: list[Result] = []
    for person, crossings in persons.items():
        results += classify_person(
            crossings, window=window, threshold=threshold, data_end=data_end,
            initial=(initial or {}).get(person), impute=impute,
        )
    return sorted(results, key=lambda r: (r.row, -r.imputed))
