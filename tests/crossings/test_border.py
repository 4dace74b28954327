"""Border crossings in a profile: long-term flows as indicators and as a report section."""

import csv
import re
from collections import Counter

import pytest

from migprofile.crossings import classify_file
from migprofile.indicators import stored_values
from migprofile.profile import Profile


@pytest.fixture(scope="module")
def classified(border_profile, tmp_path_factory):
    """The same crossings classified outside the profile, as an independent count."""
    out = tmp_path_factory.mktemp("classified") / "classified.csv"
    classify_file(border_profile.parent / "crossings.csv", out)
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def indicator_rows(profile, indicator, sex="_T"):
    """The exact counts of the last build (outputs publish them after disclosure control)."""
    values = stored_values(Profile.load(profile), indicator_id=indicator)
    return {(r["counterpart_area"], r["time_period"]): r["value"] for r in values
            if r["sex"] == sex}


def first_provisional_month(rows):
    """Months from the month of the earliest crossing not final yet are provisional."""
    return min(r["date_crossing"][:7] for r in rows
               if r["error_code"] == "0" and r["provisional"] == "1")


def expected(rows, *, arrival, provisional, by_citizenship=False):
    counts = Counter()
    first = first_provisional_month(rows)
    for r in rows:
        month_provisional = int(r["date_crossing"][:7] >= first)
        if (r["error_code"] == "0" and r["is_long_term_mig"] == "1"
                and r["is_arrival"] == str(arrival) and month_provisional == provisional):
            partner = r["citizenship"] if by_citizenship else "_Z"
            counts[(partner, r["date_crossing"][:7])] += 1
    return dict(counts)


@pytest.mark.parametrize(("indicator", "arrival", "provisional"), [
    ("ltm_arrivals", 1, 0), ("ltm_departures", 0, 0),
    ("ltm_arrivals_provisional", 1, 1), ("ltm_departures_provisional", 0, 1),
])
def test_monthly_flows_equal_a_count_of_classified_crossings(border_profile, classified,
                                                             indicator, arrival, provisional):
    want = expected(classified, arrival=arrival, provisional=provisional)
    assert want, "the synthetic data should have such crossings"
    assert indicator_rows(border_profile, indicator) == want


def test_flows_by_citizenship_and_net(border_profile, classified):
    assert indicator_rows(border_profile, "ltm_arrivals_by_citizenship") == expected(
        classified, arrival=1, provisional=0, by_citizenship=True)
    arrivals = indicator_rows(border_profile, "ltm_arrivals")
    departures = indicator_rows(border_profile, "ltm_departures")
    net = indicator_rows(border_profile, "ltm_net")
    for key in set(arrivals) | set(departures):
        assert net[key] == arrivals.get(key, 0) - departures.get(key, 0)


def test_sexes_add_up(border_profile):
    total = indicator_rows(border_profile, "ltm_arrivals")
    women = indicator_rows(border_profile, "ltm_arrivals", sex="F")
    men = indicator_rows(border_profile, "ltm_arrivals", sex="M")
    for key, value in total.items():
        assert value == women.get(key, 0) + men.get(key, 0)


@pytest.mark.parametrize(("language", "title", "provisional"), [
    ("en", "Long-term migration from border data", "are provisional"),
    ("vi", "Di cư dài hạn từ số liệu xuất nhập cảnh", "tạm thời"),
])
def test_report_section(border_profile, language, title, provisional):
    html = (border_profile / "out" / language / "profile.html").read_text(encoding="utf-8")
    section = html[html.index('id="border"'):]
    section = section[:section.index("</section>")]
    assert title in section and provisional in section
    assert section.count('<figure class="chart">') >= 3
    assert "Border-crossing records, classified with the residence rule" in section


def test_the_section_is_absent_without_crossings(built_profile):
    html = (built_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    assert 'id="border"' not in html


def test_a_new_import_reclassifies(cli, border_profile, tmp_path):
    import shutil

    profile = tmp_path / "p"
    shutil.copytree(border_profile, profile)
    assert "Up to date" in cli("build", profile).stdout
    more = tmp_path / "more.csv"
    more.write_text("person_id,date_crossing,is_arrival,citizenship\n"
                    "NEW-1,2020-01-10,1,KOR\n", encoding="utf-8")
    assert cli("crossings", "import", profile, more).exit_code == 0
    result = cli("build", profile)
    assert result.exit_code == 0 and "Classifying border crossings" in result.stderr
    # One arrival, no departure, more than a year before the data end: a final long-term
    # arrival in its month.
    assert indicator_rows(profile, "ltm_arrivals")[("_Z", "2020-01")] == \
        indicator_rows(border_profile, "ltm_arrivals").get(("_Z", "2020-01"), 0) + 1


def border_section(profile, language="en"):
    html = (profile / "out" / language / "profile.html").read_text(encoding="utf-8")
    section = html[html.index('id="border"'):]
    return section[:section.index("</section>")]


def test_the_headline_is_added_up_exactly_then_protected(border_profile, classified):
    """The 12 final months' totals: each within the rounding base of the exact count made
    from the classified crossings, and the net is the arrivals minus the departures."""
    section = border_section(border_profile)
    found = re.search(r"In the (\d+) months from (\d{4}-\d\d) to (\d{4}-\d\d), ([\d,]+) "
                      r"long-term arrivals and ([\d,]+) long-term departures gave a net "
                      r"long-term migration of (-?[\d,]+)", section)
    assert found, section[:2000]
    count, first, last = int(found[1]), found[2], found[3]
    arrivals, departures, net = (int(found[i].replace(",", "")) for i in (4, 5, 6))
    assert count == 12 and last < first_provisional_month(classified)
    window = {m for m in {r["date_crossing"][:7] for r in classified} if first <= m <= last}
    exact = {a: sum(1 for r in classified if r["error_code"] == "0"
                    and r["is_long_term_mig"] == "1" and r["is_arrival"] == str(a)
                    and r["date_crossing"][:7] in window) for a in (0, 1)}
    assert abs(arrivals - exact[1]) < 3 and abs(departures - exact[0]) < 3
    assert net == arrivals - departures and abs(net - (exact[1] - exact[0])) < 3


@pytest.mark.parametrize(("language", "withheld", "caveat"), [
    ("en", "shown as C", "residents abroad at the data end"),
    ("vi", "hiển thị là C", "người cư trú đang ở nước ngoài"),
])
def test_the_section_explains_rounding_withheld_counts_and_the_provisional_tail(
        border_profile, language, withheld, caveat):
    section = border_section(border_profile, language)
    assert withheld in section and caveat in section
    assert section.count("Border-crossing records, classified with the residence rule") == 1
    months = re.findall(r"<td>(\d{4}-\d\d)</td>", section)
    assert months and len(months) == len(set(months))  # each month once, final or not
