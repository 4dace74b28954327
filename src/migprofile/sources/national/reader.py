"""Reading an agency's spreadsheet into a national dataflow, checking every cell.

The steps, each reporting located problems rather than stopping at the first:

1. read the sheet (:mod:`migprofile.sources.table`) and find its header;
2. give each column a role: a dimension, the figures, the figures of one code (a column
   "Women" holds the figures for sex ``F``), or nothing (serial numbers, notes);
3. turn each figure into a record: its labels, its number, its row and column;
4. check the cells (empty labels, text in numeric cells) with row rules, map labels to
   codes (unknown ones with the closest codes), then check types, ranges and duplicate keys
   with pandera;
5. check totals against their complete parts (:mod:`migprofile.codes.totals`), then drop
   those the parts already give;
6. warn about years missing inside the period the file covers.

Dimensions the file has no column for take the total code ``_T``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
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
    TOTAL_LABELS,
    VALUE,
    HeadingResolver,
    Mapping,
    Role,
    exact_key,
)
from migprofile.sources.table import (
    Header,
    SheetRows,
    cell_text,
    locate_header,
    parse_number,
    read_sheet,
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

    Unusable input (missing, damaged, password-protected, empty, undecidable encoding)
    raises :class:`~migprofile.errors.MigprofileError`.
    """
    mapping = mapping or Mapping()
    rows = read_sheet(path, sheet=sheet)
    result = NationalRead(dataflow, path, rows.sheet, warnings=list(rows.warnings),
                          encoding=rows.encoding, delimiter=rows.delimiter)
    headings = HeadingResolver(dataflow, mapping)
    header = locate_header(rows, recognised=headings.recognised)
    if header is None:
        result.problems.append(_no_header(path, rows, dataflow, headings))
        return result
    result.header_rows = header.rows
    layout = _layout(result, header, headings, rows)
    if result.problems:
        return result
    result.records = _records(result, rows, header, layout)
    _check_cells(result, layout)
    _resolve_codes(result, headings, layout)
    _check_types(result, layout)
    if not result.problems:
        _check_totals(result, layout)
        _check_coverage(result)
    return result


def _problem(result: NationalRead, rule: str, message: Message, **where) -> InputProblem:
    return InputProblem(file=str(result.path), sheet=result.sheet, rule=rule, message=message,
                        **where)


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
    """Which column holds what."""

    headings: list[str]
    dimension_columns: dict[str, int]
    value_columns: dict[int, Role]


def _layout(result: NationalRead, header: Header, headings: HeadingResolver,
            rows: SheetRows) -> Layout:
    roles: dict[int, Role] = {}
    totals: list[int] = []
    row_number = header.rows[-1]
    for j, heading in enumerate(header.headings):
        if not heading:
            _unnamed_column(result, rows, header, j)
            continue
        role = headings.role(heading)
        if role is None and headings.is_total(heading):
            totals.append(j)
        elif role is None:
            closest = headings.suggestions(heading)
            result.unknown_columns[heading] = closest
            hint = Message(" Closest: {closest}.", closest=", ".join(closest)) if closest else ""
            result.problems.append(_problem(
                result, "unknown_column", row=row_number, column=heading,
                message=Message("not a column of {dataflow}.{hint} Name it in a mapping file "
                                "(columns), or map it to \"ignore\"",
                                dataflow=result.dataflow.id, hint=hint)))
        else:
            roles[j] = role
    pivots = {r.dimension for r in roles.values() if r.kind == "pivot"}
    for j in totals:
        roles[j] = Role("pivot", next(iter(pivots)), TOTAL) if len(pivots) == 1 else Role(VALUE)
    result.columns = {header.headings[j]: r.describe() for j, r in sorted(roles.items())}
    layout = Layout(header.headings,
                    {r.dimension: j for j, r in sorted(roles.items(), reverse=True)
                     if r.kind == "dimension"},
                    {j: r for j, r in roles.items() if r.kind in (VALUE, "pivot")})
    _check_layout(result, layout, roles, row_number)
    return layout


