"""Dataflows: the declared structure of each kind of aggregate data.

A dataflow declares its dimensions (each tied to a codelist), its measures and units, and
its names in every report language, once, in a TOML file. The same declaration drives
validation of imported files, the canonical observations (each dimension is a canonical
column, or a key of ``dims``), and the SDMX data structure definitions of exchange
packages. A national dataflow's declaration also names its indicators and its section of
the report (:class:`IndicatorDeclaration`, :class:`SectionDeclaration`); what it leaves out
has defaults, so a declaration alone reaches every output. migprofile ships its
declarations in ``codes/dataflows/``; a profile can add its own in its ``dataflows/``
folder without code.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from migprofile.codes.countries import REPORT_LANGUAGES, countries
from migprofile.codes.dimensions import SEX_CODES, TOTAL
from migprofile.errors import MigprofileError

__all__ = [
    "CANONICAL_DIMENSIONS",
    "COMMON_DIMENSIONS",
    "RATE_UNITS",
    "Codelist",
    "Dataflow",
    "Dimension",
    "IndicatorDeclaration",
    "Measure",
    "SectionBlock",
    "SectionDeclaration",
    "SectionSentence",
    "TopicSectionDeclaration",
    "TotalsRule",
    "builtin_dataflows",
    "codelist",
    "codelist_codes",
    "load_dataflows",
]

CANONICAL_DIMENSIONS = ("ref_area", "counterpart_area", "time_period", "sex", "age")
"""Dimensions that are columns of the observations table; any other goes into ``dims``."""

BUILTIN_CODELISTS = ("CL_AREA", "CL_SEX", "CL_AGE")

BLOCK_KINDS = ("key_figure", "year_bars", "sex_bars", "lines", "year_table", "partner_bars",
               "partner_table", "map", "dimension_table", "flow_matrix", "largest_flows",
               "special")
"""What a section declaration may show, a national section and one of the international
sources alike (see ``report/sections/national.py`` and ``report/sections/topics.py``)."""

FLOW_BLOCKS = ("flow_matrix", "largest_flows")
"""Blocks of flows between two dimensions of one dataflow (province of origin and of
destination), computed from its observations."""

DATAFLOW_BLOCKS = ("dimension_table", *FLOW_BLOCKS)
"""Blocks of a dataflow's own dimensions: only the section of a national dataflow shows
them."""

INTERNATIONAL_BLOCKS = ("sex_bars", "lines", "partner_table")
"""Blocks only the sections of the international sources show so far."""

Names = dict[str, str]


class _Declared(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @staticmethod
    def _complete(names: Names, what: str) -> Names:
        missing = [lang for lang in REPORT_LANGUAGES if not names.get(lang)]
        if missing:
            raise ValueError(f"{what} has no name in {', '.join(missing)}")
        return names


class Codelist(_Declared):
    """Codes with their names in every report language."""

    id: str
    names: Names
    codes: dict[str, Names] = Field(default_factory=dict)
    aliases: dict[str, str] = Field(
        default_factory=dict,
        description="other labels agencies write for a code, e.g. { \"Tu nghiệp sinh\" = "
                    "\"TRAINING\" }; matched without regard to case or accents")
    closed: bool = Field(
        default=False,
        description="the codes cover every case (like women and men): a total is derived "
                    "from the parts only when every code has a value")
    additive: bool = Field(
        default=True,
        description="values of different codes can be added up; false for concepts that "
                    "overlap (citizens abroad, persons of national origin)")
    open: bool = Field(
        default=False,
        description="no fixed list: each label is kept, as a code made of its letters "
                    "(provinces, for instance)")

    @model_validator(mode="after")
    def _aliases_name_codes(self) -> Codelist:
        unknown = sorted(set(self.aliases.values()) - set(self.codes) - {TOTAL})
        if unknown:
            raise ValueError(f"codelist {self.id}: aliases point to unknown codes {unknown}")
        return self


COMMON_DIMENSIONS: dict[str, dict] = {
    "ref_area": {"codelist": "CL_AREA", "names": {
        "en": "Country", "vi": "Quốc gia", "lo": "ປະເທດ", "ko": "국가"}},
    "counterpart_area": {"codelist": "CL_AREA", "names": {
        "en": "Partner country", "vi": "Quốc gia đối tác", "lo": "ປະເທດຄູ່ຮ່ວມ",
        "ko": "상대국"},
        "aliases": ["Country", "Country or area", "Quốc gia", "Quốc gia/vùng lãnh thổ", "Nước",
                    "ປະເທດ", "국가", "국가명"]},
    "time_period": {"codelist": None, "names": {
        "en": "Period", "vi": "Thời kỳ", "lo": "ໄລຍະເວລາ", "ko": "기간"},
        "aliases": ["Year", "Năm", "Kỳ", "ປີ", "연도", "년도"]},
    "sex": {"codelist": "CL_SEX", "names": {
        "en": "Sex", "vi": "Giới tính", "lo": "ເພດ", "ko": "성별"},
        "aliases": ["Gender", "Giới", "ເພດ", "성"]},
    "age": {"codelist": "CL_AGE", "names": {
        "en": "Age group", "vi": "Nhóm tuổi", "lo": "ກຸ່ມອາຍຸ", "ko": "연령대"}},
}
"""Defaults for the canonical dimensions: a declaration may give just their id."""


class Dimension(_Declared):
    """One dimension of a dataflow; canonical ones need only their id."""

    id: str = Field(description="canonical column (ref_area, ...) or a key of `dims`")
    names: Names = Field(default_factory=dict)
    codelist: str | None = Field(
        default=None, description="CL_AREA, CL_SEX, CL_AGE or a codelist of the dataflow; "
                                  "none for time_period")
    aliases: list[str] = Field(
        default_factory=list,
        description="other column headings agencies use for this dimension, e.g. \"Thị "
                    "trường\"")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: dict) -> dict:
        common = COMMON_DIMENSIONS.get(data.get("id", "")) if isinstance(data, dict) else None
        if common:
            data = {"codelist": common["codelist"], **data,
                    "names": {**common["names"], **data.get("names", {})},
                    "aliases": [*common.get("aliases", []), *data.get("aliases", [])]}
        return data


RATE_UNITS = ("percent", "per_100k", "per_1000")
"""Units of rates and shares: their values never add up."""


class Measure(_Declared):
    id: str
    names: Names
    unit: str
    aliases: list[str] = Field(
        default_factory=list,
        description="other column headings agencies use for the value, e.g. \"Số lao động\"")
    additive: bool | None = Field(
        default=None,
        description="values of different codes add up to their total; false for rates and "
                    "shares, whose totals (`_T`) are only ever the ones a file gives "
                    "(default: false for the units percent, per_100k and per_1000)")

    @property
    def adds_up(self) -> bool:
        """Whether a total of this measure may be derived as the sum of its parts."""
        return self.additive if self.additive is not None else self.unit not in RATE_UNITS


class TotalsRule(_Declared):
    """How closely a total given in a file must equal the sum of its parts."""

    tolerance: float = Field(
        default=0, ge=0,
        description="the largest difference allowed, in the measure's unit (figures rounded "
                    "to tens: 5 per part)")
    tolerance_pct: float = Field(
        default=0, ge=0, le=100,
        description="the largest difference allowed, in per cent of the total (figures "
                    "rounded to thousands); the larger of the two applies")


class IndicatorDeclaration(_Declared):
    """An indicator computed from a national dataflow: by year and sex, every dimension not
    named in ``fixed`` totalled (and, with ``by_partner``, by partner country)."""

    id: str
    names: Names
    definition: Names
    unit: str = Field(default="", description="persons, consultations, ...; default: the "
                                              "measure's")
    by_partner: bool = Field(default=False, description="one value per partner country")
    fixed: dict[str, str] = Field(
        default_factory=dict,
        description="dimensions set to one code instead of totalled, e.g. { assisted = "
                    "\"Y\" }")
    reference: str = Field(default="", description="SDG / GCM reference")
    notes: list[str] | None = Field(
        default=None,
        description="sentences appended to the definition: a key of the dataflow's "
                    "`notes` or \"other_partners\" (the default of a by-partner indicator)")


class SectionSentence(_Declared):
    """A sentence of a section's introduction.

    With an indicator that is not by partner, ``{year}``, ``{number}``, ``{country}`` and
    ``{women}`` are its latest figure; with one by partner, ``{year}`` and ``{partners}``
    (its largest three). Without an indicator it is said as written. With ``special``, the
    sentences are computed in code.
    """

    text: Names = Field(default_factory=dict)
    indicator: str = ""
    special: str = Field(default="", description="the id of sentences computed in code")


class SectionBlock(_Declared):
    """A chart, table or special block of a section, in the declared order."""

    kind: str = Field(description="one of BLOCK_KINDS")
    indicator: str = ""
    title: Names = Field(default_factory=dict,
                         description="partner bars, tables and maps may say {year}; a key "
                                     "figure's title is its label")
    extra: str = Field(default="", description="a year table's extra column: an indicator")
    extra_title: Names = Field(default_factory=dict)
    women_share: str = Field(
        default="", description="a year table's share of women: an indicator of it, "
                                "instead of the share computed from national data")
    sex: str = Field(default="_T", description="the sex of a key figure's value")
    detail: str = Field(default="", description="an indicator of percent whose latest value "
                                                "a key figure says beside its own")
    detail_text: Names = Field(default_factory=dict, description="says {value} and {year}")
    indicators: list[str] = Field(default_factory=list,
                                  description="the indicators of a lines chart, one line each")
    y_title: Names = Field(default_factory=dict, description="a lines chart's value axis")
    x_title: Names = Field(
        default_factory=dict,
        description="partner bars' value axis (default: the unit's name in a national section, "
                    "persons in another)")
    legend_title: Names = Field(
        default_factory=dict,
        description="a map's legend of values (default: the name of its indicator's unit)")
    scale: float = Field(default=1.0, gt=0, description="values are divided by it (1e6: "
                                                       "millions)")
    value_format: str = Field(default="", description="how a chart writes its values, e.g. "
                                                      "\",.1f\" (default: by the unit)")
    partner_heading: Names = Field(default_factory=dict,
                                   description="a partner table's first column")
    special: str = Field(default="", description="the id of a block computed in code")
    dimension: str = Field(default="", description="a dimension table's dimension")
    flow: list[str] = Field(
        default_factory=list,
        description="a flow matrix's or largest flows' two dimensions: where people come "
                    "from and where they go, e.g. [\"origin\", \"destination\"]")
    largest: int = Field(
        default=10, ge=1,
        description="how many flows a list of the largest flows shows, or how many origins "
                    "and destinations (the largest) a flow matrix shows")


class SectionDeclaration(_Declared):
    """The dataflow's section of the report.

    A section with a ``title`` is declared here; without one, the dataflow's indicators
    join the section of that id declared by another dataflow (and its sentences and
    blocks, if any, follow that section's).
    """

    id: str = ""
    title: Names = Field(default_factory=dict)
    after: str = Field(default="", description="the section this one follows in the "
                                               "report (default: the last national one)")
    intro: list[SectionSentence] = Field(default_factory=list)
    blocks: list[SectionBlock] = Field(default_factory=list)
    always: bool = Field(
        default=False,
        description="a part of the Migration Profile template: shown even without data, "
                    "saying in plain words that its figures are a data gap")


class TopicSectionDeclaration(_Declared):
    """A section of the international sources, declared beside its indicators
    (``[[sections]]`` of ``indicators/TOPIC.toml``) in the shape of a dataflow's section."""

    id: str
    title: Names
    after: str = Field(description="the section this one follows in the report; empty for "
                                   "the first")
    intro: list[SectionSentence] = Field(default_factory=list)
    blocks: list[SectionBlock] = Field(default_factory=list)
    empty: Names = Field(default_factory=dict,
                         description="the paragraph said when no sentence of the "
                                     "introduction is")

    @model_validator(mode="after")
    def _complete_parts(self) -> TopicSectionDeclaration:
        self._complete(self.title, f"section {self.id}")
        if self.empty:
            self._complete(self.empty, f"the empty paragraph of section {self.id}")
        check_section_parts(self, self.id)
        national = sorted({b.kind for b in self.blocks} & set(DATAFLOW_BLOCKS))
        if national:
            raise ValueError(f"section {self.id}: {', '.join(national)} blocks show the "
                             "dimensions of a national dataflow only")
        if any(b.kind == "year_table" and not (b.women_share and b.extra) for b in self.blocks):
            raise ValueError(f"section {self.id}: a year table of the international sources "
                             "names its `women_share` and `extra` indicators")
        return self


def check_section_parts(section: SectionDeclaration | TopicSectionDeclaration,
                        name: str) -> None:
    """Each sentence and block of a section is of a known kind and says its texts in every
    language, with the same placeholders."""
    for sentence in section.intro:
        if sentence.special:
            if sentence.text or sentence.indicator:
                raise ValueError(f"section {name}: special sentences "
                                 f"({sentence.special}) have no text or indicator")
            continue
        _Declared._complete(sentence.text, f"a sentence of section {name}")
        _same_placeholders(sentence.text)
    for block in section.blocks:
        if block.kind not in BLOCK_KINDS:
            raise ValueError(f"section {name}: unknown block kind {block.kind!r} "
                             f"(known: {', '.join(BLOCK_KINDS)})")
        _check_block_texts(block, name)


def _check_block_texts(block: SectionBlock, name: str) -> None:
    what = f"a {block.kind} block of {name}"
    if block.kind == "special" and not block.special:
        raise ValueError(f"section {name}: a special block names its `special`")
    if block.kind == "lines" and not block.indicators:
        raise ValueError(f"section {name}: a lines block names its `indicators`")
    if block.kind == "map" and not block.indicator:
        raise ValueError(f"section {name}: a map block names its `indicator`, one by "
                         "partner country")
    needed = {"title": block.kind != "special", "extra_title": bool(block.extra),
              "detail_text": bool(block.detail),
              "partner_heading": block.kind == "partner_table"}
    for key in ("title", "extra_title", "detail_text", "partner_heading", "x_title",
                "y_title", "legend_title"):
        words = getattr(block, key)
        if words or needed.get(key):
            _Declared._complete(words, f"{key} of {what}")
            _same_placeholders(words)


class Dataflow(_Declared):
    """The structure of one dataflow."""

    id: str
    version: str = "1.0"
    names: Names
    description: Names = Field(default_factory=dict)
    agency: str = "MIGPROFILE"
    dimensions: list[Dimension]
    measures: list[Measure]
    codelists: list[Codelist] = Field(default_factory=list)
    totals: TotalsRule = Field(
        default_factory=TotalsRule,
        description="the rounding tolerance between a given total and its parts (default: "
                    "they must be equal)")
    microdata: bool = Field(
        default=False,
        description="built from records about individual people (disclosure control on)",
    )
    national: bool = Field(
        default=False,
        description="national administrative data imported with `migprofile import`: the "
                    "country is the profile's own (ref_area is not declared), the partner "
                    "country is counterpart_area",
    )
    people: Names = Field(
        default_factory=dict,
        description="who is counted, as in \"15,000 of the 39,000 workers whose sex was "
                    "recorded\" (default: the unit's name)")
    notes: dict[str, Names] = Field(
        default_factory=dict,
        description="sentences the indicators' definitions may end with, by key")
    indicators: list[IndicatorDeclaration] | None = Field(
        default=None,
        description="the dataflow's indicators (default: total by year and sex, by "
                    "partner, one per code of every other dimension)")
    section: SectionDeclaration | None = Field(
        default=None,
        description="its section of the report (default: a section of its own, with the "
                    "latest figure, a chart by year, partners and a table)")

    @model_validator(mode="after")
    def _consistent(self) -> Dataflow:
        self._complete(self.names, f"dataflow {self.id}")
        own = {c.id for c in self.codelists} | set(shared_codelists())
        for dimension in self.dimensions:
            self._complete(dimension.names, f"dimension {dimension.id}")
            if dimension.id == "time_period":
                continue
            if dimension.codelist not in own | set(BUILTIN_CODELISTS):
                raise ValueError(f"dimension {dimension.id}: unknown codelist "
                                 f"{dimension.codelist}")
        for measure in self.measures:
            self._complete(measure.names, f"measure {measure.id}")
        for codelist in self.codelists:
            self._complete(codelist.names, f"codelist {codelist.id}")
            for code, names in codelist.codes.items():
                self._complete(names, f"code {code} of {codelist.id}")
        if not any(d.id == "time_period" for d in self.dimensions):
            raise ValueError("a dataflow needs a time_period dimension")
        if self.national and any(d.id == "ref_area" for d in self.dimensions):
            raise ValueError("a national dataflow does not declare ref_area: it is the "
                             "profile's own country")
        if self.national and len(self.measures) != 1:
            raise ValueError("a national dataflow has exactly one measure")
        self._check_declarations()
        return self

    def _check_declarations(self) -> None:
        if (self.indicators is not None or self.section is not None) and not self.national:
            raise ValueError("only a national dataflow declares indicators and a section")
        if self.people:
            self._complete(self.people, f"people of {self.id}")
        for key, note in self.notes.items():
            self._complete(note, f"note {key}")
        ids = [i.id for i in self.indicators or []]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"indicators declared twice: {twice}")
        dimensions = {d.id for d in self.dimensions}
        for item in self.indicators or []:
            self._complete(item.names, f"indicator {item.id}")
            self._complete(item.definition, f"definition of {item.id}")
            unknown = sorted(set(item.fixed) - dimensions)
            if unknown:
                raise ValueError(f"indicator {item.id}: fixed names unknown dimensions {unknown}")
            for note in item.notes or []:
                if note not in self.notes and note != "other_partners":
                    raise ValueError(f"indicator {item.id}: unknown note {note!r}")
        if self.section is not None:
            self._check_section(self.section)

    def _check_section(self, section: SectionDeclaration) -> None:
        if section.title:
            self._complete(section.title, f"section {section.id or self.source_id}")
        name = section.id or self.source_id
        check_section_parts(section, name)
        shown = sorted({b.kind for b in section.blocks} & set(INTERNATIONAL_BLOCKS))
        if shown or any(s.special for s in section.intro) or any(
                b.detail or b.women_share for b in section.blocks):
            raise ValueError(f"section {name}: special sentences, details, shares of women "
                             f"and {', '.join(INTERNATIONAL_BLOCKS)} blocks are shown in the "
                             "sections of the international sources only")
        for block in section.blocks:
            if block.kind in FLOW_BLOCKS:
                self._check_flow(section, block)

    def _check_flow(self, section: SectionDeclaration, block: SectionBlock) -> None:
        """A flow block names two different dimensions of the dataflow (not the period)."""
        known = {d.id for d in self.dimensions if d.id != "time_period"}
        if len(block.flow) != 2 or len(set(block.flow)) != 2:
            raise ValueError(f"section {section.id}: a {block.kind} block names two "
                             f"dimensions in `flow` (from, to), not {block.flow}")
        unknown = sorted(set(block.flow) - known)
        if unknown:
            raise ValueError(f"section {section.id}: `flow` names unknown dimensions "
                             f"{unknown} (known: {', '.join(sorted(known))})")

    @property
    def section_id(self) -> str:
        """The id of the section this dataflow's indicators are shown in."""
        return (self.section.id if self.section is not None and self.section.id
                else self.source_id)

    @property
    def additive(self) -> bool:
        """Whether its totals may be summed from their parts: every measure adds up."""
        return all(measure.adds_up for measure in self.measures)

    @property
    def source_id(self) -> str:
        """The ``source`` of this dataflow's imported observations (``labour_deployments``)."""
        return self.id.lower()

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    @property
    def extra_dimensions(self) -> list[Dimension]:
        """Dimensions stored in ``dims`` rather than in a column of their own."""
        return [d for d in self.dimensions if d.id not in CANONICAL_DIMENSIONS]

    def codes(self, codelist_id: str) -> dict[str, Names]:
        return codelist_codes(codelist_id, self)


PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _same_placeholders(text: Names) -> None:
    """Each language of a declared sentence says the same ``{placeholders}``."""
    english = sorted(PLACEHOLDER.findall(text.get("en", "")))
    for lang, words in text.items():
        if sorted(PLACEHOLDER.findall(words)) != english:
            raise ValueError(f"{lang} text {words!r} has not the placeholders of the English "
                             f"one ({', '.join(english) or 'none'})")


def codelist(codelist_id: str, dataflow: Dataflow | None = None) -> Codelist:
    """A built-in codelist or one of the dataflow's own."""
    if codelist_id == "CL_SEX":
        return SEX_CODELIST
    if codelist_id == "CL_AGE":
        return AGE_CODELIST
    if codelist_id == "CL_AREA":
        return Codelist(id="CL_AREA", names=COMMON_DIMENSIONS["ref_area"]["names"],
                        codes={code: dict(c.names) for code, c in countries().items()})
    if dataflow is not None:
        for own in dataflow.codelists:
            if own.id == codelist_id:
                return own
    if codelist_id in shared_codelists():
        return shared_codelists()[codelist_id]
    raise KeyError(codelist_id)


def _shipped_tomls(folder: str) -> list[tuple[str, str]]:
    """(name, text) of each TOML file shipped in a folder of the package, by name."""
    entries = resources.files("migprofile").joinpath(folder).iterdir()
    return [(entry.name, entry.read_text(encoding="utf-8"))
            for entry in sorted(entries, key=lambda e: e.name) if entry.name.endswith(".toml")]


