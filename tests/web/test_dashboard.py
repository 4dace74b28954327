"""The dashboard: an overview of the key figures, a page per section of the report, and
each chart's data to download."""

from __future__ import annotations

import copy
import csv
import io
import re

from markupsafe import escape
from openpyxl import load_workbook

from migprofile.report.model import Figure
from migprofile.web.tooltips import EXACT, origin_of, with_tooltips
from migprofile.web.year_choice import PARAMETER, with_year_choice


def test_the_overview_shows_each_key_figure_with_its_series_and_lists_the_sections(web):
    viewer = web.client("viewer")
    page = viewer.get("/")
    assert page.status_code == 200
    assert "Population" in page.text and "No edition published yet." in page.text
    lines = re.findall(r'<polyline points="([^"]+)"', page.text)
    assert lines, "no sparkline"
    population = lines[0].split()
    assert population[0].startswith("0.0,") and population[-1].startswith("100.0,")
    sections = viewer.get("/api/dashboard").json()
    for section in sections:
        link = f'<a href="/sections/{section["id"]}">{escape(section["title"])}</a>'
        assert link in page.text
    assert 'class="vega"' not in page.text


def test_a_section_page_has_its_charts_and_links_to_its_neighbours(web):
    viewer = web.client("viewer")
    sections = [s["id"] for s in viewer.get("/api/dashboard").json()]
    page = viewer.get(f"/sections/{sections[1]}")
    assert page.status_code == 200
    assert f'href="/sections/{sections[0]}" rel="prev"' in page.text
    assert f'href="/sections/{sections[2]}" rel="next"' in page.text
    assert 'class="vega"' in viewer.get("/sections/emigration").text
    assert 'rel="prev"' not in viewer.get(f"/sections/{sections[0]}").text
    assert 'rel="next"' not in viewer.get(f"/sections/{sections[-1]}").text


def test_an_unknown_section_or_figure_is_not_found(web):
    viewer = web.client("viewer")
    assert viewer.get("/sections/no_such_section").status_code == 404
    assert viewer.get("/sections/emigration/figures/99.csv").status_code == 404
    assert viewer.get("/sections/emigration/figures/1.pdf").status_code == 404


def test_a_figures_data_downloads_as_the_chart_draws_it(web):
    viewer = web.client("viewer")
    figure = next(s for s in viewer.get("/api/dashboard").json()
                  if s["id"] == "emigration")["figures"][0]
    drawn = next(v for v in figure["spec"]["datasets"].values() if isinstance(v, list))
    answer = viewer.get("/sections/emigration/figures/1.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == [{k: str(v) for k, v in row.items()} for row in drawn]
    book = load_workbook(io.BytesIO(viewer.get("/sections/emigration/figures/1.xlsx").content))
    cells = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert cells[0][0] == figure["title"]
    assert cells[1] == list(drawn[0])
    assert cells[2:] == [list(row.values()) for row in drawn]



def test_every_value_of_a_chart_says_itself_exactly_with_its_source_and_revision(web):
    viewer = web.client("viewer")
    figure = next(s for s in viewer.get("/api/dashboard").json()
                  if s["id"] == "emigration")["figures"][0]
    tooltip = figure["spec"]["encoding"]["tooltip"]
    assert {"field": "value", "type": "quantitative", "format": EXACT,
            "title": "Value"} in tooltip
    assert [t["field"] for t in tooltip[-2:]] == ["source", "revision"]
    published = {(r["time_period"], r["sex"]): (r["source"], r["revision"])
                 for r in viewer.get("/api/indicators",
                                     params={"indicator": "emigrant_stock"}).json()}
    drawn = next(v for v in figure["spec"]["datasets"].values() if isinstance(v, list))
    assert drawn and all((row["source"], row["revision"]) == published[(row["year"], row["sex"])]
                         for row in drawn)


def test_the_tooltips_leave_the_reports_chart_as_it_is():
    spec = {"mark": "bar", "encoding": {"tooltip": [{"field": "value", "format": ",d"}]},
            "datasets": {"d": [{"label": "2020", "value": 1.5}]}}
    before = copy.deepcopy(spec)
    origin = origin_of(Figure("Stock", spec, "", indicators=("stock",)), {},
                       {("stock", "2020"): {("desa", "2024")}})
    shown = with_tooltips(spec, origin,
                          {"value": "Value", "source": "Source", "revision": "Revision"})
    assert spec == before
    assert shown["datasets"]["d"] == [{"label": "2020", "value": 1.5, "source": "desa",
                                       "revision": "2024"}]
    assert shown["encoding"]["tooltip"][0]["format"] == EXACT


def test_a_partner_chart_offers_every_year_and_shows_the_latest_as_the_report(web):
    viewer = web.client("viewer")
    figure = next(s for s in viewer.get("/api/dashboard").json()
                  if s["id"] == "emigration")["figures"][1]
    spec = figure["spec"]
    choice = spec["params"][0]
    years = choice["bind"]["options"]
    assert choice["bind"]["input"] == "select" and len(years) > 1
    assert years == sorted(years, reverse=True) and choice["value"] == years[0]
    assert spec["transform"][0] == {"filter": f"datum.year === {PARAMETER}"}
    drawn = next(v for v in spec["datasets"].values() if isinstance(v, list))
    assert {row["year"] for row in drawn} == set(years)
    published = viewer.get("/api/indicators", params={
        "indicator": "emigrant_stock_by_destination", "period": years[0], "sex": "_T"}).json()
    largest = sorted((float(r["value"]) for r in published if r["value"]), reverse=True)
    assert [row["value"] for row in drawn if row["year"] == years[0]] == largest[:10]


def test_the_year_choice_filters_the_rows_and_orders_the_bars_by_value():
    spec = {"layer": [{"mark": "bar", "encoding": {"y": {"field": "label", "sort": ["A"]}}}],
            "data": {"name": "d"}, "datasets": {"d": [{"label": "A", "value": 2}]},
            "height": 44}
    shown = with_year_choice(spec, {"2024": [{"label": "A", "value": 2}],
                                    "2020": [{"label": "B", "value": 1}] * 3}, "2024", "Year")
    assert shown["datasets"]["d"] == [{"year": "2024", "label": "A", "value": 2},
                                      *[{"year": "2020", "label": "B", "value": 1}] * 3]
    assert shown["params"][0]["value"] == "2024"
    assert shown["layer"][0]["encoding"]["y"]["sort"] == "-x"
    assert shown["height"] == 66 and spec["height"] == 44
