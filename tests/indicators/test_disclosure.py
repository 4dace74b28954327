"""Disclosure control: suppressed cells cannot be recovered, rounding is base 3 and fair."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migprofile.codes import builtin_dataflows
from migprofile.indicators.disclosure import (
    DisclosureRule,
    disclosure_rule,
    protect_indicator_values,
    protect_observations,
    protect_table,
    rounded,
    table_from_cells,
    table_with_differences,
)
from migprofile.profile import DisclosureSettings

RULE = DisclosureRule(enabled=True, threshold=5, rounding_base=3)
SALT = b"test salt"


def with_totals(inner: dict[tuple, float], dimensions: int) -> dict[tuple, float]:
    """Cells of a table of ``dimensions`` dimensions with every margin (``_T``) added."""
    cells: dict[tuple, float] = {}
    for key, value in inner.items():
        for mask in itertools.product((False, True), repeat=dimensions):
            total = tuple("_T" if m else code for m, code in zip(mask, key, strict=True))
            cells[total] = cells.get(total, 0.0) + value
    return cells


def recoverable(cells: dict[tuple, float], published: dict[tuple, float]) -> list[tuple]:
    """The withheld cells that the published cells and the totals determine.

    Independent of the module: the unknowns are the withheld cells, the equations are
    "a total equals the sum of its parts" for every _T cell of every dimension; cell k is
    determined iff e_k lies in the row space of the equations restricted to the unknowns
    (adding e_k to the rows does not raise the rank).
    """
    withheld = sorted(k for k, v in published.items() if math.isnan(v))
    index = {k: j for j, k in enumerate(withheld)}
    width = len(next(iter(cells)))
    rows = []
    for total in cells:
        for d in range(width):
            if total[d] != "_T":
                continue
            parts = [k for k in cells if k[d] != "_T"
                     and all(k[i] == total[i] for i in range(width) if i != d)]
            if not parts:
                continue
            row = np.zeros(len(withheld))
            for member, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
                if member in index:
                    row[index[member]] += sign
            rows.append(row)
    if not withheld:
        return []
    return determined_by(rows, index)


def determined_by(rows: list, index: dict) -> list[tuple]:
    """The unknowns (``index``: key to column) that the equations ``rows`` pin down: an
    unknown is determined when its unit vector lies in the rows' span."""
    matrix = np.array(rows).reshape(len(rows), len(index))
    rank = np.linalg.matrix_rank(matrix) if len(rows) else 0
    found = []
    for key, j in index.items():
        unit = np.zeros(len(index))
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(key)
    return found


def test_rounding_gives_multiples_of_three_and_keeps_them():
    for value in range(0, 40):
        for draw in (0.0, 0.3, 0.34, 0.66, 0.67, 0.99):
            assert rounded(float(value), base=3, draw=draw) % 3 == 0
    assert rounded(12.0, base=3, draw=0.99) == 12.0
    # remainder 1: up with probability 1/3; remainder 2: up with probability 2/3
    assert rounded(10.0, base=3, draw=0.32) == 12.0 and rounded(10.0, base=3, draw=0.34) == 9
    assert rounded(11.0, base=3, draw=0.65) == 12.0 and rounded(11.0, base=3, draw=0.67) == 9


def test_rounding_is_unbiased_and_seeded():
    cells = {(f"C{i}",): 10.0 for i in range(3000)}
    table = table_from_cells(cells, [])
    first = protect_table(table, rule=DisclosureRule(True, 1, 3), salt=SALT, table_id="t")
    again = protect_table(table, rule=DisclosureRule(True, 1, 3), salt=SALT, table_id="t")
    other = protect_table(table, rule=DisclosureRule(True, 1, 3), salt=b"other", table_id="t")
    assert first == again and first != other
    values = list(first.values())
    assert set(values) == {9.0, 12.0}
    assert abs(np.mean(values) - 10.0) < 0.1  # E = 9 * 2/3 + 12 * 1/3 = 10


