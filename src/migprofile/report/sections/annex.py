"""Annex: sources, definitions, and data gaps (missing, stale, incomplete, disagreeing).

The data gaps and the sources that disagree are also listed in Part D (findings and
recommendations): both call :func:`gap_tables`."""

from __future__ import annotations

from migprofile.governance import AGREEMENTS_FILE, INSTITUTIONS_FILE, LAWS_FILE
from migprofile.indicators import REGISTRY, UNITS, compare_sources
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section, Table
from migprofile.report.sections.common import format_by_unit, indicator_name, series_breaks

ID = "annex"


def sources_table(data: ReportData, loc: Localizer) -> Table:
    rows = [[f"{s.title}\n{s.provider}", s.revision, loc.date(s.obtained), s.licence]
            for s in data.sources]
    columns = [loc._("Dataset and provider"), loc._("Revision"), loc._("Obtained"),
               loc._("Licence")]
    return Table(loc._("Sources"), columns, rows, loc._("The files and their checksums are "
                                                        "listed below the table."),
                 widths=[6, 1.5, 2, 2.5])


def files_table(data: ReportData, loc: Localizer) -> Table:
    rows = [[s.name, f"{s.path}\nsha256 {s.sha256}"] for s in data.sources]
    return Table(loc._("Source files"), [loc._("Source"), loc._("File and checksum")], rows,
                 loc._("A figure can be traced to its file and row: out/indicators.csv names "
                       "the source and revision of every value."), widths=[1, 4])


def definitions_table(data: ReportData, loc: Localizer) -> Table:
    rows = [[f"{item.name[loc.language]}\n{item.id}", item.definition[loc.language],
             UNITS[item.unit][loc.language], item.reference]
            for item in REGISTRY.values()]
    columns = [loc._("Indicator"), loc._("Definition"), loc._("Unit"), loc._("SDG / GCM")]
    return Table(loc._("Definitions"), columns, rows,
                 loc._("The second line of each indicator is its id in out/indicators.csv."),
                 widths=[3, 7, 1.5, 1.5])


def _gaps(data: ReportData, loc: Localizer) -> list[list[str]]:
    stale_before = data.edition_year - data.settings.report.stale_after_years
    held = {source.kind for source in data.sources}
    rows = _governance_gaps(data, loc)
    not_held = [item for item in REGISTRY.values() if not held & set(item.sources)]
    if not_held:
        rows.append([loc._("Sources not in this profile"),
                     loc._("No data for: {indicators}. Their sources (national data, border "
                           "crossings) have not been added to the profile.").format(
                         indicators=", ".join(indicator_name(i.id, loc) for i in not_held))])
    for item in REGISTRY.values():
        if item in not_held:
            continue
        name = indicator_name(item.id, loc)
        latest = data.latest_year(item.id)
        if latest is None:
            rows.append([name, loc._("No data for the country in {sources}.").format(
                sources=", ".join(item.sources))])
            continue
        if int(latest[:4]) < stale_before:
            rows.append([name, loc._("Stale: the latest value is for {year}.").format(
                year=latest)])
        if item.derived_from:
            have = set(data.rows(item.id, sex=None, partner=None).time_period)
            want = set(data.rows(item.derived_from, sex=None, partner=None).time_period)
            missing = sorted(want - have)
            if missing:
                rows.append([name, loc._("No value for {years}: {sources} lack data for "
                                         "those years.").format(years=", ".join(missing),
                                                                sources=", ".join(item.sources))])
    return rows


def _governance_gaps(data: ReportData, loc: Localizer) -> list[list[str]]:
    register = data.register
    name = loc._("Migration governance register")
    if register.empty:
        return [[name, loc._("No register of laws, institutions, agreements or GCM "
                             "implementation: the profile has no governance/ folder.")]]
    missing = [file for file, entries in ((LAWS_FILE, register.laws),
                                          (INSTITUTIONS_FILE, register.institutions),
                                          (AGREEMENTS_FILE, register.agreements))
               if not entries]
    rows = [[name, loc._("No entries in governance/{file}.").format(file=file)]
            for file in missing]
    if register.gcm is None or register.gcm.sdg_10_7_2 is None:
        rows.append([loc._("SDG 10.7.2 (migration governance)"),
                     loc._("No SDG 10.7.2 status in governance/gcm.toml.")])
    return rows


