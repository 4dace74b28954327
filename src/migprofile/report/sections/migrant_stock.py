"""Immigration and emigration: what their declared sections (``indicators/migrant_stock.toml``)
compute in code.

The introduction of each says the latest stock with the share of women, the rate of the
same year or before, and the largest partners; immigration adds what UN DESA's estimates
for the country rest on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from babel.lists import format_list

from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.sections.national import special_intro


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs (``make catalogs`` extracts it); it is translated
    where it is said."""
    return message


@dataclass(frozen=True)
class Stock:
    """The indicators of one direction of migration and the sentences about them."""

    total: str
    by_partner: str
    female_share: str
    rate: str
    said: str
    rate_said: str
    partners_said: str


IMMIGRATION = Stock(
    "immigrant_stock", "immigrant_stock_by_origin", "female_share_immigrants",
    "immigrants_pct_population",
    N_("In {year}, {country} hosted {total} international migrants; {share} of them were "
       "women."),
    N_("Immigrants made up {rate} of the population in {rate_year}."),
    N_("The largest groups came from {partners}."))
EMIGRATION = Stock(
    "emigrant_stock", "emigrant_stock_by_destination", "female_share_emigrants",
    "emigration_rate",
    N_("In {year}, {total} people born in {country} lived abroad; {share} of them were "
       "women."),
    N_("The emigration rate was {rate} in {rate_year}."),
    N_("The main countries of destination were {partners}."))


def _top_partners_text(data: ReportData, loc: Localizer, stock: Stock, year: str) -> str:
    top = data.top_partners(stock.by_partner, year=year, n=3)
    items = [f"{loc.country(c)} ({loc.integer(v)})" for c, v in zip(top.counterpart_area,
                                                                    top.value, strict=True)]
    return format_list(items, locale=loc.locale) if items else ""


def stock_intro(stock: Stock, data: ReportData, loc: Localizer) -> list[str]:
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
    sentences = [
        loc._(stock.said),
        loc._(stock.rate_said) if rate else "",
        loc._(stock.partners_said) if values["partners"] else "",
    ]
    return [" ".join(s.format(**values) for s in sentences if s)]


special_intro("immigration")(partial(stock_intro, IMMIGRATION))
special_intro("emigration")(partial(stock_intro, EMIGRATION))


@special_intro("undesa_data_types")
def data_type_note(data: ReportData, loc: Localizer) -> list[str]:
    """What UN DESA's estimates for the country rest on, as its data-type flags say."""
    source = data.source("undesa_ims")
    flags = data.data_types.get(source.revision if source else "", {})
    if not flags:
        return []
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
    return [" ".join(parts)] if parts else []
