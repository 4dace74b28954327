"""The country in its region and the world; two UN DESA revisions side by side."""

import math

import pytest

from migprofile.build import listed_revisions, primary_revisions, resolve_sources, sync_sources
from migprofile.codes import WORLD, area_name, region_of, regions
from migprofile.indicators import compute_indicators
from migprofile.indicators.comparisons import reconcile_sources
from migprofile.profile import Profile, create_profile
from migprofile.report.data import ReportData, Source
from migprofile.report.i18n import localizer
from migprofile.report.sections import SECTIONS, world
from migprofile.report.sections.common import indicator_name
from migprofile.warehouse import Warehouse
from tests import oracle

KINDS = ("undesa_ims", "wdi", "knomad_bmm")
"""The sources these tests need (reading only them keeps the tests fast)."""


def _warehouse(root, *, both: bool):
    """A Lao PDR profile listing UN DESA 2024 (and 2020 when ``both``), read into its
    warehouse without building the report."""
    create_profile("LAO", root, languages=["en", "lo"])
    if both:
        with (root / "profile.toml").open("a", encoding="utf-8") as handle:
            handle.write('\n[sources.undesa_ims_2020]\nkind = "undesa_ims"\n'
                         'revision = "2020"\n')
    profile = Profile.load(root)
    resolved = [s for s in resolve_sources(profile) if s.kind.kind in KINDS]
    with Warehouse.open(profile.warehouse_path) as warehouse:
        sync_sources(warehouse, resolved)
    return profile, resolved


@pytest.fixture(scope="module")
def two_revisions(tmp_path_factory):
    profile, resolved = _warehouse(tmp_path_factory.mktemp("both") / "lao", both=True)
    with Warehouse.open(profile.warehouse_path, read_only=True) as warehouse:
        values = compute_indicators(warehouse.observations, area="LAO",
                                    revisions=primary_revisions(resolved),
                                    listed=listed_revisions(resolved)).to_pandas()
        sources = [Source(**{k: row[k] for k in Source.__dataclass_fields__})
                   for row in warehouse.sources()]
    return ReportData(profile, values, sources, {})


def value(frame, indicator, year, *, sex="_T", revision=None):
    rows = frame[(frame.indicator == indicator) & (frame.time_period == year)
                 & (frame.sex == sex)]
    if revision is not None:
        rows = rows[rows.revision == revision]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_regions_come_from_the_bundled_table():
    region = region_of("VNM")
    assert region.code == "035" and region.name("en") == "South-eastern Asia"
    assert {"VNM", "LAO", "THA", "IDN"} <= region.members
    assert region_of("KOR").code == "030"
    assert all(code in {c for r in regions().values() for c in r.members}
               for code in oracle.subregions())
    assert area_name(WORLD, "vi") == "Thế giới" and area_name("035", "ko") == "동남아시아"
    assert area_name("VNM", "en") == "Viet Nam"


def test_world_total_of_2024_is_undesas_headline(built_profile):
    with Warehouse.open(built_profile / "warehouse.duckdb", read_only=True) as warehouse:
        values = warehouse.table("indicator_values").to_pandas()
    row = value(values, "world_migrant_stock", "2024")
    assert row.value == 304_021_813 and row.ref_area == WORLD
    assert value(values, "region_migrant_stock", "2024").ref_area == "035"
    women = value(values, "world_migrant_stock", "2024", sex="F").value
    men = value(values, "world_migrant_stock", "2024", sex="M").value
    assert women + men == 304_021_813


def test_world_and_region_in_the_2020_revision(two_revisions):
    world_2020 = value(two_revisions.values, "world_migrant_stock", "2020")
    assert world_2020.value == 275_284_032  # the main figures keep the 2024 revision
    assert world_2020.revision == "2024"
    expected = oracle.expected("LAO", "2020")
    assert expected[("world_migrant_stock", "_Z", "2020", "_T")] == 280_598_105


def test_shares_of_population_add_up_the_same_countries(two_revisions):
    expected = oracle.expected("LAO")
    for indicator in ("region_migrant_stock", "region_migrants_pct_population",
                      "world_migrants_pct_population", "net_migration_rate"):
        rows = two_revisions.values[(two_revisions.values.indicator == indicator)
                                    & (two_revisions.values.sex == "_T")]
        assert not rows.empty
        for year, got in zip(rows.time_period, rows.value, strict=True):
            want = expected[(indicator, "_Z", year, "_T")]
            assert math.isclose(got, want, rel_tol=1e-12), (indicator, year)


