"""Totals that are right by construction: the rule of ``codes/totals.py`` as the importer,
the indicators and the report apply it, over random files and random splits."""

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migprofile.codes import builtin_dataflows
from migprofile.codes.totals import Cube, Share, add_exactly, within_tolerance
from migprofile.errors import ValidationFailed
from migprofile.indicators import REGISTRY
from migprofile.indicators.national import women_shares
from migprofile.indicators.registry import Inputs
from migprofile.profile import create_profile
from migprofile.report.i18n import localizer
from migprofile.report.sections.national import women_text
from migprofile.sources.national.store import Provenance, import_national, read_revision

HEADER = "Năm,Thị trường,Giới tính,Số lao động\n"
PARTNERS = {"JPN": "Nhật Bản", "KOR": "Hàn Quốc", "TWN": "Đài Loan", "MYS": "Malaysia",
            "SAU": "Ả Rập Xê-út", "DEU": "Đức"}
TOTAL_SPELLINGS = ("Tổng", "Tổng số", "Tổng cộng", "Total", "_T", "Cộng", "합계", "ລວມ")
SPLITS = ("total", "women_and_men", "women_men_and_total", "women_and_total")
FLOW = builtin_dataflows()["LABOUR_DEPLOYMENTS"]


# a random file and what it must give -------------------------------------------------

@st.composite
def deployment_files(draw):
    """Rows of a file (year, partner, sex label, value) with each partner split its own
    way, and the national total, women and base they must give."""
    first, count = draw(st.integers(2019, 2021)), draw(st.integers(1, 3))
    years = [str(year) for year in range(first, first + count)]
    rows, expected = [], {}
    for year in years:
        partners = draw(st.lists(st.sampled_from(sorted(PARTNERS)), min_size=1, unique=True))
        total, women, base, by_partner = 0, 0, 0, {}
        for code in partners:
            split = draw(st.sampled_from(SPLITS))
            f, m = draw(st.integers(0, 50_000)), draw(st.integers(0, 50_000))
            spelling = draw(st.sampled_from(TOTAL_SPELLINGS))
            partner_total = f + m if split != "total" else draw(st.integers(0, 100_000))
            if split == "women_and_total":
                partner_total = f + draw(st.integers(0, 50_000))
            if split in ("women_and_men", "women_men_and_total"):
                rows += [(year, PARTNERS[code], "Nữ", f), (year, PARTNERS[code], "Nam", m)]
            if split == "women_and_total":
                rows.append((year, PARTNERS[code], "Nữ", f))
            if split != "women_and_men":
                rows.append((year, PARTNERS[code], spelling, partner_total))
            if split != "total":
                women, base = women + f, base + partner_total
            total += partner_total
            by_partner[code] = partner_total
        if draw(st.booleans()):  # the agency's own grand total row
            rows.append((year, "Tổng cộng", draw(st.sampled_from(TOTAL_SPELLINGS)), total))
        expected[year] = {"total": total, "women": women, "base": base,
                          "partners": by_partner}
    order = draw(st.permutations(rows))
    return order, expected


def write_file(folder, rows, name="dolab.csv"):
    path = folder / name
    path.write_text(HEADER + "".join(f"{y},{p},{s},{v}\n" for y, p, s, v in rows),
                    encoding="utf-8")
    return path


def import_and_compute(folder, rows, *, name="dolab.csv"):
    """Import the file into a new profile, read the kept revision back as the build does,
    and compute the national indicators and shares from it."""
    profile = create_profile("VNM", folder / "profile", languages=["en"], edition="2026")
    result = import_national(profile, write_file(folder, rows, name),
                             dataflow_id="LABOUR_DEPLOYMENTS",
                             provenance=Provenance(provider="DOLAB"))
    observations = ibis.memtable(read_revision(profile, result.revision, FLOW)
                                 .observations(country="VNM", revision="r1"))
    inputs = Inputs(observations=observations, area="VNM", revisions={})
    values = {}
    for key in ("labour_deployments", "labour_deployments_by_destination"):
        for r in REGISTRY[key].values(inputs).to_pyarrow().to_pylist():
            values[(key, r["counterpart_area"], r["time_period"], r["sex"])] = r["value"]
    return values, women_shares(observations, area="VNM")


