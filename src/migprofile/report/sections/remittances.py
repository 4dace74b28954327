"""Remittances: WDI totals and shares of GDP, KNOMAD's split by sending country, and why the
two sources give different totals (shown side by side, never merged)."""

from __future__ import annotations

from migprofile.indicators import compare_sources
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Callout, Section, Table
from migprofile.report.sections.common import indicator_note, line_figure, partner_bars

ID = "remittances"


def _intro(data: ReportData, loc: Localizer) -> list[str]:
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


def _two_sources(data: ReportData, loc: Localizer) -> Callout | None:
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


def build(data: ReportData, loc: Localizer) -> Section:
    blocks = [
        line_figure(data, loc, ["remittance_inflows_usd", "remittance_outflows_usd"],
                    title=loc._("Personal remittances, US$ million"),
                    y_title=loc._("US$ million"), scale=1e6),
        line_figure(data, loc, ["remittance_inflows_pct_gdp"],
                    title=loc._("Remittance inflows as a share of GDP (%)"),
                    y_title="%", value_format=",.1f"),
        partner_bars(data, loc, "remittance_inflows_by_sender_usd",
                     title=loc._("Main sending countries of remittances (KNOMAD estimate), "
                                 "{year}, US$ million"),
                     scale=1e6, x_title=loc._("US$ million"), value_format=",.1f"),
        _two_sources(data, loc),
    ]
    return Section(ID, loc._("Remittances"), _intro(data, loc), [b for b in blocks if b])
