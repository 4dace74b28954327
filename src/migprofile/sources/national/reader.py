"""Reading an agency's spreadsheet into a national dataflow, checking every cell.

The steps, each reporting located problems rather than stopping at the first:

1. read the sheets (:mod:`migprofile.sources.table`) and find their tables: each has a
   header (over up to three rows), title and unit lines above it, notes below it;
2. give each column a role: a dimension, the figures, the figures of one code (a column
   "Women" holds the figures for sex ``F``; "2021 / Women" for 2021 and ``F``), a total,
   or nothing (serial numbers, notes); a heading with two readings ("Nam", men, or "Năm",
   year) is read by the cells under it;
3. turn each figure into a record: its labels (a blank label under one above continues
   it), its number (scaled by the unit line), its row and column; a year in the title
   serves a table without a year column;
4. check regional subtotal rows ("Châu Á") against the rows they group, then drop them;
5. check the cells (empty labels, text in numeric cells) with row rules, map labels to
   codes (unknown ones with the closest codes), then check types, ranges and duplicate keys
   with pandera;
6. check totals against their complete parts (:mod:`migprofile.codes.totals`), then drop
   those the parts already give;
7. warn about years missing inside the period the file covers.

Dimensions the file has no column for take the total code ``_T``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import ibis
import ibis.expr.datatypes as dtypes
import pandera.ibis as pandera
import pyarrow as pa

from migprofile.codes import NOT_APPLICABLE, TOTAL, Dataflow
from migprofile.codes.totals import Cell, Cube, within_tolerance
from migprofile.errors import InputProblem, Message, Named
from migprofile.sources import tabular as tab
from migprofile.sources.canonical import OBSERVATION_SCHEMA, format_dims
from migprofile.sources.national.labels import (
    IGNORE,
    TOTAL_COLUMN,
    TOTAL_LABELS,
    VALUE,
    YEAR,
    YEAR_HEADING,
    HeadingResolver,
    Mapping,
    Role,
    exact_key,
    is_region,
    is_total_label,
    sums_rows_above,
)
from migprofile.sources.table import (
    SheetRows,
    Table,
    cell_text,
    is_figure,
    is_unit_line,
    locate_tables,
    parse_number,
    read_sheets,
    title_year,
    unit_scale,
)

__all__ = ["NationalRead", "Record", "read_national"]

FIRST_YEAR = 1900
TOTAL_KEYS = frozenset(exact_key(label) for label in TOTAL_LABELS)


@dataclass
class Record:
    """One figure of the file, with where it was and what it is about."""

    row: int
    column: int
    heading: str
    labels: dict[str, str]
    codes: dict[str, str | None]
    text: str
    value: float | None
    total_row: bool
    sheet: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    """The heading of the column (or the title line) each label was read from."""

    def key(self, dimensions: list[str]) -> tuple[str | None, ...]:
        return tuple(self.codes[d] for d in dimensions)


@dataclass
class NationalRead:
    """What reading a file gave: records, problems, warnings, and how it was understood."""

    dataflow: Dataflow
    path: Path
    sheet: str | None
    records: list[Record] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    unknown_labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unknown_columns: dict[str, list[str]] = field(default_factory=dict)
    dropped_totals: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    header_rows: tuple[int, ...] = ()
    merged_cells: dict[str | None, set[tuple[int, int]]] = field(default_factory=dict)
    figures: list[Record] = field(default_factory=list)
    """Every figure as the file states it, totals included (subtotals of regions left out):
    :attr:`records` without the totals its parts give."""

    @property
    def dimensions(self) -> list[str]:
        return [d.id for d in self.dataflow.dimensions]

    @property
    def periods(self) -> list[str]:
        return sorted({r.codes["time_period"] for r in self.records
                       if r.codes.get("time_period")})

    def labels_used(self) -> dict[str, dict[str, str]]:
        """Each label of the file with its code, where they differ (for the sidecar)."""
        used: dict[str, dict[str, str]] = defaultdict(dict)
        for record in self.records:
            for dim, label in record.labels.items():
                code = record.codes.get(dim)
                if label and code and label != code:
                    used[dim][label] = code
        return {dim: dict(sorted(labels.items())) for dim, labels in sorted(used.items())}

    def mapping(self) -> Mapping:
        """The mapping this reading used: the next import of a like file needs nothing more."""
        return Mapping(dataflow=self.dataflow.id, columns=dict(self.columns),
                       labels=self.labels_used())

    def observations(self, *, country: str, revision: str) -> pa.Table:
        """The records in the canonical observation shape."""
        flow = self.dataflow
        extra = [d.id for d in flow.extra_dimensions]
        has_partner = any(d == "counterpart_area" for d in self.dimensions)
        rows = [{
            "dataflow": flow.id, "measure": flow.measures[0].id, "ref_area": country,
            "counterpart_area": r.codes["counterpart_area"] if has_partner else NOT_APPLICABLE,
            "time_period": r.codes["time_period"], "sex": r.codes.get("sex", TOTAL),
            "age": r.codes.get("age", TOTAL),
            "dims": format_dims({d: r.codes[d] for d in extra}),
            "value": r.value, "unit": flow.measures[0].unit, "obs_status": "A",
            "source": flow.source_id, "revision": revision, "source_row": r.row,
        } for r in sorted(self.records, key=lambda r: (r.row, r.column))]
        return pa.Table.from_pylist(rows, schema=OBSERVATION_SCHEMA.to_pyarrow())


def read_national(path: Path, *, dataflow: Dataflow, sheet: str | None = None,
                  mapping: Mapping | None = None) -> NationalRead:
    """Read and check one agency file for ``dataflow``; problems are collected, not raised.

    Every table of the file is read: several on one sheet, or one per sheet when no
    ``sheet`` is named. Unusable input (missing, damaged, password-protected, empty,
    undecidable encoding) raises :class:`~migprofile.errors.MigprofileError`.
    """
    mapping = mapping or Mapping()
    headings = HeadingResolver(dataflow, mapping)
    found = [(rows, locate_tables(rows, recognised=headings.recognised,
                                  heads_table=headings.heads_table))
             for rows in read_sheets(path, sheet=sheet)]
    used = [(rows, tables) for rows, tables in found if tables and not rows.hidden]
    found = [(rows, tables) for rows, tables in found if not rows.hidden or tables]
    first = (used or [f for f in found if not f[0].hidden] or found)[0][0]
    result = NationalRead(dataflow, path, first.sheet if len(used) <= 1 else None,
                          encoding=first.encoding, delimiter=first.delimiter)
    for rows, _ in used or found[:1]:
        result.warnings += rows.warnings
        result.problems += rows.problems
        result.merged_cells[rows.sheet] = rows.merged
    if not used:
        result.problems.append(_no_header(path, first, dataflow, headings))
        return result
    result.header_rows = used[0][1][0].header.rows
    _sheets_without_tables(result, found)
    layouts, complete = _read_tables(result, used, headings)
    if not complete:
        return _name_sheets(result)
    _resolve_codes(result, headings)
    _check_types(result)
    result.figures = list(result.records)
    if not result.problems:
        _check_totals(result, layouts[0])
        _check_coverage(result)
    return _name_sheets(result)


def _read_tables(result: NationalRead, used: list[tuple[SheetRows, list[Table]]],
                 headings: HeadingResolver) -> tuple[list[Layout], bool]:
    """Each table's layout and records, and whether every layout was understood; the
    records of a table with a faulty layout are not read (its problems say what to
    correct)."""
    layouts = []
    complete = True
    for _, tables in used:
        scale = 1
        for table in tables:
            layout = _layout(result, table, headings, scale=scale)
            if layout is None:
                complete = False
                continue
            scale = layout.scale
            layouts.append(layout)
            records = _subtotals(result, layout, _records(result, table, layout), headings)
            _check_cells(result, layout, records)
            result.records += records
    return layouts, complete


def _problem(result: NationalRead, rule: str, message: str, **where) -> InputProblem:
    where.setdefault("sheet", result.sheet)
    return InputProblem(file=str(result.path), rule=rule, message=message, **where)


def _name_sheets(result: NationalRead) -> NationalRead:
    """Problems found over the tables of several sheets name the sheet of their row."""
    if result.sheet is not None:
        return result
    sheets_of: dict[int, set[str | None]] = defaultdict(set)
    for record in result.records:
        sheets_of[record.row].add(record.sheet)

    def named(problem: InputProblem) -> InputProblem:
        found = sheets_of.get(problem.row or -1, set())
        if problem.sheet is None and len(found) == 1:
            return dataclasses.replace(problem, sheet=next(iter(found)))
        return problem

    result.problems = [named(p) for p in result.problems]
    result.warnings = [named(p) for p in result.warnings]
    return result


def _sheets_without_tables(result: NationalRead,
                           found: list[tuple[SheetRows, list[Table]]]) -> None:
    """A hidden sheet with a table of figures, or a sheet with figures but no table
    migprofile recognises, is named in a warning: it may hold data."""
    for rows, tables in found:
        if rows.hidden and any(is_figure(c) for table in tables for _, cells in table.rows
                               for c in cells):
            result.warnings.append(_problem(
                result, "hidden_sheet", sheet=rows.sheet, row=tables[0].header.rows[0],
                severity="warning",
                message=Message("this sheet is hidden, so its table was not read. Unhide the "
                                "sheet in Excel if it holds figures to import")))
        elif not rows.hidden and not tables and any(is_figure(c) for _, cells in rows.rows
                                                    for c in cells):
            result.warnings.append(_problem(
                result, "sheet_without_table", sheet=rows.sheet, row=rows.rows[0][0],
                severity="warning",
                message=Message("this sheet has figures but no header migprofile recognises, "
                                "so it was not read. If it holds figures to import, name its "
                                "columns (or give a mapping file); to import only one sheet, "
                                "give --sheet")))


def _named(dataflow: Dataflow, dimension: str) -> Named:
    """A dimension in a message: its id on the command line, its name in the web app."""
    return Named(dimension, dataflow.dimension(dimension).names)


def _no_header(path: Path, rows: SheetRows, dataflow: Dataflow,
               headings: HeadingResolver) -> InputProblem:
    named = [*dataflow.dimensions, dataflow.measures[0]]
    expected = Named(", ".join(d.names["en"] for d in named),
                     {lang: ", ".join(d.names.get(lang, d.names["en"]) for d in named)
                      for lang in named[0].names})
    return InputProblem(
        file=str(path), sheet=rows.sheet, rule="header", row=rows.rows[0][0],
        message=Message("no header row found in the first rows: expected columns such as "
                        "{expected} (in any of the report languages). Name the columns, or "
                        "give a mapping file (--mapping) that says which column is which",
                        expected=expected))


# layout ---------------------------------------------------------------------------------

@dataclass
class Layout:
    """Which column holds what, in one table."""

    headings: list[str]
    dimension_columns: dict[str, int]
    value_columns: dict[int, Role]
    sheet: str | None = None
    scale: int = 1
    """The unit line's factor (1000 for "Đơn vị tính: nghìn người")."""
    column_scales: dict[int, int] = field(default_factory=dict)
    """Factors of units written after a heading ("Số lao động (nghìn người)")."""
    from_title: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    """Dimensions given by the title (the year of a table "... năm 2021"): label and row."""
    from_sections: set[str] = field(default_factory=set)
    """Dimensions given by section lines inside the table ("Năm 2021" above its rows)."""


