"""Key figures: the headline numbers of the profile, each with its year and source."""

from __future__ import annotations

from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section
from migprofile.report.sections.common import key_figure

ID = "key_figures"


def _percent_detail(data: ReportData, loc: Localizer, indicator: str, template: str) -> str:
    latest = data.latest(indicator)
    if latest is None:
        return ""
    return template.format(value=loc.percent(latest[1]), year=latest[0])


def build(data: ReportData, loc: Localizer) -> Section:
    figures = [
        key_figure(data, loc, "population", label=loc._("Population")),
        key_figure(data, loc, "immigrant_stock", label=loc._("Immigrants"),
                   detail=_percent_detail(data, loc, "immigrants_pct_population",
                                          loc._("{value} of the population in {year}"))),
        key_figure(data, loc, "emigrant_stock", label=loc._("Emigrants"),
                   detail=_percent_detail(data, loc, "emigration_rate",
                                          loc._("emigration rate {value} in {year}"))),
        key_figure(data, loc, "female_share_emigrants", sex="F",
                   label=loc._("Women among emigrants")),
        key_figure(data, loc, "remittance_inflows_usd", label=loc._("Remittance inflows"),
                   detail=_percent_detail(data, loc, "remittance_inflows_pct_gdp",
                                          loc._("{value} of GDP in {year}"))),
        key_figure(data, loc, "net_migration", label=loc._("Net migration")),
        key_figure(data, loc, "net_migration_rate",
                   label=loc._("Net migration rate (per 1,000 population)")),
        key_figure(data, loc, "refugees_abroad", label=loc._("Refugees from the country")),
        key_figure(data, loc, "refugees_hosted_total", label=loc._("Refugees hosted")),
    ]
    intro = [loc._("The latest value of each headline indicator, with the year it refers to. "
                   "Figures from different sources refer to different years and definitions; "
                   "the annex gives every definition and source.")]
    return Section(ID, loc._("Key figures"), intro, [figures])