def _unnamed_column(result: NationalRead, rows: SheetRows, header: Header, j: int) -> None:
    for number, cells in rows.rows[header.index + 1:]:
        if j < len(cells) and cell_text(cells[j]):
            result.problems.append(_problem(
                result, "unnamed_column", row=number, column=f"column {j + 1}",
                value=cell_text(cells[j]),
                message=Message("this cell is under a column without a heading; name the "
                                "column or empty the cell")))
            return


def _check_layout(result: NationalRead, layout: Layout, roles: dict[int, Role],
                  row: int) -> None:
    flow = result.dataflow
    seen: dict[str, str] = {}
    for j, role in sorted(roles.items()):
        if role.kind != "dimension":
            continue
        if role.dimension in seen:
            result.problems.append(_problem(
                result, "duplicate_column", row=row, column=layout.headings[j],
                message=Message("a second column for {dimension} (the first is {first!r})",
                                dimension=_named(flow, role.dimension),
                                first=seen[role.dimension])))
        seen.setdefault(role.dimension, layout.headings[j])
    kinds = {(r.kind, r.dimension) for r in layout.value_columns.values()}
    pivot_dims = {d for k, d in kinds if k == "pivot"}
    if not layout.value_columns:
        result.problems.append(_problem(
            result, "missing_column", row=row,
            message=Message("no column holds the figures: expected one named like {en!r} or "
                            "{vi!r}, or columns named by code (Women, Men, a year, ...)",
                            en=flow.measures[0].names["en"], vi=flow.measures[0].names["vi"])))
    elif len(pivot_dims) > 1 or (pivot_dims and (VALUE, None) in kinds):
        result.problems.append(_problem(
            result, "layout", row=row,
            message=Message("the figures are spread over columns of different kinds "
                            "({kinds}); keep one column of figures, or columns for the codes "
                            "of one dimension", kinds=", ".join(sorted(
                                r.describe() for r in layout.value_columns.values())))))
    for dim in pivot_dims & set(layout.dimension_columns):
        result.problems.append(_problem(
            result, "duplicate_column", row=row, column=layout.headings[
                layout.dimension_columns[dim]],
            message=Message("{dimension} has a column of its own and also columns of figures "
                            "per code", dimension=_named(flow, dim))))
    if "time_period" not in set(layout.dimension_columns) | pivot_dims:
        result.problems.append(_problem(
            result, "missing_column", row=row,
            message=Message("no column for the year: add one (e.g. \"Year\" or \"Năm\") or "
                            "name the columns of figures by year")))


# records --------------------------------------------------------------------------------

def _is_total_row(cells: list) -> bool:
    return any(exact_key(cell_text(c)) in TOTAL_KEYS for c in cells)


def _records(result: NationalRead, rows: SheetRows, header: Header,
             layout: Layout) -> list[Record]:
    width = len(layout.headings)
    records = []
    for number, cells in rows.rows[header.index + 1:]:
        extra = [c for c in cells[width:] if cell_text(c)]
        if extra:
            result.problems.append(_problem(
                result, "extra_cell", row=number, column=f"column {width + 1}",
                value=cell_text(extra[0]),
                message=Message("a cell to the right of the last column with a heading")))
        made = _row_records(number, cells, layout)
        if made:
            records += made
        else:
            result.warnings.append(_problem(
                result, "no_figures", row=number, severity="warning",
                value=" | ".join(t for t in map(cell_text, cells) if t)[:80],
                message=Message("row without figures skipped (a note or a heading?)")))
    return records


def _row_records(number: int, cells: list, layout: Layout) -> list[Record]:
    total_row = _is_total_row(cells)
    labels = {dim: cell_text(cells[j]) if j < len(cells) else ""
              for dim, j in layout.dimension_columns.items()}
    made = []
    for j, role in sorted(layout.value_columns.items()):
        text = cell_text(cells[j]) if j < len(cells) else ""
        try:
            value = parse_number(cells[j] if j < len(cells) else None)
        except ValueError:
            value = None
        else:
            if value is None:
                continue  # not available: no observation
        own = dict(labels)
        if role.kind == "pivot":
            own[role.dimension] = role.code
        made.append(Record(number, j, layout.headings[j], own, {}, text, value, total_row))
    return made