def _layout(result: NationalRead, table: Table, headings: HeadingResolver, *,
            scale: int) -> Layout | None:
    header = table.header
    sheet = table.sheet.sheet
    before = len(result.problems)
    roles: dict[int, Role] = {}
    ambiguous: dict[int, list[Role]] = {}
    unread: list[int] = []
    row_number = header.rows[-1]
    for j, heading in enumerate(header.headings):
        readings = headings.readings(heading) if heading else []
        if len(readings) > 1:
            ambiguous[j] = readings
        elif readings:
            roles[j] = readings[0]
        elif heading or _column_texts(table, j):
            unread.append(j)
    for j in unread:
        inferred = _inferred_role(table, j, headings, roles)
        if inferred is not None:
            roles[j] = inferred
        elif header.headings[j]:
            _unknown_column(result, table, j, headings)
        else:
            _unnamed_column(result, table, j)
    title = None if _gives(roles, "time_period") else title_year(table.above, sheet=sheet)
    _read_ambiguous(result, table, ambiguous, roles, title_given=title is not None)
    _total_columns(result, header.headings, roles, row_number, sheet)
    result.columns.update({header.headings[j]: r.describe() for j, r in sorted(roles.items())
                           if header.headings[j]})
    layout = Layout([h or f"column {j + 1}" for j, h in enumerate(header.headings)],
                    {r.dimension: j for j, r in sorted(roles.items(), reverse=True)
                     if r.kind == "dimension"},
                    {j: r for j, r in roles.items() if r.kind in (VALUE, "pivot")},
                    sheet=sheet, scale=_scale(result, table, scale))
    layout.column_scales = {j: factor for j in layout.value_columns
                            if (factor := headings.unit(header.headings[j])) is not None}
    if not _gives(roles, "time_period"):
        if title is not None:
            layout.from_title["time_period"] = title
        elif _section_years(table):
            layout.from_sections.add("time_period")
    _check_layout(result, layout, roles, row_number)
    return None if len(result.problems) > before else layout


