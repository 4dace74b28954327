"""Border statistics as published, against an exact answer worked out from the microdata.

For synthetic crossings of several kinds (seeds), the crossings are classified on their
own (``classify_file``) and every published border figure is checked against counts made
here, row by row, from the classified crossings: each published figure is within the
rounding base of its exact value, or withheld (``C``) because its exact value is below the
threshold; a net is withheld only beside a withheld part, and equals the published
arrivals minus the published departures; no month is both final and provisional.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migprofile.build import crossings_inputs, sync_crossings
from migprofile.crossings import classify_file, import_crossings
from migprofile.indicators import compute_indicators
from migprofile.indicators.border import published_border_tables
from migprofile.indicators.disclosure import (
    DisclosureRule,
    protect_observations,
    published_values,
)
from migprofile.profile import create_profile
from migprofile.warehouse import Warehouse

BASE, THRESHOLD = 3, 5
CITIZENSHIPS = ["VNM"] * 8 + ["KOR"] * 3 + ["LAO", "LAO", "CHN", "JPN", "USA", "THA", "FRA",
                                             "AUS", "KHM", "MMR"]
SEEDS = (1, 2, 3, 4)


def synthetic_crossings(path, *, seed: int) -> None:
    """Travellers of every kind over a few years (a few thousand crossings): residents on
    trips, emigrants, immigrants, visitors, people who move back and forth, with rare
    citizenships and sexes not recorded. Not real data."""
    rng = random.Random(seed)
    start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(200))
    days = rng.randrange(3 * 365, 5 * 365)
    lines = ["person_id,date_crossing,is_arrival,citizenship,sex,birth_year"]
    stays = {"visitor": ((2, 40), (60, 700)), "immigrant": ((380, 1200), (5, 40)),
             "resident": ((5, 90), (30, 400)), "emigrant": ((370, 1500), (5, 40)),
             "mover": ((100, 500), (100, 500))}
    for number in range(rng.randrange(600, 1600)):
        kind = rng.choice(list(stays))
        arrival = 1 if kind in ("visitor", "immigrant") else rng.randint(0, 1)
        away, home = stays[kind]
        citizenship = ("VNM" if kind in ("resident", "emigrant") and rng.random() < 0.9
                       else rng.choice(CITIZENSHIPS))
        sex = rng.choice(["F", "M", "F", "M", "F", "M", ""])
        day = rng.randrange(days)
        for _ in range(rng.randrange(1, 7)):
            if day >= days:
                break
            lines.append(f"P{number:05d},{start + dt.timedelta(days=day)},{arrival},"
                         f"{citizenship},{sex},{rng.randrange(1950, 2010)}")
            abroad = (arrival == 1) == (kind in ("visitor", "immigrant"))
            day += rng.randrange(*(away if abroad else home))
            arrival = 1 - arrival
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Exact:
    """The exact answer, counted here from the classified crossings."""

    def __init__(self, rows: list[dict]) -> None:
        rows = [r for r in rows if r["error_code"] == "0"]
        for r in rows:
            r["month"] = r["date_crossing"][:7]
            r["sex_code"] = r["sex"] if r["sex"] in ("F", "M") else "_U"
        self.rows = rows
        not_final = [r["month"] for r in rows if r["provisional"] == "1"]
        self.first_provisional = min(not_final) if not_final else None
        self.final_months = sorted({r["month"] for r in rows if self.is_final(r["month"])})
        last = self.final_months[-1]
        first = max(self.final_months[0], _month_minus(last, 11))
        self.window = [m for m in _months_between(first, last)]

    def is_final(self, month: str) -> bool:
        return self.first_provisional is None or month < self.first_provisional

    def long_term(self, *, arrival: int, months, citizenship: str | None = None,
                  sex: str | None = None) -> int:
        return sum(1 for r in self.rows
                   if r["is_long_term_mig"] == "1" and r["is_arrival"] == str(arrival)
                   and r["month"] in months
                   and citizenship in (None, r["citizenship"])
                   and sex in (None, r["sex_code"]))

    def crossings_by_year(self, *, arrival: int, resident: int) -> Counter:
        return Counter(r["month"][:4] for r in self.rows
                       if self.is_final(r["month"]) and r["is_arrival"] == str(arrival)
                       and r["res_status_before"] == str(resident))


def _month_minus(month: str, count: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:]) - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _months_between(first: str, last: str) -> list[str]:
    months = [first]
    while months[-1] < last:
        months.append(_month_minus(months[-1], -1))
    return months


def published(tmp_path, seed: int):
    """Classify and publish the crossings as a profile's build does, without the report."""
    source = tmp_path / "crossings.csv"
    synthetic_crossings(source, seed=seed)
    root = tmp_path / "viet-nam"
    profile = create_profile("VNM", root, languages=["en"], edition="2026")
    import_crossings(profile, source)
    inputs = crossings_inputs(profile)
    with Warehouse.open(profile.warehouse_path) as warehouse:
        assert sync_crossings(warehouse, profile, inputs)
        revisions = {"crossings": warehouse.source_record("crossings")["revision"]}
        warehouse.replace_indicators(compute_indicators(
            warehouse.observations, area="VNM", revisions=revisions))
        values = published_values(profile, warehouse)
        tables = published_border_tables(profile, warehouse)
        observations = warehouse.observations.filter(
            warehouse.observations.dataflow == "LTM_FLOWS").to_pyarrow().to_pylist()
    out = tmp_path / "classified.csv"
    classify_file(source, out)
    with out.open(newline="") as handle:
        exact = Exact(list(csv.DictReader(handle)))
    return values, tables, exact, observations


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def case(request, tmp_path_factory):
    return published(tmp_path_factory.mktemp(f"border{request.param}"), request.param)


