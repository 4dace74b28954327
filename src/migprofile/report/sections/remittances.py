"""Remittances: what the declared section (``indicators/remittances.toml``) computes in
code: the introduction, and why the two sources give different totals (shown side by side,
never merged)."""

from __future__ import annotations

from migprofile.indicators import compare_sources
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Callout, Table
from migprofile.report.sections.common import indicator_note
from migprofile.report.sections.national import special_block, special_intro


@special_intro("remittances")
def intro(data: ReportData, loc: Localizer) -> list[str]:
    latest = data.latest("remittance_inflows_usd")
    if latest is None:
        return [loc._("The World Bank publishes no remittance inflows for the country.")]
    year, value = latest
    share = data.value("remittance_inflows_pct_gdp", year)
    text = loc._("In {year}, {country} received {amount} in personal remittances, according to "
                 "the World Bank.").format(year=year, country=loc.country(data.country),
                                           amount=loc.usd_millions(value))
    if share is not None:
        text += " " + loc._("This was {share} of its gross domestic product.").format(
            share=loc.percent(share))
        text += " " + loc._("Remittances as a share of GDP are SDG indicator 17.3.2.")
    return [text]


@special_block("remittance_sources")
def two_sources(data: ReportData, loc: Localizer) -> Callout | None:
    threshold = data.settings.report.disagreement_pct
    found = [c for c in compare_sources(data.values, threshold_pct=threshold)
             if c.id == "remittance_inflows"]
    if not found:
        return None
    c = found[0]
    rows = [
        [loc._("World Bank (WDI), balance of payments"), c.first_year,
         loc.usd_millions(c.first_value)],
        [loc._("KNOMAD Bilateral Remittance Matrix (model estimate)"), c.second_year,
         loc.usd_millions(c.second_value)],
        [loc._("Difference (KNOMAD minus WDI)"), "", loc.usd_millions(c.difference)
         + (f" ({loc.percent(c.relative_pct)})" if c.relative_pct is not None else "")],
    ]
    table = Table(loc._("Remittance inflows in the two sources"),
                  [loc._("Source"), loc._("Year"), loc._("Amount")], rows,
                  indicator_note(data, loc, c.first, c.second), numeric=[False, False, True],
                  widths=[5, 1, 3])
    paragraphs = [
        loc._("The World Bank's series records the remittances that the country's balance of "
              "payments shows. KNOMAD's matrix is a model: it spreads each country's "
              "remittances over sending countries in proportion to migrant stocks and incomes, "
              "and it was built from an earlier release of balance-of-payments data."),
        loc._("The two totals therefore differ and are never added or averaged here. Use the "
              "World Bank figure for totals and trends, and KNOMAD only for the split by "
              "sending country."),
    ]
    return Callout(loc._("Two sources, two figures"), paragraphs, table)