def _unknown_column(result: NationalRead, table: Table, j: int,
                    headings: HeadingResolver) -> None:
    heading = table.header.headings[j]
    closest = headings.suggestions(heading)
    result.unknown_columns[heading] = closest
    hint = Message(" Closest: {closest}.", closest=", ".join(closest)) if closest else ""
    result.problems.append(_problem(
        result, "unknown_column", row=table.header.rows[-1], column=heading,
        sheet=table.sheet.sheet,
        message=Message("not a column of {dataflow}.{hint} Name it in a mapping file "
                        "(columns), or map it to \"ignore\"",
                        dataflow=result.dataflow.id, hint=hint)))


def _inferred_role(table: Table, j: int, headings: HeadingResolver,
                   roles: dict[int, Role]) -> Role | None:
    """The role of a column with no heading, or a heading that names nothing ("구분",
    "Chỉ tiêu"), told by its cells: labels that are all countries (or all years, all codes
    of one dimension) make it that dimension's column when no other column is; serial
    numbers 1, 2, 3 make it a column to ignore."""
    texts = [t for t in _column_texts(table, j)
             if not is_total_label(t) and not is_region(t)]
    if not texts:
        return None
    if _serial_numbers(texts):
        return Role(IGNORE)
    for dimension, resolver in headings.labels.items():
        if _gives(roles, dimension) or resolver.is_open:
            continue
        if dimension == "time_period":
            fits = all(YEAR_HEADING.match(t) for t in texts)
        else:
            fits = all(resolver.code(t) not in (None, TOTAL) for t in texts)
        if fits:
            return Role("dimension", dimension)
    return None


def _serial_numbers(texts: list[str]) -> bool:
    """1, 2, 3 ... (restarting in each group, as under regions), with I, II, III for the
    groups: never figures, which do not count up one by one."""
    marks = [t.strip(".)") for t in texts]
    if not all(m.isdigit() or (m and set(m) <= set("IVXLC")) for m in marks):
        return False
    numbers = [int(m) for m in marks if m.isdigit()]
    return not numbers or (numbers[0] == 1 and all(
        later in (earlier + 1, 1) for earlier, later in itertools.pairwise(numbers)))


def _gives(roles: dict[int, Role], dimension: str) -> bool:
    return any((r.kind == "dimension" and r.dimension == dimension) or dimension in r.codes
               for r in roles.values())


def _column_texts(table: Table, j: int) -> list[str]:
    return [t for _, cells in table.rows if j < len(cells) and (t := cell_text(cells[j]))]


def _read_ambiguous(result: NationalRead, table: Table, ambiguous: dict[int, list[Role]],
                    roles: dict[int, Role], *, title_given: bool) -> None:
    """Ambiguous headings read one by one, each decided column telling the next ("Nam"
    over counts is men, so the other "Nam", over years, is the year)."""
    pending = dict(ambiguous)
    while pending:
        decided = {j: chosen for j, readings in pending.items()
                   if (chosen := _reading_that_fits(table, j, readings, roles,
                                                    title_given=title_given)[0])}
        if not decided:
            break
        j, chosen = next(iter(decided.items()))
        roles[j] = chosen
        del pending[j]
    for j, readings in pending.items():
        fitting = _reading_that_fits(table, j, readings, roles, title_given=title_given)[1]
        _ambiguous_column(result, table, j, readings, fitting)


