"""Part D, findings and recommendations: the working group's narrative sections, in the
order ``[report] narrative_sections`` gives, then the data gaps and disagreements the
build finds (the annex's own lists, computed once by :func:`annex.gap_tables`)."""

from __future__ import annotations

from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Section
from migprofile.report.sections.annex import gap_tables
from migprofile.report.sections.common import narrative_part

ID = "findings_recommendations"


def narrative_titles(loc: Localizer) -> dict[str, str]:
    """The title of each narrative section of Part D (``NARRATIVE_SECTIONS``)."""
    return {
        "findings": loc._("Main findings"),
        "recommendations": loc._("Policy recommendations"),
        "data_recommendations": loc._("Recommendations to improve migration data"),
    }


def build(data: ReportData, loc: Localizer) -> Section:
    titles = narrative_titles(loc)
    parts = [narrative_part(data, loc, key, titles[key])
             for key in data.settings.report.narrative_sections]
    intro = [loc._("The working group's findings and recommendations, followed by the gaps "
                   "and disagreements in the data that this edition found (also listed in "
                   "the annex).")]
    return Section(ID, loc._("Findings and recommendations"), intro,
                   [*parts, *gap_tables(data, loc)])