@cache
def shared_codelists() -> dict[str, Codelist]:
    """Codelists shipped in ``codes/codelists/`` that any dataflow may use (CL_OCCUPATION)."""
    found = {}
    for _, text in _shipped_tomls("codes/codelists"):
        item = Codelist.model_validate(tomllib.loads(text))
        for code, names in item.codes.items():
            _Declared._complete(names, f"code {code} of {item.id}")
        found[item.id] = item
    return found


def codelist_codes(codelist_id: str, dataflow: Dataflow | None = None) -> dict[str, Names]:
    """The codes of a built-in or a dataflow's own codelist, with their names."""
    return codelist(codelist_id, dataflow).codes


SEX_NAMES = {
    "_T": {"en": "Total", "vi": "Tổng", "lo": "ລວມ", "ko": "합계"},
    "F": {"en": "Female", "vi": "Nữ", "lo": "ຍິງ", "ko": "여성"},
    "M": {"en": "Male", "vi": "Nam", "lo": "ຊາຍ", "ko": "남성"},
    "_U": {"en": "Not recorded", "vi": "Không ghi nhận", "lo": "ບໍ່ໄດ້ບັນທຶກ", "ko": "기록 없음"},
}

SEX_CODELIST = Codelist(
    id="CL_SEX",
    names=COMMON_DIMENSIONS["sex"]["names"],
    codes={code: dict(SEX_NAMES[code]) for code in SEX_CODES},
    aliases={label: "F" for label in (
        "Women", "Woman", "Females", "Phụ nữ", "Lao động nữ", "Trong đó nữ", "Trong đó: Nữ",
        "Của đó nữ", "ເພດຍິງ", "ແມ່ຍິງ", "여", "여자")}
    | {label: "M" for label in (
        "Men", "Man", "Males", "Lao động nam", "ເພດຊາຍ", "남", "남자")},
    closed=True,
)

AGE_CODELIST = Codelist(id="CL_AGE", names=COMMON_DIMENSIONS["age"]["names"],
                        codes={TOTAL: dict(SEX_NAMES[TOTAL])})


def _load_file(path: Path | str, text: str) -> Dataflow:
    try:
        return Dataflow.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise MigprofileError(f"not valid TOML: {exc}", path=path) from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in exc.errors())
        raise MigprofileError(f"invalid dataflow declaration: {problems}", path=path) from exc


@cache
def builtin_dataflows() -> dict[str, Dataflow]:
    """The dataflows shipped with migprofile, by id."""
    flows = {}
    for name, text in _shipped_tomls("codes/dataflows"):
        flow = _load_file(name, text)
        flows[flow.id] = flow
    return flows


def load_dataflows(folder: Path | None = None) -> dict[str, Dataflow]:
    """Built-in dataflows plus those a profile declares in ``folder`` (its ``dataflows/``)."""
    flows = dict(builtin_dataflows())
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            flow = _load_file(path, path.read_text(encoding="utf-8"))
            if flow.id in builtin_dataflows():
                raise MigprofileError(f"dataflow {flow.id} is already declared by migprofile; "
                                      "choose another id.", path=path)
            flows[flow.id] = flow
    return flows