def test_net_migration_rate_is_per_1000_of_the_same_year(two_revisions):
    frame = two_revisions.values
    net = value(frame, "net_migration", "2020").value
    population = value(frame, "population", "2020").value
    rate = value(frame, "net_migration_rate", "2020")
    assert rate.value == pytest.approx(net / population * 1000, rel=1e-12)
    assert rate.unit == "per_1000"


def test_both_revisions_side_by_side(two_revisions):
    frame = two_revisions.values
    assert value(frame, "emigrant_stock_by_revision", "2020", revision="2020").value \
        == 1_296_051
    assert value(frame, "emigrant_stock_by_revision", "2020", revision="2024").value \
        == 609_093
    assert value(frame, "emigrant_stock", "2020").value == 609_093
    assert set(frame[frame.indicator == "emigrant_stock"].revision) == {"2024"}


def test_one_revision_gives_no_side_by_side_and_says_so(built_profile):
    with Warehouse.open(built_profile / "warehouse.duckdb", read_only=True) as warehouse:
        data = ReportData.load(Profile.load(built_profile), warehouse)
    assert data.rows("emigrant_stock_by_revision").empty
    section = world.build_revisions(data, localizer("en"))
    assert section.blocks == [] and "one revision" in section.intro[0]


def test_knomad_is_compared_with_the_revision_it_rests_on(two_revisions):
    found = {r.pair: r for r in reconcile_sources(two_revisions.values, threshold_pct=10.0)}
    pair = found["emigrant_stock"]
    assert (pair.first, pair.first_source, pair.first_period) == (
        "emigrant_stock_by_revision", "undesa_ims 2020", "2020")
    assert pair.first_value == 1_296_051
    assert not pair.disagree


def test_without_that_revision_knomad_meets_the_one_used(tmp_path):
    profile, resolved = _warehouse(tmp_path / "lao", both=False)
    with Warehouse.open(profile.warehouse_path, read_only=True) as warehouse:
        values = compute_indicators(warehouse.observations, area="LAO",
                                    revisions=primary_revisions(resolved),
                                    listed=listed_revisions(resolved)).to_pandas()
    pair = {r.pair: r for r in reconcile_sources(values, threshold_pct=10.0)}["emigrant_stock"]
    assert (pair.first, pair.first_value) == ("emigrant_stock", 609_093)
    assert pair.disagree


@pytest.mark.parametrize("language", ["en", "lo"])
def test_sections_show_a_table_and_a_chart_with_the_difference_explained(two_revisions,
                                                                         language):
    loc = localizer(language)
    section = world.build_revisions(two_revisions, loc)
    tables = [b for b in section.blocks if b.__class__.__name__ == "Table"]
    charts = [b for b in section.blocks if b.__class__.__name__ == "Figure"]
    assert len(tables) == len(charts) == 2
    emigrants = tables[1]
    row = next(r for r in emigrants.rows if r[0] == "2020")
    assert row[1:3] == [loc.integer(609_093), loc.integer(1_296_051)]
    assert row[3] == loc.integer(1_296_051 - 609_093)
    assert "2020" in emigrants.note and "2024" in emigrants.note
    callout = section.blocks[-1]
    largest, like_with_like = callout.paragraphs
    assert indicator_name("emigrant_stock", loc) in largest
    assert indicator_name("emigrant_stock_knomad", loc) in like_with_like
    context = world.build_context(two_revisions, loc)
    assert loc.integer(304_021_813) in context.intro[0]
    table = next(b for b in context.blocks if b.__class__.__name__ == "Table")
    assert loc.country("035") in table.columns and loc.country(WORLD) in table.columns


def test_sections_are_placed_after_emigration():
    order = list(SECTIONS)
    assert order.index("emigration") < order.index("context") \
        < order.index("undesa_revisions") < order.index("annex")


def test_report_of_the_built_profile_has_the_context(built_profile):
    text = (built_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    part = text[text.index('id="context"'):text.index('id="undesa_revisions"')]
    assert "304,021,813" in part and "South-eastern Asia" in part