def _disagreements(data: ReportData, loc: Localizer) -> list[list[str]]:
    rows = []
    threshold = data.settings.report.disagreement_pct
    for c in compare_sources(data.values, threshold_pct=threshold):
        if not c.disagree:
            continue
        unit = REGISTRY[c.first].unit
        rows.append([
            indicator_name(c.first, loc),
            loc._("{first} ({first_year}) against {second} ({second_year}) in {other}: a "
                  "difference of {pct}, above the {threshold} threshold.").format(
                first=format_by_unit(c.first_value, unit, loc), first_year=c.first_year,
                second=format_by_unit(c.second_value, unit, loc), second_year=c.second_year,
                other=indicator_name(c.second, loc),
                pct=loc.percent(c.relative_pct) if c.relative_pct is not None else "–",
                threshold=loc.percent(threshold, 0)),
        ])
    return rows


def _revised(data: ReportData, loc: Localizer) -> list[list[str]]:
    """Each national total a later revision changed: every revision's figure, and the one
    the report uses."""
    rows = []
    for figure in data.revised:
        unit = REGISTRY[figure.indicator].unit
        values = "; ".join(loc._("{value} in revision {revision}").format(
            value=format_by_unit(value, unit, loc), revision=revision)
            for revision, value in figure.values)
        rows.append([indicator_name(figure.indicator, loc),
                     loc._("{year}: {values}. The report uses revision {used}, the latest "
                           "covering the year.").format(year=figure.year, values=values,
                                                        used=figure.used)])
    return rows


def _breaks(data: ReportData, loc: Localizer) -> list[list[str]]:
    return [[indicator_name(key, loc), "; ".join(found)] for key in REGISTRY
            if (found := series_breaks(data, loc, key))]


def _plain(value: float, loc: Localizer) -> str:
    return loc.decimal(value, 0 if float(value).is_integer() else 1)


def gap_tables(data: ReportData, loc: Localizer) -> list[Table]:
    """The data gaps (missing and stale data) and the sources that disagree."""
    columns = [loc._("Indicator"), loc._("Gap")]
    gaps = Table(loc._("Data gaps"), columns, _gaps(data, loc) or [[loc._("None"), ""]],
                 loc._("Stale means older than {years} years before the edition year.").format(
                     years=data.settings.report.stale_after_years), widths=[1, 2])
    disagreements = Table(
        loc._("Sources that disagree"), [loc._("Indicator"), loc._("Gap")],
        [*_disagreements(data, loc), *_revised(data, loc)] or [[loc._("None"), ""]],
        loc._("Two sources disagree when they differ by more than {threshold}; a figure a "
              "later revision of the same source changed is always listed.").format(
            threshold=loc.percent(data.settings.report.disagreement_pct, 0)), widths=[1, 2])
    return [gaps, disagreements]


def build(data: ReportData, loc: Localizer) -> Section:
    breaks = Table(
        loc._("Breaks in series"), [loc._("Indicator"), loc._("Break")],
        _breaks(data, loc) or [[loc._("None"), ""]],
        loc._("A series breaks where a value is more than {factor} times the one before it, "
              "or less than the value before it divided by {factor}: more often a change of "
              "method or coverage than of the world. Compare the years on either side with "
              "care.").format(factor=_plain(data.settings.report.break_factor, loc)),
        widths=[1, 2])
    return Section(ID, loc._("Annex: sources, definitions and data gaps"), [],
                   [sources_table(data, loc), files_table(data, loc),
                    definitions_table(data, loc), *gap_tables(data, loc), breaks])