def _reading_that_fits(table: Table, j: int, readings: list[Role], roles: dict[int, Role], *,
                       title_given: bool) -> tuple[Role | None, list[Role]]:
    """The one reading of an ambiguous heading that the cells under it fit, and the readings
    that fit: a column of years is the year (unless the year is given elsewhere), a column
    of counts holds the figures of a code ("Nam" beside "Nữ": men; a text among its numbers
    is reported as that cell's problem). Years beside "Nữ" fit both: it stays unread."""
    texts = [t for t in _column_texts(table, j) if exact_key(t) not in TOTAL_KEYS]
    if not texts:
        return None, []
    years = all(YEAR_HEADING.match(t) for t in texts)
    counts = sum(map(is_figure, texts)) * 2 >= len(texts)
    time_elsewhere = title_given or _gives(roles, "time_period")
    fitting = []
    for reading in readings:
        if reading.kind == "dimension" and reading.dimension == "time_period":
            fits = years and not time_elsewhere
        elif reading.kind == "dimension":
            fits = not counts and not _gives(roles, reading.dimension)
        elif reading.kind == "pivot":
            siblings = any(set(r.codes) == set(reading.codes) for r in roles.values()
                           if r.kind == "pivot")
            taken = any(r.codes == reading.codes for r in roles.values())
            fits = counts and not taken and (time_elsewhere or not years or siblings)
        else:
            fits = counts
        if fits:
            fitting.append(reading)
    return (fitting[0] if len(fitting) == 1 else None), fitting


def _ambiguous_column(result: NationalRead, table: Table, j: int, readings: list[Role],
                      fitting: list[Role]) -> None:
    heading = table.header.headings[j]
    sample = ", ".join(_column_texts(table, j)[:3]) or "no cells"
    options = [r.describe() for r in readings]
    result.unknown_columns[heading] = options
    if fitting:
        why = Message("the cells under it ({sample}) fit both readings: years, beside columns "
                      "of figures by code", sample=sample)
    else:
        why = Message("the cells under it ({sample}) fit neither reading: a year column holds "
                      "only years, and only when no other column or title gives the year; a "
                      "column of figures holds numbers", sample=sample)
    result.problems.append(_problem(
        result, "ambiguous_column", row=table.header.rows[-1], column=heading,
        sheet=table.sheet.sheet, value=sample,
        message=Message("the heading can be read as {readings}, and {why}. Say which it is in "
                        "the mapping file (columns)", readings=_or_as(options), why=why)))


def _or_as(options: list[str]) -> Message | str:
    """Readings of a heading as one phrase: "a or as b or as c"."""
    if len(options) < 2:
        return options[0] if options else ""
    return Message("{first} or as {rest}", first=options[0], rest=_or_as(options[1:]))


def _and(dataflow: Dataflow, dimensions: list[str]) -> Message | Named | str:
    """Dimensions as one phrase, each by its name: "sex and age"."""
    if len(dimensions) < 2:
        return _named(dataflow, dimensions[0]) if dimensions else ""
    return Message("{first} and {rest}", first=_named(dataflow, dimensions[0]),
                   rest=_and(dataflow, dimensions[1:]))


def _total_columns(result: NationalRead, headings: list[str], roles: dict[int, Role],
                   row: int, sheet: str | None) -> None:
    """A "Total" column is the total of the dimension its neighbours split the figures by
    ("Tổng số" beside "Nữ": both sexes); with no split it holds the figures."""
    split = {d for r in roles.values() if r.kind == "pivot" for d in r.codes}
    for j, role in sorted(roles.items()):
        if role.kind != TOTAL_COLUMN:
            continue
        open_dims = split - set(role.codes)
        if len(open_dims) > 1:
            result.problems.append(_problem(
                result, "layout", row=row, column=headings[j], sheet=sheet,
                message=Message("a total column, but its neighbours split the figures by "
                                "{dimensions}: say which total it is in the mapping file "
                                "(columns), e.g. \"sex=_T\"",
                                dimensions=_and(result.dataflow, sorted(open_dims)))))
            continue
        codes = {**role.codes, **{d: TOTAL for d in open_dims}}
        roles[j] = Role.of_codes(codes) if codes else Role(VALUE)


def _scale(result: NationalRead, table: Table, inherited: int) -> int:
    """The factor of the unit line above the table; else that of the table before it."""
    for row, text in table.above:
        if not is_unit_line(text):
            continue
        try:
            return unit_scale(text) or 1
        except ValueError:
            result.problems.append(_problem(
                result, "unit", row=row, value=text, sheet=table.sheet.sheet,
                message=Message("this unit is not understood, so the figures cannot be "
                                "scaled: write the unit as persons (người), thousands (nghìn "
                                "người) or millions (triệu người), or delete the line if the "
                                "figures are counts of persons")))
            return inherited
    return inherited


def _section_years(table: Table) -> bool:
    """Whether lines inside the table give the year of the rows below them ("Năm 2021")."""
    return any(_section_year(cells) is not None for _, cells in table.rows)


def _section_year(cells: list) -> str | None:
    texts = {t for t in map(cell_text, cells) if t}
    if len(texts) != 1:
        return None
    found = YEAR.match(next(iter(texts)))
    return found.group(1) if found else None


def _unnamed_column(result: NationalRead, table: Table, j: int) -> None:
    for number, cells in table.rows:
        if j < len(cells) and cell_text(cells[j]):
            if (number, j) in table.sheet.merged:
                continue
            result.problems.append(_problem(
                result, "unnamed_column", row=number, column=f"column {j + 1}",
                value=cell_text(cells[j]), sheet=table.sheet.sheet,
                message=Message("this cell is under a column without a heading; name the "
                                "column or empty the cell")))
            return