# properties -----------------------------------------------------------------------------

@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deployment_files())
def test_the_national_total_is_the_sum_of_the_partners_totals(tmp_path_factory, drawn):
    rows, expected = drawn
    values, shares = import_and_compute(tmp_path_factory.mktemp("random"), rows)
    for year, want in expected.items():
        assert values[("labour_deployments", "_Z", year, "_T")] == want["total"]
        for code, partner_total in want["partners"].items():
            assert values[("labour_deployments_by_destination", code, year, "_T")] \
                == partner_total
        share = shares.get(("labour_deployments", "_Z", year))
        if want["base"]:
            assert (share.part, share.base) == (want["women"], want["base"])
            assert 0 <= share.percent <= 100
        for (_, partner, share_year), found in shares.items():
            assert found.part <= found.base, (partner, share_year)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deployment_files(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_row_order_or_on_how_a_total_is_spelled(
        tmp_path_factory, drawn, rng):
    rows, _ = drawn
    respelled = [(y, p, rng.choice(TOTAL_SPELLINGS) if s not in ("Nữ", "Nam") else s, v)
                 for y, p, s, v in rows]
    rng.shuffle(respelled)
    first = import_and_compute(tmp_path_factory.mktemp("first"), rows)
    second = import_and_compute(tmp_path_factory.mktemp("second"), respelled)
    assert first == second


# the example and the importer's check -----------------------------------------

MIXED = [("2021", "Nhật Bản", "Nữ", 15000), ("2021", "Nhật Bản", "Nam", 24000),
         ("2021", "Hàn Quốc", "Tổng", 1234), ("2021", "Đài Loan", "Tổng", 20000)]


def test_a_partial_split_never_removes_a_partner_from_the_total(tmp_path):
    values, shares = import_and_compute(tmp_path, MIXED)
    assert values[("labour_deployments", "_Z", "2021", "_T")] == 60234
    assert values[("labour_deployments_by_destination", "JPN", "2021", "_T")] == 39000
    # women are known for Japan only: no national count of women pretends to cover all
    assert ("labour_deployments", "_Z", "2021", "F") not in values
    share = shares[("labour_deployments", "_Z", "2021")]
    assert (share.part, share.base, share.whole) == (15000, 39000, False)


def refused(tmp_path, rows):
    with pytest.raises(ValidationFailed) as caught:
        import_and_compute(tmp_path, rows)
    return [p for p in caught.value.problems if p.rule == "totals"]


def test_a_total_that_disagrees_with_its_complete_parts_is_refused_with_both_numbers(
        tmp_path):
    problems = refused(tmp_path, [*MIXED, ("2021", "Tổng cộng", "Tổng", 60000)])
    assert len(problems) == 1 and problems[0].row == 6
    assert "the total (60,000) does not equal the sum of its parts by country of destination " \
        "(60,234, rows 2, 3, 4, 5): a difference of -234" in problems[0].message
    assert not (tmp_path / "profile" / "sources" / "national").exists()


def test_the_old_check_refused_a_correct_file(tmp_path):
    """A grand total of every partner, some split by sex: the parts are the partners'
    totals, not the women and men of the split ones."""
    values, _ = import_and_compute(tmp_path, [*MIXED, ("2021", "Tổng cộng", "Tổng", 60234)])
    assert values[("labour_deployments", "_Z", "2021", "_T")] == 60234


def test_women_and_men_must_add_up_to_a_stated_total(tmp_path):
    problems = refused(tmp_path, [("2021", "Nhật Bản", "Nữ", 15000),
                                  ("2021", "Nhật Bản", "Nam", 24000),
                                  ("2021", "Nhật Bản", "Tổng", 39010)])
    assert "the total (39,010) does not equal the sum of its parts by sex (39,000, rows 2, " \
        "3): a difference of 10, totals must equal their parts in LABOUR_DEPLOYMENTS" \
        in problems[0].message


def test_parts_larger_than_their_total_are_refused_even_when_incomplete(tmp_path):
    problems = refused(tmp_path, [("2021", "Nhật Bản", "Nữ", 15000),
                                  ("2021", "Nhật Bản", "Tổng", 14000)])
    assert "the total (14,000) is less than the parts given for it by sex (15,000, row 2)" \
        in problems[0].message


def test_the_dataflow_declares_its_rounding_tolerance():
    flows = builtin_dataflows()
    assert flows["LABOUR_STOCK_ABROAD"].totals.tolerance_pct > 0
    assert flows["LABOUR_DEPLOYMENTS"].totals.tolerance == 0


def test_a_total_within_the_rounding_tolerance_agrees():
    flow = builtin_dataflows()["LABOUR_STOCK_ABROAD"]
    allowed = flow.totals.tolerance_pct / 100 * 200_000
    assert within_tolerance(flow, 200_000, 200_000 - allowed)
    assert not within_tolerance(flow, 200_000, 200_000 - allowed - 1)


# the rule itself --------------------------------------------------------------------------

def cube(rows):
    return Cube(FLOW, ["time_period", "counterpart_area", "sex"],
                [(key, value, i) for i, (key, value) in enumerate(rows)])


def test_not_recorded_is_added_but_not_required():
    found = cube([(("2021", "JPN", "F"), 1), (("2021", "JPN", "M"), 2),
                  (("2021", "JPN", "_U"), 3)])
    assert found.value(("2021", "JPN", "_T")).value == 6
    assert cube([(("2021", "JPN", "F"), 1)]).value(("2021", "JPN", "_T")) is None


def test_sums_carry_no_float_noise():
    assert add_exactly([0.1, 0.2]) == 0.3
    assert add_exactly([18_060_000_000.0, 0.000004]) == 18_060_000_000.000004
    assert add_exactly([6_020_000_000.1, 6_020_000_000.2, 6_020_000_000.3]) == 18_060_000_000.6


# end to end -------------------------------------------------------------------------------

def test_the_mixed_split_file_builds_to_the_right_total_and_says_what_the_share_covers(
        cli, copy_profile, tmp_path):
    path = write_file(tmp_path, MIXED, name="mixed.csv")
    assert cli("import", copy_profile, path, "--dataflow", "LABOUR_DEPLOYMENTS",
               "--provider", "DOLAB").exit_code == 0
    assert cli("build", copy_profile).exit_code == 0
    lines = (copy_profile / "out" / "indicators.csv").read_text(encoding="utf-8").splitlines()
    national = {tuple(line.split(",")[3:6]) for line in lines
                if line.startswith("labour_deployments,")}
    assert national == {("2021", "_T", "60234")}
    english = (copy_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    assert "In 2021, 60,234 workers left Viet Nam to work abroad under contract (38.5% " \
        "women: 15,000 of the 39,000 workers whose sex was recorded)." in english
    assert "70.6%" not in english
    vietnamese = (copy_profile / "out" / "vi" / "profile.html").read_text(encoding="utf-8")
    assert "(38,5% là nữ: 15.000 trong số 39.000 lao động được ghi nhận giới tính)" \
        in vietnamese


@pytest.mark.parametrize(("language", "expected"), [
    ("en", " (38.5% women: 15,000 of the 39,000 workers whose sex was recorded)"),
    ("vi", " (38,5% là nữ: 15.000 trong số 39.000 lao động được ghi nhận giới tính)"),
    ("lo", " (ເພດຍິງ 38,5%: 15.000 ຈາກ 39.000 ແຮງງານ ທີ່ມີການບັນທຶກເພດ)"),
    ("ko", " (성별이 기록된 근로자 39,000명 중 여성 15,000명, 38.5%)"),
])
def test_the_report_says_what_a_share_covers_in_every_language(language, expected):
    share = Share(15000, 39000, whole=False)
    assert women_text(share, localizer(language), "labour_deployments") == expected
    whole = women_text(Share(15000, 39000, whole=True), localizer(language), "labour_deployments")
    assert "39" not in whole
