"""World maps of by-partner indicators: each country gets its value, the countries the
boundaries cannot show are listed with theirs, the United Nations' disclaimer is said in
each language, a profile may draw with its own boundaries, and a map block is declared in
TOML like any other."""

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd
import pytest

from migprofile.errors import MigprofileError
from migprofile.indicators.declarations import TOPIC_SECTIONS, DeclaredSection, topic_declarations
from migprofile.profile import Profile, ProfileSettings
from migprofile.report.i18n import localizer
from migprofile.report.maps import bundled_boundaries, bundled_manifest, map_boundaries
from migprofile.report.model import Map
from migprofile.report.render import environment
from migprofile.report.sections.common import partner_map
from migprofile.report.sections.topics import declared_sections
from tests.report.test_topic_sections import INDICATOR

DISCLAIMER = ("The boundaries and names shown and the designations used on this map do not "
              "imply official endorsement or acceptance by the United Nations.")


def map_rows(spec: dict) -> dict[str, float]:
    """The value the map gives each country (the lookup joining values to geometries)."""
    layer = next(layer for layer in spec["layer"]
                 if any("lookup" in step for step in layer.get("transform", [])))
    lookup = next(step for step in layer["transform"] if "lookup" in step)
    rows = spec["datasets"][lookup["from"]["data"]["name"]]
    return {row["code"]: row["value"] for row in rows}


def shape_ids(spec: dict) -> set[str]:
    """The countries the map has a geometry of."""
    topology = spec["datasets"][spec["data"]["name"]]
    shapes = topology["objects"][spec["data"]["format"]["feature"]]["geometries"]
    return {shape["id"] for shape in shapes if "id" in shape}


# the bundled boundaries ----------------------------------------------------------------

def test_the_bundled_boundaries_are_the_files_the_manifest_names():
    manifest = bundled_manifest()
    assert (manifest["name"], manifest["version"], manifest["licence"][:3]) == (
        "world-atlas", "2.0.2", "ISC")
    text = resources.files("migprofile").joinpath(f"data/maps/{manifest['file']}").read_bytes()
    assert hashlib.sha256(text).hexdigest() == manifest["sha256"]
    assert resources.files("migprofile").joinpath("data/maps/LICENSE").is_file()


def test_numeric_ids_become_country_codes_and_unknown_ones_stay_grey():
    boundaries = bundled_boundaries()
    shapes = boundaries.topology["objects"][boundaries.feature]["geometries"]
    assert {"USA", "JPN", "VNM", "KOR"} <= boundaries.codes and "ATA" not in boundaries.codes
    unnamed = sorted(s["properties"]["name"] for s in shapes if "id" not in s)
    assert unnamed == ["Kosovo", "N. Cyprus", "Somaliland"]


# a map from the profile's figures -------------------------------------------------------

@pytest.fixture(scope="module")
def report_data(built_profile):
    from migprofile.report.data import ReportData
    from migprofile.warehouse import Warehouse

    with Warehouse.open(built_profile / "warehouse.duckdb", read_only=True) as warehouse:
        yield ReportData.load(Profile.load(built_profile), warehouse)


def section_map(report_data, section_id: str, language: str = "en") -> Map:
    from migprofile.report.sections import SECTIONS

    section = SECTIONS[section_id](report_data, localizer(language))
    return next(b for b in section.blocks if isinstance(b, Map))


def test_each_country_gets_its_value_joined_on_its_code(report_data):
    from migprofile.report.charts import render_png

    emigrants = section_map(report_data, "emigration")
    rows = map_rows(emigrants.chart)
    assert max(rows, key=rows.get) == "USA" and rows["USA"] == 1_434_631
    assert rows["JPN"] == 589_874 and set(rows) <= shape_ids(emigrants.chart)
    assert "VNM" not in rows
    assert 'datum.id === "VNM"' in emigrants.chart["layer"][0]["transform"][0]["calculate"]
    assert emigrants.title == "Emigrants by country of destination, 2024"
    assert "United States (1,434,631); Japan (589,874)" in emigrants.description
    assert "Natural Earth" in emigrants.note and "sha256" in emigrants.note
    assert render_png(emigrants.chart, localizer("en")).startswith(b"\x89PNG")


def test_the_countries_the_map_cannot_show_are_listed_with_their_values(report_data):
    emigrants = section_map(report_data, "emigration")
    assert "HKG" not in map_rows(emigrants.chart)
    assert emigrants.unmapped.startswith("Not on the map (no boundary at this scale): "
                                         "Hong Kong SAR, China (11,794); Guam (390);")


def test_every_section_of_the_brief_has_its_map(report_data):
    indicators = {section: section_map(report_data, section).chart for section in
                  ("emigration", "immigration", "remittances", "forced_migration")}
    assert all(map_rows(spec) for spec in indicators.values())
    legend = indicators["remittances"]["layer"][1]["encoding"]["color"]["legend"]
    assert legend["format"] == ",.1f"


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_disclaimer_is_under_every_map_of_the_report(built_profile, language):
    text = (built_profile / "out" / language / "profile.html").read_text(encoding="utf-8")
    disclaimer = localizer(language)._(DISCLAIMER)
    assert text.count(f'<p class="disclaimer">{disclaimer}</p>') == 4


@pytest.mark.parametrize("language", ["en", "vi", "lo", "ko"])
def test_the_disclaimer_is_said_in_the_language(language):
    loc = localizer(language)
    said = loc._(DISCLAIMER)
    assert (said == DISCLAIMER) == (language == "en")
    block = Map("t", {}, "n", png=b"\x89PNG", description="d", disclaimer=said)
    html = environment(loc).from_string(
        '{% from "blocks.html.j2" import render_block %}{{ render_block(block) }}').render(
        block=block)
    assert f'<p class="disclaimer">{said}</p>' in html and 'alt="d"' in html