def test_primary_suppression_withholds_small_counts_not_zeros():
    cells = {("A",): 1.0, ("B",): 4.0, ("C",): 5.0, ("D",): 0.0}
    published = protect_table(table_from_cells(cells, []), rule=RULE, salt=SALT,
                              table_id="t")
    assert math.isnan(published[("A",)]) and math.isnan(published[("B",)])
    assert published[("C",)] in (3.0, 6.0)
    assert published[("D",)] == 0.0  # a true zero is not a small count


def test_a_lone_small_cell_gets_complementary_cells():
    inner = {("A", "F"): 2, ("A", "M"): 40, ("B", "F"): 30, ("B", "M"): 25, ("C", "F"): 50,
             ("C", "M"): 1}
    cells = with_totals(inner, 2)
    published = protect_table(table_from_cells(cells, [0, 1]), rule=RULE, salt=SALT,
                              table_id="t")
    withheld = {k for k, v in published.items() if math.isnan(v)}
    assert withheld == {("A", "F"), ("A", "M"), ("C", "F"), ("C", "M")}
    # without complementary suppression the small cells would be recovered exactly
    primary_only = {k: (math.nan if k in {("A", "F"), ("C", "M")} else v)
                    for k, v in cells.items()}
    assert set(recoverable(cells, primary_only)) == {("A", "F"), ("C", "M")}
    assert not recoverable(cells, published)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_no_suppressed_cell_can_be_recovered_from_its_table(data):
    dimensions = data.draw(st.integers(min_value=1, max_value=3))
    sizes = [data.draw(st.integers(min_value=1, max_value=5)) for _ in range(dimensions)]
    keys = list(itertools.product(*[[f"{chr(65 + d)}{i}" for i in range(n)]
                                    for d, n in enumerate(sizes)]))
    values = data.draw(st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 8, 13, 40, 200]),
                                min_size=len(keys), max_size=len(keys)))
    cells = with_totals(dict(zip(keys, map(float, values), strict=True)), dimensions)
    published = protect_table(table_from_cells(cells, range(dimensions)), rule=RULE,
                              salt=SALT, table_id="t")
    assert not recoverable(cells, published)
    for key, value in cells.items():
        if 0 < value < RULE.threshold:
            assert math.isnan(published[key])
        if not math.isnan(published[key]):
            assert published[key] % 3 == 0 and abs(published[key] - value) < 3


def test_observations_of_a_protected_dataflow():
    rows = []
    rng = random.Random(7)
    for partner, sex in itertools.product(("VNM", "CHN", "THA", "_T"), ("F", "M", "_T")):
        rows.append({"measure": "WORK_PERMITS", "ref_area": "LAO",
                     "counterpart_area": partner, "time_period": "2023", "sex": sex,
                     "age": "_T", "dims": "occupation=_T;province=_T", "unit": "persons",
                     "obs_status": "A", "value": 0.0})
    inner = {(r["counterpart_area"], r["sex"]): float(rng.choice([1, 2, 30, 70]))
             for r in rows if "_T" not in (r["counterpart_area"], r["sex"])}
    cells = with_totals(inner, 2)
    for row in rows:
        row["value"] = cells[(row["counterpart_area"], row["sex"])]
    published = protect_observations(rows, rule=RULE, salt=SALT,
                                     dataflow_id="WORK_PERMITS_FOREIGNERS")
    by_key = {(r["counterpart_area"], r["sex"]): r["value"] for r in published}
    assert any(math.isnan(v) for v in by_key.values())
    assert not recoverable(cells, by_key)
    off = protect_observations(rows, rule=DisclosureRule(False, 5, 3), salt=SALT,
                               dataflow_id="WORK_PERMITS_FOREIGNERS")
    assert [r["value"] for r in off] == [r["value"] for r in rows]