def _check_layout(result: NationalRead, layout: Layout, roles: dict[int, Role],
                  row: int) -> None:
    flow = result.dataflow
    sheet = layout.sheet
    seen: dict[str, str] = {}
    for j, role in sorted(roles.items()):
        if role.kind != "dimension":
            continue
        if role.dimension in seen:
            result.problems.append(_problem(
                result, "duplicate_column", row=row, column=layout.headings[j], sheet=sheet,
                message=Message("a second column for {dimension} (the first is {first!r})",
                                dimension=_named(flow, role.dimension),
                                first=seen[role.dimension])))
        seen.setdefault(role.dimension, layout.headings[j])
    kinds = {frozenset(r.codes) for r in layout.value_columns.values()}
    pivot_dims = {d for r in layout.value_columns.values() for d in r.codes}
    if not layout.value_columns:
        result.problems.append(_problem(
            result, "missing_column", row=row, sheet=sheet,
            message=Message("no column holds the figures: expected one named like {en!r} or "
                            "{vi!r}, or columns named by code (Women, Men, a year, ...)",
                            en=flow.measures[0].names["en"], vi=flow.measures[0].names["vi"])))
    elif len(kinds) > 1:
        result.problems.append(_problem(
            result, "layout", row=row, sheet=sheet,
            message=Message("the figures are spread over columns of different kinds "
                            "({kinds}); keep one column of figures, or columns for the codes "
                            "of the same dimensions", kinds=", ".join(sorted(
                                r.describe() for r in layout.value_columns.values())))))
    for dim in pivot_dims & set(layout.dimension_columns):
        result.problems.append(_problem(
            result, "duplicate_column", row=row, sheet=sheet, column=layout.headings[
                layout.dimension_columns[dim]],
            message=Message("{dimension} has a column of its own and also columns of figures "
                            "per code", dimension=_named(flow, dim))))
    given = set(layout.dimension_columns) | pivot_dims | set(layout.from_title) \
        | layout.from_sections
    if "time_period" not in given:
        result.problems.append(_problem(
            result, "missing_column", row=row, sheet=sheet,
            message=Message("no column for the year: add one (e.g. \"Year\" or \"Năm\"), "
                            "name the columns of figures by year, or give the year in the "
                            "table's title (\"... năm 2021\")")))


# records --------------------------------------------------------------------------------

def _is_total_row(cells: list) -> bool:
    return any(is_total_label(cell_text(c)) for c in cells if isinstance(c, str))


@dataclass
class _Row:
    """A row of a table as read: its records, and whether it is a region's subtotal."""

    number: int
    label: str
    region: bool
    total: bool
    """A total over the partners (a grand total row), which ends a region's group."""
    context: tuple[str, ...]
    """The labels of the other dimensions (the year): a region groups rows that share it."""
    records: list[Record]


def _records(result: NationalRead, table: Table, layout: Layout) -> list[_Row]:
    width = len(layout.headings)
    made: list[_Row] = []
    carried: dict[str, str] = {}
    section: dict[str, tuple[str, int]] = {}
    for number, cells in table.rows:
        extra = [c for c in cells[width:] if cell_text(c)]
        if extra:
            result.problems.append(_problem(
                result, "extra_cell", row=number, column=f"column {width + 1}",
                value=cell_text(extra[0]), sheet=layout.sheet,
                message=Message("a cell to the right of the last column with a heading")))
        labels = _labels(cells, layout, carried)
        if layout.from_sections and (year := _section_year(cells)) is not None:
            section["time_period"] = (year, number)
            continue
        records = _row_records(result, number, cells, layout, labels, section)
        country = labels.get("counterpart_area", "")
        region = is_region(country)
        if not records and not region:
            result.warnings.append(_problem(
                result, "no_figures", row=number, severity="warning", sheet=layout.sheet,
                value=" | ".join(t for t in map(cell_text, cells) if t)[:80],
                message=Message("row without figures skipped (a note or a heading?)")))
        context = tuple(v for d, v in sorted(labels.items()) if d != "counterpart_area")
        total = is_total_label(country) or (not country and _is_total_row(cells))
        made.append(_Row(number, country, region, total, context, records))
    return made


def _labels(cells: list, layout: Layout, carried: dict[str, str]) -> dict[str, str]:
    """The row's labels; a blank label continues the one above when a label further right
    in the row shows the row belongs to the group above (a year written once for its
    countries)."""
    columns = sorted(layout.dimension_columns.items(), key=lambda item: item[1])
    labels = {dim: cell_text(cells[j]) if j < len(cells) else "" for dim, j in columns}
    for position, (dim, _) in enumerate(columns):
        further = any(labels[d] for d, _ in columns[position + 1:])
        if not labels[dim] and further and carried.get(dim):
            labels[dim] = carried[dim]
    carried.update({dim: label for dim, label in labels.items() if label})
    return labels


def _row_records(result: NationalRead, number: int, cells: list, layout: Layout,
                 labels: dict[str, str], section: dict[str, tuple[str, int]]) -> list[Record]:
    total_row = _is_total_row(cells)
    sources = {dim: layout.headings[j] for dim, j in layout.dimension_columns.items()}
    given = {**layout.from_title, **section}
    made = []
    merged = result.merged_cells.get(layout.sheet, set())
    for j, role in sorted(layout.value_columns.items()):
        text = cell_text(cells[j]) if j < len(cells) else ""
        if (number, j) in merged:
            if text:
                result.problems.append(_merged_figure(result, layout, number, j, text))
            continue
        try:
            value = parse_number(cells[j] if j < len(cells) else None)
        except ValueError:
            value = None
        else:
            if value is None:
                continue  # not available: no observation
        own = dict(labels)
        own_sources = dict(sources)
        for dim, (label, row) in given.items():
            own[dim] = label
            own_sources[dim] = f"title (row {row})" if row is not None else "sheet name"
        own.update(role.codes)
        made.append(Record(number, j, layout.headings[j], own, {}, text,
                           _scaled(value, layout.column_scales.get(j, layout.scale)),
                           total_row, layout.sheet,
                           own_sources))
    return made


