"""From an agency's words to a dataflow's codes: column headings and cell labels.

Agencies write "Nhật Bản", "Japan", "JPN" or "일본" for the same country, "Tổng cộng" for a
totals row and "Thị trường" for the column of destinations. A label is matched exactly
(ignoring case) first, then without accents, the latter only when that is unambiguous
("Nam", men, and "Năm", year, differ only by an accent). The officer's own mapping file
(:class:`Mapping`) comes before everything else.
"""

from __future__ import annotations

import datetime as dt
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
from migprofile.codes.dataflows import RATE_UNITS
from migprofile.errors import Message, MigprofileError
from migprofile.sources.table import unit_scale

__all__ = [
    "IGNORE",
    "TOTAL_LABELS",
    "VALUE",
    "HeadingResolver",
    "LabelResolver",
    "Mapping",
    "Role",
    "is_region",
    "is_total_label",
    "read_mapping",
]

VALUE = "value"
IGNORE = "ignore"

TOTAL_LABELS = (
    "Total", "Totals", "Grand total", "All", "Both sexes", "Tổng", "Tổng số", "Tổng cộng", "Cộng",
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
    "Khu vực", "Châu lục", "Region", "Continent", "ພາກພື້ນ", "ທະວີບ", "지역", "대륙",
)
"""Serial numbers, notes and regions (the country says it): columns that hold no data."""
EXTRA_LABELS = {
    "sex": {"Nữ giới": "F", "Nam giới": "M", "LĐ nữ": "F", "LĐ nam": "M", "ຜູ້ຍິງ": "F",
            "ຜູ້ຊາຍ": "M", "여성 근로자": "F", "남성 근로자": "M", "Female workers": "F",
            "Male workers": "M"},
}
"""Further words ministries write for codes of the shared codelists."""
SUBTOTAL_LABELS = ("Subtotal", "Sub-total", "Tiểu cộng", "Cộng nhóm", "ລວມຍ່ອຍ", "소계")
"""A subtotal row without a region's name: it closes the rows above it."""
TOTAL_PREFIXES = ("tổng số", "tổng cộng", "tổng", "total", "ລວມ", "총", "전체")
"""A total heading naming the figures: "Tổng số lao động", "Total workers"."""
DERIVED_HEADING = re.compile(
    r"(%|^(?:tỷ lệ|tỉ lệ|tỷ trọng|tỉ trọng|cơ cấu|so sánh|so với|tăng(?:,|/| -)? ?giảm|"
    r"share|percent|percentage|ratio|change|growth|ອັດຕາ|ສ່ວນຮ້ອຍ|ປຽບທຽບ|비율|비중|구성비|"
    r"증감|증감률)\b)", re.IGNORECASE)
"""Shares, changes and comparisons: figures derived from the others, not data to keep."""
UNIT_IN_HEADING = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")
"""A unit after a heading: "Số lao động (nghìn người)"."""
RATE_IN_HEADING = re.compile(r"^(.*?\S)\s*(?:\(([^()]*[%‰][^()]*)\)|,?\s*[%‰])$")
"""A rate's unit after its heading: "Chi phí tuyển dụng (%)", "채용 비용(월 소득 대비 %)",
"Recruitment cost, %"."""
LABEL_MARKS = re.compile(
    r"^(?:[-+•·*]\s*|(?:trong đó|of which|riêng|ໃນນັ້ນ|그중)\s*[:：]\s*)+|"
    r"(?:\s*(?:\*+|\(\d+\)|\[\d+\]|[:：]))+$", re.IGNORECASE)
"""Bullets, "of which" and footnote marks around a label: "- Nhật Bản", "Đài Loan (1)"."""

