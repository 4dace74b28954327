"""Immigration and emigration: migrant stocks over time, by sex, by partner country."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list

from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section, Table
from migprofile.report.sections.common import (
    indicator_note,
    partner_bars,
    partner_table,
    sex_bars,
)


@dataclass(frozen=True)
class Stock:
    """The indicators of one direction of migration."""

    section: str
    total: str
    by_partner: str
    female_share: str
    rate: str


IMMIGRATION = Stock("immigration", "immigrant_stock", "immigrant_stock_by_origin",
                    "female_share_immigrants", "immigrants_pct_population")
EMIGRATION = Stock("emigration", "emigrant_stock", "emigrant_stock_by_destination",
                   "female_share_emigrants", "emigration_rate")


def _top_partners_text(data: ReportData, loc: Localizer, stock: Stock, year: str) -> str:
    top = data.top_partners(stock.by_partner, year=year, n=3)
    items = [f"{loc.country(c)} ({loc.integer(v)})" for c, v in zip(top.counterpart_area,
                                                                    top.value, strict=True)]
    return format_list(items, locale=loc.locale) if items else ""


def _intro(data: ReportData, loc: Localizer, stock: Stock) -> list[str]:
    latest = data.latest(stock.total)
    if latest is None:
        return [loc._("UN DESA publishes no estimate of this stock for the country.")]
    year, total = latest
    rate = data.latest(stock.rate, until=year)
    values = {
        "year": year,
        "country": loc.country(data.country),
        "total": loc.integer(total),
        "share": loc.percent(data.value(stock.female_share, year, sex="F")),
        "partners": _top_partners_text(data, loc, stock, year),
        "rate": loc.percent(rate[1]) if rate else "",
        "rate_year": rate[0] if rate else "",
    }
    if stock is IMMIGRATION:
        sentences = [
            loc._("In {year}, {country} hosted {total} international migrants; {share} of "
                  "them were women."),
            loc._("Immigrants made up {rate} of the population in {rate_year}.") if rate else "",
            loc._("The largest groups came from {partners}.") if values["partners"] else "",
        ]
    else:
        sentences = [
            loc._("In {year}, {total} people born in {country} lived abroad; {share} of them "
                  "were women."),
            loc._("The emigration rate was {rate} in {rate_year}.") if rate else "",
            loc._("The main countries of destination were {partners}.")
            if values["partners"] else "",
        ]
    return [" ".join(s.format(**values) for s in sentences if s)]


def _year_table(data: ReportData, loc: Localizer, stock: Stock, title: str,
                rate_heading: str) -> Table | None:
    totals = data.series(stock.total)
    if totals.empty:
        return None
    women, men = data.series(stock.total, sex="F"), data.series(stock.total, sex="M")
    share = data.series(stock.female_share, sex="F")
    rate = data.series(stock.rate)
    rows = [[year, loc.integer(totals[year]), loc.integer(women.get(year)),
             loc.integer(men.get(year)), loc.percent(share.get(year)),
             loc.percent(rate.get(year))] for year in totals.index]
    columns = [loc._("Year"), loc._("Total"), loc._("Women"), loc._("Men"),
               loc._("Women (%)"), rate_heading]
    return Table(title, columns, rows,
                 indicator_note(data, loc, stock.total, stock.rate),
                 numeric=[False, True, True, True, True, True])


def _data_type_note(data: ReportData, loc: Localizer) -> str | None:
    source = data.source("undesa_ims")
    flags = data.data_types.get(source.revision if source else "", {})
    if not flags:
        return None
    parts = []
    if flags.get("b"):
        parts.append(loc._("UN DESA's estimates for this country are based on data on the "
                           "foreign-born population."))
    if flags.get("c"):
        parts.append(loc._("UN DESA's estimates for this country are based on data on foreign "
                           "citizens."))
    if flags.get("r"):
        parts.append(loc._("Refugees were added to the estimates."))
    if flags.get("i"):
        parts.append(loc._("No data were available: the estimates are imputed."))
    return " ".join(parts) or None


def build_immigration(data: ReportData, loc: Localizer) -> Section:
    stock = IMMIGRATION
    intro = _intro(data, loc, stock)
    note = _data_type_note(data, loc)
    if note:
        intro.append(note)
    blocks = [
        sex_bars(data, loc, stock.total, title=loc._("Immigrant stock by sex")),
        partner_bars(data, loc, stock.by_partner,
                     title=loc._("Main countries of origin of immigrants, {year}")),
        _year_table(data, loc, stock, loc._("Immigrant stock"),
                    loc._("Share of the population (%)")),
        partner_table(data, loc, stock.by_partner,
                      title=loc._("Immigrants by country of origin and sex, {year}"),
                      partner_heading=loc._("Country of origin")),
    ]
    return Section(stock.section, loc._("Immigration"), intro, [b for b in blocks if b])


def build_emigration(data: ReportData, loc: Localizer) -> Section:
    stock = EMIGRATION
    blocks = [
        sex_bars(data, loc, stock.total, title=loc._("Emigrant stock by sex")),
        partner_bars(data, loc, stock.by_partner,
                     title=loc._("Main countries of destination of emigrants, {year}")),
        _year_table(data, loc, stock, loc._("Emigrant stock"), loc._("Emigration rate (%)")),
        partner_table(data, loc, stock.by_partner,
                      title=loc._("Emigrants by country of destination and sex, {year}"),
                      partner_heading=loc._("Country of destination")),
    ]
    return Section(stock.section, loc._("Emigration"), _intro(data, loc, stock),
                   [b for b in blocks if b])