# a profile's own boundaries -------------------------------------------------------------

TOPOLOGY = {
    "type": "Topology",
    "arcs": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
             [[20, 0], [30, 0], [30, 10], [20, 10], [20, 0]],
             [[40, 0], [50, 0], [50, 10], [40, 10], [40, 0]]],
    "objects": {"states": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]], "id": "USA"},
        {"type": "Polygon", "arcs": [[1]], "id": 392},
        {"type": "Polygon", "arcs": [[2]], "id": "XYZ"}]}},
}


def own_boundaries_profile(tmp_path, text: str | None):
    settings = ProfileSettings.model_validate({
        "profile": {"country": "VNM", "edition": "2026", "languages": ["en"]},
        "report": {"map_boundaries": "maps/boundaries.json"}})
    if text is not None:
        (tmp_path / "maps").mkdir()
        (tmp_path / "maps" / "boundaries.json").write_text(text, encoding="utf-8")
    return Profile(tmp_path, settings)


@dataclass
class FakeData:
    """What a map needs of ReportData: the latest year's partners and the profile."""

    profile: Profile
    values: dict[str, float] = field(default_factory=dict)
    country: str = "VNM"

    def latest_year(self, indicator):
        return "2024"

    def partners(self, indicator, *, year):
        return pd.DataFrame({"counterpart_area": list(self.values),
                             "value": list(self.values.values())})

    def source(self, kind, revision=None):
        return None


def test_a_profile_draws_with_its_own_boundaries(tmp_path):
    profile = own_boundaries_profile(tmp_path, json.dumps(TOPOLOGY))
    boundaries = map_boundaries(profile)
    assert boundaries.codes == {"USA", "JPN"} and boundaries.citation == "maps/boundaries.json"
    data = FakeData(profile, {"USA": 100.0, "SGP": 50.0, "JPN": 10.0, "FRA": 5.0})
    drawn = partner_map(data, localizer("en"), "emigrant_stock_by_destination",
                        title="Emigrants, {year}")
    assert map_rows(drawn.chart) == {"USA": 100.0, "JPN": 10.0}
    assert shape_ids(drawn.chart) == {"USA", "JPN"}
    assert drawn.unmapped == ("Not on the map (no boundary at this scale): Singapore (50); "
                              "France (5).")
    assert drawn.note.endswith("Boundaries: maps/boundaries.json.")


@pytest.mark.parametrize(("text", "problem"), [
    (None, "cannot read the map boundaries ([report] map_boundaries)"),
    ("{not json", "the map boundaries are not JSON"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "not a TopoJSON topology"),
    (json.dumps({**TOPOLOGY, "objects": {"a": TOPOLOGY["objects"]["states"],
                                         "b": TOPOLOGY["objects"]["states"]}}),
     "no object 'countries', and more than one other (a, b)"),
    (json.dumps({**TOPOLOGY, "objects": {"countries": {
        "type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0]],
                                                      "id": "Atlantis"}]}}}),
     "no geometry of the map boundaries has the ISO 3166 numeric or alpha-3 code"),
])
def test_a_missing_or_broken_boundary_file_is_refused_naming_it(tmp_path, text, problem):
    profile = own_boundaries_profile(tmp_path, text)
    with pytest.raises(MigprofileError) as caught:
        map_boundaries(profile)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "maps" / "boundaries.json")) and problem in \
        message, message


# the declaration ------------------------------------------------------------------------

SECTION = INDICATOR + """
[[sections]]
id = "asylum"
after = "forced_migration"
title = { en = "Asylum", vi = "Tị nạn", lo = "ລີ້ໄພ", ko = "비호" }

[[sections.blocks]]
kind = "map"
indicator = "refugees_by_origin"
title.en = "Refugees, {year}"
title.vi = "Người tị nạn, {year}"
title.lo = "ຜູ້ລີ້ໄພ, {year}"
title.ko = "난민, {year}"
"""


def declared(text: str) -> DeclaredSection:
    _, (section,) = topic_declarations("indicators/asylum.toml", text)
    return DeclaredSection("indicators/asylum.toml", section)


def test_a_map_block_is_declared_in_toml():
    (block,) = declared(SECTION).declaration.blocks
    assert (block.kind, block.indicator, block.title["ko"]) == ("map", "refugees_by_origin",
                                                                "난민, {year}")


@pytest.mark.parametrize(("change", "problem"), [
    (('indicator = "refugees_by_origin"\n', ""), "a map block names its `indicator`"),
    (('ko = "난민, {year}"', 'ko = "난민"'), "has not the placeholders of the English one"),
    (('kind = "map"', 'kind = "maps"'), "unknown block kind 'maps'"),
])
def test_a_broken_map_block_is_refused_naming_its_file(change, problem):
    with pytest.raises(MigprofileError) as caught:
        declared(SECTION.replace(*change, 1))
    assert str(caught.value).startswith("indicators/asylum.toml") and problem in \
        str(caught.value), str(caught.value)


def test_a_map_of_an_indicator_not_by_partner_is_refused_naming_its_file(monkeypatch):
    monkeypatch.setitem(TOPIC_SECTIONS, "asylum", declared(SECTION.replace(
        'indicator = "refugees_by_origin"', 'indicator = "refugees_abroad"')))
    with pytest.raises(MigprofileError, match=r"^indicators/asylum.toml: section 'asylum': a "
                                              r"map shows an indicator by partner country, "
                                              r"not refugees_abroad$"):
        declared_sections.__wrapped__()