def assert_protected(value: float, exact: float, what) -> None:
    """Within the rounding base of the exact value, or withheld because it is small."""
    if math.isnan(value):
        assert 0 < exact < THRESHOLD, (what, "withheld", exact)
    else:
        assert value % BASE == 0 and abs(value - exact) < BASE, (what, value, exact)


def assert_linked(arrivals: float, departures: float, net: float, what) -> None:
    """No withheld cell can be worked out from the other two (a net is withheld beside a
    part withheld alone), no net is withheld while both its parts are shown, and a net
    shown with its parts is their difference."""
    withheld = [math.isnan(v) for v in (arrivals, departures, net)]
    assert sum(withheld) != 1, (what, arrivals, departures, net)
    if not any(withheld):
        assert net == arrivals - departures, (what, arrivals, departures, net)


def test_no_month_is_both_final_and_provisional(case):
    values, tables, exact, _ = case
    for flow in ("ltm_arrivals", "ltm_departures", "ltm_net"):
        final = {r["time_period"] for r in values if r["indicator"] == flow}
        provisional = {r["time_period"] for r in values
                       if r["indicator"] == f"{flow}_provisional"}
        assert not final & provisional
        assert all(exact.is_final(m) for m in final)
        assert not any(exact.is_final(m) for m in provisional)
    assert not set(tables.final_months) & set(tables.provisional_months)
    assert max(tables.final_months) < min(tables.provisional_months)
    assert all(exact.is_final(m) for m in tables.window)


def test_the_window_ends_at_the_last_whole_final_month(case):
    _, tables, exact, _ = case
    assert list(tables.window) == exact.window
    assert len(exact.window) == 12


def test_twelve_month_totals_by_sex(case):
    _, tables, exact, _ = case
    for sex in ("_T", "F", "M", "_U"):
        key_sex = None if sex == "_T" else sex
        arrivals = exact.long_term(arrival=1, months=exact.window, sex=key_sex)
        departures = exact.long_term(arrival=0, months=exact.window, sex=key_sex)
        shown = [tables.window_flows.get((flow, "_T", sex), 0.0)
                 for flow in ("ltm_arrivals", "ltm_departures", "ltm_net")]
        assert_protected(shown[0], arrivals, ("arrivals", sex))
        assert_protected(shown[1], departures, ("departures", sex))
        assert_linked(*shown, what=sex)
        if not math.isnan(shown[2]):
            assert abs(shown[2] - (arrivals - departures)) < BASE, (sex, shown)


