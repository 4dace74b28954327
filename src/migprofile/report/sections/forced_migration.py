"""Forced migration: refugees and asylum-seekers from the country, refugees it hosts,
internally displaced and stateless people (UNHCR)."""

from __future__ import annotations

from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section
from migprofile.report.sections.common import line_figure, partner_bars

ID = "forced_migration"


def _sentence(data: ReportData, loc: Localizer, indicator: str, template: str) -> str | None:
    latest = data.latest(indicator)
    if latest is None or latest[1] == 0:
        return None
    return template.format(year=latest[0], number=loc.integer(latest[1]),
                           country=loc.country(data.country))


def _intro(data: ReportData, loc: Localizer) -> list[str]:
    sentences = [
        _sentence(data, loc, "refugees_abroad",
                  loc._("At the end of {year}, {number} refugees from {country} were hosted "
                        "in other countries.")),
        _sentence(data, loc, "asylum_seekers_abroad",
                  loc._("{number} asylum-seekers from {country} awaited a decision at the end "
                        "of {year}.")),
        _sentence(data, loc, "refugees_hosted_total",
                  loc._("{country} hosted {number} refugees at the end of {year}.")),
        _sentence(data, loc, "internally_displaced",
                  loc._("UNHCR counted {number} internally displaced persons in {year}.")),
        _sentence(data, loc, "stateless_persons",
                  loc._("UNHCR counted {number} stateless persons in {country} in {year}.")),
    ]
    found = [s for s in sentences if s]
    return found or [loc._("UNHCR reports no refugees, asylum-seekers, internally displaced or "
                           "stateless persons for the country.")]


def build(data: ReportData, loc: Localizer) -> Section:
    blocks = [
        line_figure(data, loc, ["refugees_abroad", "asylum_seekers_abroad"],
                    title=loc._("Refugees and asylum-seekers from the country"),
                    y_title=loc._("persons")),
        partner_bars(data, loc, "refugees_by_origin",
                     title=loc._("Main countries of asylum of refugees from the country, "
                                 "{year}")),
        line_figure(data, loc, ["refugees_hosted_total"],
                    title=loc._("Refugees hosted by the country"), y_title=loc._("persons")),
        partner_bars(data, loc, "refugees_hosted",
                     title=loc._("Main countries of origin of refugees hosted, {year}")),
    ]
    return Section(ID, loc._("Forced migration"), _intro(data, loc), [b for b in blocks if b])