# cells ----------------------------------------------------------------------------------

def _record_table(records: list[Record], dimensions: list[str]) -> ibis.Table:
    return ibis.memtable(pa.Table.from_pylist([{
        tab.ROW: r.row, "_col": r.column, "_total_row": r.total_row, "value_text": r.text,
        "value": r.value, **{f"label_{d}": r.labels.get(d) for d in dimensions},
    } for r in records], schema=pa.schema(
        [(tab.ROW, pa.int64()), ("_col", pa.int64()), ("_total_row", pa.bool_()),
         ("value_text", pa.string()), ("value", pa.float64()),
         *[(f"label_{d}", pa.string()) for d in dimensions]])))


def _check_cells(result: NationalRead, layout: Layout) -> None:
    """Empty labels and text in numeric cells, with the row-rule engine."""
    if not result.records:
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
    table = _record_table(result.records, list(layout.dimension_columns))
    result.problems += tab.check_rules(table, rules, path=result.path, sheet=result.sheet)


def _resolve_codes(result: NationalRead, headings: HeadingResolver, layout: Layout) -> None:
    """Labels to codes; every unknown label listed with the closest codes."""
    cache: dict[tuple[str, str], str | None] = {}
    reported: set[tuple[int, str]] = set()
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
            if record.codes[dim] is None and (record.row, dim) not in reported:
                reported.add((record.row, dim))
                result.problems.append(_unknown_label(result, resolver, dim, label, record,
                                                      layout))


def _unknown_label(result: NationalRead, resolver, dim: str, label: str, record: Record,
                   layout: Layout) -> InputProblem:
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
    column = layout.headings[layout.dimension_columns[dim]] \
        if dim in layout.dimension_columns else record.heading
    return _problem(result, rule, message, row=record.row, column=column, value=label)


# types, ranges, duplicates (pandera) -----------------------------------------------------

def _check_types(result: NationalRead, layout: Layout) -> None:
    """Counts, years and duplicate keys, checked by pandera inside the engine."""
    dims = result.dimensions
    with_value = [r for r in result.records if r.value is not None]
    if not with_value:
        return
    by_position = {(r.row, r.column): r for r in with_value}
    table = ibis.memtable(pa.Table.from_pylist([
        {tab.ROW: r.row, "_col": r.column, "value": r.value, "value_text": r.text,
         "year_text": r.labels.get("time_period", r.heading),
         "_resolved": all(r.codes.get(d) for d in dims),
         **{f"code_{d}": r.codes[d] or "" for d in dims}} for r in with_value]))

    year_column = layout.dimension_columns.get("time_period")

    def heading(row: dict, column: str) -> str:
        if column == "code_time_period" and year_column is not None:
            return layout.headings[year_column]
        return by_position[(row[tab.ROW], row["_col"])].heading

    where = {"path": result.path, "sheet": result.sheet, "headings": heading,
             "messages": _type_messages(dims),
             "shown": {"value": "value_text", "code_time_period": "year_text"}}
    result.problems += tab.check_schema(table, _value_schema(), **where)
    if any(all(r.codes.get(d) for d in dims) for r in with_value):
        result.problems += tab.check_schema(table.filter(table["_resolved"]),
                                            _key_schema(dims), **where)


def _value_schema() -> pandera.DataFrameSchema:
    this_year = dt.date.today().year
    return pandera.DataFrameSchema({
        "value": pandera.Column(dtypes.float64, [
            pandera.Check(lambda d: d.table[d.key] >= 0, name="non_negative"),
            pandera.Check(lambda d: d.table[d.key] == d.table[d.key].round(), name="integer"),
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
