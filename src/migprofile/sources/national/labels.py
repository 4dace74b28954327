"""From an agency's words to a dataflow's codes: column headings and cell labels.

Agencies write "Nhật Bản", "Japan", "JPN" or "일본" for the same country, "Tổng cộng" for a
totals row and "Thị trường" for the column of destinations. A label is matched exactly
(ignoring case) first, then without accents, the latter only when that is unambiguous
("Nam", men, and "Năm", year, differ only by an accent). The officer's own mapping file
(:class:`Mapping`) comes before everything else.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migprofile.codes import (
    TOTAL,
    Dataflow,
    codelist,
    countries,
    fold_label,
    match_country,
    suggest_countries,
)
from migprofile.errors import Message, MigprofileError

__all__ = [
    "IGNORE",
    "TOTAL_LABELS",
    "VALUE",
    "HeadingResolver",
    "LabelResolver",
    "Mapping",
    "Role",
    "read_mapping",
]

VALUE = "value"
IGNORE = "ignore"

TOTAL_LABELS = (
    "Total", "Totals", "Grand total", "All", "Tổng", "Tổng số", "Tổng cộng", "Cộng",
    "Tổng chung", "Toàn bộ", "ລວມ", "ລວມທັງໝົດ", "ລວມຍອດ", "ທັງໝົດ", "합계", "계", "총계", "전체",
)
"""Labels of a totals row or column, in the four languages."""

VALUE_HEADINGS = (
    "Value", "Number", "Count", "Giá trị", "Số lượng", "Số người", "ຈຳນວນ", "ຄ່າ", "수", "인원",
    "인원수", "값",
)
IGNORED_HEADINGS = (
    "No.", "No", "#", "STT", "TT", "Số thứ tự", "Order", "ລ/ດ", "ລຳດັບ", "순번", "번호",
    "Note", "Notes", "Remarks", "Ghi chú", "ໝາຍເຫດ", "비고",
)
"""Serial numbers and notes: columns an agency adds that hold no data."""

YEAR = re.compile(r"^\D{0,12}?(\d{4})\D{0,6}$")
"""A year in a cell, as "2017", "Năm 2017" or "2017年"; its range is checked later."""
YEAR_HEADING = re.compile(r"^(?:19|20)\d{2}$")
"""A heading that is a year: the column holds that year's figures."""
TEMPLATE_LABEL = re.compile(r"^([A-Za-z0-9_]+):\s")
"""Labels of the template's dropdown lists: ``JPN: Nhật Bản / Japan``."""


def exact_key(text: str) -> str:
    """Case-insensitive, but accents kept: "Năm" and "Nam" stay apart."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class _Index:
    """Labels to targets, looked up exactly first, then without accents when unambiguous."""

    def __init__(self) -> None:
        self.exact: dict[str, str] = {}
        self.folded: dict[str, set[str]] = {}

    def add(self, label: str, target: str) -> None:
        if not label:
            return
        self.exact.setdefault(exact_key(label), target)
        self.folded.setdefault(fold_label(label), set()).add(target)

    def get(self, label: str) -> str | None:
        found = self.exact.get(exact_key(label))
        if found is not None:
            return found
        targets = self.folded.get(fold_label(label), set())
        return next(iter(targets)) if len(targets) == 1 else None

    def closest(self, label: str, n: int = 3) -> list[str]:
        hits = difflib.get_close_matches(fold_label(label), list(self.folded), n=n * 2,
                                         cutoff=0.6)
        found: list[str] = []
        for hit in hits:
            for target in sorted(self.folded[hit]):
                if target not in found:
                    found.append(target)
        return found[:n]


class Mapping(BaseModel):
    """An officer's mapping file: headings and labels migprofile cannot guess.

    ``columns`` maps a heading to a dimension id, ``value``, ``ignore`` or ``DIM=CODE`` (a
    column holding the figures of one code, e.g. ``"Lao động nữ" = "sex=F"``); ``labels``
    maps, per dimension, a label to a code.
    """

    model_config = ConfigDict(extra="forbid")

    dataflow: str | None = Field(default=None, description="the dataflow the mapping is for")
    columns: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, dict[str, str]] = Field(default_factory=dict)

    def merged(self, other: Mapping) -> Mapping:
        """This mapping completed (and overridden) by ``other``."""
        labels = {dim: {**self.labels.get(dim, {}), **other.labels.get(dim, {})}
                  for dim in {*self.labels, *other.labels}}
        return Mapping(dataflow=other.dataflow or self.dataflow,
                       columns={**self.columns, **other.columns}, labels=labels)


def read_mapping(path: Path) -> Mapping:
    """Read a mapping file (TOML); a bad one is refused naming the file and the entry."""
    if not path.is_file():
        raise MigprofileError(Message("the mapping file does not exist."), path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        mapping = Mapping.model_validate(data)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MigprofileError(Message("not valid TOML: {error}", error=str(exc)),
                              path=path) from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise MigprofileError(Message("invalid mapping: {problems}", problems=problems),
                              path=path) from exc
    empty = [f"{dim}: {label!r}" for dim, labels in mapping.labels.items()
             for label, code in labels.items() if not code.strip()]
    if empty:
        raise MigprofileError(Message("give a code for each label, or delete the line: "
                                      "{labels}", labels=", ".join(empty)), path=path)
    return mapping


@dataclass(frozen=True)
class Role:
    """What a column holds: a dimension's labels, the figures, figures of one code, nothing."""

    kind: str
    dimension: str | None = None
    code: str | None = None

    def describe(self) -> str:
        if self.kind == "pivot":
            return f"{self.dimension}={self.code}"
        return self.dimension if self.kind == "dimension" else self.kind


