"""The parts of the IOM Migration Profile template beyond the core sections.

- SDG 10.7.1 (recruitment costs) and 10.c.1 (remittance costs) are rates: their totals
  are the ones the files give, never sums, and no total is checked against its parts;
- internal migration shows the province-to-province table and the largest flows, computed
  from the observations (checked against pandas on the same file);
- the Viet Nam example's report has every part, each with data or a stated gap.
"""

from __future__ import annotations

import html
import io
import random
import re
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from migprofile.codes import TOTAL, builtin_dataflows
from migprofile.codes.totals import Cube
from migprofile.profile import Profile
from migprofile.testing import copy_tracked, published_figures

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "national"

PROVINCES = ["Hà Nội", "Hồ Chí Minh", "Bình Dương", "Đồng Nai", "Thanh Hóa", "Nghệ An",
             "Hải Phòng", "Đà Nẵng", "Cần Thơ", "An Giang", "Bắc Ninh", "Long An"]
REASONS = ["Việc làm", "Học tập", "Theo gia đình", "Kết hôn", "Lý do khác"]


def internal_sample() -> str:
    """Internal migrants between twelve provinces by sex and reason (random, seeded)."""
    draw = random.Random(10_7)
    lines = ["Năm điều tra,Nơi đi,Nơi đến,Giới tính,Lý do di chuyển,Số người di cư"]
    for origin in PROVINCES:
        for destination in PROVINCES:
            if origin == destination or draw.random() < 0.3:
                continue
            for sex in ("Nam", "Nữ"):
                for reason in REASONS:
                    lines.append(f"2019,{origin},{destination},{sex},{reason},"
                                 f"{draw.randrange(0, 900)}")
    return "\n".join(lines) + "\n"


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def section(page: str, title: str) -> str:
    """The HTML of the report section titled ``title`` (to the next section)."""
    parts = re.split(r"<h2>(.*?)</h2>", page)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        if re.sub(r"^\d+\. ", "", html.unescape(heading)) == title:
            return body
    raise AssertionError(f"no section {title!r}")


