"""The sections of the report, in the order of the IOM Migration Profile template.

Key figures, immigration, emigration, remittances and forced migration are declared beside
their indicators (``indicators/TOPIC.toml``, shown by ``topics.py``), the sections of
national data beside their dataflows (shipped or the profile's own); each declared section
is placed after the section its declaration names. The world and its region, UN DESA's
revisions, border data, mirror statistics, governance, findings and the annex are computed
in code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from migprofile.codes import Dataflow
from migprofile.errors import MigprofileError
from migprofile.indicators.declarations import DeclaredSection
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section

# migrant_stock and remittances register the special parts of their declared sections.
from migprofile.report.sections import (  # noqa: F401
    annex,
    border,
    findings,
    governance,
    migrant_stock,
    mirror,
    national,
    remittances,
    topics,
    world,
)

__all__ = ["CODED_SECTIONS", "SECTIONS", "build_sections", "international_sections",
           "section_builders"]

SectionBuilder = Callable[[ReportData, Localizer], Section | None]

CODED_SECTIONS: dict[str, SectionBuilder] = {
    "context": world.build_context,
    "undesa_revisions": world.build_revisions,
    "border": border.build,
    "mirror_statistics": mirror.build,
    "governance": governance.build,
    "findings_recommendations": findings.build,
    "annex": annex.build,
}
"""Section id -> builder of the sections computed in code, in their order."""


def international_sections(
        declared: Mapping[str, DeclaredSection]) -> dict[str, SectionBuilder]:
    """The sections of :data:`CODED_SECTIONS` with the ``declared`` ones, each after the
    section it names (after those placed there before it), one naming none first."""
    order = list(CODED_SECTIONS)
    builders = dict(CODED_SECTIONS)
    placed: dict[str, str] = {}
    pending = list(declared.values())
    while pending:
        for item in pending:
            after = item.declaration.after
            if after and after not in builders:
                continue
            at = order.index(after) + 1 if after else 0
            while at < len(order) and placed.get(order[at]) == after:
                at += 1
            order.insert(at, item.declaration.id)
            placed[item.declaration.id] = after
            builders[item.declaration.id] = partial(topics.build_topic, item.declaration)
        waiting = [item for item in pending if item.declaration.id not in builders]
        if len(waiting) == len(pending):
            raise MigprofileError(f"section {waiting[0].declaration.id!r} follows "
                                  f"{waiting[0].declaration.after!r}, which is no section "
                                  "of the report", path=waiting[0].path)
        pending = waiting
    return {key: builders[key] for key in order}


SECTIONS: dict[str, SectionBuilder] = international_sections(topics.declared_sections())
"""Section id -> builder of the sections of the international sources, in their order:
those declared beside their indicators (one generic section each) and those computed in
code. A builder returns None when the section has nothing to show."""


def section_builders(flows: Mapping[str, Dataflow]) -> dict[str, SectionBuilder]:
    """Every section in the order of the report: those of :data:`SECTIONS`, with the
    sections of the national dataflows among ``flows`` each after the one it names (after
    the sections placed there before it); one naming no known section comes before the
    mirror statistics."""
    order = list(SECTIONS)
    builders = dict(SECTIONS)
    placed: dict[str, str] = {}
    pending = national.section_plans(flows)
    while pending:
        waiting = [p for p in pending if p.after not in builders]
        if len(waiting) == len(pending):  # nothing placeable: they follow the last national
            for plan in waiting:
                plan.after = ""
        for plan in [p for p in pending if p.after in builders or not p.after]:
            anchor = plan.after or "mirror_statistics"
            at = order.index(anchor) + (1 if plan.after else 0)
            while plan.after and at < len(order) and placed.get(order[at]) == plan.after:
                at += 1
            order.insert(at, plan.id)
            placed[plan.id] = plan.after
            builders[plan.id] = partial(national.build_plan, plan)
        pending = [p for p in pending if p.id not in builders]
    return {key: builders[key] for key in order}


def build_sections(data: ReportData, loc: Localizer) -> list[Section]:
    sections = []
    for builder in section_builders(data.dataflows).values():
        section = builder(data, loc)
        if section is not None:
            sections.append(section)
    return sections