REGION_LABELS = (
    "Asia", "Europe", "Africa", "America", "Americas", "North America", "South America",
    "Latin America", "Latin America and the Caribbean", "Oceania", "Middle East",
    "East Asia", "Southeast Asia", "South-East Asia", "South Asia", "Western Asia",
    "Central Asia", "Northeast Asia", "ASEAN", "European Union", "EU", "Gulf countries", "GCC",
    "Châu Á", "Châu Âu", "Châu Phi", "Châu Mỹ", "Châu Đại Dương", "Châu Úc", "Trung Đông",
    "Đông Á", "Đông Nam Á", "Đông Bắc Á", "Nam Á", "Tây Á", "Trung Á", "Bắc Mỹ", "Nam Mỹ",
    "Mỹ La tinh", "Liên minh châu Âu", "Các nước ASEAN", "Vùng Vịnh",
    "ອາຊີ", "ເອີຣົບ", "ຢູໂຣບ", "ອາຟຣິກາ", "ອາເມລິກາ", "ອາເມຣິກາ", "ໂອເຊຍເນຍ", "ຕາເວັນອອກກາງ",
    "ອາຊຽນ", "ອາຊີຕາເວັນອອກສຽງໃຕ້", "ອາຊີຕາເວັນອອກ",
    "아시아", "유럽", "아프리카", "아메리카", "북미", "북아메리카", "남미", "남아메리카", "중남미",
    "오세아니아", "중동", "동남아시아", "동아시아", "아세안", "유럽연합",
    "Asia-Pacific", "Asia Pacific", "Eastern Europe", "Western Europe", "Northern Europe",
    "Southern Europe", "North Africa", "Sub-Saharan Africa", "Caribbean", "Central America",
    "Pacific", "Châu Á - Thái Bình Dương", "Châu Á Thái Bình Dương", "Đông Âu", "Tây Âu",
    "Bắc Âu", "Nam Âu", "Bắc Phi", "Trung Mỹ", "Thái Bình Dương", "Bắc Á", "Châu Mỹ La tinh",
    "ເອເຊຍ", "ອາຊີຕາເວັນຕົກ", "ອາຊີໃຕ້", "동유럽", "서유럽", "북아프리카", "아시아태평양",
    "중앙아시아", "남아시아", "서아시아", "동북아시아",
)
"""Regions an agency groups countries under, in the four languages: a row of one is a
subtotal of the countries it groups, never a partner of its own."""
REGION_PREFIX = re.compile(
    r"^(?:(?:[IVX]+|\d+|[a-z])[.)]\s*|(?:cộng|tổng|tổng số|tổng cộng|khu vực|thị trường|"
    r"các nước|total|subtotal|sub-total|region|ລວມ|ເຂດ|ພາກພື້ນ|소계|계|지역)\s*[:：]?\s+)",
    re.IGNORECASE)
REGION_SUFFIX = re.compile(r"\s*(?:total|subtotal|지역|소계|계)$", re.IGNORECASE)
SUBTOTAL_WORD = re.compile(r"^(?:cộng|tổng|tổng số|tổng cộng|total|subtotal|sub-total|ລວມ|소계|계)"
                           r"\b|(?:total|subtotal|소계|계)$", re.IGNORECASE)
"""A subtotal named like "Cộng châu Á" sums the rows above it; a bare region, those below."""

YEAR = re.compile(r"^\D{0,12}?(\d{4})\D{0,6}$")
"""A year in a cell, as "2017", "Năm 2017" or "2017年"; its range is checked later."""
YEAR_HEADING = re.compile(r"^(?:19|20)\d{2}$")
"""A heading that is a year: the column holds that year's figures."""
TEMPLATE_LABEL = re.compile(r"^([A-Za-z0-9_]+):\s")
"""Labels of the template's dropdown lists: ``JPN: Nhật Bản / Japan``."""


def _region_core(label: str) -> str:
    core = label.strip()
    for _ in range(3):
        shorter = REGION_SUFFIX.sub("", REGION_PREFIX.sub("", core)).strip()
        if shorter == core:
            break
        core = shorter
    return core


_REGIONS = frozenset(fold_label(label) for label in REGION_LABELS)
_SUBTOTALS = frozenset(fold_label(label) for label in SUBTOTAL_LABELS)


def is_region(label: str) -> bool:
    """Whether a row label names a region ("Châu Á", "Cộng Trung Đông", "II. ASIA") or a
    subtotal ("소계")."""
    return bool(label) and (fold_label(_region_core(label)) in _REGIONS
                            or fold_label(label) in _SUBTOTALS)


def sums_rows_above(label: str) -> bool:
    """Whether a region subtotal is named as a sum ("Cộng châu Á", "Asia total"): it
    closes the rows above it rather than heading those below."""
    core = re.sub(r"^(?:[IVX]+|\d+)[.)]\s*", "", label.strip())
    return SUBTOTAL_WORD.search(core) is not None or fold_label(core) in _SUBTOTALS


def is_total_label(text: str) -> bool:
    """Whether a label or heading says "total" ("Tổng cộng", "Tổng cộng:", "합계")."""
    return exact_key(LABEL_MARKS.sub("", text)) in _TOTAL_KEYS


def _plausible_year(text: str) -> bool:
    """A year a column of figures can be headed by: from 1900 to next year (a count like
    2087 is no year)."""
    return YEAR_HEADING.match(text) is not None and int(text) <= dt.date.today().year + 1


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
        return found if found is not None else self.get_folded(label)

    def get_exact(self, label: str) -> str | None:
        return self.exact.get(exact_key(label))

    def get_folded(self, label: str) -> str | None:
        """The target without accents, when only one target has that spelling."""
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


TOTAL_COLUMN = "total"
"""Kind of a column headed "Total" (``Tổng số``): the total of the codes its neighbours
split the figures by, told once the other columns are known."""


