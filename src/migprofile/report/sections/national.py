"""Sections fed by national administrative data; each is shown only when its data exist.

Every figure is an indicator computed from the imported files; each year comes from the
latest revision covering it, and the tables say which revision that was.
"""

from __future__ import annotations

import pandas as pd
from babel.lists import format_list

from migprofile.codes.totals import Share
from migprofile.indicators import REGISTRY
from migprofile.indicators.national import NATIONAL_SOURCES
from migprofile.report import charts
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Callout, Figure, Section, Table
from migprofile.report.sections.common import (
    format_by_unit,
    indicator_name,
    indicator_note,
    partner_bars,
)

__all__ = [
    "build_diaspora",
    "build_foreign_workers",
    "build_labour_migration",
    "build_returns",
    "build_students_abroad",
    "build_support_centres",
    "build_trafficking",
]


def _has(data: ReportData, *indicators: str) -> bool:
    return any(not data.rows(key, sex=None, partner=None).empty for key in indicators)


def year_bars(data: ReportData, loc: Localizer, indicator: str, *,
              title: str) -> Figure | None:
    """One bar per year, the figure written beside it."""
    series = data.series(indicator)
    if series.empty:
        return None
    df = pd.DataFrame({"label": list(series.index), "value": series.to_numpy()})
    unit = REGISTRY[indicator].unit
    return Figure(title, charts.bar_chart(df, x_title=_unit_title(unit, loc)),
                  indicator_note(data, loc, indicator))


def _unit_title(unit: str, loc: Localizer) -> str:
    return {"persons": loc._("persons"), "consultations": loc._("consultations"),
            "associations": loc._("associations")}[unit]


def people_noun(indicator: str, loc: Localizer) -> str:
    """Who a national indicator counts, as the sentence on a share's base names them."""
    return {
        "LABOUR_DEPLOYMENTS": loc._("workers"), "LABOUR_STOCK_ABROAD": loc._("workers"),
        "WORK_PERMITS_FOREIGNERS": loc._("permit holders"),
        "CONSULAR_REGISTRATIONS": loc._("citizens"), "STUDENTS_ABROAD": loc._("students"),
        "RETURNEES": loc._("returnees"), "TRAFFICKING_VICTIMS": loc._("victims"),
    }.get(NATIONAL_SOURCES.get(indicator, ""), loc._("persons"))


def women_text(share: Share, loc: Localizer, indicator: str) -> str:
    """'38.5% women: 15,000 of the 39,000 workers whose sex was recorded' where the base is
    not the whole total; '38.5% of them women' where it is."""
    if share.whole:
        return loc._(" ({share} of them women)").format(share=loc.percent(share.percent))
    return loc._(" ({share} women: {women} of the {base} {people} whose sex was "
                 "recorded)").format(share=loc.percent(share.percent),
                                     women=loc.integer(share.part),
                                     base=loc.integer(share.base),
                                     people=people_noun(indicator, loc))


def year_table(data: ReportData, loc: Localizer, indicator: str, *, title: str,
               extra: tuple[str, str] | None = None) -> Table | None:
    """By year: total, women, men, the share of women, and the revision used; a share
    taken only on the figures whose sex was recorded says so under the table."""
    totals = data.series(indicator)
    if totals.empty:
        return None
    women, men = data.series(indicator, sex="F"), data.series(indicator, sex="M")
    revisions = data.revisions(indicator)
    extra_series = data.series(extra[0]) if extra else None
    rows, partial = [], []
    for year in sorted(set(totals.index) | set(women.index)):
        total = totals.get(year)
        share = data.women(indicator, year)
        if share is not None and not share.whole:
            partial.append(loc._("Women (%) in {year}: {women} of the {base} {people} whose "
                                 "sex was recorded.").format(
                year=year, women=loc.integer(share.part), base=loc.integer(share.base),
                people=people_noun(indicator, loc)))
        row = [year, loc.integer(total), loc.integer(women.get(year)), loc.integer(men.get(year)),
               loc.percent(share.percent if share else None)]
        if extra_series is not None:
            row.append(loc.integer(extra_series.get(year)))
        rows.append([*row, revisions.get(year, "")])
    columns = [loc._("Year"), loc._("Total"), loc._("Women"), loc._("Men"), loc._("Women (%)")]
    if extra:
        columns.append(extra[1])
    columns.append(loc._("Revision"))
    note = " ".join([*partial, indicator_note(data, loc, indicator)])
    return Table(title, columns, rows, note,
                 numeric=[False, *[True] * (len(columns) - 2), False])


