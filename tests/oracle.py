"""An independent re-computation of the indicators, straight from the bundled CSV files.

Written with the csv module and dictionaries only, deliberately sharing no code with
migprofile, so that a test comparing the two catches a mistake in either.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "migprofile" / "data" / "international"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def undesa(revision: str = "2024") -> list[dict]:
    return _rows(f"undesa_ims{revision}_bilateral_by_sex.csv")


@cache
def wdi() -> dict[tuple[str, str, str], float]:
    table = {}
    for row in _rows("wdi_country_indicators_1950_2023.csv"):
        code = "XCX" if row["iso3"] == "CHI" else row["iso3"]
        table[(code, row["indicator"], row["year"])] = float(row["value"])
    return table


@cache
def unhcr() -> list[dict]:
    return _rows("unhcr_forcibly_displaced_1990_2024.csv")


@cache
def knomad_brm() -> list[dict]:
    return _rows("knomad_brm2021_long.csv")


@cache
def knomad_bmm() -> list[dict]:
    return _rows("knomad_bmm2021_long.csv")


SEX_COLUMNS = {"_T": "total", "F": "female", "M": "male"}


def _stock(country: str, side: str, revision: str):
    """(year, sex, partner) -> sum, for immigrants (side=dest) or emigrants (side=origin)."""
    own, other = ("dest_iso3", "origin_iso3") if side == "dest" else ("origin_iso3", "dest_iso3")
    sums: dict = defaultdict(float)
    for row in undesa(revision):
        if row[own] != country:
            continue
        for sex, column in SEX_COLUMNS.items():
            sums[(row["year"], sex, row[other])] += float(row[column])
    return sums


def _total(by_partner: dict) -> dict:
    out: dict = defaultdict(float)
    for (year, sex, _), value in by_partner.items():
        out[(year, sex)] += value
    return out


def expected(country: str, revision: str = "2024") -> dict[tuple, float]:
    """(indicator, counterpart_area, time_period, sex) -> value, for every indicator."""
    result: dict[tuple, float] = {}
    imm, emi = _stock(country, "dest", revision), _stock(country, "origin", revision)
    for name, by_partner in (("immigrant_stock", imm), ("emigrant_stock", emi)):
        totals = _total(by_partner)
        for (year, sex), value in totals.items():
            result[(name, "_Z", year, sex)] = value
        partner_name = {"immigrant_stock": "immigrant_stock_by_origin",
                        "emigrant_stock": "emigrant_stock_by_destination"}[name]
        for (year, sex, partner), value in by_partner.items():
            result[(partner_name, partner, year, sex)] = value
        share = {"immigrant_stock": "female_share_immigrants",
                 "emigrant_stock": "female_share_emigrants"}[name]
        for (year, sex), value in totals.items():
            if sex == "_T" and value:
                result[(share, "_Z", year, "F")] = totals[(year, "F")] / value * 100
    w = wdi()
    series = {"population": "pop", "remittance_inflows_usd": "remin",
              "remittance_outflows_usd": "remout", "net_migration": "nmig"}
    for name, code in series.items():
        for (iso, indicator, year), value in w.items():
            if iso == country and indicator == code:
                result[(name, "_Z", year, "_T")] = value
    for (iso, indicator, year), value in w.items():
        if iso == country and indicator == "remin":
            gdp = w.get((country, "gdp", year))
            if gdp:
                result[("remittance_inflows_pct_gdp", "_Z", year, "_T")] = value / gdp * 100
    imm_t, emi_t = _total(imm), _total(emi)
    for (year, sex), value in imm_t.items():
        pop = w.get((country, "pop", year))
        if sex == "_T" and pop:
            result[("immigrants_pct_population", "_Z", year, "_T")] = value / pop * 100
    for (year, sex), value in emi_t.items():
        pop = w.get((country, "pop", year))
        if sex == "_T" and pop is not None and value + pop:
            result[("emigration_rate", "_Z", year, "_T")] = value / (value + pop) * 100
    _unhcr(country, result)
    _knomad(country, result)
    _world_and_region(country, revision, result)
    for (iso, indicator, year), value in w.items():
        pop = w.get((country, "pop", year))
        if iso == country and indicator == "nmig" and pop:
            result[("net_migration_rate", "_Z", year, "_T")] = value / pop * 1000
    return result


@cache
def subregions() -> dict[str, str]:
    """Country code -> M49 sub-region code, as the bundled table writes it (``35.0``)."""
    return {row["iso3"]: row["subregion_code"]
            for row in _rows("countrynames_iso3_m49_regions.csv") if row["subregion_code"]}


def _world_and_region(country: str, revision: str, result: dict) -> None:
    """Migrants living anywhere, and in the countries of the country's sub-region, with
    their shares of the population summed over the same countries."""
    region = subregions().get(country)
    for name, inside in (("world", lambda code: True),
                         ("region", lambda code: region is not None
                          and subregions().get(code) == region)):
        stock: dict = defaultdict(float)
        for row in undesa(revision):
            if inside(row["dest_iso3"]):
                for sex, column in SEX_COLUMNS.items():
                    stock[(row["year"], sex)] += float(row[column])
        pop: dict = defaultdict(float)
        for (iso, indicator, year), value in wdi().items():
            if indicator == "pop" and inside(iso):
                pop[year] += value
        for (year, sex), value in stock.items():
            result[(f"{name}_migrant_stock", "_Z", year, sex)] = value
            if sex == "_T" and pop.get(year):
                result[(f"{name}_migrants_pct_population", "_Z", year, "_T")] = \
                    value / pop[year] * 100


def _unhcr(country: str, result: dict) -> None:
    def add(key, value):
        result[key] = result.get(key, 0.0) + value

    for row in unhcr():
        year = row["year"]
        for column, from_name, total_name in (("refugee", "refugees_by_origin",
                                               "refugees_abroad"),
                                              ("asylum", "asylum_seekers_by_origin",
                                               "asylum_seekers_abroad")):
            if row[column] and row["origin_iso3"] == country:
                add((from_name, row["asylum_iso3"], year, "_T"), float(row[column]))
                add((total_name, "_Z", year, "_T"), float(row[column]))
        if row["asylum_iso3"] != country:
            continue
        if row["refugee"]:
            add(("refugees_hosted", row["origin_iso3"], year, "_T"), float(row["refugee"]))
            add(("refugees_hosted_total", "_Z", year, "_T"), float(row["refugee"]))
        if row["idp"]:
            add(("internally_displaced", "_Z", year, "_T"), float(row["idp"]))
        if row["stateless"]:
            add(("stateless_persons", "_Z", year, "_T"), float(row["stateless"]))
    w = wdi()
    for (name, _, year, _), value in list(result.items()):
        if name == "refugees_abroad":
            pop = w.get((country, "pop", year))
            if pop:
                result[("refugees_per_100k_population", "_Z", year, "_T")] = value / pop * 1e5


def _knomad(country: str, result: dict) -> None:
    for row in knomad_brm():
        if row["receiving_country_iso3"] == country and row["sending_country_iso3"]:
            value = float(row["usd_million"]) * 1e6
            key = ("remittance_inflows_by_sender_usd", row["sending_country_iso3"], "2021", "_T")
            result[key] = result.get(key, 0.0) + value
            total = ("remittance_inflows_knomad_usd", "_Z", "2021", "_T")
            result[total] = result.get(total, 0.0) + value
    for row in knomad_bmm():
        if row["origin_country_iso3"] == country and row["destination_country"] != "World":
            key = ("emigrant_stock_knomad", "_Z", "2021", "_T")
            result[key] = result.get(key, 0.0) + float(row["migrants"])
