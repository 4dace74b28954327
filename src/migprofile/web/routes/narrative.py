"""The narrative's pages: the sections with their agency and status, and the editor of
one section (its texts in every language of the profile, with a live preview, its
history and its reviewers' comments)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from migprofile.errors import Message, MigprofileError
from migprofile.operations import narrative_sections, read_narrative
from migprofile.report.markdown import markdown_html
from migprofile.state import narrative
from migprofile.state.accounts import list_agencies
from migprofile.web import actions
from migprofile.web.actions import Context
from migprofile.web.auth import READERS, WRITERS
from migprofile.web.routes.common import context, route
from migprofile.web.routes.pages import back
from migprofile.web.templating import error_text, message_text, render, request_language

router = APIRouter(include_in_schema=False)
Section = Annotated[str, PathParam(max_length=64)]
MAX_TEXT = 200_000
"""The most characters a text of the narrative may have (a long chapter has 50,000)."""


def page(method: str, path: str, roles):
    return route(router, method, path, roles, response_class=Response)


def _known(ctx: Context, section: str) -> str:
    """A section of the narrative; another is not found (404)."""
    if section not in narrative_sections(ctx.service.profile):
        raise LookupError(f"no narrative section {section!r}")
    return section


def _overview(request: Request, ctx: Context, *, error: str | None = None,
              status: int = 200) -> Response:
    return render(request, "narrative.html.j2", status=status, error=error,
                  sections=narrative_sections(ctx.service.profile),
                  titles=ctx.service.narrative_titles(request_language(request)),
                  states=narrative.section_states(ctx.db), agencies=list_agencies(ctx.db))


@page("GET", "/narrative", READERS)
def overview(request: Request, ctx: Context = Depends(context)) -> Response:
    return _overview(request, ctx)


@page("POST", "/narrative/assignments", ("admin",))
def assignments(request: Request, section: Annotated[list[str], Form()],
                agency: Annotated[list[str], Form()],
                ctx: Context = Depends(context)) -> Response:
    """Which agency writes each section (one form for all of them)."""
    if len(section) != len(agency):
        raise LookupError("a section without its agency")
    try:
        for key, chosen in zip(section, agency, strict=True):
            narrative.assign(ctx.db, _known(ctx, key), chosen or None,
                             actor=ctx.actor.email)
    except MigprofileError as exc:
        ctx.db.rollback()
        return _overview(request, ctx, status=422,
                         error=error_text(exc, request_language(request)))
    ctx.db.commit()
    return back("/narrative")


@page("POST", "/narrative/preview", READERS)
def preview(text: Annotated[str, Form(max_length=MAX_TEXT)] = "") -> Response:
    """A text as the report shows it, by the report's own Markdown renderer."""
    return HTMLResponse(markdown_html(text))


def _editor(request: Request, ctx: Context, section: str, *, error: str | None = None,
            status: int = 200, saved: str = "") -> Response:
    profile = ctx.service.profile
    texts = {language: read_narrative(profile, section, language)
             for language in profile.languages}
    return render(request, "narrative_editor.html.j2", status=status, error=error,
                  saved=saved, section=section, texts=texts,
                  title=ctx.service.narrative_titles(request_language(request)).get(section,
                                                                                     section),
                  previews={k: Markup(markdown_html(v)) for k, v in texts.items()},
                  state=narrative.section_states(ctx.db).get(section),
                  writable=actions.may_write_narrative(ctx, section),
                  comments=narrative.comments(ctx.db, section),
                  revisions=narrative.revisions(ctx.db, section))


@page("GET", "/narrative/{section}", READERS)
def editor(request: Request, section: Section,
           saved: Annotated[str, Query(max_length=100)] = "",
           ctx: Context = Depends(context)) -> Response:
    return _editor(request, ctx, _known(ctx, section), saved=saved)


@page("POST", "/narrative/{section}", WRITERS)
def save(request: Request, section: Section, language: Annotated[list[str], Form()],
         text: Annotated[list[str], Form()], ctx: Context = Depends(context)) -> Response:
    """Save the section's texts; only an editor of its agency (or an admin) may."""
    _known(ctx, section)
    if len(language) != len(text) or not set(language) <= set(ctx.service.profile.languages):
        raise LookupError("a text in no language of the profile")
    if any(len(t) > MAX_TEXT for t in text):
        return _editor(request, ctx, section, status=422, error=message_text(
            Message("A text may have at most {count} characters.", count=MAX_TEXT),
            request_language(request)))
    changed = actions.save_narrative(ctx, section, dict(zip(language, text, strict=True)))
    return back(f"/narrative/{section}", saved=",".join(changed) or "-")


@page("POST", "/narrative/{section}/comments", READERS)
def comment(request: Request, section: Section,
            text: Annotated[str, Form(max_length=narrative.MAX_COMMENT)],
            ctx: Context = Depends(context)) -> Response:
    try:
        narrative.add_comment(ctx.db, _known(ctx, section), text, actor=ctx.actor.email)
    except MigprofileError as exc:
        ctx.db.rollback()
        return _editor(request, ctx, section, status=422,
                       error=error_text(exc, request_language(request)))
    ctx.db.commit()
    return back(f"/narrative/{section}")


@page("POST", "/narrative/{section}/approve", ("admin",))
def approve(section: Section, ctx: Context = Depends(context)) -> Response:
    narrative.approve(ctx.db, _known(ctx, section), actor=ctx.actor.email)
    ctx.db.commit()
    return back(f"/narrative/{section}")
