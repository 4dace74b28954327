"""Crossings in a profile: keyed import into the warehouse, flows as observations."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import stat
import tomllib

import pytest

from migprofile.crossings import crossing_observations, person_key_secret
from migprofile.intake import crossings_inputs, load_crossings
from migprofile.profile import CrossingsSettings, Profile, create_profile
from migprofile.sources.canonical import OBSERVATION_SCHEMA, parse_dims
from migprofile.warehouse import Warehouse, connect

CROSSINGS = """\
passport,day,dir,nat,gender,yob
P-ALPHA-123,2020-01-15,A,kor,F,1990
P-ALPHA-123,2021-06-01,D,kor,F,1990
P-BETA-456,2020-03-01,A,LAO,M,1950
P-BETA-456,2020-03-20,D,LAO,M,1950
P-GAMMA-789,2021-01-10,D,VNM,M,2010
"""
MAPPING = ("person_id=passport,date_crossing=day,is_arrival=dir,citizenship=nat,"
           "sex=gender,birth_year=yob")


@pytest.fixture
def profile(tmp_path):
    return create_profile("VNM", tmp_path / "viet-nam")


@pytest.fixture
def imported(profile, tmp_path, cli):
    source = tmp_path / "crossings.csv"
    source.write_text(CROSSINGS, encoding="utf-8")
    result = cli("crossings", "import", profile.root, source, "--columns", MAPPING)
    assert result.exit_code == 0, result
    return profile, source, result


def import_later(profile, cli, tmp_path):
    """A second import: one more crossing of a person of the first, in 2022."""
    later = tmp_path / "later.csv"
    later.write_text("passport,day,dir,nat,gender,yob\nP-BETA-456,2022-01-01,A,LAO,M,1950\n",
                     encoding="utf-8")
    assert cli("crossings", "import", profile.root, later, "--columns", MAPPING).exit_code == 0
    return later


def observations(profile, **settings):
    """The flows, in a fixed order (a query's own order may differ between runs)."""
    con = connect(database=profile.warehouse_path)
    table = crossing_observations(con, country="VNM", settings=CrossingsSettings(**settings))
    return sorted(con.to_pyarrow(table).to_pylist(), key=lambda row: sorted(
        (k, str(v)) for k, v in row.items()))


def test_import_stores_keys_never_identifiers(imported):
    profile, _, result = imported
    assert "Imported 5 crossings of 3 persons" in result.stdout
    warehouse = profile.warehouse_path.read_bytes()
    assert b"P-ALPHA-123" not in warehouse and b"P-BETA" not in warehouse
    secret = person_key_secret(profile)
    assert secret.hex() not in result.stdout and secret.hex().encode() not in warehouse
    key_file = next(profile.secrets_dir.iterdir())
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    con = connect(database=profile.warehouse_path)
    stored = con.to_pyarrow(con.table("crossings").order_by("seq")).to_pylist()
    assert len({r["person_key"] for r in stored}) == 3
    assert [r["citizenship"] for r in stored] == ["KOR", "KOR", "LAO", "LAO", "VNM"]
    imports = con.to_pyarrow(con.table("crossing_imports")).to_pylist()
    assert (imports[0]["file_name"], imports[0]["rows"]) == ("crossings.csv", 5)


def test_the_same_file_is_not_imported_twice(imported, cli):
    profile, source, _ = imported
    again = cli("crossings", "import", profile.root, source, "--columns", MAPPING)
    assert again.exit_code == 2 and "already imported (import 1" in again.stderr


def test_keys_are_stable_across_imports(imported, cli, tmp_path):
    profile, _, _ = imported
    import_later(profile, cli, tmp_path)
    con = connect(database=profile.warehouse_path)
    stored = con.to_pyarrow(con.table("crossings").order_by("seq")).to_pylist()
    assert stored[-1]["person_key"] == stored[2]["person_key"]
    assert stored[-1]["seq"] == 5 and stored[-1]["import_id"] == 2


def test_observations_are_canonical_long_term_flows(imported):
    profile, _, _ = imported
    rows = observations(profile, data_end=dt.date(2022, 12, 31))
    assert set(rows[0]) == set(OBSERVATION_SCHEMA.names)
    ltm = {(r["measure"], r["time_period"], r["counterpart_area"], r["sex"], r["age"],
            r["obs_status"]): r["value"] for r in rows if r["measure"].startswith("LTM")}
    assert ltm == {
        ("LTM_ARRIVALS", "2020-01", "KOR", "F", "Y25T34", "A"): 1.0,
        ("LTM_NET", "2020-01", "KOR", "F", "Y25T34", "A"): 1.0,
        ("LTM_DEPARTURES", "2021-06", "KOR", "F", "Y25T34", "A"): 1.0,
        ("LTM_NET", "2021-06", "KOR", "F", "Y25T34", "A"): -1.0,
        ("LTM_DEPARTURES", "2021-01", "VNM", "M", "Y0T14", "A"): 1.0,
        ("LTM_NET", "2021-01", "VNM", "M", "Y0T14", "A"): -1.0,
    }
    assert {r["dataflow"] for r in rows} == {"LTM_FLOWS"}
    assert {(r["ref_area"], r["unit"], r["source"], r["revision"]) for r in rows} == {
        ("VNM", "persons", "crossings", "2022-12-31")}
    visit = [r for r in rows if r["counterpart_area"] == "LAO"]
    assert {(r["measure"], r["age"], parse_dims(r["dims"])["residence"]) for r in visit} == {
        ("ARRIVALS", "Y_GE65", "NR"), ("DEPARTURES", "Y_GE65", "NR")}


def test_provisional_flows_are_kept_apart(imported):
    profile, _, _ = imported
    rows = observations(profile)  # data end: the latest crossing, 2021-06-01
    departure = [r for r in rows if r["measure"] == "LTM_DEPARTURES"
                 and r["counterpart_area"] == "KOR"]
    assert len(departure) == 1
    assert parse_dims(departure[0]["dims"]) == {"finality": "PROVISIONAL", "residence": "R"}
    assert departure[0]["obs_status"] == "P"


def test_no_crossings_no_observations(profile):
    con = connect(database=profile.warehouse_path)
    assert crossing_observations(con, country="VNM", settings=CrossingsSettings()) is None


def test_profile_folder_is_required(cli, tmp_path):
    source = tmp_path / "c.csv"
    source.write_text(CROSSINGS, encoding="utf-8")
    result = cli("crossings", "import", tmp_path / "nowhere", source, "--columns", MAPPING)
    assert result.exit_code == 2 and "no profile.toml here" in result.stderr



def test_each_import_is_kept_in_the_profile_without_identifiers(imported):
    profile, source, _ = imported
    folder = profile.root / "sources" / "crossings"
    assert sorted(p.name for p in folder.iterdir()) == ["i1-crossings.meta.toml",
                                                        "i1-crossings.parquet"]
    kept = (folder / "i1-crossings.parquet").read_bytes()
    assert b"P-ALPHA-123" not in kept and b"P-BETA" not in kept
    sidecar = tomllib.loads((folder / "i1-crossings.meta.toml").read_text(encoding="utf-8"))
    assert (sidecar["kind"], sidecar["revision"], sidecar["file"], sidecar["rows"]) == (
        "crossings", "i1", "crossings.csv", 5)
    assert sidecar["file_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert sidecar["sha256"] == hashlib.sha256(kept).hexdigest()


def test_the_warehouse_is_restored_from_the_kept_imports(imported, cli, tmp_path):
    profile, _, _ = imported
    later = import_later(profile, cli, tmp_path)
    before = stored_crossings(profile)
    flows = observations(profile, data_end=dt.date(2022, 12, 31))
    profile.warehouse_path.unlink()
    with Warehouse.open(profile.warehouse_path) as warehouse:
        assert load_crossings(warehouse, Profile.load(profile.root), [])
    assert stored_crossings(profile) == before
    assert observations(profile, data_end=dt.date(2022, 12, 31)) == flows
    again = cli("crossings", "import", profile.root, later, "--columns", MAPPING)
    assert again.exit_code == 2 and "already imported (import 2, later.csv" in again.stderr


def test_a_changed_kept_import_is_refused_naming_it(imported, cli):
    profile, _, _ = imported
    kept = profile.root / "sources" / "crossings" / "i1-crossings.parquet"
    kept.write_bytes(kept.read_bytes() + b"\0")
    result = cli("build", profile.root)
    assert result.exit_code == 2
    assert "i1-crossings.parquet" in result.stderr
    assert "an imported file must not be changed" in result.stderr


def test_a_kept_import_without_its_sidecar_is_set_aside_by_recover(imported, cli):
    profile, _, _ = imported
    folder = profile.root / "sources" / "crossings"
    (folder / "i1-crossings.meta.toml").unlink()
    refused = cli("build", profile.root)
    assert refused.exit_code == 2 and f"migprofile recover {profile.root}" in refused.stderr
    recovered = cli("recover", profile.root)
    assert recovered.exit_code == 0, recovered
    assert not (folder / "i1-crossings.parquet").exists()
    assert (profile.root / "recovered" / "crossings" / "crossings.parquet").is_file()
    assert f"migprofile crossings import {profile.root} FILE-AS-SENT" in recovered.stdout
    assert cli("build", profile.root).exit_code == 0


def test_imports_only_in_the_warehouse_are_still_counted(imported, cli, tmp_path):
    """Earlier versions kept crossings in the warehouse alone."""
    profile, _, _ = imported
    shutil.rmtree(profile.root / "sources" / "crossings")
    import_later(profile, cli, tmp_path)
    assert sorted(p.name for p in (profile.root / "sources" / "crossings").iterdir()) == [
        "i2-later.meta.toml", "i2-later.parquet"]
    _, imports = stored_crossings(profile)
    assert [(i["import_id"], i["file_name"]) for i in imports] == [(1, "crossings.csv"),
                                                                   (2, "later.csv")]
    inputs = crossings_inputs(Profile.load(profile.root))
    assert [number for number, _, _ in inputs["imports"]] == [1, 2]


def stored_crossings(profile):
    con = connect(database=profile.warehouse_path)
    try:
        crossings = con.to_pyarrow(con.table("crossings").order_by("seq")).to_pylist()
        imports = con.to_pyarrow(con.table("crossing_imports").order_by("import_id"))
        return crossings, imports.to_pylist()
    finally:
        con.disconnect()