class LabelResolver:
    """Cell labels of one dimension to codes, with suggestions for the unknown ones."""

    def __init__(self, dataflow: Dataflow, dimension: str, mapping: Mapping) -> None:
        self.dimension = dimension
        declared = dataflow.dimension(dimension)
        self.codelist = None if declared.codelist is None else codelist(declared.codelist,
                                                                          dataflow)
        self.index = _Index()
        for label, code in mapping.labels.get(dimension, {}).items():
            self.index.add(label, code)
        if self.additive:
            for label in TOTAL_LABELS:
                self.index.add(label, TOTAL)
        if self.codelist is not None and self.codelist.id != "CL_AREA":
            for code, names in self.codelist.codes.items():
                self.index.add(code, code)
                for name in names.values():
                    self.index.add(name, code)
            for label, code in self.codelist.aliases.items():
                self.index.add(label, code)

    @property
    def additive(self) -> bool:
        return self.codelist is None or self.codelist.additive

    @property
    def is_open(self) -> bool:
        return self.codelist is not None and self.codelist.open

    @property
    def is_area(self) -> bool:
        return self.codelist is not None and self.codelist.id == "CL_AREA"

    def code(self, label: str) -> str | None:
        """The code for a label, or None when it is unknown."""
        found = self.index.get(label)
        if found is not None:
            return found
        template = TEMPLATE_LABEL.match(label)
        if template and self._is_code(template.group(1)):
            return template.group(1)
        if self.dimension == "time_period":
            year = YEAR.match(label)
            return year.group(1) if year else None
        if self.is_area:
            return match_country(label)
        if self.is_open:
            return _open_code(label)
        return None

    def _is_code(self, code: str) -> bool:
        if code == TOTAL:
            return self.additive
        if self.is_area:
            return code in countries()
        return self.codelist is not None and code in self.codelist.codes

    def suggestions(self, label: str) -> list[str]:
        """Closest codes, as ``CODE (name)``, best first."""
        if self.is_area:
            return [f"{c.iso3} ({c.name()})" for c in suggest_countries(label, limit=3)]
        if self.codelist is None:
            return []
        return [f"{code} ({self.codelist.codes[code]['en']})" if code in self.codelist.codes
                else code for code in self.index.closest(label)]


def _open_code(label: str) -> str | None:
    """A code made of a label's letters, for open codelists: "Hà Nội" -> ``HA_NOI``."""
    code = re.sub(r"[^A-Z0-9]+", "_", fold_label(label).upper()).strip("_")
    return code or None


class HeadingResolver:
    """Column headings to roles, in any report language, by the dataflow's declarations."""

    def __init__(self, dataflow: Dataflow, mapping: Mapping) -> None:
        self.dataflow = dataflow
        self.index = _Index()
        self.own: dict[str, Role] = {}
        for heading, target in mapping.columns.items():
            self.own[exact_key(heading)] = self._parse_target(target, heading)
        for dimension in dataflow.dimensions:
            for label in (dimension.id, *dimension.names.values(), *dimension.aliases):
                self.index.add(label, f"dimension:{dimension.id}")
        measure = dataflow.measures[0]
        for label in (measure.id, *measure.names.values(), *measure.aliases, *VALUE_HEADINGS):
            self.index.add(label, VALUE)
        for label in IGNORED_HEADINGS:
            self.index.add(label, IGNORE)
        self.labels = {d.id: LabelResolver(dataflow, d.id, mapping)
                       for d in dataflow.dimensions}

    def _parse_target(self, target: str, heading: str) -> Role:
        if target in (VALUE, IGNORE):
            return Role(target)
        dimension, _, code = target.partition("=")
        known = {d.id for d in self.dataflow.dimensions}
        if dimension not in known:
            raise MigprofileError(Message(
                "the mapping sends column {heading!r} to {target!r}, which is neither "
                "'value', 'ignore', nor a dimension of {dataflow} ({dimensions}), nor "
                "DIMENSION=CODE.", heading=heading, target=target, dataflow=self.dataflow.id,
                dimensions=", ".join(sorted(known))))
        return Role("pivot", dimension, code) if code else Role("dimension", dimension)

    def role(self, heading: str) -> Role | None:
        """The role of one heading ("Workers / Women" tries the whole, then each part)."""
        parts = [heading, *reversed([p.strip() for p in heading.split(" / ")])]
        for part in dict.fromkeys(parts):
            found = self._role_of_part(part)
            if found is not None:
                return found
        return None

    def _role_of_part(self, text: str) -> Role | None:
        own = self.own.get(exact_key(text))
        if own is not None:
            return own
        target = self.index.get(text)
        if target is not None:
            kind, _, dimension = target.partition(":")
            return Role(kind, dimension or None)
        return self._pivot(text)

    def _pivot(self, text: str) -> Role | None:
        """A heading that is a code of a dimension: the column holds that code's figures
        (a year, "Women", a country)."""
        if "time_period" in self.labels and YEAR_HEADING.match(text.strip()):
            return Role("pivot", "time_period", text.strip())
        for dimension, resolver in self.labels.items():
            if dimension in ("time_period", "counterpart_area") or resolver.is_open:
                continue
            code = resolver.index.get(text)
            if code is not None and code != TOTAL:
                return Role("pivot", dimension, code)
        country = match_country(text)
        if country is not None and "counterpart_area" in self.labels:
            return Role("pivot", "counterpart_area", country)
        return None

    def is_total(self, heading: str) -> bool:
        keys = {exact_key(p) for p in (heading, *heading.split(" / "))}
        return bool(keys & {exact_key(t) for t in TOTAL_LABELS})

    def recognised(self, heading: str) -> bool:
        return self.is_total(heading) or self.role(heading) is not None

    def suggestions(self, heading: str) -> list[str]:
        return [t.partition(":")[2] or t for t in self.index.closest(heading)]
