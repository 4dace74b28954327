"""Rendering a report to HTML (Jinja2) and PDF (WeasyPrint)."""

from __future__ import annotations

import base64
import importlib.metadata
import os
from functools import cache

import jinja2
import weasyprint

from migprofile.codes import countries
from migprofile.report.cache import rendered
from migprofile.report.charts import render_png
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.markdown import markdown_html
from migprofile.report.model import Callout, Figure, KeyFigure, Map, Narrative, Section, Table
from migprofile.report.sections import build_sections

__all__ = ["environment", "render_html", "render_pdf", "report_title"]


@cache
def _loader() -> jinja2.BaseLoader:
    return jinja2.PackageLoader("migprofile", "report/templates")


def environment(loc: Localizer) -> jinja2.Environment:
    """A Jinja2 environment speaking ``loc``'s language (shared with the web app)."""
    env = jinja2.Environment(
        loader=_loader(),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(loc.translations, newstyle=True)
    env.globals["loc"] = loc
    env.filters["block_kind"] = _block_kind
    env.filters["data_uri"] = lambda png: "data:image/png;base64," + base64.b64encode(
        png).decode("ascii")
    return env


def _block_kind(block: object) -> str:
    if isinstance(block, list):
        return "key_figures"
    return {Figure: "figure", Map: "map", Table: "table", KeyFigure: "key_figure",
            Callout: "callout", Narrative: "narrative"}[type(block)]


def report_title(data: ReportData, loc: Localizer) -> str:
    custom = data.settings.profile.title.get(loc.language)
    if custom:
        return custom
    return loc._("Migration Profile: {country}").format(country=loc.country(data.country))


def _sections(data: ReportData, loc: Localizer) -> list[Section]:
    sections = build_sections(data, loc)
    for section in sections:
        text = data.narrative(section.id, loc.language)
        if text:
            section.narrative_html = markdown_html(text)
        for figure in section.figures:
            figure.png = render_png(figure.chart, loc)
    return sections


def render_html(data: ReportData, loc: Localizer) -> str:
    """The whole report as one self-contained HTML document (charts inline)."""
    template = environment(loc).get_template("profile.html.j2")
    known = countries()
    return template.render(
        lang=loc.language,
        title=report_title(data, loc),
        country=known[data.country],
        edition=data.settings.profile.edition,
        as_of=loc.date(data.data_as_of) if data.data_as_of else "",
        sections=_sections(data, loc),
        font=loc.text_font,
    )


PDF_LIBRARIES = tuple(f"{name} {importlib.metadata.version(name)}"
                      for name in ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2"))
"""What lays out a PDF, with versions: a new one may change the bytes."""
_EMBEDDED_ONLY = weasyprint.urls.URLFetcher(allowed_protocols=("data",))
"""The report's HTML carries its charts and maps in itself (``data:`` URIs); nothing else
is fetched, so that the PDF is laid out offline, the same every time, and an address in a
narrative never makes the server read a file or a page."""
REPRODUCIBLE_EPOCH = "946684800"
"""2000-01-01: the timestamp font subsets embedded in the PDF carry instead of 'now'."""


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered report (same input, same bytes, so the rendering cache may
    give them).

    fontTools stamps each embedded font subset with the current time unless
    SOURCE_DATE_EPOCH is set; it is set for the duration of the rendering.
    """
    return rendered("pdf", [*PDF_LIBRARIES, REPRODUCIBLE_EPOCH, html],
                    lambda: _layout_pdf(html))


def _layout_pdf(html: str) -> bytes:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = REPRODUCIBLE_EPOCH
    try:
        return weasyprint.HTML(string=html, url_fetcher=_EMBEDDED_ONLY).write_pdf()
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous

