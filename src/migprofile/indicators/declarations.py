"""Indicators of the international sources, declared as data beside their computations.

Each topic declares its indicators in ``indicators/TOPIC.toml`` (``migrant_stock.toml``,
``remittances.toml``, ...), in the shape of a national dataflow's ``[[indicators]]``: id,
names and definition in every report language, the shared notes its definition ends with
(keys of ``codes/notes.toml``, written once however many definitions end with them), unit,
sources, section, reference, ``derived_from``, ``partner_total``, ``by_partner``, and
``compute``: the id of a computation registered in code, with its ``parameters``.

Two computations are generic and serve most indicators: ``sum`` (one measure of one source
summed over the observations of the profile's country, by partner country when the
indicator is by partner) and ``ratio`` (one figure divided by another, scaled). A topic's
module registers only the few that are neither, by id (:func:`computation`). A declaration
naming an unknown computation, parameter, section, unit, note or indicator, or lacking a
language, is refused with its file and key, before anything is registered.

A topic's file also declares the sections of the report that show its indicators
(``[[sections]]``, in the shape of a national dataflow's ``[section]``: title, introduction
and blocks, each text in every report language); the report shows them
(``report/sections/topics.py``).
"""

from __future__ import annotations

import inspect
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import ibis.expr.types as ir
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from migprofile.codes import REPORT_LANGUAGES
from migprofile.codes.dataflows import TopicSectionDeclaration
from migprofile.errors import MigprofileError
from migprofile.indicators.ops import per, summed
from migprofile.indicators.registry import REGISTRY, UNITS, Indicator, Inputs, register

__all__ = ["CODED_SECTIONS", "COMPUTATIONS", "TOPIC_SECTIONS", "DeclaredComputation",
           "DeclaredSection", "Operand", "computation", "indicator_rows", "register_topic",
           "shared_notes", "topic_declarations", "topic_indicators"]

CODED_SECTIONS = ("context", "undesa_revisions", "border")
"""The sections of the international sources computed in code; the others are declared in
the topics' files."""

Names = dict[str, str]
Country = Literal["ref_area", "counterpart_area"]
OTHER_SIDE = {"ref_area": "counterpart_area", "counterpart_area": "ref_area"}

COMPUTATIONS: dict[str, Callable[..., ir.Table]] = {}
"""Computation id -> function of :class:`Inputs` and the declared parameters (keywords)."""

FROM_DECLARATION = ("by_partner",)
"""Keywords a computation may take that the declaration gives itself, not ``parameters``."""


def computation(name: str):
    """Register a computation that declarations can name with ``compute = "NAME"``.

    Its keyword-only parameters, with their type annotations and defaults, are what a
    declaration's ``parameters`` may give; a ``by_partner`` keyword receives the
    declaration's own flag.
    """
    def register_computation(function: Callable[..., ir.Table]) -> Callable[..., ir.Table]:
        if name in COMPUTATIONS:
            raise ValueError(f"computation {name!r} registered twice")
        COMPUTATIONS[name] = function
        return function
    return register_computation


@cache
def shared_notes() -> dict[str, Names]:
    """Sentences any indicator's definition may end with (``codes/notes.toml``)."""
    text = resources.files("migprofile").joinpath("codes/notes.toml").read_text(
        encoding="utf-8")
    return tomllib.loads(text)


def indicator_rows(x: Inputs, indicator_id: str) -> ir.Table:
    """The rows an indicator's computation gives, before the registry adds its metadata."""
    return REGISTRY[indicator_id].compute(x)


# generic computations ------------------------------------------------------------------

@computation("sum")
def measure_sum(x: Inputs, *, source: str, measure: str, country: Country = "ref_area",
                by_partner: bool = False) -> ir.Table:
    """One measure of a source, summed over the observations whose ``country`` column is
    the profile's country: by year and sex, and by partner (the other side) for an
    indicator by partner."""
    rows = x.source(source, measure)
    rows = rows.filter(rows[country] == x.area)
    partner = rows[OTHER_SIDE[country]] if by_partner else None
    return summed(rows, area=x.area, partner=partner)


