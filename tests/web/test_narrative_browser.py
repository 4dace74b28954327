"""The narrative at a browser (Chromium, driven by Playwright): the admin assigns a
section to an agency; its editor writes the section in two languages, sees the preview
follow the typing and saves; a viewer comments; the admin approves, publishes an edition
and downloads its PDF. Screenshots of the editor in vi, lo and ko go to test-artifacts/web/
(narrative-LANGUAGE.png)."""

from __future__ import annotations

import pytest

from tests.web.conftest import ACCOUNTS, PASSWORD, shot

pytestmark = pytest.mark.browser

SECTION = "recommendations"
EDITION = "2026-narrative"


@pytest.fixture
def sign_in(browser, live_server):
    """A new browser (its own cookies) signed in as one of the accounts."""
    contexts = []

    def open_as(who: str):
        context = browser.new_context(base_url=live_server, accept_downloads=True,
                                      locale="en-GB", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto("/language/en?next=/login")
        page.fill("input[name=email]", ACCOUNTS[who][0])
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(lambda url: not url.endswith("/login"))
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_write_review_approve_and_publish_the_narrative(sign_in, tmp_path):
    admin = sign_in("admin")
    admin.goto("/narrative")
    admin.select_option(f"select[aria-label='Agency writing {SECTION}']", "VN_DOLAB")
    admin.click("text=Save the assignments")
    admin.wait_for_url("**/narrative")
    assert admin.locator(f"select[aria-label='Agency writing {SECTION}']").input_value() \
        == "VN_DOLAB"

    editor = sign_in("editor")
    editor.goto("/narrative")
    editor.click(f"a[href='/narrative/{SECTION}']")
    editor.fill("#text-en", "## Priorities\n\nSafe **and** regular migration.")
    editor.wait_for_selector("#preview-en h2:has-text('Priorities')")
    assert editor.locator("#preview-en strong").inner_text() == "and"
    editor.fill("#text-vi", "Di cư *an toàn*.")
    editor.wait_for_selector("#preview-vi em:has-text('an toàn')")
    editor.click("button:has-text('Save')")
    assert editor.locator("p.success").inner_text() == "Saved: en, vi."
    for language in ("vi", "lo", "ko"):
        editor.goto(f"/language/{language}?next=/narrative/{SECTION}")
        editor.wait_for_selector(f"html[lang={language}]")
        shot(editor, f"narrative-{language}")

    viewer = sign_in("viewer")
    viewer.goto(f"/narrative/{SECTION}")
    assert viewer.locator("#text-en").count() == 0  # reads, does not write
    assert viewer.locator("#preview-vi em").inner_text() == "an toàn"
    viewer.fill("#comment-text", "Name the agreements with Japan and Korea.")
    viewer.click("button:has-text('Add the comment')")
    assert "Name the agreements" in viewer.locator("article.comment").inner_text()

    admin.goto(f"/narrative/{SECTION}")
    assert "Name the agreements" in admin.locator("article.comment").inner_text()
    admin.click("button:has-text('Approve this section')")
    assert admin.locator("main strong").first.inner_text() == "approved"
    admin.goto("/narrative")
    assert "approved" in admin.locator(f"tr:has(a[href='/narrative/{SECTION}'])").inner_text()

    admin.goto("/editions")
    admin.fill("input[name=edition]", EDITION)
    admin.check("input[name=confirm]")
    admin.click("button:has-text('Publish')", timeout=300_000)
    admin.wait_for_selector("p.success", timeout=300_000)
    with admin.expect_download() as download:
        admin.click(f"a[href='/editions/{EDITION}/files/vi/profile.pdf']")
    target = tmp_path / "edition.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    with admin.expect_download() as narrative:
        admin.click(f"a[href='/editions/{EDITION}/files/narrative/{SECTION}.vi.md']")
    assert narrative.value.path().read_text(encoding="utf-8") == "Di cư *an toàn*.\n"
