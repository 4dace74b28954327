"""Every page, in every language, at a phone's and a desktop's width: no serious or
critical violation that axe-core finds, and no horizontal scrolling of the page. The
upload page is also seen with a validation report (an error and its table).

axe-core (vendor.toml) is injected into each page as the browser opens it. Screenshots of
each page go to test-artifacts/web/ (accessibility-LANGUAGE-PAGE-WIDTH.png).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import ACCOUNTS, BAD_CSV, PASSWORD, shot

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)
PAGES = {
    "dashboard": "/",
    "section": "/sections/emigration",
    "explorer": "/explorer?indicator=emigrant_stock",
    "upload": "/upload",
    "history": "/dataflows/LABOUR_DEPLOYMENTS",
    "exchange": "/exchange",
    "reconciliation": "/reconciliation",
    "report": "/report",
    "editions": "/editions",
    "narrative": "/narrative",
    "narrative-editor": "/narrative/findings",
    "users": "/admin/users",
    "agencies": "/admin/agencies",
    "tokens": "/admin/tokens",
    "audit": "/admin/audit",
    "settings": "/admin/settings",
    "error": "/dataflows/NO_SUCH_DATAFLOW",
}
BLOCKING = ("serious", "critical")
RUN_AXE = """() => axe.run(document, {resultTypes: ["violations"]}).then(result =>
  result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                              nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
CHARTS_DRAWN = "[...document.querySelectorAll('div.vega')].every(e => e.dataset.rendered)"


def problems_of(page, name: str, language: str) -> list[str]:
    """What is wrong with the open page at each width; a screenshot of it at each."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            found.append(f"{name} at {width} px: {overflow} px wider than the window")
        found += [f"{name} at {width} px: {v['impact']} {v['id']} ({v['help']}) {v['nodes']}"
                  for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
        shot(page, f"accessibility-{language}-{name}-{width}")
    return found


@pytest.mark.parametrize("language", ["en", "vi", "lo", "ko"])
def test_every_page_is_accessible_and_fits_the_screen(browser, live_server, language,
                                                        tmp_path):
    context = browser.new_context(base_url=live_server)
    context.add_init_script(path=AXE)
    page = context.new_page()
    page.goto(f"/language/{language}?next=/login")
    assert page.locator("html").get_attribute("lang") == language
    found = problems_of(page, "login", language)
    page.fill("input[name=email]", ACCOUNTS["admin"][0])
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    for name, path in PAGES.items():
        page.goto(path)
        if name == "section":
            page.wait_for_function(CHARTS_DRAWN)
        found += problems_of(page, name, language)
    draft = tmp_path / "dolab-2023.csv"
    draft.write_text(BAD_CSV, encoding="utf-8")
    page.goto("/upload?dataflow=LABOUR_DEPLOYMENTS")
    page.set_input_files("input[name=file]", str(draft))
    page.click("form[action='/upload'] button[type=submit]")
    page.wait_for_selector("#problems")
    found += problems_of(page, "validation-report", language)
    context.close()
    assert not found, "\n".join(found)


def test_keyboard_skips_to_the_content_and_shows_where_it_is(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0, "the skip link stays off the screen"
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "email"

    page.fill("input[name=email]", ACCOUNTS["admin"][0])
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    menu, toggle = page.locator("#site-menu"), page.locator(".menu-toggle")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate(OVERFLOW) <= 0
    shot(page, "accessibility-en-menu-375")
    context.close()
