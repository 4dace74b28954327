"""The indicator registry: one declaration per indicator, metadata next to the computation.

A declaration gives the id, the name and definition in every report language, the unit,
the sources it is computed from and its SDG / GCM reference. Its ``compute`` function gets
:class:`Inputs` (the warehouse's observations, restricted to the profile's chosen revision
of each source) and returns rows ``ref_area, counterpart_area, time_period, sex, value``;
the registry adds the indicator id, unit, source and revision.

Most indicators are shipped: registered once, when their module is imported. A profile's
own dataflows add indicators of their own; :func:`profile_indicators` makes them part of
the registry while that profile is being built or shown, and only then.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType

import ibis
import ibis.expr.types as ir

from migprofile.errors import MigprofileError
from migprofile.i18n import Text, text

__all__ = ["REGISTRY", "Indicator", "Inputs", "Text", "float_precision", "indicator",
           "profile_indicators", "register", "text"]

UNITS = {
    "persons": text(en="persons", vi="người", lo="ຄົນ", ko="명"),
    "USD": text(en="US dollars", vi="đô la Mỹ", lo="ໂດລາສະຫະລັດ", ko="미국 달러"),
    "percent": text(en="per cent", vi="phần trăm", lo="ສ່ວນຮ້ອຍ", ko="퍼센트"),
    "per_100k": text(en="per 100,000 population", vi="trên 100.000 dân",
                     lo="ຕໍ່ປະຊາກອນ 100.000 ຄົນ", ko="인구 10만 명당"),
    "per_1000": text(en="per 1,000 population", vi="trên 1.000 dân",
                     lo="ຕໍ່ປະຊາກອນ 1.000 ຄົນ", ko="인구 1천 명당"),
    "consultations": text(en="consultations", vi="lượt tư vấn", lo="ຄັ້ງການປຶກສາ",
                          ko="상담 건수"),
    "associations": text(en="associations", vi="hội đoàn", lo="ສະມາຄົມ", ko="단체"),
    "number": text(en="number", vi="số lượng", lo="ຈຳນວນ", ko="수"),
}


@dataclass(frozen=True)
class Inputs:
    """What an indicator is computed from: observations of the profile's sources."""

    observations: ir.Table
    area: str
    revisions: Mapping[str, str]
    """The revision to use for each source kind (the profile's first source of that kind)."""
    listed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Every revision of each source kind the profile lists, in its order (UN DESA's 2024
    and 2020 revisions, side by side)."""
    fetched: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    """What several indicators read alike, fetched once per computation (:meth:`once`)."""

    def once(self, key: str, fetch: Callable[[], object]) -> object:
        """``fetch()``, run only the first time ``key`` is asked for by these inputs: every
        indicator of a dataflow reads the same rows, and one query beats thirty."""
        if key not in self.fetched:
            self.fetched[key] = fetch()
        return self.fetched[key]

    def source(self, kind: str, measure: str) -> ir.Table:
        """Observations of one measure from the chosen revision of one source."""
        obs = self.observations
        revision = self.revisions.get(kind)
        if revision is None:
            return obs.filter(ibis.literal(False))
        return obs.filter((obs.source == kind) & (obs.revision == revision)
                          & (obs.measure == measure))

    def every_revision(self, kind: str, measure: str) -> ir.Table:
        """Observations of one measure from every revision of one source the profile lists
        (each row keeps its ``revision``)."""
        obs = self.observations
        revisions = list(self.listed.get(kind, ()))
        if not revisions:
            return obs.filter(ibis.literal(False))
        return obs.filter((obs.source == kind) & obs.revision.isin(revisions)
                          & (obs.measure == measure))


Compute = Callable[[Inputs], ir.Table]


@dataclass(frozen=True)
class Indicator:
    """One indicator's declaration."""

    id: str
    name: Text
    definition: Text
    unit: str
    sources: tuple[str, ...]
    compute: Compute
    reference: str = ""
    by_partner: bool = False
    section: str = ""
    derived_from: str = ""
    partner_total: str = ""
    """For a by-partner indicator, the indicator holding its total over partners: the two
    make one table for disclosure control."""
    """An indicator this one is computed from: it should have a value for each of its years."""

    def values(self, inputs: Inputs) -> ir.Table:
        """Computed values in the shape of ``indicator_values``."""
        return with_precision(self.exact_values(inputs))

    def exact_values(self, inputs: Inputs) -> ir.Table:
        """:meth:`values` before :func:`with_precision`, which a union of many indicators
        applies once rather than once per indicator.

        A computation may give each row its own ``revision`` (national data take, for each
        year, the latest revision that covers it); otherwise the revision is the chosen
        one of each source.
        """
        rows = self.compute(inputs)
        revision = rows.revision if "revision" in rows.columns else ibis.literal(
            "+".join(inputs.revisions.get(k, "") for k in self.sources))
        return rows.select(
            indicator=ibis.literal(self.id),
            ref_area=rows.ref_area,
            counterpart_area=rows.counterpart_area,
            time_period=rows.time_period,
            sex=rows.sex,
            value=rows.value.cast("float64"),
            unit=ibis.literal(self.unit),
            source=ibis.literal("+".join(self.sources)),
            revision=revision.cast("string"),
        )


