"""Reading sources: the canonical shape, and a clear refusal of every kind of bad file."""

import pytest

from migprofile.errors import MigprofileError, ProblemsFound
from migprofile.profile import SourceSettings
from migprofile.sources import OBSERVATION_SCHEMA, resolve_source
from migprofile.sources.registry import bundled_dir

UNDESA_HEADER = "year,dest_iso3,origin_iso3,male,female,total\n"
SIDECAR = """kind = "undesa_ims"
title = "Test stock"
provider = "Test provider"
licence = "CC BY 4.0"
revision = "2030"
obtained = 2026-01-01
"""


def own_source(tmp_path, text: bytes | str, *, sidecar: str = SIDECAR, name="stock.csv"):
    path = tmp_path / "sources" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    (tmp_path / "sources" / (path.stem + ".meta.toml")).write_text(sidecar)
    return resolve_source("stock", SourceSettings(kind="undesa_ims", path=f"sources/{name}"),
                          tmp_path)


def test_a_good_file_gives_canonical_observations(tmp_path):
    source = own_source(tmp_path, UNDESA_HEADER + "2020,VNM,LAO,3,4,7\n2020,VNM,KHM,1,1,2\n")
    table = source.read()
    assert table.schema() == OBSERVATION_SCHEMA
    rows = table.order_by(["source_row", "sex"]).to_pyarrow().to_pylist()
    assert len(rows) == 6
    first = rows[0]
    assert (first["dataflow"], first["ref_area"], first["counterpart_area"]) == (
        "UNDESA_IMS", "VNM", "LAO")
    assert (first["time_period"], first["source"], first["revision"]) == ("2020", "undesa_ims",
                                                                          "2030")
    assert {(r["sex"], r["value"]) for r in rows if r["source_row"] == 2} == {
        ("_T", 7.0), ("F", 4.0), ("M", 3.0)}


@pytest.mark.parametrize(
    ("body", "rule", "row", "column", "value"),
    [
        ("2020,VNM,LAO,3,x,7\n", "number", 2, "female", "x"),
        ("2020,VNM,LAO,3,-4,7\n", "non_negative", 2, "female", "-4"),
        ("2020,VNM,LAO,3,4.5,7\n", "integer", 2, "female", "4.5"),
        ("2020,VNM,ZZZ,3,4,7\n", "known_code", 2, "origin_iso3", "ZZZ"),
        ("2020,VNM,LAO,3,4,7\n20x0,VNM,LAO,3,4,7\n", "number", 3, "year", "20x0"),
        ("2020,,LAO,3,4,7\n", "required", 2, "dest_iso3", None),
    ],
)
def test_bad_rows_are_located(tmp_path, body, rule, row, column, value):
    source = own_source(tmp_path, UNDESA_HEADER + body)
    with pytest.raises(ProblemsFound) as info:
        source.read()
    problem = next(p for p in info.value.problems if p.rule == rule)
    assert (problem.row, problem.column) == (row, column)
    if value is not None:
        assert problem.value == value
    assert "stock.csv" in str(info.value) and f"row {row}" in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"year,dest_iso3\n2020,VNM\n", "missing column(s) origin_iso3, total, female, male"),
        ((UNDESA_HEADER + "2020,VNM,LAO,3,4,7\n2020,VNM\n").encode(), "line 3 has 2 fields"),
        (UNDESA_HEADER.encode() + "2020,VNM,LAO,3,4,7\n".encode("utf-16"), "UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(tmp_path, content, message):
    source = own_source(tmp_path, content)
    with pytest.raises(MigprofileError, match=r"stock\.csv") as info:
        source.read()
    assert message in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(MigprofileError, match="missing or not readable"):
        resolve_source("x", SourceSettings(kind="undesa_ims", path="sources/none.csv"), tmp_path)


def test_missing_sidecar(tmp_path):
    (tmp_path / "data.csv").write_text(UNDESA_HEADER)
    with pytest.raises(MigprofileError, match=r"has no sidecar data\.meta\.toml"):
        resolve_source("x", SourceSettings(kind="undesa_ims", path="data.csv"), tmp_path)


def test_a_changed_file_no_longer_matches_its_sidecar_checksum(tmp_path):
    sidecar = SIDECAR + 'sha256 = "' + "0" * 64 + '"\n'
    with pytest.raises(MigprofileError, match="changed after the sidecar was written"):
        own_source(tmp_path, UNDESA_HEADER + "2020,VNM,LAO,3,4,7\n", sidecar=sidecar)


def test_unknown_kind_and_revision(tmp_path):
    with pytest.raises(MigprofileError, match="unknown kind 'oecd'"):
        resolve_source("x", SourceSettings(kind="oecd"), tmp_path)
    with pytest.raises(MigprofileError, match="no bundled copy of undesa_ims revision '2019'"):
        resolve_source("x", SourceSettings(kind="undesa_ims", revision="2019"), tmp_path)


def test_bundled_sidecars_record_the_true_checksums():
    from migprofile.sources import file_sha256, read_sidecar

    files = sorted(bundled_dir().glob("*.csv"))
    assert len(files) == 8
    for path in files:
        assert read_sidecar(path).sha256 == file_sha256(path), path.name