def test_twelve_month_totals_by_citizenship(case):
    _, tables, exact, _ = case
    citizenships = {r["citizenship"] for r in exact.rows}
    for arrival, flow in ((1, "ltm_arrivals"), (0, "ltm_departures")):
        for citizenship in citizenships:
            count = exact.long_term(arrival=arrival, months=exact.window,
                                    citizenship=citizenship)
            shown = tables.window_flows.get((flow, citizenship, "_T"), 0.0)
            assert_protected(shown, count, (flow, citizenship))
    small = [k for k, v in tables.window_flows.items() if math.isnan(v)]
    assert all(k[0] == "ltm_net" or k[1] != "_T" or k[2] != "_T" for k in small)


def test_residents_and_non_residents_by_year(case):
    _, tables, exact, _ = case
    for indicator, arrival, resident in (("arrivals_residents", 1, 1),
                                         ("arrivals_non_residents", 1, 0),
                                         ("departures_residents", 0, 1),
                                         ("departures_non_residents", 0, 0)):
        counts = exact.crossings_by_year(arrival=arrival, resident=resident)
        assert {y for (i, y) in tables.by_year if i == indicator} == set(counts)
        for year, count in counts.items():
            assert_protected(tables.by_year[(indicator, year)], count, (indicator, year))
    for year, months in tables.year_months.items():
        assert list(months) == [m for m in exact.final_months if m[:4] == year]


def test_monthly_values_are_protected_and_linked(case):
    values, _, exact, _ = case
    by_key = {(r["indicator"], r["time_period"], r["sex"]): r["value"] for r in values
              if r["counterpart_area"] == "_Z"}
    months = {m for (i, m, _) in by_key if i.startswith("ltm_")}
    assert months
    for month in months:
        suffix = "" if exact.is_final(month) else "_provisional"
        for sex in ("_T", "F", "M", "_U"):
            shown = [by_key.get((f"{flow}{suffix}", month, sex), 0.0)
                     for flow in ("ltm_arrivals", "ltm_departures", "ltm_net")]
            want = [exact.long_term(arrival=a, months={month},
                                    sex=None if sex == "_T" else sex) for a in (1, 0)]
            assert_protected(shown[0], want[0], (month, sex, "arrivals"))
            assert_protected(shown[1], want[1], (month, sex, "departures"))
            assert_linked(*shown, what=(month, sex))
            if not math.isnan(shown[2]):
                assert abs(shown[2] - (want[0] - want[1])) < BASE, (month, sex)


def test_monthly_values_by_citizenship(case):
    values, _, exact, _ = case
    for row in values:
        if row["indicator"] in ("ltm_arrivals_by_citizenship",
                                "ltm_departures_by_citizenship") and row["sex"] == "_T":
            count = exact.long_term(arrival=int(row["indicator"].startswith("ltm_arr")),
                                    months={row["time_period"]},
                                    citizenship=row["counterpart_area"])
            assert_protected(row["value"], count, (row["indicator"], row["time_period"]))


