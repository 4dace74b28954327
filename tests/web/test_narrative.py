"""The narrative in the web app: the admin assigns a section to an agency, its editors
write it (the file the report reads, the text before kept with who and when), any reader
comments, the admin approves, and a change after approval makes it a draft again. Nobody
else writes, and partners see none of it."""

from __future__ import annotations

import pytest

from migprofile.state.audit import read_log
from tests.web.conftest import ACCOUNTS

SECTION = "governance_laws"


def _csrf(client) -> str:
    return client.headers["X-CSRF-Token"]


def _assign(web, section: str, agency: str) -> None:
    admin = web.client("admin")
    answer = admin.post("/narrative/assignments", data={
        "section": [section], "agency": [agency], "csrf_token": _csrf(admin)})
    assert answer.status_code == 303, answer.text[-1000:]


def _save(client, section: str, texts: dict[str, str]):
    return client.post(f"/narrative/{section}", data={
        "language": list(texts), "text": list(texts.values()), "csrf_token": _csrf(client)})


def _audit(web, action: str):
    with web.db.session() as db:
        return [e for e in read_log(db) if e.action == action]


@pytest.fixture(scope="module")
def assigned(web):
    """The section assigned to VN_DOLAB, with a Vietnamese text written before."""
    (web.root / "narrative" / f"{SECTION}.vi.md").write_text("Luật cũ.\n", encoding="utf-8")
    _assign(web, SECTION, "VN_DOLAB")
    return web


def test_the_overview_lists_every_section_with_its_agency(assigned):
    page = assigned.client("viewer").get("/narrative")
    assert page.status_code == 200
    assert 'href="/narrative/governance_laws">Policy and legal framework</a>' in page.text
    assert 'href="/narrative/findings">Main findings</a>' in page.text
    assert 'href="/narrative/emigration">' in page.text
    vietnamese = assigned.client("viewer", cookies={"migprofile_lang": "vi"}).get("/narrative")
    assert 'href="/narrative/findings">Các phát hiện chính</a>' in vietnamese.text
    assert "VN_DOLAB" in page.text and "<select" not in page.text  # only the admin assigns
    assert 'selected>VN_DOLAB' in assigned.client("admin").get("/narrative").text
    entry = _audit(assigned, "narrative_assign")[0]
    assert (entry.target, entry.detail) == (SECTION, "nobody -> VN_DOLAB")


def test_the_editor_of_the_agency_saves_and_the_text_before_is_kept(assigned):
    path = assigned.root / "narrative" / f"{SECTION}.vi.md"
    editor = assigned.client("editor")
    answer = _save(editor, SECTION, {"en": "# Laws\r\n\nThe **new** law.",
                                     "vi": "Luật *mới*."})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/narrative/{SECTION}?saved=en%2Cvi"
    assert path.read_text(encoding="utf-8") == "Luật *mới*.\n"
    assert (assigned.root / "narrative" / f"{SECTION}.en.md").read_text(
        encoding="utf-8") == "# Laws\n\nThe **new** law.\n"
    page = editor.get(f"/narrative/{SECTION}?saved=en,vi")
    assert "Saved: en, vi." in page.text
    assert "<strong>new</strong>" in page.text  # the preview of the saved text
    assert f"{ACCOUNTS['editor'][0]} changed the text in Tiếng Việt on" in page.text
    assert "Luật cũ." in page.text  # the text before, in the history
    assert {e.target for e in _audit(assigned, "narrative_save")} >= {
        f"{SECTION}.en", f"{SECTION}.vi"}
    unchanged = _save(editor, SECTION, {"vi": "Luật *mới*."})
    assert unchanged.headers["location"].endswith("saved=-")


@pytest.mark.parametrize("who", ["viewer", "other_editor", "partner"])
def test_nobody_else_may_save(assigned, who):
    path = assigned.root / "narrative" / f"{SECTION}.vi.md"
    before = path.read_text(encoding="utf-8")
    answer = _save(assigned.client(who), SECTION, {"vi": "Không được phép."})
    assert answer.status_code == 403
    assert path.read_text(encoding="utf-8") == before


def test_an_editor_of_another_agency_reads_without_a_form_and_is_logged(assigned):
    other = assigned.client("other_editor")
    page = other.get(f"/narrative/{SECTION}")
    assert page.status_code == 200 and "<textarea id=\"text-vi\"" not in page.text
    _save(other, SECTION, {"vi": "Không được phép."})
    refused = [e for e in _audit(assigned, "narrative_save") if e.outcome == "refused"]
    assert refused[0].actor == ACCOUNTS["other_editor"][0]


def test_partners_see_nothing_of_the_narrative(assigned):
    partner = assigned.client("partner")
    for path in ("/narrative", f"/narrative/{SECTION}"):
        assert partner.get(path).status_code == 403
    assert partner.post("/narrative/preview", data={"text": "x"}).status_code == 403
    assert partner.post(f"/narrative/{SECTION}/comments",
                        data={"text": "x"}).status_code == 403


def test_comments_approval_and_a_change_after_it(assigned):
    viewer = assigned.client("viewer")
    answer = viewer.post(f"/narrative/{SECTION}/comments",
                         data={"text": "Cite the 2020 law.", "csrf_token": _csrf(viewer)})
    assert answer.status_code == 303
    page = viewer.get(f"/narrative/{SECTION}").text
    assert "Cite the 2020 law." in page and ACCOUNTS["viewer"][0] in page
    assert viewer.post(f"/narrative/{SECTION}/approve").status_code == 403
    admin = assigned.client("admin")
    assert admin.post(f"/narrative/{SECTION}/approve").status_code == 303
    assert "<strong>approved</strong>" in admin.get(f"/narrative/{SECTION}").text
    _save(assigned.client("editor"), SECTION, {"en": "The law of 2020."})
    assert "<strong>draft</strong>" in admin.get(f"/narrative/{SECTION}").text
    assert _audit(assigned, "narrative_comment")[0].target == SECTION
    assert _audit(assigned, "narrative_approve")[0].actor == ACCOUNTS["admin"][0]


def test_the_preview_is_the_reports_markdown(assigned):
    answer = assigned.client("editor").post("/narrative/preview",
                                            data={"text": "A | B\n--|--\n1 | *2*"})
    assert answer.status_code == 200
    assert "<table>" in answer.text and "<em>2</em>" in answer.text


def test_unknown_sections_and_languages_are_not_found(assigned):
    admin = assigned.client("admin")
    assert admin.get("/narrative/no_such_section").status_code == 404
    assert _save(admin, SECTION, {"fr": "Non."}).status_code == 404
    assert not (assigned.root / "narrative" / f"{SECTION}.fr.md").exists()


def test_a_text_too_long_is_refused_and_not_written(assigned):
    path = assigned.root / "narrative" / f"{SECTION}.en.md"
    before = path.read_text(encoding="utf-8") if path.exists() else None
    answer = _save(assigned.client("admin"), SECTION, {"en": "x" * 200_001})
    assert answer.status_code == 422
    assert "at most 200000 characters" in answer.text
    assert (path.read_text(encoding="utf-8") if path.exists() else None) == before