def with_precision(values: ir.Table) -> ir.Table:
    """Indicator values with each value to the precision of its inputs
    (:func:`float_precision`)."""
    return values.mutate(value=float_precision(values.value))


SIGNIFICANT_DIGITS = 15
"""The decimal digits a float64 carries faithfully: anything past them is binary noise."""


def float_precision(value: ir.FloatingValue) -> ir.FloatingValue:
    """``value`` to 15 significant digits, the precision of its float inputs.

    Sums and ratios of floats carry binary noise past that (the 18,060 million US dollars
    of KNOMAD's senders add up to 18060000000.000004), and so do files written by
    floating-point programs (WDI's population 25100733.999999993); a published figure
    keeps only the digits its inputs had. Powers of ten up to 10^22 are exact, so the
    scaling adds no noise of its own (and, unlike ``round(x, digits)`` with digits
    computed per row, it runs on every engine).
    """
    digits = ibis.literal(SIGNIFICANT_DIGITS - 1) - value.abs().log10().floor()
    scale = ibis.literal(10.0).pow(digits.abs())
    return ibis.cases((value == 0, value),
                      (digits >= 0, (value * scale).round() / scale),
                      else_=(value / scale).round() * scale).cast("float64")


class Registry(Mapping[str, Indicator]):
    """The shipped indicators, then those of the profile in hand (:func:`profile_indicators`)."""

    def __init__(self) -> None:
        self._shipped: dict[str, Indicator] = {}
        self._profile: ContextVar[Mapping[str, Indicator]] = ContextVar(
            "profile_indicators", default=MappingProxyType({}))

    def __getitem__(self, key: str) -> Indicator:
        found = self._shipped.get(key)
        return found if found is not None else self._profile.get()[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._shipped
        yield from self._profile.get()

    def __len__(self) -> int:
        return len(self._shipped) + len(self._profile.get())

    def add(self, item: Indicator) -> None:
        _check(item, known=self)
        self._shipped[item.id] = item

    @contextmanager
    def including(self, items: Iterable[Indicator]) -> Iterator[None]:
        declared: dict[str, Indicator] = {}
        for item in items:
            _check(item, known={**self._shipped, **declared})
            declared[item.id] = item
        token = self._profile.set(declared)
        try:
            yield
        finally:
            self._profile.reset(token)


def _check(item: Indicator, *, known: Mapping[str, Indicator]) -> None:
    if item.id in known:
        raise MigprofileError(f"indicator {item.id!r} declared twice")
    if item.unit not in UNITS:
        raise MigprofileError(f"indicator {item.id!r}: unknown unit {item.unit!r} (known: "
                              f"{', '.join(UNITS)})")


REGISTRY = Registry()


def register(item: Indicator) -> Indicator:
    REGISTRY.add(item)
    return item


def profile_indicators(items: Iterable[Indicator]):
    """A context in which ``items`` (a profile's own indicators) are in :data:`REGISTRY`."""
    return REGISTRY.including(items)


def indicator(indicator_id: str) -> Indicator:
    """The declaration of ``indicator_id``; an unknown id is a :class:`MigprofileError`."""
    found = REGISTRY.get(indicator_id)
    if found is None:
        close = difflib.get_close_matches(indicator_id, list(REGISTRY), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise MigprofileError(
            f"unknown indicator {indicator_id!r}.{hint} Known indicators: "
            f"{', '.join(sorted(REGISTRY))}."
        )
    return found