def table_rows(fragment: str, title: str) -> list[list[str]]:
    """The body rows of the table titled ``title`` in an HTML fragment, as text cells."""
    start = fragment.index(f"<figcaption>{html.escape(title)}</figcaption>")
    body = fragment[fragment.index("<tbody>", start):fragment.index("</tbody>", start)]
    return [[text_of(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


# rates are never summed -------------------------------------------------------------

def test_a_rate_total_is_never_the_sum_of_its_parts():
    flow = builtin_dataflows()["SDG_10_7_1_RECRUITMENT_COSTS"]
    dims = ["time_period", "counterpart_area", "sex"]
    rows = [(("2022", "JPN", "F"), 10.8, 0), (("2022", "JPN", "M"), 9.6, 1),
            (("2022", "KOR", TOTAL), 2.3, 2)]
    cube = Cube(flow, dims, rows)
    assert not flow.additive
    assert cube.value(("2022", "JPN", TOTAL)) is None
    assert cube.value(("2022", TOTAL, TOTAL)) is None
    assert cube.share(("2022", "JPN", TOTAL), 2, "F") is None
    # the same figures counted in persons would add up: the rule, not the data, decides
    counts = flow.model_copy(update={"measures": [flow.measures[0].model_copy(
        update={"unit": "persons", "additive": None})]})
    assert Cube(counts, dims, rows).value(("2022", "JPN", TOTAL)).value == 20.4


def test_a_rate_is_left_to_its_unit_or_its_declaration():
    measure = builtin_dataflows()["LABOUR_DEPLOYMENTS"].measures[0]
    assert measure.adds_up
    assert not measure.model_copy(update={"unit": "percent"}).adds_up
    assert not measure.model_copy(update={"additive": False}).adds_up


def test_disclosure_control_leaves_rates_as_they_are():
    from migprofile.indicators.disclosure import DisclosureRule, protect_observations

    rows = [{"measure": "RECRUITMENT_COST", "unit": "percent", "time_period": "2023",
             "counterpart_area": code, "sex": TOTAL, "value": value}
            for code, value in ((TOTAL, 6.8), ("JPN", 9.5), ("KOR", 2.3))]
    rule = DisclosureRule(enabled=True, threshold=3, rounding_base=3)
    assert protect_observations(rows, rule=rule, salt=b"salt",
                                dataflow_id="SDG_10_7_1_RECRUITMENT_COSTS") == rows


@pytest.mark.parametrize(("flow", "words"), [
    ('["origin"]', "names two dimensions"),
    ('["origin", "origin"]', "names two dimensions"),
    ('["origin", "province"]', "unknown dimensions ['province']"),
    ('["time_period", "destination"]', "unknown dimensions ['time_period']"),
])
def test_a_flow_block_naming_wrong_dimensions_is_refused(tmp_path, flow, words):
    from migprofile.codes import load_dataflows
    from migprofile.errors import MigprofileError

    text = (Path(__file__).resolve().parents[2] / "src" / "migprofile" / "codes" / "dataflows"
            / "INTERNAL_MIGRATION.toml").read_text(encoding="utf-8")
    text = text.replace('id = "INTERNAL_MIGRATION"', 'id = "PROVINCE_MOVES"', 1).replace(
        'flow = ["origin", "destination"]\nlargest = 8', f"flow = {flow}\nlargest = 8", 1)
    (tmp_path / "PROVINCE_MOVES.toml").write_text(text, encoding="utf-8")
    with pytest.raises(MigprofileError, match=re.escape(words)):
        load_dataflows(tmp_path)


# the profile with the samples, built once --------------------------------------------

@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    """The Viet Nam example with the samples of SDG 10.7.1, 10.c.1 and internal migration
    imported (irregular migration and SDG 10.7.3 left without data), built once."""
    from migprofile.build import build_profile
    from migprofile.cli import main

    base = tmp_path_factory.mktemp("template")
    root = copy_tracked(EXAMPLES / "viet-nam", base / "viet-nam")
    internal = base / "internal-migration-provinces.csv"
    internal.write_text(internal_sample(), encoding="utf-8")
    for dataflow, path in (("SDG_10_7_1_RECRUITMENT_COSTS", SAMPLES / "recruitment-costs.csv"),
                           ("SDG_10_C_1_REMITTANCE_COSTS", SAMPLES / "remittance-costs.csv"),
                           ("INTERNAL_MIGRATION", internal)):
        assert main(["import", str(root), str(path), "--dataflow", dataflow,
                     "--provider", "Test sample", "--citation", path.name]) == 0, dataflow
    build_profile(Profile.load(root))
    return root


@pytest.fixture(scope="module")
def published(profile) -> dict[tuple[str, str, str, str], str]:
    return published_figures(Profile.load(profile))


@pytest.fixture(scope="module")
def report(profile) -> str:
    return (profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("key", "value"), [
    (("sdg_10_7_1_recruitment_costs", "_Z", "2023", "_T"), "6.8"),
    (("sdg_10_7_1_recruitment_costs", "_Z", "2023", "F"), "7.4"),
    (("sdg_10_7_1_recruitment_costs", "_Z", "2021", "_T"), "8.1"),
    (("sdg_10_7_1_recruitment_costs_by_destination", "JPN", "2023", "_T"), "9.5"),
    (("sdg_10_7_1_recruitment_costs_by_destination", "KOR", "2023", "_T"), "2.3"),
    (("sdg_10_7_1_recruitment_costs_by_destination", "JPN", "2022", "M"), "9.6"),
    (("sdg_10_c_1_remittance_costs", "_Z", "2024", "_T"), "4.6"),
    (("sdg_10_c_1_remittance_costs_usd500", "_Z", "2024", "_T"), "3.1"),
    (("sdg_10_c_1_remittance_costs_by_corridor", "JPN", "2024", "_T"), "8.4"),
])
def test_rates_are_published_as_the_file_gives_them(published, key, value):
    assert float(published[key]) == float(value)


@pytest.mark.parametrize("key", [
    # 2022 gives Japan's women and men only: their sum (20.4) is no rate, nor any total
    ("sdg_10_7_1_recruitment_costs_by_destination", "JPN", "2022", "_T"),
    ("sdg_10_7_1_recruitment_costs", "_Z", "2022", "_T"),
    # no 2023 figure for US$500 by corridor exists, and none is made up
    ("sdg_10_c_1_remittance_costs_usd500", "_Z", "2023", "_T"),
])
def test_a_rate_the_file_does_not_give_is_not_made_up(published, key):
    assert key not in published


def test_the_rates_sections_say_their_figures_as_rates(report):
    recruitment = text_of(section(report, "Recruitment costs (SDG 10.7.1)"))
    assert "came to 6.8% of a month's income" in recruitment
    assert "Japan (9.5%)" in recruitment and "women" not in recruitment.split("(SDG")[0]
    costs = text_of(section(report, "Remittance costs (SDG 10.c.1)"))
    assert "sending US$200 to Viet Nam cost 4.6% of the amount sent" in costs
    assert "Japan (8.4%)" in costs


# province to province ---------------------------------------------------------------

@pytest.fixture(scope="module")
def expected_flows() -> pd.DataFrame:
    """The sample's flows by origin and destination, summed by pandas."""
    frame = pd.read_csv(io.StringIO(internal_sample()))
    frame.columns = ["year", "origin", "destination", "sex", "reason", "value"]
    return frame.groupby(["origin", "destination"]).value.sum()


def test_the_matrix_is_computed_from_the_observations(profile, expected_flows):
    from migprofile.indicators.flow_matrix import profile_flow_matrices
    from migprofile.warehouse import Warehouse

    with Warehouse.open(profile / "warehouse.duckdb", read_only=True) as warehouse:
        matrices = profile_flow_matrices(Profile.load(profile), warehouse,
                                         builtin_dataflows(), protect=False)
    matrix = matrices[("INTERNAL_MIGRATION", ("origin", "destination"))]
    by_label = {(matrix.name(a), matrix.name(b)): v for (a, b), v in matrix.cells.items()}
    assert by_label == {pair: float(v) for pair, v in expected_flows.items()}
    origins = expected_flows.groupby(level=0).sum()
    assert {matrix.name(a): v for a, v in matrix.from_totals.items()} == origins.astype(
        float).to_dict()
    assert matrix.total == float(expected_flows.sum())


def test_the_report_shows_the_largest_flows(report, expected_flows):
    internal = section(report, "Internal migration")
    rows = table_rows(internal, "The largest flows between provinces, 2019")
    top = expected_flows.sort_values(ascending=False, kind="stable").head(10)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (origin, destination, f"{value:,}") for (origin, destination), value in top.items()]
    share = 100 * top.iloc[0] / expected_flows.sum()
    assert rows[0][3] == f"{share:.1f}%"


def test_the_report_shows_the_matrix_of_the_largest_provinces(report, expected_flows):
    internal = section(report, "Internal migration")
    title = "Internal migrants by province of origin and of destination, 2019"
    rows = table_rows(internal, title)
    origins = expected_flows.groupby(level=0).sum().sort_values(ascending=False,
                                                                 kind="stable")
    assert [r[0] for r in rows] == [*origins.index[:8], "Total"]
    assert rows[0][-1] == f"{origins.iloc[0]:,}"
    assert rows[-1][-1] == f"{expected_flows.sum():,}"
    assert "The 8 largest of 12 are shown" in text_of(internal)


def test_a_protected_matrix_withholds_small_flows_and_rounds_the_rest():
    from migprofile.indicators.disclosure import DisclosureRule
    from migprofile.indicators.flow_matrix import FlowMatrix, protected

    cells = {("A", "B"): 2.0, ("A", "C"): 40.0, ("D", "B"): 31.0, ("D", "C"): 52.0}
    matrix = FlowMatrix("INTERNAL_MIGRATION", ("origin", "destination"), "2019", "r1", cells,
                        {"A": 42.0, "D": 83.0}, {"B": 33.0, "C": 92.0}, 125.0)
    rule = DisclosureRule(enabled=True, threshold=3, rounding_base=3)
    shown = protected(matrix, rule=rule, salt=b"salt")
    assert ("A", "B") not in shown.cells  # a count of 2, withheld
    assert len(shown.cells) < len(cells) - 1 or shown.from_totals.get("A") is None \
        or shown.to_totals.get("B") is None  # and not computable back from the margins
    values = [*shown.cells.values(), *shown.from_totals.values(), *shown.to_totals.values()]
    assert all(v % 3 == 0 for v in values)
    assert protected(matrix, rule=DisclosureRule(False, 3, 3), salt=b"salt") == matrix


# every part of the template ----------------------------------------------------------

PARTS = {
    # title of the part: what it shows with data, or the words of its gap
    "Irregular migration": "Data gap: the profile has no figures yet",
    "Internal migration": "The largest flows between provinces",
    "Recruitment costs (SDG 10.7.1)": "of a month's income",
    "Migrants who died or disappeared": "Data gap: the profile has no figures yet",
    "Remittance costs (SDG 10.c.1)": "of the amount sent",
    "Remittances": "SDG indicator 17.3.2",
    "Key figures": "Net migration rate (per 1,000 population)",
    "The country in its region and the world": "",
    "Two revisions of UN DESA's estimates": "",
    "Migration governance": "SDG indicator 10.7.2 (countries with well-managed migration "
                            "policies) is not in",
    "Findings and recommendations": "Recommendations to improve migration data",
}


@pytest.mark.parametrize("title", PARTS)
def test_the_report_has_every_part_of_the_template(report, title):
    assert PARTS[title] in text_of(section(report, title))


def test_the_register_names_the_ministry_of_home_affairs(report):
    governance = text_of(section(report, "Migration governance"))
    assert "Ministry of Home Affairs (MOHA)" in governance
    assert "Since 1 March 2025" in governance


def test_a_section_after_a_stated_gap_does_not_start_a_page_of_its_own(report):
    classes = re.findall(r'<section class="section ?([^"]*)" id="([^"]+)"', report)
    assert any(kind == "data-gap" for kind, _ in classes)
    for (before, _), (kind, section_id) in pairwise(classes):
        expected = "data-gap" if kind == "data-gap" else (
            "after-gap" if before == "data-gap" else "")
        assert kind == expected, section_id
    css = (Path(__file__).resolve().parents[2] / "src" / "migprofile" / "report" / "templates"
           / "report.css").read_text(encoding="utf-8")
    assert ".section.data-gap, .section.after-gap { page-break-before: auto;" in css
