"""The national dataflows declared by their file alone (internal and irregular migration,
SDG 10.7.3 migrant deaths) reach the indicators and the report: each sample, imported into
a copy of the Viet Nam example and built once, gives its figures and its section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migprofile.profile import Profile
from migprofile.testing import copy_tracked, published_figures

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "national"

FLOWS = {
    # dataflow: (sample, {(indicator, partner, year, sex): value}, {language: title})
    "INTERNAL_MIGRATION": (
        "internal-migration.csv",
        {("internal_migration", "_Z", "2019", "_T"): "25700",
         ("internal_migration", "_Z", "2019", "F"): "14050",
         ("internal_migration_work", "_Z", "2019", "_T"): "14600",
         ("internal_migration_marriage", "_Z", "2019", "F"): "1400"},
        {"en": "Internal migration", "vi": "Di cư trong nước"}),
    "IRREGULAR_MIGRATION": (
        "irregular-migration.csv",
        {("irregular_apprehensions", "_Z", "2023", "_T"): "840",
         ("irregular_apprehensions", "_Z", "2023", "F"): "270",
         ("irregular_apprehensions_by_citizenship", "KHM", "2023", "_T"): "240",
         ("refusals_of_entry", "_Z", "2023", "_T"): "85",
         ("irregular_returns", "_Z", "2023", "M"): "300",
         ("readmissions_received", "_Z", "2023", "_T"): "80"},
        {"en": "Irregular migration", "vi": "Di cư trái phép"}),
    "SDG_10_7_3_MIGRANT_DEATHS": (
        "migrant-deaths.csv",
        {("sdg_10_7_3_migrant_deaths", "_Z", "2023", "_T"): "26",
         ("sdg_10_7_3_migrant_deaths", "_Z", "2022", "F"): "9",
         ("sdg_10_7_3_migrant_deaths_by_country", "GBR", "2022", "_T"): "27"},
        {"en": "Migrants who died or disappeared",
         "vi": "Người di cư tử vong hoặc mất tích"}),
}


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    """The Viet Nam example with every sample imported, built once."""
    from migprofile.build import build_profile
    from migprofile.cli import main

    root = copy_tracked(EXAMPLES / "viet-nam", tmp_path_factory.mktemp("flows") / "viet-nam")
    for dataflow, (sample, _, _) in FLOWS.items():
        assert main(["import", str(root), str(SAMPLES / sample), "--dataflow", dataflow,
                     "--provider", "Test sample", "--citation", sample]) == 0, dataflow
    build_profile(Profile.load(root))
    return root


@pytest.fixture(scope="module")
def published(profile) -> dict[tuple[str, str, str, str], str]:
    return published_figures(Profile.load(profile))


@pytest.mark.parametrize("dataflow", FLOWS)
def test_its_figures_are_in_the_indicators(published, dataflow):
    _, expected, _ = FLOWS[dataflow]
    assert {key: published.get(key) for key in expected} == expected


@pytest.mark.parametrize("dataflow", FLOWS)
@pytest.mark.parametrize("language", ["en", "vi"])
def test_its_section_is_in_the_report(profile, dataflow, language):
    _, _, titles = FLOWS[dataflow]
    html = (profile / "out" / language / "profile.html").read_text(encoding="utf-8")
    assert re.search(rf"<h2>\d+\. {re.escape(titles[language])}</h2>", html)
