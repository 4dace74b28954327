"""What the reader is shown besides the figures: breaks in series, no unknown partner
among the top countries, no float noise."""

import csv

import pandas as pd

from migprofile.profile import Profile
from migprofile.report.data import ReportData
from migprofile.report.i18n import localizer
from migprofile.report.sections import SECTIONS
from migprofile.report.sections.common import partner_bars
from migprofile.warehouse import Warehouse


def report_data(root):
    with Warehouse.open(root / "warehouse.duckdb", read_only=True) as warehouse:
        return ReportData.load(Profile.load(root), warehouse)


def test_a_break_in_a_series_is_flagged_in_the_annex_and_on_the_chart(built_profile):
    data = report_data(built_profile)
    found = [(b.before_year, b.before, b.after_year, b.after)
             for b in data.breaks("refugees_abroad")]
    assert ("2021", 317737, "2022", 17507) in found
    en = (built_profile / "out" / "en" / "profile.html").read_text(encoding="utf-8")
    annex = en[en.index("Breaks in series"):]
    assert "317,737 in 2021, then 17,507 in 2022" in annex
    section = SECTIONS["forced_migration"](data, localizer("en"))
    figure = next(b for b in section.blocks if "Refugees and asylum-seekers" in b.title)
    assert "Break in series (Refugees from the country (all countries of asylum)): 317,737 in " \
        "2021, then 17,507 in 2022; see the annex." in figure.note
    lines = [layer for layer in figure.chart["layer"] if layer["mark"]["type"] == "line"]
    assert lines[0]["encoding"]["detail"] == {"field": "segment", "type": "nominal"}
    points = {(p["series"], p["year"]): p["segment"]
              for p in figure.chart["datasets"][lines[0]["data"]["name"]]}
    refugees = "Refugees from the country (all countries of asylum)"
    assert (points[(refugees, 2021)], points[(refugees, 2022)]) == (0, 1)
    rules = [layer for layer in figure.chart["layer"] if layer["mark"]["type"] == "rule"]
    assert rules and {"year": 2021.5, "label": "break in series"} in \
        figure.chart["datasets"][rules[0]["data"]["name"]]


def test_the_break_rule_is_a_setting(built_profile):
    data = report_data(built_profile)
    data.profile.settings.report.break_factor = 20.0
    assert not [b for b in data.breaks("refugees_abroad") if b.after_year == "2022"]


def test_unknown_and_other_partners_are_never_ranked_among_the_top_countries(built_profile):
    data = report_data(built_profile)
    rows = [("OOO", 900), ("_O", 800), ("_U", 700), ("UNK", 600), ("XXX", 500), ("USA", 300),
            ("JPN", 200), ("XON", 100)]
    data.values = pd.DataFrame([{
        "indicator": "emigrant_stock_by_destination", "ref_area": "VNM",
        "counterpart_area": code, "time_period": "2024", "sex": "_T", "value": value,
        "unit": "persons", "source": "undesa_ims", "revision": "2024", "conf_status": "F"}
        for code, value in rows])
    top = data.top_partners("emigrant_stock_by_destination", year="2024", n=3)
    assert list(top.counterpart_area) == ["USA", "JPN"]
    figure = partner_bars(data, localizer("en"), "emigrant_stock_by_destination",
                          title="{year}")
    labels = [v["label"] for v in next(iter(figure.chart["datasets"].values()))]
    assert labels == ["United States", "Japan"]


def test_values_carry_no_float_noise(built_profile):
    with (built_profile / "out" / "indicators.csv").open(encoding="utf-8") as handle:
        values = {(r["indicator"], r["time_period"]): r["value"] for r in csv.DictReader(handle)
                  if r["counterpart_area"] == "_Z" and r["sex"] == "_T"}
    assert values[("remittance_inflows_knomad_usd", "2021")] == "18060000000"
    assert values[("population", "1950")] == "25100734"
    assert values[("emigration_rate", "1990")] == "1.69363343035372"