def _merged_figure(result: NationalRead, layout: Layout, row: int, j: int,
                   text: str) -> InputProblem:
    return _problem(
        result, "merged_figure", row=row, column=layout.headings[j], value=text,
        sheet=layout.sheet,
        message=Message("this cell of figures is covered by a merged cell showing {shown!r} "
                        "that spreads over several cells: a figure would be counted in each "
                        "of them, and the cell's own figure is hidden. Unmerge the cells in "
                        "Excel and give each cell its own figure", shown=text))


def _scaled(value: float | None, scale: int) -> float | None:
    """A figure in the unit line's unit as a count, without float noise (12.3 thousand is
    12300, not 12300.000000000002)."""
    if value is None or scale == 1:
        return value
    return float(Decimal(repr(value)) * scale)


# regional subtotals ---------------------------------------------------------------------

def _subtotals(result: NationalRead, layout: Layout, rows: list[_Row],
               headings: HeadingResolver) -> list[Record]:
    """The records of a table without its regional subtotal rows ("Châu Á", "Cộng Trung
    Đông"), each checked against the rows it groups: a subtotal is never a partner, and
    never counted next to its countries."""
    resolver = headings.labels.get("counterpart_area")
    kept = []
    for index, row in enumerate(rows):
        if row.region and resolver is not None and resolver.index.get_exact(row.label):
            row.region = False  # the officer mapped it to a code
        if not row.region:
            kept += row.records
        elif row.records:
            _check_subtotal(result, layout, row, _grouped(rows, index))
    return kept


def _grouped(rows: list[_Row], index: int) -> list[_Row]:
    """The rows a region's subtotal groups: those above it when it is named as a sum
    ("Cộng châu Á", closing its group), else those below it (a heading row); none when
    it groups no rows."""
    context = rows[index].context

    def run(step: int) -> list[_Row]:
        """Rows of the same context (year, sex) up to the next region or total of that
        context, or the next heading line; rows of other contexts are passed over."""
        found, i = [], index + step
        while 0 <= i < len(rows):
            row = rows[i]
            if (row.region or row.total) and (row.context == context or not row.records):
                break
            if row.context == context and not (row.region or row.total):
                found.append(row)
            i += step
        return found

    below = run(1)
    if below and not sums_rows_above(rows[index].label):
        return below
    return run(-1)[::-1] if sums_rows_above(rows[index].label) else []


def _check_subtotal(result: NationalRead, layout: Layout, subtotal: _Row,
                    parts: list[_Row]) -> None:
    if not parts:
        result.problems.append(_problem(
            result, "subtotal", row=subtotal.number, sheet=layout.sheet, value=subtotal.label,
            column=layout.headings[layout.dimension_columns["counterpart_area"]],
            message=Message("a figure for a region without the countries it groups: figures "
                            "are kept by country. Give the countries, or map the region to "
                            "\"_O\" (other countries) in the mapping file (labels)")))
        return
    names = ", ".join(p.label for p in parts[:6]) + (", ..." if len(parts) > 6 else "")
    span = Message("rows {first}–{last}", first=parts[0].number, last=parts[-1].number) \
        if len(parts) > 1 else Message("row {rows}", rows=parts[0].number)
    for record in subtotal.records:
        if record.value is None:
            continue
        added = [r for p in parts for r in p.records if r.column == record.column]
        values = [r.value for r in added]
        complete = len(values) == len(parts) and None not in values
        whole = sum(v for v in values if v is not None)
        leeway = _rounding([record, *added], layout.column_scales.get(record.column,
                                                                      layout.scale))
        if (complete and abs(whole - record.value) > leeway) or (
                not complete and whole > record.value + leeway):
            result.problems.append(_problem(
                result, "subtotal", row=record.row, column=record.heading, value=record.text,
                sheet=layout.sheet,
                message=_subtotal_mismatch(
                    complete=complete, region=subtotal.label, subtotal=_number(record.value),
                    span=span, names=names, whole=_number(whole),
                    difference=_number(record.value - whole))))


def _subtotal_mismatch(*, complete: bool, **values: object) -> Message:
    """A region's subtotal that is not the sum of its rows; said differently when some of
    those rows leave the cell empty (then the sum is only a lower bound)."""
    if complete:
        return Message("the subtotal for {region} is {subtotal} but the rows it groups "
                       "({span}: {names}) add up to {whole}: a difference of {difference}. "
                       "Correct the subtotal or the rows under it", **values)
    return Message("the subtotal for {region} is {subtotal} but the rows it groups "
                   "({span}: {names}) add up to {whole} without the cells left empty: a "
                   "difference of {difference}. Correct the subtotal or the rows under it",
                   **values)


def _rounding(records: list[Record], scale: int) -> float:
    """How far figures written in a unit (thousands, with one decimal) may miss their sum
    by rounding alone: half the last digit's unit for each figure; none for counts."""
    if scale == 1:
        return 0.0
    decimals = max((_decimals(r.value / scale) for r in records if r.value is not None),
                   default=0)
    return len(records) * 0.5 * scale / 10 ** decimals


def _decimals(number: float) -> int:
    exponent = Decimal(repr(number)).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# cells ----------------------------------------------------------------------------------

def _record_table(records: list[Record], dimensions: list[str]) -> ibis.Table:
    return ibis.memtable(pa.Table.from_pylist([{
        tab.ROW: r.row, "_col": r.column, "_total_row": r.total_row, "value_text": r.text,
        "value": r.value, **{f"label_{d}": r.labels.get(d) for d in dimensions},
    } for r in records], schema=pa.schema(
        [(tab.ROW, pa.int64()), ("_col", pa.int64()), ("_total_row", pa.bool_()),
         ("value_text", pa.string()), ("value", pa.float64()),
         *[(f"label_{d}", pa.string()) for d in dimensions]])))


