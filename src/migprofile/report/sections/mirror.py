"""Mirror statistics: one flow as the two countries report it, side by side.

Shown when the profile has figures of a partner (from an exchange package) that mirror
its own: for each declared pair, partner and direction, paired bars per year and a table
of both figures, their difference and the asymmetry index, flagged above the threshold.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from migprofile.codes import builtin_dataflows
from migprofile.indicators.comparisons import MirrorSide, Reconciliation, mirror_pair
from migprofile.report import charts
from migprofile.report.data import ReportData, Source
from migprofile.report.i18n import Localizer
from migprofile.report.model import Figure, Origin, Section, Table
from migprofile.report.sections.common import source_origin

ID = "mirror_statistics"


def _side_label(loc: Localizer, side: MirrorSide, country: str) -> str:
    """'Workers deployed (Viet Nam)': the measure in the reporter's words."""
    flow = builtin_dataflows()[side.dataflow]
    measure = next(m for m in flow.measures if m.id == side.measure)
    return loc._("{measure}, reported by {country}").format(
        measure=measure.names[loc.language], country=loc.country(country))


def _sources(data: ReportData, label: str) -> Iterator[tuple[str, str, Source | None]]:
    """Kind, revision and, if the profile lists it, source of each source behind one
    side's figure (``kind revision, kind revision``)."""
    for item in label.split(", "):
        kind, _, revision = item.partition(" ")
        yield kind, revision, data.source(kind, revision=revision)


def _cited(data: ReportData, labels: set[str]) -> str:
    """'provider, title (revision)' of each source behind one side's figures."""
    parts = [f"{source.provider}, {source.title} ({revision})" if source
             else f"{kind} {revision}"
             for label in sorted(labels) for kind, revision, source in _sources(data, label)]
    return "; ".join(dict.fromkeys(parts))


def _origins(data: ReportData, rows: list[Reconciliation],
             labels: tuple[str, str]) -> tuple[Origin, ...]:
    """Where each bar comes from: its side's sources, in the revisions of its year."""
    origins = []
    for row in rows:
        for series, label in zip(labels, (row.first_source, row.second_source), strict=True):
            where = {"series": series, "group": row.period}
            origins += [source_origin(source, **where) if source
                        else Origin(kind, revision, tuple(where.items()))
                        for kind, revision, source in _sources(data, label)]
    return tuple(origins)


def _note(data: ReportData, loc: Localizer, rows: list[Reconciliation]) -> str:
    return loc._("Source: {origin}: {first}. {destination}: {second}. Compared by "
                 "migprofile.").format(
        origin=loc.country(rows[0].origin), first=_cited(data, {r.first_source for r in rows}),
        destination=loc.country(rows[0].destination),
        second=_cited(data, {r.second_source for r in rows}))


def _figure(data: ReportData, loc: Localizer, rows: list[Reconciliation], labels: tuple[str, str],
            title: str) -> Figure:
    frame = pd.DataFrame(
        [{"group": r.period, "series": labels[0], "value": r.first_value} for r in rows]
        + [{"group": r.period, "series": labels[1], "value": r.second_value} for r in rows])
    return Figure(title, charts.grouped_bars(frame, y_title=loc._("persons")),
                  _note(data, loc, rows), origins=_origins(data, rows, labels))


def _table(data: ReportData, loc: Localizer, rows: list[Reconciliation], labels: tuple[str, str],
           title: str) -> Table:
    body = [[r.period, loc.integer(r.first_value), loc.integer(r.second_value),
             loc.integer(r.difference), loc.percent(r.asymmetry_pct),
             loc._("yes") if r.flagged else ""] for r in rows]
    columns = [loc._("Year"), labels[0], labels[1], loc._("Difference"),
               loc._("Asymmetry index"), loc._("Above threshold")]
    return Table(title, columns, body, _note(data, loc, rows),
                 numeric=[False, True, True, True, True, False], widths=[1, 3, 3, 2, 2, 2])


def _groups(data: ReportData) -> dict[tuple[str, str, str, str], list[Reconciliation]]:
    groups: dict[tuple[str, str, str, str], list[Reconciliation]] = {}
    for row in data.reconciliation:
        if row.kind == "mirror":
            groups.setdefault((row.pair, row.partner, row.origin, row.destination),
                              []).append(row)
    return groups


def _intro(data: ReportData, loc: Localizer) -> list[str]:
    threshold = data.settings.reconciliation.threshold_pct
    return [
        loc._("Mirror statistics compare what two countries report about the same people: "
              "the workers one country sends and the work permits the other issues to them, "
              "the long-term migrants one sees leave and the other sees arrive. The partner's "
              "figures come from the signed data packages it sent; neither figure is "
              "corrected or averaged."),
        loc._("The asymmetry index is the difference between the two figures divided by "
              "their mean, (A − B) / ((A + B) / 2); a pair is marked when it exceeds {threshold} "
              "either way. Differences come from definitions (a permit is not a departure), "
              "timing (a worker leaves in December and receives a permit in January) and "
              "coverage (workers who leave without a contract).").format(
            threshold=loc.percent(threshold, 0)),
    ]


def build(data: ReportData, loc: Localizer) -> Section | None:
    groups = _groups(data)
    if not groups:
        return None
    blocks: list = []
    for (pair_id, _, origin, destination), rows in groups.items():
        pair = mirror_pair(pair_id)
        labels = (_side_label(loc, pair.origin, origin),
                  _side_label(loc, pair.destination, destination))
        title = loc._("{pair}: {origin} to {destination}").format(
            pair=pair.names[loc.language], origin=loc.country(origin),
            destination=loc.country(destination))
        blocks += [_figure(data, loc, rows, labels, title),
                   _table(data, loc, rows, labels, title)]
    return Section(ID, loc._("Mirror statistics"), _intro(data, loc), blocks)