def _top_text(data: ReportData, loc: Localizer, indicator: str) -> tuple[str, str]:
    year = data.latest_year(indicator)
    if year is None:
        return "", ""
    top = data.top_partners(indicator, year=year, n=3)
    items = [f"{loc.country(c)} ({loc.integer(v)})"
             for c, v in zip(top.counterpart_area, top.value, strict=True)]
    return year, format_list(items, locale=loc.locale) if items else ""


def _latest_sentence(data: ReportData, loc: Localizer, indicator: str,
                     template: str) -> str:
    latest = data.latest(indicator)
    if latest is None:
        return ""
    year, value = latest
    share = data.women(indicator, year)
    women = women_text(share, loc, indicator) if share is not None and share.base else ""
    return template.format(year=year, number=loc.integer(value), women=women,
                           country=loc.country(data.country))


def _partners_sentence(data: ReportData, loc: Localizer, indicator: str,
                       template: str) -> str:
    year, partners = _top_text(data, loc, indicator)
    return template.format(year=year, partners=partners) if partners else ""


def _section(section_id: str, title: str, intro: list[str], blocks: list) -> Section:
    return Section(section_id, title, [" ".join(s for s in intro if s)],
                   [b for b in blocks if b is not None])


def build_labour_migration(data: ReportData, loc: Localizer) -> Section | None:
    if not _has(data, "labour_deployments", "labour_stock_abroad"):
        return None
    intro = [
        _latest_sentence(data, loc, "labour_deployments", loc._(
            "In {year}, {number} workers left {country} to work abroad under contract{women}.")),
        _partners_sentence(data, loc, "labour_deployments_by_destination", loc._(
            "The main destinations in {year} were {partners}.")),
        _latest_sentence(data, loc, "labour_stock_abroad", loc._(
            "At the end of {year}, {number} workers of {country} were working abroad{women}.")),
    ]
    blocks = [
        year_bars(data, loc, "labour_deployments",
                  title=loc._("Workers deployed abroad under contract, by year")),
        year_table(data, loc, "labour_deployments",
                   title=loc._("Workers deployed abroad under contract")),
        partner_bars(data, loc, "labour_deployments_by_destination",
                     title=loc._("Workers deployed abroad by country of destination, {year}")),
        year_bars(data, loc, "labour_stock_abroad",
                  title=loc._("Workers working abroad, by year")),
        partner_bars(data, loc, "labour_stock_abroad_by_country",
                     title=loc._("Workers working abroad by country, {year}")),
    ]
    return _section("labour_migration", loc._("Labour migration"), intro, blocks)


def build_foreign_workers(data: ReportData, loc: Localizer) -> Section | None:
    if not _has(data, "work_permits_foreigners"):
        return None
    intro = [
        _latest_sentence(data, loc, "work_permits_foreigners", loc._(
            "In {year}, {number} work permits were issued to foreign nationals working in "
            "{country}{women}.")),
        _partners_sentence(data, loc, "work_permits_by_citizenship", loc._(
            "The largest groups by citizenship in {year} were {partners}.")),
    ]
    blocks = [
        year_bars(data, loc, "work_permits_foreigners",
                  title=loc._("Work permits issued to foreign nationals, by year")),
        year_table(data, loc, "work_permits_foreigners",
                   title=loc._("Work permits issued to foreign nationals")),
        partner_bars(data, loc, "work_permits_by_citizenship",
                     title=loc._("Work permits issued by citizenship, {year}")),
    ]
    return _section("foreign_workers", loc._("Foreign workers in the country"), intro, blocks)


def _two_concepts(data: ReportData, loc: Localizer) -> Callout | None:
    """Diaspora and emigrant stock side by side, as the distinct concepts they are."""
    rows = []
    for indicator in ("diaspora", "diaspora_citizens", "consular_registrations",
                      "emigrant_stock"):
        latest = data.latest(indicator)
        if latest is not None:
            rows.append([indicator_name(indicator, loc), latest[0],
                         format_by_unit(latest[1], REGISTRY[indicator].unit, loc)])
    if not any(r[0] == indicator_name("diaspora", loc) for r in rows) and \
            not any(r[0] == indicator_name("diaspora_citizens", loc) for r in rows):
        return None
    table = Table(loc._("Diaspora and emigrant stock: different concepts"),
                  [loc._("Concept"), loc._("Year"), loc._("Number")], rows,
                  indicator_note(data, loc, "diaspora", "diaspora_citizens",
                                 "consular_registrations", "emigrant_stock"),
                  numeric=[False, False, True], widths=[5, 1, 2])
    paragraphs = [
        loc._("The diaspora, as the country's authorities count it, includes people of "
              "national origin born abroad and those who have taken another citizenship. The "
              "emigrant stock of UN DESA counts people born in the country who live abroad. "
              "Consular registrations count only the citizens who registered."),
        loc._("The figures answer different questions, so they differ and are never added up "
              "or compared as one series."),
    ]
    return Callout(loc._("Diaspora is not the emigrant stock"), paragraphs, table)