def _check_cells(result: NationalRead, layout: Layout, records: list[Record]) -> None:
    """Empty labels and text in numeric cells, with the row-rule engine."""
    if not records:
        return
    first = min(layout.value_columns)
    rules = [tab.Rule("number", "value_text", Message("not a number"),
                      heading=layout.headings[j],
                      fails=lambda t, j=j: (t["_col"] == j) & t.value.isnull())
             for j in layout.value_columns]
    rules += [tab.Rule("required", f"label_{dim}", Message("the cell is empty"),
                       heading=layout.headings[j],
                       fails=lambda t, dim=dim: (t["_col"] == first) & ~t["_total_row"]
                       & tab.blank(t[f"label_{dim}"]))
              for dim, j in layout.dimension_columns.items()]
    table = _record_table(records, list(layout.dimension_columns))
    result.problems += tab.check_rules(table, rules, path=result.path, sheet=layout.sheet)


def _resolve_codes(result: NationalRead, headings: HeadingResolver) -> None:
    """Labels to codes; every unknown label listed with the closest codes."""
    cache: dict[tuple[str, str], str | None] = {}
    reported: set[tuple[str | None, int, str]] = set()
    for record in result.records:
        for dim in result.dimensions:
            label = record.labels.get(dim)
            if label is None:
                record.codes[dim] = TOTAL
                continue
            if not label:
                record.codes[dim] = TOTAL if record.total_row else None
                continue
            resolver = headings.labels[dim]
            if (dim, label) not in cache:
                cache[(dim, label)] = resolver.code(label)
            record.codes[dim] = cache[(dim, label)]
            if record.codes[dim] is None and (record.sheet, record.row, dim) not in reported:
                reported.add((record.sheet, record.row, dim))
                result.problems.append(_unknown_label(result, resolver, dim, label, record))


def _unknown_label(result: NationalRead, resolver, dim: str, label: str,
                   record: Record) -> InputProblem:
    closest = resolver.suggestions(label)
    result.unknown_labels.setdefault(dim, {})[label] = closest
    names = result.dataflow.dimension(dim).names
    what = Named(names["en"].lower(), {lang: name.lower() for lang, name in names.items()})
    if exact_key(label) in TOTAL_KEYS and not resolver.additive:
        message = Message("{what}: these figures cannot be added up, so a total is not "
                          "allowed", what=what)
        rule = "total_not_allowed"
    else:
        hint = Message("; closest: {closest}", closest=", ".join(closest)) if closest else ""
        message = Message("not a known {what}{hint}. Correct it, or map it in a mapping file",
                          what=what, hint=hint)
        rule = "unknown_code"
    column = record.sources.get(dim, record.heading)
    return _problem(result, rule, message, row=record.row, column=column, value=label,
                    sheet=record.sheet)


# types, ranges, duplicates (pandera) -----------------------------------------------------

def _check_types(result: NationalRead) -> None:
    """Counts, years and duplicate keys, checked by pandera inside the engine."""
    dims = result.dimensions
    with_value = [r for r in result.records if r.value is not None]
    if not with_value:
        return
    table = ibis.memtable(pa.Table.from_pylist([
        {tab.ROW: r.row, "_rec": i, "value": r.value, "value_text": r.text,
         "year_text": r.labels.get("time_period", r.heading),
         "_resolved": all(r.codes.get(d) for d in dims),
         **{f"code_{d}": r.codes[d] or "" for d in dims}} for i, r in enumerate(with_value)]))

    def heading(row: dict, column: str) -> str:
        record = with_value[row["_rec"]]
        if column == "code_time_period":
            return record.sources.get("time_period", record.heading)
        return record.heading

    where = {"path": result.path, "sheet": result.sheet, "headings": heading,
             "messages": _type_messages(dims),
             "shown": {"value": "value_text", "code_time_period": "year_text"}}
    result.problems += tab.check_schema(
        table, _value_schema(whole=result.dataflow.additive), **where)
    if any(all(r.codes.get(d) for d in dims) for r in with_value):
        result.problems += tab.check_schema(table.filter(table["_resolved"]),
                                            _key_schema(dims), **where)
        result.problems += _repeated_on_one_row(result, with_value)


def _repeated_on_one_row(result: NationalRead, records: list[Record]) -> list[InputProblem]:
    """The same figure twice on one row number: in two columns (two headings read as the
    same codes), or in two tables at the same row of different sheets. The row-wise
    duplicate check cannot tell such records apart, so they are compared here."""
    dims = result.dimensions
    first: dict[tuple, Record] = {}
    found = []
    for record in records:
        if not all(record.codes.get(d) for d in dims):
            continue
        earlier = first.setdefault(record.key(dims), record)
        if earlier is record or earlier.row != record.row:
            continue
        where = Message("column {column!r} of sheet {sheet!r}", column=earlier.heading,
                        sheet=earlier.sheet) if earlier.sheet != record.sheet else \
            Message("column {column!r}", column=earlier.heading)
        found.append(_problem(
            result, "duplicate", row=record.row, column=record.heading, sheet=record.sheet,
            value=", ".join(str(c) for c in record.key(dims)),
            message=Message("the same figure ({dimensions}) is given twice (first in "
                            "{where})", dimensions=", ".join(dims), where=where)))
    return found


