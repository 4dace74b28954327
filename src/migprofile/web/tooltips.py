"""The dashboard's tooltips: each value exactly, with the source and revision it was
published from. The report's specification is copied, never changed: its PNGs stay the
same."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

from migprofile.report.model import Figure

__all__ = ["EXACT", "Origins", "Provenance", "origin_of", "provenance", "views", "with_tooltips"]

EXACT = ",.12~g"
"""Every significant digit, thousands separated."""

Provenance = dict[tuple[str, str], set[tuple[str, str]]]
"""(indicator, year) -> the (source, revision) of its published values."""

Origins = Callable[[dict], set[tuple[str, str]]]
"""A chart's row -> the (source, revision) of the value it holds."""


def provenance(rows: list[dict],
               cite: Callable[[str, str], str] = lambda kind, revision: kind) -> Provenance:
    """Where each indicator's values of each year come from (``indicators.csv`` rows): each
    source the value combines (``undesa_ims+wdi`` in ``2024+2024``) by itself, named by
    ``cite`` (kind, revision), as figures that are not indicators name theirs."""
    found: Provenance = {}
    for row in rows:
        kinds, revisions = row["source"].split("+"), row["revision"].split("+")
        pairs = (zip(kinds, revisions, strict=True) if len(kinds) == len(revisions)
                 else [(row["source"], row["revision"])])
        found.setdefault((row["indicator"], row["time_period"]), set()).update(
            (cite(kind, revision), revision) for kind, revision in pairs)
    return found


def views(spec: dict) -> Iterator[dict]:
    """The single-view specifications of a chart, inside layers and panels."""
    if "mark" in spec:
        yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, []):
            yield from views(part)


def _indicator_origin(record: dict, indicators: list[str], names: dict[str, str],
                      found: Provenance) -> set[tuple[str, str]]:
    """The sources of one value: its series' indicator (all the figure's when it names
    none), in its year (a bar's label may be one), or else the indicator's latest year."""
    shown = [k for k in indicators if names.get(k) == record.get("series")] or indicators
    origins: set[tuple[str, str]] = set()
    for key in shown:
        years = sorted(year for indicator, year in found if indicator == key)
        year = next((str(record[f]) for f in ("year", "label")
                     if str(record.get(f)) in years), years[-1] if years else "")
        origins |= found.get((key, year), set())
    return origins


def origin_of(figure: Figure, names: dict[str, str], found: Provenance) -> Origins | None:
    """Where each value of ``figure`` comes from: as published with its indicators, or as
    the figure declares for values that are not indicators'; None when it says neither."""
    if figure.indicators:
        return lambda record: _indicator_origin(record, list(figure.indicators), names, found)
    if figure.origins:
        return lambda record: {(o.source, o.revision) for o in figure.origins if o.of(record)}
    return None


def with_tooltips(spec: dict, origin: Origins | None, titles: dict[str, str]) -> dict:
    """A copy of ``spec`` whose marks with a tooltip head each field by ``titles`` (field:
    heading, see :func:`~migprofile.web.figure_table.field_titles`), show the exact value
    and, when the figure says where its values come from (``origin``), the source and
    revision of each value (added to the chart's rows, so that its data downloads with
    them)."""
    spec = copy.deepcopy(spec)
    records = next((v for v in spec.get("datasets", {}).values() if isinstance(v, list)), [])
    extra = []
    if origin is not None:
        for record in records:
            origins = sorted(origin(record))
            record["source"] = ", ".join(dict.fromkeys(s for s, _ in origins))
            record["revision"] = ", ".join(dict.fromkeys(r for _, r in origins))
        extra = [{"field": f, "type": "nominal", "title": titles[f]}
                 for f in ("source", "revision")]
    for unit in views(spec):
        for transform in unit.get("transform", []):
            if "lookup" in transform and extra:
                transform["from"]["fields"] += ["source", "revision"]
        tooltip = unit.get("encoding", {}).get("tooltip")
        if isinstance(tooltip, list):
            unit["encoding"]["tooltip"] = [_titled(t, titles) for t in tooltip] + extra
    return spec


def _titled(tooltip: str | dict, titles: dict[str, str]) -> str | dict:
    """A tooltip's field headed in the page's language (not by the field's name); a value
    exactly."""
    if not isinstance(tooltip, dict):
        return tooltip
    field = tooltip.get("field")
    if field == "value":
        return {**tooltip, "format": EXACT, "title": titles[field]}
    return {**tooltip, "title": titles[field]} if field in titles else tooltip
