"""Dataflow declarations: complete, and matching the observations the readers produce."""

import pytest

from migprofile.codes import builtin_dataflows, codelist_codes, load_dataflows
from migprofile.errors import MigprofileError
from migprofile.sources import parse_dims
from migprofile.warehouse import Warehouse


def test_every_observation_belongs_to_a_declared_dataflow(built_profile):
    flows = builtin_dataflows()
    with Warehouse.open(built_profile / "warehouse.duckdb", read_only=True) as warehouse:
        obs = warehouse.observations
        combos = obs.select("dataflow", "measure", "unit", "dims").distinct().to_pyarrow()
    for row in combos.to_pylist():
        flow = flows[row["dataflow"]]
        measure = next(m for m in flow.measures if m.id == row["measure"])
        assert measure.unit == row["unit"]
        assert set(parse_dims(row["dims"])) == {d.id for d in flow.extra_dimensions}
        for key, code in parse_dims(row["dims"]).items():
            assert code in flow.codes(flow.dimension(key).codelist)


def test_builtin_codelists():
    assert codelist_codes("CL_SEX")["F"]["vi"] == "Nữ"
    assert codelist_codes("CL_AREA")["JPN"]["ko"] == "일본"


def test_a_profile_declares_its_own_dataflow(tmp_path):
    (tmp_path / "RETURNS.toml").write_text("""
id = "RETURNS_LOCAL"
names = { en = "Returns", vi = "Trở về", lo = "ກັບຄືນ", ko = "귀환" }
[[dimensions]]
id = "time_period"
[[dimensions]]
id = "assisted"
codelist = "CL_ASSISTED"
names = { en = "Assisted", vi = "Được hỗ trợ", lo = "ໄດ້ຮັບການຊ່ວຍເຫຼືອ", ko = "지원 여부" }
[[measures]]
id = "RETURNEES"
unit = "persons"
names = { en = "Returnees", vi = "Người trở về", lo = "ຜູ້ກັບຄືນ", ko = "귀환자" }
[[codelists]]
id = "CL_ASSISTED"
names = { en = "Assisted", vi = "Được hỗ trợ", lo = "ໄດ້ຮັບການຊ່ວຍເຫຼືອ", ko = "지원 여부" }
codes.Y = { en = "Yes", vi = "Có", lo = "ແມ່ນ", ko = "예" }
codes.N = { en = "No", vi = "Không", lo = "ບໍ່", ko = "아니요" }
""")
    flow = load_dataflows(tmp_path)["RETURNS_LOCAL"]
    assert [d.id for d in flow.extra_dimensions] == ["assisted"]
    assert flow.codes("CL_ASSISTED")["Y"]["lo"] == "ແມ່ນ"


def test_an_incomplete_declaration_names_the_file_and_the_gap(tmp_path):
    (tmp_path / "BAD.toml").write_text("""
id = "BAD"
names = { en = "Bad" }
[[dimensions]]
id = "time_period"
[[measures]]
id = "X"
unit = "persons"
names = { en = "X", vi = "X", lo = "X", ko = "X" }
""")
    with pytest.raises(MigprofileError, match=r"BAD\.toml.*dataflow BAD has no name in vi"):
        load_dataflows(tmp_path)