def test_indicator_tables_bind_partners_sexes_and_totals():
    """A by-partner indicator and its total over partners make one table."""
    inner = {("VNM", "F"): 520, ("VNM", "M"): 1900, ("THA", "F"): 3, ("THA", "M"): 140,
             ("CHN", "F"): 610, ("CHN", "M"): 2800}
    cells = with_totals(inner, 2)
    rows = []
    for (partner, sex), value in cells.items():
        indicator = "work_permits_foreigners" if partner == "_T" else \
            "work_permits_by_citizenship"
        rows.append({"indicator": indicator, "ref_area": "LAO",
                     "counterpart_area": "_Z" if partner == "_T" else partner,
                     "time_period": "2023", "sex": sex, "value": value, "unit": "persons",
                     "source": "work_permits_foreigners", "revision": "r1"})
    rules = {"WORK_PERMITS_FOREIGNERS": RULE}
    published = protect_indicator_values(
        rows, rules=rules, source_dataflows={"work_permits_foreigners":
                                             {"WORK_PERMITS_FOREIGNERS"}}, salt=SALT)
    by_key = {("_T" if r["counterpart_area"] == "_Z" else r["counterpart_area"], r["sex"]):
              r["value"] for r in published}
    status = {r["conf_status"] for r in published if math.isnan(r["value"])}
    assert math.isnan(by_key[("THA", "F")]) and status == {"C"}
    assert not recoverable(cells, by_key)
    assert all(r["conf_status"] == "F" for r in published if not math.isnan(r["value"]))


NET = {"N": ("A", "D")}


def linked_cells(arrivals: dict[str, int], departures: dict[str, int]) -> dict[tuple, float]:
    """Arrivals (A), departures (D) and net (N) by sex, with their totals over sexes."""
    cells = {}
    for sex in ("F", "M"):
        cells[("A", sex)] = float(arrivals[sex])
        cells[("D", sex)] = float(departures[sex])
        cells[("N", sex)] = float(arrivals[sex] - departures[sex])
    for measure in "ADN":
        cells[(measure, "_T")] = cells[(measure, "F")] + cells[(measure, "M")]
    return cells


def linked_recoverable(cells, published, *, margins: bool) -> list[tuple]:
    """The withheld cells that the published ones determine, with the relations
    A = D + N (and, with ``margins``, the totals over sexes): independent of the module."""
    withheld = sorted(k for k, v in published.items() if math.isnan(v))
    if not withheld:
        return []
    index = {k: j for j, k in enumerate(withheld)}
    equations = [[(("A", s), 1.0), (("D", s), -1.0), (("N", s), -1.0)]
                 for s in ("F", "M", "_T")]
    if margins:
        equations += [[((m, "_T"), 1.0), ((m, "F"), -1.0), ((m, "M"), -1.0)] for m in "ADN"]
    rows = []
    for equation in equations:
        row = np.zeros(len(withheld))
        for key, sign in equation:
            if key in index:
                row[index[key]] += sign
        rows.append(row)
    return determined_by(rows, index)


counts = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 11, 40, 301])


@settings(max_examples=60, deadline=None)
@given(arrivals=st.fixed_dictionaries({"F": counts, "M": counts}),
       departures=st.fixed_dictionaries({"F": counts, "M": counts}),
       margins=st.booleans(), salt=st.binary(min_size=1, max_size=8))
def test_arrivals_departures_and_net_are_one_linked_table(arrivals, departures, margins,
                                                          salt):
    cells = linked_cells(arrivals, departures)
    table = table_with_differences(cells, differences=NET, margins=margins)
    published = protect_table(table, rule=RULE, salt=salt, table_id="t")
    assert set(published) == set(cells)  # no cell is added to what is published
    assert not linked_recoverable(cells, published, margins=margins)
    for sex in ("F", "M", "_T"):
        a, d, n = (published[(m, sex)] for m in "ADN")
        if not any(map(math.isnan, (a, d, n))):
            assert n == a - d  # the published net is the published difference
        if not math.isnan(n):
            assert abs(n - cells[("N", sex)]) < 3
        # no cell withheld alone: it would be the sum or difference of the other two
        assert sum(map(math.isnan, (a, d, n))) != 1, (sex, a, d, n)
    for key, value in cells.items():
        if key[0] != "N" and 0 < value < RULE.threshold:
            assert math.isnan(published[key])
        if key[0] != "N" and not math.isnan(published[key]):
            assert published[key] % 3 == 0 and abs(published[key] - value) < 3
        if not margins and key[0] != "N" and value >= RULE.threshold:
            assert not math.isnan(published[key])  # only small counts are withheld