def build_diaspora(data: ReportData, loc: Localizer) -> Section | None:
    if not _has(data, "diaspora", "diaspora_citizens", "diaspora_associations",
                "consular_registrations"):
        return None
    intro = [
        _latest_sentence(data, loc, "diaspora", loc._(
            "In {year}, the authorities counted {number} persons of {country} origin living "
            "abroad.")),
        _latest_sentence(data, loc, "consular_registrations", loc._(
            "At the end of {year}, {number} citizens were registered at the country's "
            "embassies and consulates{women}.")),
    ]
    blocks = [
        _two_concepts(data, loc),
        partner_bars(data, loc, "diaspora_by_country",
                     title=loc._("Diaspora by country of residence, {year}")),
        year_bars(data, loc, "consular_registrations",
                  title=loc._("Citizens registered at consulates, by year")),
        partner_bars(data, loc, "consular_registrations_by_country",
                     title=loc._("Citizens registered at consulates by country, {year}")),
        year_bars(data, loc, "diaspora_associations",
                  title=loc._("Diaspora associations, by year")),
    ]
    return _section("diaspora", loc._("Diaspora"), intro, blocks)


def build_students_abroad(data: ReportData, loc: Localizer) -> Section | None:
    if not _has(data, "students_abroad"):
        return None
    intro = [
        _latest_sentence(data, loc, "students_abroad", loc._(
            "In {year}, {number} students from {country} were studying abroad{women}.")),
        _partners_sentence(data, loc, "students_abroad_by_country", loc._(
            "The main countries of study in {year} were {partners}.")),
    ]
    blocks = [
        year_bars(data, loc, "students_abroad", title=loc._("Students abroad, by year")),
        year_table(data, loc, "students_abroad", title=loc._("Students abroad")),
        partner_bars(data, loc, "students_abroad_by_country",
                     title=loc._("Students abroad by country of study, {year}")),
    ]
    return _section("students_abroad", loc._("Students abroad"), intro, blocks)


def build_returns(data: ReportData, loc: Localizer) -> Section | None:
    if not _has(data, "returnees"):
        return None
    intro = [
        _latest_sentence(data, loc, "returnees", loc._(
            "In {year}, {number} citizens returned to {country} from abroad{women}.")),
        _partners_sentence(data, loc, "returnees_by_country", loc._(
            "Most returned from {partners} ({year}).")),
    ]
    blocks = [
        year_bars(data, loc, "returnees", title=loc._("Returnees, by year")),
        year_table(data, loc, "returnees", title=loc._("Returnees"),
                   extra=("returnees_assisted", loc._("Assisted"))),
        partner_bars(data, loc, "returnees_by_country",
                     title=loc._("Returnees by country returned from, {year}")),
    ]
    return _section("returns", loc._("Return migration"), intro, blocks)


def build_trafficking(data: ReportData, loc: Localizer) -> Section | None:
    if not _has(data, "trafficking_victims"):
        return None
    intro = [
        _latest_sentence(data, loc, "trafficking_victims", loc._(
            "In {year}, {number} victims of trafficking in persons were identified{women}.")),
        _partners_sentence(data, loc, "trafficking_victims_by_country", loc._(
            "The main countries of exploitation in {year} were {partners}.")),
        loc._("Identified victims are those known to the authorities; the true number is "
              "higher."),
    ]
    blocks = [
        year_bars(data, loc, "trafficking_victims",
                  title=loc._("Victims of trafficking identified, by year")),
        year_table(data, loc, "trafficking_victims",
                   title=loc._("Victims of trafficking identified")),
        partner_bars(data, loc, "trafficking_victims_by_country",
                     title=loc._("Victims of trafficking by country of exploitation, {year}")),
    ]
    return _section("trafficking", loc._("Trafficking in persons"), intro, blocks)


def build_support_centres(data: ReportData, loc: Localizer) -> Section | None:
    if not _has(data, "support_centre_consultations"):
        return None
    intro = [
        _latest_sentence(data, loc, "support_centre_consultations", loc._(
            "In {year}, support centres for migrants gave {number} consultations.")),
    ]
    blocks = [
        year_bars(data, loc, "support_centre_consultations",
                  title=loc._("Consultations of migrant support centres, by year")),
        partner_bars(data, loc, "support_centre_consultations_by_country",
                     title=loc._("Consultations by country of the centre, {year}"),
                     x_title=loc._("consultations")),
    ]
    return _section("support_centres", loc._("Support centres for migrants"), intro, blocks)
