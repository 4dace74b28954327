"""The parts a report section is made of, independent of the output format."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Callout", "Figure", "KeyFigure", "Map", "Narrative", "Origin", "Section", "Table"]


@dataclass(frozen=True)
class Origin:
    """Where some values of a chart come from, when they are not indicators' values (whose
    source and revision are published with them): the source, in the words of the
    figure's note, and its revision (a file without one: its short checksum)."""

    source: str
    revision: str
    where: tuple[tuple[str, str], ...] = ()
    """The values it is the origin of: the chart's rows with these (field, value) pairs,
    e.g. ``(("series", "Revision 2024"),)``; every row when empty."""

    def of(self, row: dict) -> bool:
        return all(str(row.get(name)) == value for name, value in self.where)


@dataclass
class Figure:
    """A chart with its title and the source note printed under it."""

    title: str
    chart: dict
    """Vega-Lite specification (rendered to PNG for the report, interactive on the web)."""
    note: str
    png: bytes | None = None
    indicators: tuple[str, ...] = ()
    """The indicators the chart draws, when it draws indicators (the web app says the
    source and revision of each value)."""
    origins: tuple[Origin, ...] = ()
    """Where the values come from, when the chart draws no indicators (the web app says
    it of each value, as it does for indicators)."""
    partner_year: str = ""
    """The year of a chart of one indicator's largest partners (its latest): the web app
    lets the reader choose another."""
    scale: float = 1.0
    """What the chart divides the indicator's values by (e.g. a million)."""
    kind: str = ""
    """What the chart draws, for the choices and the headings the web app adds: ``lines``
    (indicators over years), ``sex_bars`` (women and men), ``partner_bars`` (largest
    partners), ``map`` (every partner), ``year_bars`` (one bar a year),
    ``citizenship_bars`` (largest citizenships), ``timeline`` (laws and agreements)."""


@dataclass
class Map(Figure):
    """A world map: a figure that needs words under it, since a map shows neither the
    smallest countries nor exact values, and its boundaries are not the United Nations'."""

    description: str = ""
    """The text alternative of the picture: the largest values."""
    unmapped: str = ""
    """The countries with a value that the map cannot show, with their values."""
    disclaimer: str = ""


@dataclass
class Table:
    """A table with its title and source note; cells are already formatted text."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str
    numeric: list[bool] = field(default_factory=list)
    """Which columns hold numbers (right-aligned)."""
    widths: list[int] = field(default_factory=list)
    """Relative column widths; equal when empty (the layout never measures the content)."""

    def column_percents(self) -> list[float]:
        weights = self.widths or [1] * len(self.columns)
        total = sum(weights)
        return [round(100 * w / total, 2) for w in weights]


@dataclass
class KeyFigure:
    """One headline number."""

    label: str
    value: str
    detail: str
    note: str
    indicator: str = ""
    """The indicator shown, and the sex of its value (the web app draws its series)."""
    sex: str = "_T"


@dataclass
class Callout:
    """A boxed explanation, e.g. why two sources give different figures."""

    title: str
    paragraphs: list[str]
    table: Table | None = None


@dataclass
class Narrative:
    """A part written by the working group, under its own heading; when the text is not
    there, the stated gap instead."""

    title: str
    html: str | None
    """The text as HTML (from the profile's own Markdown), or None if not written."""
    missing: str
    """What the report says where the text is missing."""


@dataclass
class Section:
    """One section of the report."""

    id: str
    title: str
    intro: list[str] = field(default_factory=list)
    blocks: list[Figure | Table | KeyFigure | Callout | Narrative | list] = field(
        default_factory=list)
    narrative_html: str | None = None
    gap: bool = False
    """A part of the template without data, only stating the gap: it does not take a page
    of its own in the PDF."""

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]