def test_a_small_net_is_published_and_rounding_together_is_unbiased():
    nets, arrivals = [], []
    for number in range(3000):
        cells = {("A", "_T"): 13.0, ("D", "_T"): 11.0, ("N", "_T"): 2.0}
        published = protect_table(table_with_differences(cells, differences=NET),
                                  rule=RULE, salt=str(number).encode(), table_id="t")
        nets.append(published[("N", "_T")])
        arrivals.append(published[("A", "_T")])
        assert published[("N", "_T")] == published[("A", "_T")] - published[("D", "_T")]
    assert set(nets) <= {0.0, 3.0} and not any(map(math.isnan, nets))
    assert abs(np.mean(nets) - 2.0) < 0.1 and abs(np.mean(arrivals) - 13.0) < 0.1


def test_a_net_without_arrivals_is_withheld_with_its_departures():
    """No arrivals row at all: the arrivals are a known zero, so a withheld departure
    count would be the net's opposite."""
    cells = {("D", "_T"): 2.0, ("N", "_T"): -2.0}
    published = protect_table(table_with_differences(cells, differences=NET), rule=RULE,
                              salt=SALT, table_id="t")
    assert set(published) >= set(cells)
    assert math.isnan(published[("D", "_T")]) and math.isnan(published[("N", "_T")])


def test_monthly_indicators_link_arrivals_departures_and_net():
    rows = []
    for indicator, sexes in (("ltm_arrivals", {"F": 2, "M": 30}),
                             ("ltm_departures", {"F": 20, "M": 9}),
                             ("ltm_net", {"F": -18, "M": 21})):
        for sex, value in [*sexes.items(), ("_T", sum(sexes.values()))]:
            rows.append({"indicator": indicator, "ref_area": "VNM", "counterpart_area": "_Z",
                         "time_period": "2022-03", "sex": sex, "value": float(value),
                         "unit": "persons", "source": "crossings", "revision": "r"})
    published = protect_indicator_values(
        rows, rules={"LTM_FLOWS": RULE}, source_dataflows={"crossings": {"LTM_FLOWS"}},
        salt=SALT)
    by_key = {(r["indicator"], r["sex"]): r["value"] for r in published}
    assert math.isnan(by_key[("ltm_arrivals", "F")])
    assert math.isnan(by_key[("ltm_net", "F")])  # else arrivals = departures + net
    for sex in ("M", "_T", "F"):
        values = [by_key[(i, sex)] for i in ("ltm_arrivals", "ltm_departures", "ltm_net")]
        if not any(map(math.isnan, values)):
            assert values[2] == values[0] - values[1]


@pytest.mark.parametrize(("dataflow", "overrides", "enabled"), [
    ("LTM_FLOWS", {}, True),
    ("WDI", {}, False),
    ("LABOUR_DEPLOYMENTS", {}, False),
    ("LABOUR_DEPLOYMENTS", {"LABOUR_DEPLOYMENTS": {"enabled": True}}, True),
    ("LTM_FLOWS", {"LTM_FLOWS": {"enabled": False}}, False),
])
def test_rules_are_on_for_microdata_and_configurable(dataflow, overrides, enabled):
    settings = DisclosureSettings.model_validate({"dataflows": overrides})
    rule = disclosure_rule(settings, builtin_dataflows()[dataflow])
    assert rule.enabled is enabled and rule.rounding_base == 3 and rule.threshold == 5