class Operand(BaseModel):
    """A figure a computation divides or combines: an indicator's rows, or one measure of
    one source summed over the country (``sum``); ``sex`` keeps the rows of one sex."""

    model_config = ConfigDict(extra="forbid")

    indicator: str = ""
    source: str = ""
    measure: str = ""
    sex: Literal["", "_T", "F", "M"] = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Operand:
        if bool(self.indicator) == bool(self.source or self.measure) or (
                not self.indicator and not (self.source and self.measure)):
            raise ValueError("name an indicator, or a source and a measure")
        return self

    def rows(self, x: Inputs) -> ir.Table:
        rows = (indicator_rows(x, self.indicator) if self.indicator
                else measure_sum(x, source=self.source, measure=self.measure))
        return rows.filter(rows.sex == self.sex) if self.sex else rows


@computation("ratio")
def ratio(x: Inputs, *, numerator: Operand, denominator: Operand,
          scale: float = 100.0) -> ir.Table:
    """``numerator / denominator * scale``, year by year (see :func:`~.ops.per`)."""
    return per(numerator.rows(x), denominator.rows(x), scale=scale)


# declarations --------------------------------------------------------------------------

@dataclass(frozen=True)
class DeclaredComputation:
    """An indicator's ``compute``: a registered computation with its declared parameters."""

    name: str
    parameters: Mapping[str, Any]

    def __call__(self, x: Inputs) -> ir.Table:
        return COMPUTATIONS[self.name](x, **self.parameters)


class TopicIndicator(BaseModel):
    """One indicator of an international source, as its topic's TOML file declares it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    names: Names
    definition: Names
    notes: list[str] = Field(default_factory=list,
                             description="keys of codes/notes.toml the definition ends with")
    unit: str
    sources: list[str] = Field(min_length=1)
    section: str
    reference: str = ""
    by_partner: bool = False
    derived_from: str = ""
    partner_total: str = ""
    compute: str
    parameters: dict[str, Any] = Field(default_factory=dict)


class TopicFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicators: list[TopicIndicator]
    sections: list[TopicSectionDeclaration] = Field(default_factory=list)


@dataclass(frozen=True)
class DeclaredSection:
    """A section of the international sources and the file declaring it."""

    path: str
    declaration: TopicSectionDeclaration


TOPIC_SECTIONS: dict[str, DeclaredSection] = {}
"""The sections the registered topics declare, by id, in their order."""


def _parameter_fields(function: Callable[..., ir.Table]) -> dict[str, tuple[Any, Any]]:
    hints = typing.get_type_hints(function)
    fields = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        if parameter.name in FROM_DECLARATION:
            continue
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[parameter.name] = (hints.get(parameter.name, Any), default)
    return fields


@cache
def _parameters_model(name: str) -> type[BaseModel]:
    """A model of the parameters computation ``name`` takes (from its signature)."""
    return create_model(f"Parameters_{name}", __config__=ConfigDict(extra="forbid"),
                        **_parameter_fields(COMPUTATIONS[name]))


class _Refused(Exception):
    """A problem of one declaration, at ``key``."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")


def _complete(names: Names, key: str) -> None:
    missing = [lang for lang in REPORT_LANGUAGES if not names.get(lang)]
    if missing:
        raise _Refused(key, f"no text in {', '.join(missing)}")


def _computation(item: TopicIndicator, key: str) -> DeclaredComputation:
    if item.compute not in COMPUTATIONS:
        raise _Refused(f"{key}.compute", f"unknown computation {item.compute!r} (known: "
                                         f"{', '.join(sorted(COMPUTATIONS))})")
    try:
        given = _parameters_model(item.compute).model_validate(item.parameters)
    except ValidationError as exc:
        raise _Refused(f"{key}.parameters", _problems(exc)) from exc
    parameters = {name: getattr(given, name) for name in type(given).model_fields}
    signature = inspect.signature(COMPUTATIONS[item.compute]).parameters
    parameters |= {name: getattr(item, name) for name in FROM_DECLARATION if name in signature}
    return DeclaredComputation(item.compute, parameters)


def _definition(item: TopicIndicator, key: str) -> Names:
    """The declared definition, each of its notes appended."""
    unknown = [note for note in item.notes if note not in shared_notes()]
    if unknown:
        raise _Refused(f"{key}.notes", f"unknown note(s) {', '.join(map(repr, unknown))} "
                                       f"(known: {', '.join(sorted(shared_notes()))})")
    notes = [shared_notes()[note] for note in item.notes]
    return {lang: " ".join([item.definition[lang], *(n[lang] for n in notes)])
            for lang in REPORT_LANGUAGES}


