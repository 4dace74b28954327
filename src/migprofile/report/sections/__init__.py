"""The sections of the report, in the order of the IOM Migration Profile template."""

from __future__ import annotations

from collections.abc import Callable

from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section
from migprofile.report.sections import (
    annex,
    border,
    findings,
    forced_migration,
    governance,
    key_figures,
    migrant_stock,
    mirror,
    national,
    remittances,
)

__all__ = ["SECTIONS", "build_sections"]

SectionBuilder = Callable[[ReportData, Localizer], Section | None]

SECTIONS: dict[str, SectionBuilder] = {
    "key_figures": key_figures.build,
    "immigration": migrant_stock.build_immigration,
    "foreign_workers": national.build_foreign_workers,
    "emigration": migrant_stock.build_emigration,
    "labour_migration": national.build_labour_migration,
    "border": border.build,
    "students_abroad": national.build_students_abroad,
    "diaspora": national.build_diaspora,
    "remittances": remittances.build,
    "forced_migration": forced_migration.build,
    "returns": national.build_returns,
    "trafficking": national.build_trafficking,
    "support_centres": national.build_support_centres,
    "mirror_statistics": mirror.build,
    "governance": governance.build,
    "findings_recommendations": findings.build,
    "annex": annex.build,
}
"""Section id -> builder. A builder returns None when the section has nothing to show."""


def build_sections(data: ReportData, loc: Localizer) -> list[Section]:
    sections = []
    for builder in SECTIONS.values():
        section = builder(data, loc)
        if section is not None:
            sections.append(section)
    return sections
