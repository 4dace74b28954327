"""A narrative is written in the browser by many people: what it says is shown, never run,
and the report's PDF never fetches what a text points to."""

from __future__ import annotations

import http.server
import threading
from typing import ClassVar

import pytest

from migprofile.report.markdown import markdown_html
from migprofile.report.render import render_pdf


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "Before <img src=x onerror=alert(1)> after",
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "<iframe src='https://example.org'></iframe>",
    '<a href="javascript:alert(1)">x</a>',
])
def test_raw_html_in_a_narrative_is_shown_as_text(text):
    html = markdown_html(text)
    assert "<" + text[1:] not in html
    assert "&lt;" in html


@pytest.mark.parametrize("text", ["[x](javascript:alert(1))", "![x](file:///etc/passwd)",
                                  "[x](vbscript:msgbox)"])
def test_a_dangerous_address_is_not_a_link(text):
    assert "href=" not in markdown_html(text) and "src=" not in markdown_html(text)


def test_markdown_still_makes_headings_emphasis_links_and_tables():
    html = markdown_html("## A\n\n**b** [c](https://example.org)\n\n| x |\n|---|\n| 1 |\n")
    assert "<h2>A</h2>" in html and "<strong>b</strong>" in html
    assert '<a href="https://example.org">c</a>' in html and "<td>1</td>" in html


class _Recorder(http.server.BaseHTTPRequestHandler):
    asked: ClassVar[list[str]] = []

    def do_GET(self):
        self.asked.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_pdf_fetches_nothing_a_text_points_to(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_port}"
    try:
        pdf = render_pdf(f'<html><body><p>{tmp_path.name}</p>'
                         f'<img src="{address}/image.png">'
                         f'<link rel="stylesheet" href="{address}/style.css">'
                         f'<img src="file:///etc/hostname"></body></html>')
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert _Recorder.asked == []
