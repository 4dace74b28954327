"""The country in its region and the world; UN DESA's revisions side by side.

The first section sets the country's immigrant stock beside its region's and the world's,
all three from the same UN DESA revision. The second shows the stocks in every revision
of UN DESA the profile lists, with their difference explained: a revision rewrites whole
series, so a gap between two revisions is a change of estimate, not of the world, and not
a disagreement of UN DESA with another source.
"""

from __future__ import annotations

import pandas as pd

from migprofile.codes import WORLD, region_of
from migprofile.indicators.comparisons import source_pairs
from migprofile.indicators.world import REVISED_STOCKS
from migprofile.report import charts
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Callout, Figure, Section, Table
from migprofile.report.sections.common import (
    every_revision_note,
    indicator_name,
    indicator_note,
    source_origin,
)

CONTEXT_ID = "context"
REVISIONS_ID = "undesa_revisions"
UNDESA = "undesa_ims"

AREAS = (("immigrant_stock", "immigrants_pct_population"),
         ("region_migrant_stock", "region_migrants_pct_population"),
         ("world_migrant_stock", "world_migrants_pct_population"))
"""Stock and share of the population, for the country, its region and the world."""


def _area_codes(data: ReportData) -> list[str]:
    region = region_of(data.country)
    return [data.country, region.code if region else "", WORLD]


def _context_intro(data: ReportData, loc: Localizer) -> list[str]:
    world = data.latest("world_migrant_stock")
    if world is None:
        return [loc._("UN DESA's estimates are not in this profile: there is no figure for "
                      "the world or the region.")]
    year, total = world
    sentences = [loc._("In {year}, {total} international migrants lived in the world.").format(
        year=year, total=loc.integer(total))]
    share = data.latest("world_migrants_pct_population")
    if share is not None:
        sentences.append(loc._("They were {share} of the world's population in {year}.").format(
            share=loc.percent(share[1]), year=share[0]))
    region = region_of(data.country)
    in_region = data.value("region_migrant_stock", year)
    if region is not None and in_region is not None:
        sentences.append(loc._("{region}, the region of {country}, hosted {total} of them; "
                               "{country} hosted {own}.").format(
            region=loc.country(region.code), country=loc.country(data.country),
            total=loc.integer(in_region), own=loc.integer(data.value("immigrant_stock", year))))
    else:
        sentences.append(loc._("The bundled country table places {country} in no region: "
                               "there is no regional figure.").format(
            country=loc.country(data.country)))
    return [" ".join(sentences)]


def _context_table(data: ReportData, loc: Localizer) -> Table | None:
    stocks = [data.series(stock) for stock, _ in AREAS]
    shares = [data.series(share) for _, share in AREAS]
    years = sorted(set().union(*(s.index for s in stocks)))
    if not years:
        return None
    columns = [loc._("Year")]
    for code in _area_codes(data):
        name = loc.country(code) if code else loc._("Region")
        columns += [name, loc._("% of population")]
    rows = []
    for year in years:
        row = [year]
        for stock, share in zip(stocks, shares, strict=True):
            row += [loc.integer(stock.get(year)), loc.percent(share.get(year))]
        rows.append(row)
    return Table(loc._("International migrants: the country, its region and the world"),
                 columns, rows,
                 indicator_note(data, loc, *(key for pair in AREAS for key in pair)),
                 numeric=[False, *[True] * 6], widths=[1, 2, 1.5, 2, 1.5, 2, 1.5])


def _context_chart(data: ReportData, loc: Localizer) -> Figure | None:
    frames = []
    for code, (_, share) in zip(_area_codes(data), AREAS, strict=True):
        series = data.series(share).dropna()
        if code and not series.empty:
            frames.append(pd.DataFrame({"year": series.index.astype(int),
                                        "value": series.to_numpy(),
                                        "series": loc.country(code)}))
    if not frames:
        return None
    spec = charts.line_chart(pd.concat(frames), y_title="%", value_format=",.1f")
    shares = tuple(share for _, share in AREAS)
    return Figure(loc._("International migrants as a share of the population (%)"), spec,
                  indicator_note(data, loc, *shares), indicators=shares)


def build_context(data: ReportData, loc: Localizer) -> Section:
    blocks = [_context_chart(data, loc), _context_table(data, loc)]
    return Section(CONTEXT_ID, loc._("The country in its region and the world"),
                   _context_intro(data, loc), [b for b in blocks if b])


# two revisions -------------------------------------------------------------------------

def _revisions_of(data: ReportData) -> list[str]:
    """The UN DESA revisions in the report: the one used first, then the others."""
    used = data.source(UNDESA)
    found = set(data.values[data.values.indicator.isin(list(REVISED_STOCKS.values()))]
                .revision)
    first = [used.revision] if used is not None and used.revision in found else []
    return first + sorted(found - set(first), reverse=True)


def _by_revision(data: ReportData, indicator: str, revisions: list[str]) -> pd.DataFrame:
    """Years (rows) by revision (columns), both sexes."""
    rows = data.rows(indicator)
    table = rows.pivot_table(index="time_period", columns="revision", values="value",
                             aggfunc="first")
    return table.reindex(columns=revisions)


