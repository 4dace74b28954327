"""Every computed value equals a direct computation over the source rows (tests/oracle.py)."""

import math

import pytest

from migprofile.indicators import REGISTRY, compute_indicators
from migprofile.warehouse import Warehouse
from tests import oracle

REVISIONS = {"undesa_ims": "2024", "undesa_ims_data_type": "2020, 2024", "wdi": "2024",
             "unhcr": "2024-09", "knomad_brm": "2021", "knomad_bmm": "2021"}


@pytest.fixture(scope="module")
def warehouse(built_profile):
    with Warehouse.open(built_profile / "warehouse.duckdb", read_only=True) as wh:
        yield wh


def computed(warehouse, country, revisions=REVISIONS):
    rows = compute_indicators(warehouse.observations, area=country, revisions=revisions) \
        .to_pyarrow().to_pylist()
    return {(r["indicator"], r["counterpart_area"], r["time_period"], r["sex"]): r
            for r in rows}


def assert_same(got: dict, want: dict):
    assert set(got) == set(want), (sorted(set(got) - set(want))[:5],
                                   sorted(set(want) - set(got))[:5])
    for key, value in want.items():
        assert math.isclose(got[key]["value"], value, rel_tol=1e-12, abs_tol=1e-9), key


@pytest.mark.parametrize("country", ["VNM", "LAO", "KOR", "USA", "DEU", "SYR", "XCX", "TUV"])
def test_every_value_equals_a_direct_sum_over_source_rows(warehouse, country):
    assert_same(computed(warehouse, country), oracle.expected(country))


@pytest.mark.parametrize(
    ("country", "indicator", "year", "sex", "value"),
    [
        # Figures published by the providers (see the data README).
        ("VNM", "emigrant_stock", "2024", "_T", 3_693_537),
        ("VNM", "emigrant_stock", "2020", "_T", 3_330_404),
        ("VNM", "immigrant_stock", "2024", "_T", 326_418),
        ("LAO", "emigrant_stock", "2024", "_T", 660_258),
        ("LAO", "emigrant_stock", "2020", "_T", 609_093),
        ("KOR", "emigrant_stock", "2024", "_T", 2_030_473),
        ("VNM", "remittance_inflows_usd", "2021", "_T", 12_722_088_864.3884),
        ("VNM", "emigrant_stock_knomad", "2021", "_T", 3_412_091),
    ],
)
def test_published_headline_figures(warehouse, country, indicator, year, sex, value):
    got = computed(warehouse, country)[(indicator, "_Z", year, sex)]["value"]
    assert got == pytest.approx(value, rel=1e-12)


def test_vnm_top_destination_and_female_share(warehouse):
    values = computed(warehouse, "VNM")
    assert values[("emigrant_stock_by_destination", "USA", "2024", "_T")]["value"] == 1_434_631
    assert values[("emigrant_stock_by_destination", "JPN", "2024", "_T")]["value"] == 589_874
    share = values[("female_share_emigrants", "_Z", "2024", "F")]["value"]
    assert share == pytest.approx(1_934_199 / 3_693_537 * 100)


def test_knomad_remittances_for_viet_nam(warehouse):
    value = computed(warehouse, "VNM")[("remittance_inflows_knomad_usd", "_Z", "2021", "_T")]
    assert value["value"] == pytest.approx(18_060e6, rel=1e-9)
    assert (value["source"], value["revision"], value["unit"]) == ("knomad_brm", "2021", "USD")


def test_pinning_the_2020_revision(tmp_path):
    """profile.toml can pin UN DESA 2020; its figures then come from the 2020 file."""
    from migprofile.build import build_profile
    from migprofile.profile import Profile, create_profile

    root = tmp_path / "lao"
    create_profile("LAO", root, languages=["en"])
    text = (root / "profile.toml").read_text().replace('revision = "2024"', 'revision = "2020"')
    (root / "profile.toml").write_text(text)
    build_profile(Profile.load(root))
    rows = (root / "out" / "indicators.csv").read_text().splitlines()
    assert "emigrant_stock,LAO,_Z,2020,_T,1296051,persons,undesa_ims,2020,F" in rows
    assert not any(r.startswith("emigrant_stock,LAO,_Z,2024,") for r in rows)


def test_every_declaration_is_complete():
    for item in REGISTRY.values():
        assert item.sources and item.unit and item.section
        for language in ("en", "vi", "lo", "ko"):
            assert item.name[language].strip() and item.definition[language].strip()


def test_required_indicator_ids_are_declared():
    required = {
        "immigrant_stock", "immigrant_stock_by_origin", "emigrant_stock",
        "emigrant_stock_by_destination", "immigrants_pct_population", "emigration_rate",
        "female_share_immigrants", "female_share_emigrants", "remittance_inflows_usd",
        "remittance_outflows_usd", "remittance_inflows_pct_gdp",
        "remittance_inflows_by_sender_usd", "refugees_by_origin", "refugees_hosted",
        "asylum_seekers_by_origin", "net_migration",
    }
    assert required <= REGISTRY.keys()
