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
from migprofile.web.tooltips import EXACT, origin_of, provenance, with_tooltips


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
    assert {source for source, _ in published.values()} == {"undesa_ims"}
    drawn = next(v for v in figure["spec"]["datasets"].values() if isinstance(v, list))
    assert drawn and all(row["revision"] == published[(row["year"], row["sex"])][1]
                         for row in drawn)
    # named as the report's notes name it, not by its id
    assert {row["source"] for row in drawn} == {
        "United Nations, Department of Economic and Social Affairs, Population Division, "
        "International Migrant Stock 2024: destination and origin, by sex"}


def test_each_source_a_value_combines_is_named_by_itself():
    rows = [{"indicator": "share", "time_period": "2020", "source": "desa+wdi",
             "revision": "2024+2025"}]
    found = provenance(rows, lambda kind, revision: f"{kind.upper()} ({revision})")
    assert found == {("share", "2020"): {("DESA (2024)", "2024"), ("WDI (2025)", "2025")}}


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


# choices under the charts ------------------------------------------------------------

def dashboard_chart(web, section: str, number: int) -> dict:
    """The specification of a section's figure ``number`` (from 1) on the dashboard."""
    figures = next(s for s in web.client("viewer").get("/api/dashboard").json()
                   if s["id"] == section)["figures"]
    return figures[number - 1]["spec"]


def report_rows(web, section: str, number: int) -> list[dict]:
    """The rows of the same figure in the report."""
    from migprofile.i18n import localizer
    from migprofile.report.model import Figure
    from migprofile.report.sections import build_sections

    service = web.app.state.service
    with service.registry():
        built = build_sections(service._report_data, localizer("en"))
    figure = [b for s in built if s.id == section for b in s.blocks
              if isinstance(b, Figure)][number - 1]
    return next(v for v in figure.chart["datasets"].values() if isinstance(v, list))


def lists(spec: dict) -> dict[str, dict]:
    """The choices offered under a chart, by field: options (value: label) and default."""
    return {p["name"].removeprefix("choice_"): {
        "options": dict(zip(p["bind"]["options"], p["bind"]["labels"], strict=True)),
        "default": p["value"]} for p in spec.get("params", [])}


def drawn_rows(spec: dict, **chosen: str) -> list[dict]:
    """The rows a chart draws for the options ``chosen`` (the defaults for the others), as
    the report's rows (without the choices, the lookup key and the provenance)."""
    options = {field: choice["default"] for field, choice in lists(spec).items()} | chosen
    rows = next(v for v in spec["datasets"].values() if isinstance(v, list))
    left_out = {*options, "choice_key", "source", "revision"}
    return [{k: v for k, v in row.items() if k not in left_out} for row in rows
            if all(row[field] == value for field, value in options.items())]


def published(web, **wanted: str) -> list[dict]:
    return web.client("viewer").get("/api/indicators", params=wanted).json()


def test_the_emigrants_chart_offers_sex_and_partner_and_shows_the_report_by_default(web):
    spec = dashboard_chart(web, "emigration", 1)
    offered = lists(spec)
    assert offered["sexes"] == {"options": {"_T": "Women and men", "F": "Women", "M": "Men"},
                                "default": "_T"}
    partners = offered["partner"]["options"]
    assert offered["partner"]["default"] == "_Z" and partners["_Z"] == "All countries"
    assert list(partners)[1:4] == ["USA", "JPN", "AUS"] and len(partners) == 11
    assert drawn_rows(spec) == report_rows(web, "emigration", 1)
    japan = {(r["time_period"], r["sex"]): float(r["value"]) for r in published(
        web, indicator="emigrant_stock_by_destination", country="JPN")}
    women = drawn_rows(spec, sexes="F", partner="JPN")
    assert women and all(row["sex"] == "F" for row in women)
    assert {(row["year"], "F"): row["value"] for row in women} == {
        key: value for key, value in japan.items() if key[1] == "F"}


def test_a_map_offers_every_year_and_sex_and_shows_the_report_by_default(web):
    spec = dashboard_chart(web, "emigration", 3)
    offered = lists(spec)
    years = list(offered["year"]["options"])
    assert years == sorted(years, reverse=True) and len(years) > 1
    assert offered["year"]["default"] == years[0]
    assert offered["sex"] == {"options": {"_T": "Total", "F": "Women", "M": "Men"},
                              "default": "_T"}
    assert drawn_rows(spec) == report_rows(web, "emigration", 3)
    men = {r["counterpart_area"]: float(r["value"]) for r in published(
        web, indicator="emigrant_stock_by_destination", period=years[-1], sex="M")
        if r["value"] and float(r["value"]) > 0}
    drawn = {row["code"]: row["value"] for row in drawn_rows(spec, year=years[-1], sex="M")}
    assert drawn and drawn.items() <= men.items()


def test_a_partner_chart_offers_every_year_and_sex_and_shows_the_report_by_default(web):
    spec = dashboard_chart(web, "emigration", 2)
    offered = lists(spec)
    years = list(offered["year"]["options"])
    assert years == sorted(years, reverse=True) and offered["year"]["default"] == years[0]
    assert list(offered["sex"]["options"]) == ["_T", "F", "M"]
    assert drawn_rows(spec) == report_rows(web, "emigration", 2)
    women = sorted((float(r["value"]) for r in published(
        web, indicator="emigrant_stock_by_destination", period=years[1], sex="F")
        if r["value"]), reverse=True)
    assert [row["value"] for row in drawn_rows(spec, year=years[1], sex="F")] == women[:10]


def test_a_line_chart_of_totals_offers_their_partners_and_shows_the_report_by_default(web):
    spec = dashboard_chart(web, "forced_migration", 1)
    offered = lists(spec)
    assert list(offered) == ["partner"], "UNHCR's refugees have no women and men values"
    assert next(iter(offered["partner"]["options"])) == "_Z"
    assert drawn_rows(spec) == report_rows(web, "forced_migration", 1)
    partner = list(offered["partner"]["options"])[1]
    refugees = {int(r["time_period"]): float(r["value"]) for r in published(
        web, indicator="refugees_by_origin", country=partner, sex="_T")}
    drawn = drawn_rows(spec, partner=partner)
    assert {row["series"] for row in drawn} == {
        "Refugees from the country, by country of asylum",
        "Asylum-seekers from the country, by country of asylum"}
    assert {row["year"]: row["value"] for row in drawn
            if row["series"].startswith("Refugees")} == refugees
    breaks = [v for v in spec["datasets"].values() if isinstance(v, list)][1]
    assert breaks and all(row["partner"] == "_Z" for row in breaks)


def test_a_chart_whose_data_allow_no_choice_offers_none(web):
    spec = dashboard_chart(web, "remittances", 1)
    assert "params" not in spec
    assert drawn_rows(spec) == report_rows(web, "remittances", 1)
