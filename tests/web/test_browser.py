"""A person at a browser (Chromium, driven by Playwright): signs in, uploads a file with
errors, reads them, uploads the corrected file, builds, sees the dashboard change,
switches language and downloads the PDF. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import ACCOUNTS, BAD_CSV, GOOD_CSV, PASSWORD, shot

pytestmark = pytest.mark.browser

EDITOR = ACCOUNTS["editor"][0]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True,
                                  locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def upload(page, path: Path) -> None:
    page.goto("/upload")
    page.select_option("select[name=dataflow]", "LABOUR_DEPLOYMENTS")
    page.set_input_files("input[name=file]", str(path))
    page.click("text=Check and import")


def test_sign_in_upload_correct_build_switch_language_download(page, tmp_path):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Sign in"
    page.fill("input[name=email]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator(".key-figure svg.sparkline").count() > 0
    assert page.locator("a[href='/sections/labour_migration']").count() == 0
    shot(page, "01-dashboard")

    draft = tmp_path / "dolab-2023.csv"
    draft.write_text(BAD_CSV, encoding="utf-8")
    upload(page, draft)
    problems = page.locator("#problems tbody tr")
    assert problems.count() == 2
    cells = [problems.nth(i).locator("td").all_inner_texts() for i in range(2)]
    assert cells[0][:5] == ["error", "", "3", "Thị trường", "Japon"]
    assert cells[0][5].startswith("not a known country of destination; closest: JPN (Japan)")
    assert cells[1][2:5] == ["4", "Số lao động", "abc"]
    assert "not a number" in cells[1][5]
    assert not any("unknown_code" in cell for row in cells for cell in row)  # no rule ids
    assert "was not imported" in page.locator("p.error").inner_text()
    shot(page, "02-validation-report")

    draft.write_text(GOOD_CSV, encoding="utf-8")
    upload(page, draft)
    assert "as revision r1 of LABOUR_DEPLOYMENTS" in page.locator("p.success").inner_text()
    shot(page, "03-imported")
    page.click("text=See the revisions and what changed")
    assert "r1" in page.locator("section.revision h2").first.inner_text()

    page.goto("/report")
    page.click("button:has-text('Build the report')", timeout=300_000)
    page.wait_for_selector("p.success", timeout=300_000)
    page.goto("/")
    page.click("a[href='/sections/labour_migration']")
    page.wait_for_selector("div.vega[data-rendered=true]")
    assert page.locator("section#labour_migration div.vega").count() > 0
    shot(page, "04-dashboard-after-upload")

    page.goto("/")
    page.click("a[lang=vi]")
    page.wait_for_selector("html[lang=vi]")
    assert page.locator("h1").inner_text() == "Bảng tổng quan"
    page.click("a[href='/sections/emigration']")
    page.wait_for_selector("div.vega[data-rendered=true]")
    shot(page, "05-dashboard-vi")
    page.click("a[href='/report']")
    assert page.locator("h1").inner_text() == "Báo cáo"
    with page.expect_download() as download:
        page.click("a[href='/report/vi.pdf']")
    target = tmp_path / "report.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == "migration-profile-vi.pdf"
    shot(page, "06-report-vi")


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto("/explorer?indicator=emigrant_stock&sex=F")
    assert page.locator("table.data tbody tr").count() > 0
    page.click("a[lang=lo]")
    assert page.locator("html").get_attribute("lang") == "lo"
    assert page.locator("h1").inner_text() == "ຄົ້ນຫາຕົວຊີ້ວັດ"
    shot(page, "07-explorer-lo-no-javascript")
    context.close()


DRAWN = """f => [...f.querySelectorAll('div.vega svg [role=graphics-symbol]')]
  .map(mark => mark.getAttribute('aria-label')).sort().join('\\n')"""
"""What a chart draws: the description of each of its marks (a value, its country)."""


def redrawn(page, figure, before: str) -> str:
    """What the chart draws once it no longer draws ``before``."""
    page.wait_for_function(f"([f, b]) => ({DRAWN})(f) !== b",
                           arg=[figure.element_handle(), before])
    return figure.evaluate(DRAWN)


def test_choosing_another_year_or_sex_redraws_a_map_and_a_partner_chart(page):
    page.goto("/")
    page.fill("input[name=email]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto("/sections/emigration")
    page.wait_for_selector("div.vega[data-rendered=true] svg")
    for title in ("Main countries of destination", "Emigrants by country of destination"):
        figure = page.locator("figure.chart", has_text=title)
        year = figure.get_by_role("combobox", name="Year")
        years = year.locator("option").all_inner_texts()
        assert year.input_value() == years[0] and len(years) > 1
        report = figure.evaluate(DRAWN)
        assert "United States" in report
        caption = figure.locator(":scope > figcaption")
        assert caption.inner_text().endswith(years[0])
        year.select_option(years[-1])
        earliest = redrawn(page, figure, report)
        assert caption.inner_text().endswith(years[-1])  # the title follows the year
        figure.get_by_role("combobox", name="Sex").select_option(label="Women")
        redrawn(page, figure, earliest)
        year.select_option(years[0])
        figure.get_by_role("combobox", name="Sex").select_option(label="Total")
        page.wait_for_function(f"([f, b]) => ({DRAWN})(f) === b",
                               arg=[figure.element_handle(), report])
    shot(page, "08-emigration-choices")