def test_exchanged_observations_link_arrivals_departures_and_net(case):
    """Exchange packages protect the observations themselves: in each cell (citizenship,
    sex, age, finality) of a month, the three measures make one linked table."""
    *_, observations = case
    rule = DisclosureRule(enabled=True, threshold=THRESHOLD, rounding_base=BASE)
    protected = protect_observations(observations, rule=rule, salt=b"salt",
                                     dataflow_id="LTM_FLOWS")
    cells: dict[tuple, dict[str, tuple[float, float]]] = {}
    for exact_row, row in zip(observations, protected, strict=True):
        if row["measure"] not in ("LTM_ARRIVALS", "LTM_DEPARTURES", "LTM_NET"):
            continue
        finality = row["dims"].split(";")[0]
        key = (row["time_period"], row["counterpart_area"], row["sex"], row["age"], finality)
        cells.setdefault(key, {})[row["measure"]] = (row["value"], exact_row["value"])
        if row["measure"] != "LTM_NET":
            assert_protected(row["value"], exact_row["value"], key)
    assert any(math.isnan(v[0]) for c in cells.values() for v in c.values())
    for key, measures in cells.items():
        shown = [measures.get(m, (0.0, 0.0))[0]
                 for m in ("LTM_ARRIVALS", "LTM_DEPARTURES", "LTM_NET")]
        assert_linked(*shown, what=key)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_border_tables_of_any_monthly_counts(data):
    """Random exact monthly counts (final months, then provisional ones): the published
    12-month and yearly figures are the exact sums, protected once."""
    from migprofile.indicators.border import border_tables, window_months

    first = data.draw(st.integers(min_value=2015 * 12, max_value=2020 * 12))
    final = data.draw(st.integers(min_value=1, max_value=30))
    provisional = data.draw(st.integers(min_value=0, max_value=16))
    partners, sexes = ("VNM", "KOR", "LAO", "_U"), ("F", "M", "_U")
    rows, exact, years = [], Counter(), Counter()

    def add(indicator, partner, month, sex, value):
        rows.append({"indicator": indicator, "counterpart_area": partner,
                     "time_period": month, "sex": sex, "value": float(value)})

    for index in range(first, first + final + provisional):
        month = f"{index // 12:04d}-{index % 12 + 1:02d}"
        suffix = "" if index < first + final else "_provisional"
        net = Counter()
        for flow, sign in (("arrivals", 1), ("departures", -1)):
            counts = data.draw(st.lists(st.integers(min_value=0, max_value=7),
                                        min_size=12, max_size=12))
            by_sex = Counter()
            for (partner, sex), value in zip([(p, x) for p in partners for x in sexes],
                                             counts, strict=True):
                if value and not suffix:
                    add(f"ltm_{flow}_by_citizenship", partner, month, sex, value)
                    exact[(flow, "partner", partner, month)] += value
                by_sex[sex] += value
            by_sex["_T"] = sum(by_sex.values())
            for sex, value in by_sex.items():
                add(f"ltm_{flow}{suffix}", "_Z", month, sex, value)
                exact[(flow, "sex", sex, month)] += value
                net[sex] += sign * value
            if not suffix:
                residents = data.draw(st.integers(min_value=0, max_value=7))
                add(f"{flow}_residents", "_Z", month, "_T", residents)
                years[(f"{flow}_residents", month[:4])] += residents
        for sex, value in net.items():
            add(f"ltm_net{suffix}", "_Z", month, sex, value)
    rule = DisclosureRule(enabled=True, threshold=THRESHOLD, rounding_base=BASE)
    tables = border_tables(rows, rule=rule, salt=data.draw(st.binary(min_size=1)))
    months = [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, first + final)]
    assert list(tables.window) == months[-12:] == list(window_months(months))
    assert not set(tables.final_months) & set(tables.provisional_months)
    inside = set(tables.window)

    def over_window(flow, by, code):
        return sum(v for (f, b, c, m), v in exact.items()
                   if (f, b, c) == (flow, by, code) and m in inside)

    for sex in ("F", "M", "_U", "_T"):
        shown = [tables.window_flows.get((f"ltm_{f}", "_T", sex), 0.0)
                 for f in ("arrivals", "departures", "net")]
        want = [over_window(flow, "sex", sex) for flow in ("arrivals", "departures")]
        assert_protected(shown[0], want[0], ("arrivals", sex))
        assert_protected(shown[1], want[1], ("departures", sex))
        assert_linked(*shown, what=sex)
        if not math.isnan(shown[2]):
            assert abs(shown[2] - (want[0] - want[1])) < BASE
    for (flow, partner, _), value in tables.window_flows.items():
        if partner != "_T":
            count = over_window(flow.removeprefix("ltm_"), "partner", partner)
            assert_protected(value, count, (flow, partner))
    assert set(tables.by_year) == set(years)
    for (indicator, year), value in tables.by_year.items():
        assert_protected(value, years[(indicator, year)], (indicator, year))