def _value_schema(*, whole: bool = True) -> pandera.DataFrameSchema:
    """Figures are not negative, and counts (``whole``) are whole numbers; rates (a cost
    in per cent) may have decimals."""
    this_year = dt.date.today().year
    whole_number = [pandera.Check(lambda d: d.table[d.key] == d.table[d.key].round(),
                                  name="integer")] if whole else []
    return pandera.DataFrameSchema({
        "value": pandera.Column(dtypes.float64, [
            pandera.Check(lambda d: d.table[d.key] >= 0, name="non_negative"),
            *whole_number,
        ]),
        "code_time_period": pandera.Column(dtypes.string, [
            pandera.Check(lambda d: d.table[d.key].re_search(r"^(\d{4}|_T|)$"),
                          name="period"),
            pandera.Check(lambda d: d.table[d.key].try_cast("int64").fill_null(FIRST_YEAR)
                          .between(FIRST_YEAR, this_year), name="period_range"),
        ]),
    })


def _key_schema(dims: list[str]) -> pandera.DataFrameSchema:
    return pandera.DataFrameSchema({f"code_{d}": pandera.Column(dtypes.string) for d in dims},
                                   unique=[f"code_{d}" for d in dims])


def _type_messages(dims: list[str]) -> dict[str, str]:
    return {
        "non_negative": Message("a count cannot be negative"),
        "integer": Message("a count must be a whole number"),
        "period": Message("not a year"),
        "period_range": Message("the year must lie between {first} and {last}",
                                first=FIRST_YEAR, last=dt.date.today().year),
        "duplicate": Message("the same figure ({dimensions}) is given twice",
                             dimensions=", ".join(dims)),
    }


# totals ---------------------------------------------------------------------------------

def _check_totals(result: NationalRead, layout: Layout) -> None:
    """Each total the file gives equals the sum of its complete parts (within the
    dataflow's rounding tolerance) and is not less than the parts that are known; totals
    the parts give exactly are dropped (the indicators derive them again, by the same
    rule: :mod:`migprofile.codes.totals`)."""
    dims = result.dimensions
    records = result.records
    cube = Cube(result.dataflow, dims,
                [(r.key(dims), r.value, i) for i, r in enumerate(records)])
    derivable: set[int] = set()
    for index, total in enumerate(records):
        key = total.key(dims)
        for axis, code in enumerate(key):
            if code == TOTAL and _total_consistent(result, cube, total, axis):
                derivable.add(index)
    kept = [r for i, r in enumerate(records) if i not in derivable]
    result.dropped_totals = len(records) - len(kept)
    result.records = kept


def _total_consistent(result: NationalRead, cube: Cube, total: Record, axis: int) -> bool:
    """Whether the complete parts of ``total`` along ``axis`` give it exactly (it can be
    dropped); a total that disagrees with its parts is a problem."""
    dims = result.dimensions
    key = total.key(dims)
    names = result.dataflow.dimension(dims[axis]).names
    dim = Named(names["en"].lower(), {lang: name.lower() for lang, name in names.items()})
    whole = cube.derived(key, axis)
    if whole is None:
        known = cube.known_parts(key, axis)
        if known is not None and known.value > total.value and not within_tolerance(
                result.dataflow, total.value, known.value):
            result.problems.append(_problem(
                result, "totals", row=total.row, column=total.heading, value=total.text,
                message=Message("the total ({total}) is less than the parts given for it by "
                                "{dimension} ({parts}, {rows})", total=_number(total.value),
                                dimension=dim, parts=_number(known.value),
                                rows=_rows(result, known))))
        elif known is None and dims[axis] == "time_period":
            result.problems.append(_problem(
                result, "totals", row=total.row, column=total.heading, value=total.text,
                message=Message("a total over years, but the file has no figures for the "
                                "years")))
        return False
    if not within_tolerance(result.dataflow, total.value, whole.value):
        result.problems.append(_problem(
            result, "totals", row=total.row, column=total.heading, value=total.text,
            message=Message("the total ({total}) does not equal the sum of its parts by "
                            "{dimension} ({parts}, {rows}): a difference of {difference}, "
                            "{allowed}", total=_number(total.value), dimension=dim,
                            parts=_number(whole.value), rows=_rows(result, whole),
                            difference=_number(total.value - whole.value),
                            allowed=_allowed(result.dataflow))))
    return whole.value == total.value


def _allowed(dataflow: Dataflow) -> Message:
    """What the dataflow allows a total to differ from its parts by."""
    tolerance = dataflow.totals
    if tolerance.tolerance or tolerance.tolerance_pct:
        return Message("more than the {dataflow} rounding tolerance ({tolerance}, "
                       "{percent} %)", dataflow=dataflow.id,
                       tolerance=_number(tolerance.tolerance),
                       percent=f"{tolerance.tolerance_pct:g}")
    return Message("totals must equal their parts in {dataflow}", dataflow=dataflow.id)


def _rows(result: NationalRead, cell: Cell) -> Message:
    rows = sorted({result.records[i].row for i in cell.rows})
    listed = ", ".join(map(str, rows[:12]))
    if len(rows) > 12:
        return Message("rows {rows} and {more} more", rows=listed, more=len(rows) - 12)
    if len(rows) > 1:
        return Message("rows {rows}", rows=listed)
    return Message("row {rows}", rows=listed)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _check_coverage(result: NationalRead) -> None:
    years = sorted(int(p) for p in result.periods)
    if not years:
        result.problems.append(_problem(result, "no_data", message=Message(
            "the table has no figures to import")))
        return
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if missing:
        result.warnings.append(_problem(
            result, "coverage", severity="warning", value=", ".join(map(str, missing)),
            message=Message("no figures for {missing} although the file covers "
                            "{first}–{last}", missing=", ".join(map(str, missing)),
                            first=years[0], last=years[-1])))