def _indicator(item: TopicIndicator, key: str, sections: set[str]) -> Indicator:
    _complete(item.names, f"{key}.names")
    _complete(item.definition, f"{key}.definition")
    if item.unit not in UNITS:
        raise _Refused(f"{key}.unit", f"unknown unit {item.unit!r} (known: {', '.join(UNITS)})")
    if item.section not in sections:
        raise _Refused(f"{key}.section", f"unknown section {item.section!r} (known: "
                                         f"{', '.join(sorted(sections))})")
    return Indicator(id=item.id, name=dict(item.names), definition=_definition(item, key),
                     unit=item.unit, sources=tuple(item.sources),
                     compute=_computation(item, key), reference=item.reference,
                     by_partner=item.by_partner, section=item.section,
                     derived_from=item.derived_from, partner_total=item.partner_total)


def _named_indicators(item: Indicator) -> dict[str, str]:
    """The indicators a declaration names, by the key naming them."""
    named = {"derived_from": item.derived_from, "partner_total": item.partner_total}
    for name, value in item.compute.parameters.items():
        if isinstance(value, Operand):
            named[f"parameters.{name}.indicator"] = value.indicator
    return {key: value for key, value in named.items() if value}


def _check_sections(sections: list[TopicSectionDeclaration]) -> None:
    """Each section declared once."""
    seen: set[str] = set()
    for section in sections:
        if section.id in seen or section.id in TOPIC_SECTIONS or section.id in CODED_SECTIONS:
            raise _Refused(f"sections.{section.id}", "declared twice")
        seen.add(section.id)


def _check_names(items: list[Indicator]) -> None:
    """Each id declared once; every indicator named is declared (here or before)."""
    seen: set[str] = set()
    for item in items:
        if item.id in seen or item.id in REGISTRY:
            raise _Refused(f"indicators.{item.id}", "declared twice")
        seen.add(item.id)
    for item in items:
        for key, named in _named_indicators(item).items():
            if named not in seen and named not in REGISTRY:
                raise _Refused(f"indicators.{item.id}.{key}", f"unknown indicator {named!r}")


def _problems(exc: ValidationError, data: Mapping | None = None) -> str:
    """'key: problem' for each problem pydantic found; an entry of ``data``'s
    ``indicators`` or ``sections`` is named by its id (``indicators.ID.key``)."""
    parts = []
    for error in exc.errors():
        loc = list(error["loc"])
        if data is not None and len(loc) > 1 and loc[0] in ("indicators", "sections") and \
                isinstance(loc[1], int):
            loc[:2] = [_entry_key(loc[0], loc[1], data)]
        parts.append(f"{'.'.join(map(str, loc)) or '(top level)'}: {error['msg']}")
    return "; ".join(parts)


def _entry_key(table: str, index: int, data: Mapping) -> str:
    entries = data.get(table)
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else {}
    return f"{table}.{entry.get('id', index) if isinstance(entry, dict) else index}"


def topic_declarations(path: Path | str, text: str) -> tuple[list[Indicator],
                                                             list[TopicSectionDeclaration]]:
    """The indicators and the sections a topic's TOML text declares; any problem is a
    :class:`MigprofileError` naming ``path`` and the key. An indicator's section is
    computed in code or declared here or in a topic registered before."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MigprofileError(f"not valid TOML: {exc}", path=path) from exc
    try:
        declared = TopicFile.model_validate(data)
    except ValidationError as exc:
        raise MigprofileError(f"invalid indicator declaration: {_problems(exc, data)}",
                              path=path) from exc
    sections = {*CODED_SECTIONS, *TOPIC_SECTIONS, *(s.id for s in declared.sections)}
    try:
        _check_sections(declared.sections)
        items = [_indicator(item, f"indicators.{item.id}", sections)
                 for item in declared.indicators]
        _check_names(items)
    except _Refused as exc:
        raise MigprofileError(f"invalid indicator declaration: {exc}", path=path) from exc
    return items, declared.sections


def topic_indicators(path: Path | str, text: str) -> list[Indicator]:
    """The indicators a topic's TOML text declares (see :func:`topic_declarations`)."""
    return topic_declarations(path, text)[0]


def register_topic(topic: str) -> list[Indicator]:
    """Register the indicators and the sections shipped in ``indicators/TOPIC.toml``, in
    their order."""
    name = f"indicators/{topic}.toml"
    text = resources.files("migprofile").joinpath(name).read_text(encoding="utf-8")
    items, sections = topic_declarations(name, text)
    for item in items:
        register(item)
    for section in sections:
        TOPIC_SECTIONS[section.id] = DeclaredSection(name, section)
    return items