@dataclass(frozen=True)
class Role:
    """What a column holds: a dimension's labels, the figures, the figures of one code (or of
    one code of each of several dimensions: "2021 / Women"), a total, nothing."""

    kind: str
    dimension: str | None = None
    code: str | None = None
    also: tuple[tuple[str, str], ...] = ()
    """Further dimensions and codes a column's figures are of (headers over several rows)."""

    @classmethod
    def of_codes(cls, codes: dict[str, str], *, kind: str = "pivot") -> Role:
        """The figures of these codes (a total column: its codes besides the total)."""
        if not codes:
            return cls(kind)
        (dimension, code), *also = codes.items()
        return cls(kind, dimension, code, tuple(also))

    @property
    def codes(self) -> dict[str, str]:
        """The codes the column's figures are of, by dimension."""
        if self.kind not in ("pivot", TOTAL_COLUMN) or self.dimension is None:
            return {}
        return {self.dimension: self.code, **dict(self.also)}

    def describe(self) -> str:
        if self.kind == "pivot":
            return ", ".join(f"{dim}={code}" for dim, code in self.codes.items())
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
            for label in (TOTAL, *TOTAL_LABELS):
                self.index.add(label, TOTAL)
        for label, code in EXTRA_LABELS.get(dimension, {}).items():
            self.index.add(label, code)
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
        """The code for a label, or None when it is unknown; bullets and footnote marks
        ("- Nhật Bản", "Đài Loan (1)", "Tổng cộng:") are passed over."""
        found = self._code(label)
        bare = LABEL_MARKS.sub("", label).strip()
        return found if found is not None or not bare or bare == label else self._code(bare)

    def _code(self, label: str) -> str | None:
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
        if target in (VALUE, IGNORE, TOTAL_COLUMN):
            return Role(target)
        known = {d.id for d in self.dataflow.dimensions}
        pairs = [part.strip().partition("=") for part in target.split(",")]
        if any(dimension not in known for dimension, _, _ in pairs) or (
                len(pairs) > 1 and not all(code for _, _, code in pairs)):
            raise MigprofileError(Message(
                "the mapping sends column {heading!r} to {target!r}, which is neither "
                "'value', 'ignore', 'total', nor a dimension of {dataflow} ({dimensions}), "
                "nor DIMENSION=CODE (several separated by commas).", heading=heading,
                target=target, dataflow=self.dataflow.id, dimensions=", ".join(sorted(known))))
        dimension, _, code = pairs[0]
        if not code:
            return Role("dimension", dimension)
        return Role.of_codes({dim: code for dim, _, code in pairs})

    def readings(self, heading: str) -> list[Role]:
        """Every reading of a heading, most likely first: none when it is unknown, several
        when it is ambiguous ("Nam", men, is also "Năm", year, typed without accents).

        A heading combined from several header rows ("Số lao động / Trong đó: Nữ") is read
        part by part: the codes of its parts together (a year over "Women": the women of
        that year), else a total, else the figures.
        """
        own = self.own.get(exact_key(heading))
        if own is not None:
            return [own]
        heading = " ".join(heading.split())  # a heading may break over lines in its cell
        parts = list(dict.fromkeys(p.strip() for p in heading.split(" / ") if p.strip()))
        if len(parts) <= 1:
            return self._part_readings(heading.strip())
        whole = self._part_readings(heading)
        if whole and whole[0].kind == IGNORE:  # a share's mark in one part: the parts decide,
            return self._combined_readings(parts) or whole  # a declared name among them wins
        return whole or self._combined_readings(parts)

    def unit(self, heading: str) -> int | None:
        """The factor of a unit after the heading ("(nghìn người)": 1000), if any."""
        found = UNIT_IN_HEADING.match(" ".join(heading.split(" / ")[-1].split()))
        if found is None:
            return None
        try:
            return unit_scale(f"unit: {found.group(2)}")
        except ValueError:
            return None

    def _combined_readings(self, parts: list[str]) -> list[Role]:
        codes: dict[str, str] = {}
        kinds: list[Role] = []
        for part in parts:
            readings = self._part_readings(part)
            pivots = [r for r in readings if r.kind == "pivot"]
            chosen = pivots[0] if pivots else (readings[0] if readings else None)
            if chosen is None:
                continue
            if chosen.kind == "pivot":
                if any(codes.get(d, c) != c for d, c in chosen.codes.items()):
                    return []
                codes.update(chosen.codes)
            else:
                kinds.append(chosen)
        if any(r.kind == IGNORE for r in kinds):
            return [Role(IGNORE)]  # a share or a note under a spanning heading
        if any(r.kind == TOTAL_COLUMN for r in kinds):
            return [Role.of_codes(codes, kind=TOTAL_COLUMN)]
        if codes:
            return [Role.of_codes(codes)]
        for kind in (VALUE, "dimension"):
            found = [r for r in kinds if r.kind == kind]
            if found:
                return found[:1]
        return []

    def _part_readings(self, text: str) -> list[Role]:
        own = self.own.get(exact_key(text))
        if own is not None:
            return [own]
        target = self.index.get_exact(text)
        if target is not None:  # a name the dataflow declares, even a rate's "(% of ...)"
            return [self._heading_role(target)]
        rate = self._rate_readings(text)
        if rate:
            return rate
        if DERIVED_HEADING.search(text):
            return [Role(IGNORE)]
        unit = UNIT_IN_HEADING.match(text)
        if unit and self.unit(text) is not None:
            return self._part_readings(unit.group(1))
        if exact_key(text) in _TOTAL_KEYS:
            return [Role(TOTAL_COLUMN)]
        found = [self._pivot(text, exact=True), None, self._pivot(text, exact=False)]
        folded = self.index.get_folded(text)
        if folded is not None:
            found[1] = self._heading_role(folded)
        readings = list(dict.fromkeys(r for r in found if r is not None))
        return readings or self._worded_readings(text)

    def _rate_readings(self, text: str) -> list[Role]:
        """A heading of a dataflow of rates with their unit ("Chi phí tuyển dụng (%)",
        "Nữ (%)"): there the "%" is the unit of the figures, not the mark of a share derived
        from them, and the heading reads as it would without it."""
        if self.dataflow.measures[0].unit not in RATE_UNITS:
            return []
        found = RATE_IN_HEADING.match(text)
        return self._part_readings(found.group(1)) if found else []

    def _worded_readings(self, text: str) -> list[Role]:
        """Headings that say more than a known heading: with "of which" or a bullet
        ("Trong đó: Lao động nữ"), a total of the figures ("Tổng số lao động"), or the
        figures of a code ("Số lao động nữ")."""
        bare = LABEL_MARKS.sub("", text).strip()
        if bare and bare != text:
            return self._part_readings(bare)
        key = exact_key(text)
        for prefix in TOTAL_PREFIXES:
            rest = text.strip()[len(prefix):].strip()
            if key.startswith(prefix + " ") and any(
                    r.kind == VALUE for r in self._part_readings(rest)):
                return [Role(TOTAL_COLUMN)]
        for label in sorted(self.index.exact, key=len, reverse=True):
            if self.index.exact[label] == VALUE and key.startswith(label + " "):
                rest = self._part_readings(text[len(label):].strip())
                return [r for r in rest if r.kind == "pivot"][:1]
        return []

    @staticmethod
    def _heading_role(target: str) -> Role:
        kind, _, dimension = target.partition(":")
        return Role(kind, dimension or None)

    def _pivot(self, text: str, *, exact: bool) -> Role | None:
        """A heading that is a code of a dimension: the column holds that code's figures
        (a year, "Women", a country)."""
        year = YEAR.match(text.strip()) if " / " not in text else None
        if "time_period" in self.labels and year and _plausible_year(year.group(1)):
            return Role("pivot", "time_period", year.group(1))
        for dimension, resolver in self.labels.items():
            if dimension in ("time_period", "counterpart_area") or resolver.is_open:
                continue
            index = resolver.index
            code = index.get_exact(text) if exact else index.get_folded(text)
            if code is None and exact:
                template = TEMPLATE_LABEL.match(text)
                code = template.group(1) if template and resolver._is_code(
                    template.group(1)) else None
            if code is not None and code != TOTAL:
                return Role("pivot", dimension, code)
        country = match_country(text) if exact else None
        if country is not None and "counterpart_area" in self.labels:
            return Role("pivot", "counterpart_area", country)
        return None

    def recognised(self, heading: str) -> bool:
        return bool(self.readings(heading))

    def heads_table(self, known: set[str]) -> bool:
        """Whether recognised headings can head a table: one names what a column is (a
        dimension, the figures, a total), or all are codes of one dimension other than
        the partner ("Nữ", "Nam"). A row of codes of different dimensions ("2021", "Nhật
        Bản"), or of countries, is data."""
        readings = [self.readings(t) for t in known]
        if any(r.kind != "pivot" for found in readings for r in found):
            return True
        dimensions = {frozenset(found[0].codes) for found in readings if found}
        return len(dimensions) == 1 and "counterpart_area" not in next(iter(dimensions))

    def suggestions(self, heading: str) -> list[str]:
        return [t.partition(":")[2] or t for t in self.index.closest(heading)]


_TOTAL_KEYS = frozenset(exact_key(t) for t in TOTAL_LABELS)
