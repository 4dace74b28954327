"""Reconciliation: the arithmetic of a pair, mirror pairs from observations, two sources."""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from migprofile.codes import builtin_dataflows
from migprofile.indicators.comparisons import (
    Partner,
    Reconciliation,
    mirror_pairs,
    reconcile_mirrors,
    reconcile_sources,
    source_pairs,
)
from migprofile.indicators.disclosure import DisclosureRule
from migprofile.sources.canonical import OBSERVATION_SCHEMA


def pair(a: float, b: float, threshold: float = 10.0) -> Reconciliation:
    return Reconciliation("p", "mirror", "X", "a", "", "2020", a, "b", "", "2020", b, threshold)


def test_differences_asymmetry_and_flag():
    r = pair(1200, 1050)
    assert r.difference == -150
    assert r.relative_pct == pytest.approx(-12.5)
    assert r.asymmetry_pct == pytest.approx(150 / 1125 * 100)
    assert r.flagged
    assert not pair(1000, 1050).flagged  # |50 / 1025| = 4.9 %
    assert pair(0, 0).asymmetry_pct is None and not pair(0, 0).flagged
    assert pair(0, 5).relative_pct is None
    # the index does not depend on which side is first, up to its sign
    assert pair(1050, 1200).asymmetry_pct == pytest.approx(-r.asymmetry_pct)


def test_pairs_are_declared_once_with_names_in_every_language():
    assert {p.id for p in source_pairs()} >= {"remittance_inflows", "emigrant_stock",
                                              "emigrant_stock_consular"}
    for item in mirror_pairs():
        assert set(item.names) == {"en", "vi", "lo", "ko"}
        for side in (item.origin, item.destination):
            assert side.measure in {m.id for m in builtin_dataflows()[side.dataflow].measures}


def _obs(measure: str, *, ref_area: str, citizenship: str, month: str, value: float,
         dims: str, source: str, revision: str, sex: str = "F") -> dict:
    return {"dataflow": "LTM_FLOWS", "measure": measure, "ref_area": ref_area,
            "counterpart_area": citizenship, "time_period": month, "sex": sex, "age": "_U",
            "dims": dims, "value": value, "unit": "persons", "obs_status": "A",
            "source": source, "revision": revision, "source_row": None}


@pytest.fixture
def long_term_flows():
    """Synthetic LTM_FLOWS: Viet Nam's departures to Korea by month (any citizenship), and
    Korea's arrivals of Vietnamese citizens from two packages (the later one counts)."""
    rows = []
    for month, value in (("2023-01", 40), ("2023-02", 35), ("2024-01", 50)):
        for citizenship, sex in (("VNM", "F"), ("VNM", "M"), ("CHN", "M")):
            rows.append(_obs("LTM_DEPARTURES", ref_area="VNM", citizenship=citizenship,
                             month=month, value=value, sex=sex, source="crossings",
                             revision="2024-12-31",
                             dims="finality=FINAL;residence=R;travel=KOR"))
        rows.append(_obs("LTM_DEPARTURES", ref_area="VNM", citizenship="VNM", month=month,
                         value=1000, source="crossings", revision="2024-12-31",
                         dims="finality=FINAL;residence=R;travel=JPN"))
    for revision, value in (("20250101T000000Z-KR_OKA-VN_DOLAB", 1),
                            ("20250601T000000Z-KR_OKA-VN_DOLAB", 100)):
        for month in ("2023-03", "2023-07", "2024-02"):
            for sex in ("F", "M"):
                rows.append(_obs("LTM_ARRIVALS", ref_area="KOR", citizenship="VNM",
                                 month=month, value=value, sex=sex,
                                 source="partner_kr_oka", revision=revision,
                                 dims="finality=FINAL;residence=NR"))
    table = pa.Table.from_pylist(rows, schema=OBSERVATION_SCHEMA.to_pyarrow())
    return ibis.memtable(table)


def test_long_term_departures_mirror_the_partners_arrivals(long_term_flows):
    flows = builtin_dataflows()
    found = reconcile_mirrors(long_term_flows, country="VNM",
                              partners=[Partner("KR_OKA", "KOR")], flows=flows,
                              threshold_pct=10.0, rules={}, salt=b"")
    ltm = [r for r in found if r.pair == "long_term_migrants"]
    assert [(r.period, r.first_value, r.second_value) for r in ltm] == [
        ("2023", 3 * 40 + 3 * 35, 4 * 100), ("2024", 3 * 50, 2 * 100)]
    assert ltm[0].first == "VNM LTM_FLOWS.LTM_DEPARTURES KOR"
    assert ltm[0].second == "KOR LTM_FLOWS.LTM_ARRIVALS VNM"
    assert ltm[0].second_source == "partner_kr_oka 20250601T000000Z-KR_OKA-VN_DOLAB"
    assert (ltm[0].origin, ltm[0].destination, ltm[0].partner) == ("VNM", "KOR", "KR_OKA")
    assert all(r.flagged for r in ltm)


def test_our_protected_figures_are_rounded_in_the_comparison(long_term_flows):
    rule = DisclosureRule(enabled=True, threshold=5, rounding_base=3)
    found = reconcile_mirrors(long_term_flows, country="VNM",
                              partners=[Partner("KR_OKA", "KOR")], flows=builtin_dataflows(),
                              threshold_pct=10.0, rules={"LTM_FLOWS": rule}, salt=b"salt")
    ltm = [r for r in found if r.pair == "long_term_migrants"]
    assert all(r.first_value % 3 == 0 for r in ltm)
    assert abs(ltm[0].first_value - 225) < 3 and ltm[0].second_value == 400


def _values(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"indicator": i, "ref_area": "VNM", "counterpart_area": "_Z",
                          "time_period": y, "sex": "_T", "value": v, "unit": "persons",
                          "source": i.split("_")[0], "revision": "r"} for i, y, v in rows])


def test_two_sources_take_the_first_in_the_same_or_an_earlier_year():
    values = _values([("emigrant_stock", "2015", 2.0e6), ("emigrant_stock", "2020", 3.0e6),
                      ("emigrant_stock_knomad", "2021", 3.3e6),
                      ("consular_registrations", "2019", 1.0e6),
                      ("consular_registrations", "2022", math.nan)])
    found = reconcile_sources(values, threshold_pct=10.0)
    pairs = {(r.pair, r.first_period, r.second_period): (r.first_value, r.second_value)
             for r in found}
    assert pairs == {("emigrant_stock", "2020", "2021"): (3.0e6, 3.3e6),
                     ("emigrant_stock_consular", "2015", "2019"): (2.0e6, 1.0e6)}


def test_reconcile_command_refuses_an_unknown_partner(cli, built_profile):
    result = cli("reconcile", built_profile, "--partner", "XX_NOBODY")
    assert result.exit_code == 2 and "not a registered partner" in result.stderr
