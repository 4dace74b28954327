"""Building a profile end to end: outputs, idempotence, and failing safely."""

import csv
import json

import pytest

from migprofile.report.cache import CACHE_ENV
from migprofile.report.tables import CSV_COLUMNS


def snapshot(folder):
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_every_output(built_profile):
    out = built_profile / "out"
    for name in ("indicators.csv", "tables.xlsx", "build.json", "en/profile.html",
                 "en/profile.pdf", "vi/profile.html", "vi/profile.pdf"):
        assert (out / name).is_file(), name
    assert not list(out.glob(".staging-*"))


def test_indicators_csv_has_the_agreed_columns(built_profile):
    with (built_profile / "out" / "indicators.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    # the country, and the context it is set in: the world (M49 001) and its sub-region
    # (035, South-eastern Asia)
    by_area = {r["ref_area"] for r in rows}
    assert by_area == {"VNM", "001", "035"}
    assert {r["indicator"] for r in rows if r["ref_area"] != "VNM"} == {
        "world_migrant_stock", "world_migrants_pct_population", "region_migrant_stock",
        "region_migrants_pct_population"}
    row = next(r for r in rows if r["indicator"] == "emigrant_stock" and
               r["time_period"] == "2024" and r["sex"] == "_T")
    assert row == {"indicator": "emigrant_stock", "ref_area": "VNM", "counterpart_area": "_Z",
                   "time_period": "2024", "sex": "_T", "value": "3693537", "unit": "persons",
                   "source": "undesa_ims", "revision": "2024", "conf_status": "F"}
    assert {r["sex"] for r in rows} == {"_T", "F", "M"}


def test_workbook_has_a_sheet_per_indicator_with_frozen_header(built_profile):
    import openpyxl

    from migprofile.indicators import REGISTRY

    book = openpyxl.load_workbook(built_profile / "out" / "tables.xlsx")
    assert len(book.sheetnames) == len(REGISTRY) + 1
    sheet = book["emigrant_stock"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[-3:] == ["unit", "source", "revision"]
    assert {row[header.index("unit")] for row in sheet.iter_rows(min_row=2, values_only=True)} \
        == {"persons"}


def test_rebuild_with_unchanged_inputs_changes_nothing(cli, copy_profile):
    before = snapshot(copy_profile / "out")
    result = cli("build", copy_profile)
    assert result.exit_code == 0 and "Up to date" in result.stdout
    assert snapshot(copy_profile / "out") == before


@pytest.mark.slow
def test_forced_rebuild_gives_identical_bytes(cli, copy_profile, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "")  # every chart and PDF rendered again
    before = snapshot(copy_profile / "out")
    result = cli("build", copy_profile, "--force")
    assert result.exit_code == 0 and "0 file(s) written" in result.stdout
    assert snapshot(copy_profile / "out") == before


def test_a_changed_narrative_rebuilds(cli, copy_profile):
    (copy_profile / "narrative" / "emigration.en.md").write_text(
        "Labour migration to **Japan** grew fastest.\n")
    result = cli("build", copy_profile)
    assert result.exit_code == 0 and "Up to date" not in result.stdout
    html = (copy_profile / "out" / "en" / "profile.html").read_text()
    assert "Labour migration to <strong>Japan</strong> grew fastest." in html
    vi = (copy_profile / "out" / "vi" / "profile.html").read_text()
    assert "grew fastest" not in vi


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("missing", "missing or not readable"),
        ("corrupt", "line 3 has 2 fields"),
        ("bad_number", "not a number"),
    ],
)
def test_a_bad_source_fails_clearly_and_leaves_outputs_untouched(cli, copy_profile, breakage,
                                                                 message):
    before = snapshot(copy_profile / "out")
    sources = copy_profile / "sources"
    header = "year,iso3,indicator,value\n"
    body = {"missing": None, "corrupt": header + "2020,VNM,pop,1\n2021,VNM\n",
            "bad_number": header + "2020,VNM,pop,many\n"}[breakage]
    if body is not None:
        (sources / "wdi.csv").write_text(body)
        (sources / "wdi.meta.toml").write_text(
            'kind = "wdi"\ntitle = "t"\nprovider = "p"\nlicence = "l"\nrevision = "x"\n'
            "obtained = 2026-01-01\n")
    settings = copy_profile / "profile.toml"
    settings.write_text(settings.read_text().replace(
        '[sources.wdi]\nkind = "wdi"', '[sources.wdi]\nkind = "wdi"\npath = "sources/wdi.csv"'))
    result = cli("build", copy_profile)
    assert result.exit_code == 2
    assert message in result.stderr and "wdi.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(copy_profile / "out") == before


def test_a_failure_while_writing_leaves_outputs_untouched(copy_profile, monkeypatch):
    from migprofile.build import build_profile
    from migprofile.profile import Profile
    from migprofile.report import outputs

    before = snapshot(copy_profile / "out")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outputs, "indicators_workbook", broken)
    with pytest.raises(RuntimeError):
        build_profile(Profile.load(copy_profile), force=True)
    assert snapshot(copy_profile / "out") == before
    assert not list((copy_profile / "out").glob(".staging-*"))


def test_sources_command_lists_provenance(cli, built_profile):
    result = cli("sources", built_profile)
    assert result.exit_code == 0
    assert "undesa_ims\n  dataset   International Migrant Stock 2024" in result.stdout
    assert "licence   CC BY 4.0" in result.stdout
    assert "sha256    3eedf3062754de79577b92ed2267e0753352491296d5846ad2b85512dc0fcd23" \
        in result.stdout


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_indicators_command(cli, built_profile, output):
    result = cli("indicators", built_profile, "--indicator", "emigrant_stock", "--format",
                 output)
    assert result.exit_code == 0
    if output == "json":
        rows = json.loads(result.stdout)
        assert {r["indicator"] for r in rows} == {"emigrant_stock"} and len(rows) == 24
    elif output == "csv":
        assert "emigrant_stock,VNM,_Z,2024,_T,3693537,persons,undesa_ims,2024" in result.stdout
    else:
        assert "3693537" in result.stdout and "emigrant_stock" in result.stdout


def test_unknown_indicator_is_an_error_with_suggestions(cli, built_profile):
    result = cli("indicators", built_profile, "--indicator", "emigrant_stok")
    assert result.exit_code == 2
    assert "unknown indicator 'emigrant_stok'" in result.stderr
    assert "Did you mean: emigrant_stock" in result.stderr


def test_indicators_before_build(cli, tmp_path):
    assert cli("init", "LAO", tmp_path / "p").exit_code == 0
    result = cli("indicators", tmp_path / "p")
    assert result.exit_code == 2 and "has not been built yet" in result.stderr