def _difference(a: float | None, b: float | None) -> tuple[float | None, float | None]:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return None, None
    return b - a, (b - a) / a * 100 if a else None


def _revision_table(data: ReportData, loc: Localizer, stock: str, indicator: str,
                    revisions: list[str]) -> Table:
    frame = _by_revision(data, indicator, revisions)
    used, other = revisions[0], revisions[1]
    columns = [loc._("Year"), *[_revision_label(loc, r) for r in revisions],
               loc._("Difference ({other} minus {used})").format(other=other, used=used),
               loc._("Difference (%)")]
    rows = []
    for year, values in frame.iterrows():
        cells = [values.get(r) for r in revisions]
        diff, pct = _difference(cells[0], cells[1])
        rows.append([year, *[loc.integer(None if pd.isna(v) else v) for v in cells],
                     loc.integer(diff), loc.percent(pct)])
    return Table(loc._("{indicator} in each revision of UN DESA").format(
        indicator=indicator_name(stock, loc)), columns, rows,
        every_revision_note(data, loc, UNDESA),
        numeric=[False, *[True] * (len(revisions) + 2)])


def _revision_label(loc: Localizer, revision: str) -> str:
    return loc._("Revision {revision}").format(revision=revision)


def _revision_chart(data: ReportData, loc: Localizer, stock: str, indicator: str,
                    revisions: list[str]) -> Figure:
    """Bars of each revision side by side; each bar's values come from its revision."""
    frame = _by_revision(data, indicator, revisions)
    long = [{"group": year, "series": _revision_label(loc, r), "value": value}
            for year, values in frame.iterrows() for r in revisions
            if not pd.isna(value := values.get(r))]
    spec = charts.grouped_bars(pd.DataFrame(long), y_title=loc._("persons"))
    origins = tuple(source_origin(source, series=_revision_label(loc, r)) for r in revisions
                    if (source := data.source(UNDESA, revision=r)) is not None)
    return Figure(loc._("{indicator} in each revision of UN DESA").format(
        indicator=indicator_name(stock, loc)), spec, every_revision_note(data, loc, UNDESA),
        origins=origins)


def _largest_change(data: ReportData, loc: Localizer, stock: str, indicator: str,
                    revisions: list[str]) -> str | None:
    frame = _by_revision(data, indicator, revisions[:2]).dropna()
    if frame.empty:
        return None
    gaps = (frame[revisions[1]] - frame[revisions[0]]).abs()
    year = gaps.idxmax()
    a, b = frame.at[year, revisions[0]], frame.at[year, revisions[1]]
    return loc._("{indicator}, {year}: {first} in revision {used}, {second} in revision "
                 "{other} ({pct}).").format(
        indicator=indicator_name(stock, loc), year=year, first=loc.integer(a),
        used=revisions[0], second=loc.integer(b), other=revisions[1],
        pct=loc.percent(_difference(a, b)[1]))


def _like_with_like(data: ReportData, loc: Localizer, revisions: list[str]) -> list[str]:
    """What the reconciliation with another source compares, for each pair that rests on
    one revision of UN DESA."""
    notes = []
    for pair in source_pairs():
        same = pair.like_with_like
        if same is None or same.indicator not in REVISED_STOCKS.values():
            continue
        other = indicator_name(pair.second, loc)
        if same.revision in revisions:
            notes.append(loc._("{other} rests on UN DESA's revision {revision}: the annex "
                               "compares it with that revision, like with like, so a "
                               "difference between revisions is not listed as a "
                               "disagreement of the two sources.").format(
                other=other, revision=same.revision))
    return notes


def build_revisions(data: ReportData, loc: Localizer) -> Section:
    title = loc._("Two revisions of UN DESA's estimates")
    revisions = _revisions_of(data)
    if len(revisions) < 2:
        used = data.source(UNDESA)
        gap = loc._("The profile lists one revision of UN DESA's International Migrant "
                    "Stock ({revision}): there is no other to set beside it. Add a second "
                    "source of kind undesa_ims with another revision to compare them.").format(
            revision=used.revision if used else "–")
        return Section(REVISIONS_ID, title, [gap], [])
    intro = [loc._("UN DESA revises its whole series with each edition of the International "
                   "Migrant Stock, back to 1990, as new census rounds, registers and methods "
                   "come in. The same year can therefore have different figures in two "
                   "revisions; compare years only within one revision.")
             + " " + loc._("Every other figure of this report uses revision {used}, the one "
                           "the profile lists first; revision {others} is shown here only.")
             .format(used=revisions[0], others=", ".join(revisions[1:]))]
    blocks: list = []
    changes = []
    for stock, indicator in REVISED_STOCKS.items():
        if data.rows(indicator).empty:
            continue
        blocks += [_revision_chart(data, loc, stock, indicator, revisions),
                   _revision_table(data, loc, stock, indicator, revisions)]
        if (change := _largest_change(data, loc, stock, indicator, revisions)):
            changes.append(change)
    paragraphs = [*(
        [loc._("The largest differences between the two revisions:") + " " + " ".join(changes)]
        if changes else []), *_like_with_like(data, loc, revisions)]
    if paragraphs:
        blocks.append(Callout(loc._("Why the revisions differ"), paragraphs))
    return Section(REVISIONS_ID, title, intro, blocks)
