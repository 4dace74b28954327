"""Every chart of the dashboard has a text alternative: the rows it draws in the report's
view, as a table headed in the page's language, as its tooltips are."""

from __future__ import annotations

import re

from migprofile.i18n import localizer
from migprofile.report.model import Figure
from migprofile.web.figure_table import default_rows, figure_table


def _chart(params: list[dict], rows: list[dict]) -> dict:
    return {"params": params, "datasets": {"rows": rows, "breaks": [{"x": 1}]},
            "layer": [{"mark": "bar", "encoding": {
                "x": {"field": "value", "type": "quantitative", "title": "persons"},
                "y": {"field": "label", "type": "nominal"}}}]}


CHOICES = [{"name": "choice_year", "value": "2024", "bind": {"input": "select"}},
           {"name": "choice_sex", "value": "_T", "bind": {"input": "select"}}]
ROWS = [{"year": "2024", "sex": "_T", "label": "Japan", "value": 1200.5, "source": "DOLAB",
         "revision": "r1"},
        {"year": "2024", "sex": "F", "label": "Japan", "value": 600.0, "source": "DOLAB",
         "revision": "r1"},
        {"year": "2020", "sex": "_T", "label": "Korea", "value": 3.0, "source": "DOLAB",
         "revision": "r1"}]


def test_the_table_holds_the_rows_of_the_reports_view_only():
    assert default_rows(_chart(CHOICES, ROWS)) == [ROWS[0]]
    assert default_rows(_chart([], ROWS)) == ROWS  # no choice: every row


def test_the_table_is_headed_in_the_language_with_the_values_unit_and_sources_last():
    figure = Figure("Largest destinations", _chart(CHOICES, ROWS), "", kind="partner_bars")
    table = figure_table(figure, localizer("vi"))
    assert table.columns == ["Quốc gia", "Giá trị (persons)", "Nguồn", "Phiên bản"]
    assert table.rows == [["Japan", "1.200,5", "DOLAB", "r1"]]
    assert table.numeric == [False, True, False, False]


def test_every_chart_of_a_section_page_has_its_table(web):
    viewer = web.client("viewer")
    for section in ("immigration", "emigration", "remittances", "forced_migration"):
        page = viewer.get(f"/sections/{section}").text
        charts = page.count('class="vega"')
        tables = re.findall(r'<details class="figure-table">.*?</details>', page, re.S)
        assert charts and len(tables) == charts, section
        assert all("<td" in table for table in tables), section
    emigration = viewer.get("/sections/emigration").text
    assert "<th class=\"num\">Value (persons)</th>" in emigration
    assert "<td>United States</td>" in emigration


def test_the_tooltips_are_headed_in_the_language(web):
    sections = web.client("viewer").get("/api/dashboard", params={"language": "vi"}).json()
    figure = next(s for s in sections if s["id"] == "emigration")["figures"][1]
    tooltip = figure["spec"]["layer"][0]["encoding"]["tooltip"]
    assert [t.get("title") for t in tooltip] == ["Quốc gia", "Giá trị", "Nguồn", "Phiên bản"]
