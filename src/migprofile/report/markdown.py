"""The working group's Markdown as HTML, the same in the report and in the web app.

Raw HTML in a text is shown as text, never passed through: the narrative is written in
the browser by many people, and its HTML goes into every reader's page and into the PDF
(where an image or a stylesheet could read files of the server). Links and images keep
markdown-it's check of their address (no ``javascript:``, ``vbscript:``, ``file:``, or
``data:`` other than images)."""

from __future__ import annotations

from markdown_it import MarkdownIt

__all__ = ["markdown_html"]

_markdown = MarkdownIt("commonmark", {"typographer": True, "html": False}).enable("table")


def markdown_html(text: str) -> str:
    return _markdown.render(text)
