"""One rule of national revisions, read in the warehouse (mirror pairs, exports) or in memory
(indicators): for each year, the rows of the latest revision that covers it."""

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from migprofile.codes.dataflows import builtin_dataflows
from migprofile.indicators.national import _chosen, latest_revisions, national_rows
from migprofile.sources.canonical import OBSERVATION_SCHEMA

FLOW = builtin_dataflows()["LABOUR_DEPLOYMENTS"]
KEY = ("time_period", "counterpart_area", "revision")


def observations(rows: list[dict]) -> ibis.Table:
    blank = dict.fromkeys(OBSERVATION_SCHEMA.names)
    fixed = {"dataflow": FLOW.id, "measure": FLOW.measures[0].id, "ref_area": "VNM",
             "sex": "_T", "age": "_T", "dims": "", "source": FLOW.source_id, "value": 1.0}
    full = [{**blank, **fixed, **row} for row in rows]
    table = pa.Table.from_pylist(full, schema=OBSERVATION_SCHEMA.to_pyarrow())
    return ibis.duckdb.connect().create_table("observations", table)


def keys(rows) -> list[tuple]:
    return sorted(tuple(r[k] for k in KEY) for r in rows)


def in_warehouse(obs: ibis.Table) -> list[tuple]:
    return keys(latest_revisions(obs).to_pyarrow().to_pylist())


def in_memory(obs: ibis.Table) -> list[tuple]:
    found = national_rows(obs, area="VNM", flows=[FLOW])[FLOW.source_id]
    return keys(_chosen(found, None))


def test_a_year_a_later_revision_covers_is_taken_from_it_alone():
    obs = observations([
        {"time_period": "2021", "counterpart_area": "LAO", "revision": "r1"},
        {"time_period": "2021", "counterpart_area": "KOR", "revision": "r1"},
        {"time_period": "2021", "counterpart_area": "LAO", "revision": "r2"},
        {"time_period": "2020", "counterpart_area": "KOR", "revision": "r1"},
        {"time_period": "2020", "counterpart_area": "KOR", "revision": "r10"},
        {"time_period": "2020", "counterpart_area": "LAO", "revision": "r9"},
    ])
    expected = [("2020", "KOR", "r10"), ("2021", "LAO", "r2")]
    assert in_warehouse(obs) == expected
    assert in_memory(obs) == expected


row = st.fixed_dictionaries({
    "time_period": st.sampled_from(["2019", "2020", "2021"]),
    "counterpart_area": st.sampled_from(["LAO", "KOR", "THA"]),
    "revision": st.sampled_from(["r1", "r2", "r3", "r10"]),
})


@settings(max_examples=60, deadline=None)
@given(st.lists(row, max_size=12))
def test_warehouse_and_memory_keep_the_same_rows(rows):
    obs = observations(rows)
    kept = in_warehouse(obs)
    assert kept == in_memory(obs)
    latest = {}
    for r in rows:
        latest[r["time_period"]] = max(latest.get(r["time_period"], 0), int(r["revision"][1:]))
    assert kept == keys(r for r in rows if int(r["revision"][1:]) == latest[r["time_period"]])
