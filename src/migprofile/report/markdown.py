"""The working group's Markdown as HTML, the same in the report and in the web app."""

from __future__ import annotations

from markdown_it import MarkdownIt

__all__ = ["markdown_html"]

_markdown = MarkdownIt("commonmark", {"typographer": True}).enable("table")


def markdown_html(text: str) -> str:
    return _markdown.render(text)
