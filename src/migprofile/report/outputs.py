"""Writing every output of a build into a (staging) folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

from migprofile.indicators.declared import profile_registry
from migprofile.indicators.disclosure import published_values
from migprofile.profile import Profile
from migprofile.report.data import ReportData
from migprofile.report.fonts import fonts_notice
from migprofile.report.i18n import localizer
from migprofile.report.render import render_html, render_pdf
from migprofile.report.tables import indicators_csv, indicators_workbook, reconciliation_csv
from migprofile.warehouse import Warehouse

__all__ = ["write_outputs"]


def _write(path: Path, data: bytes, files: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    files.append(path)


def write_outputs(profile: Profile, warehouse: Warehouse, folder: Path, *,
                  progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """Write indicators.csv, reconciliation.csv, tables.xlsx and each language's HTML and
    PDF into ``folder``; every value as disclosure control lets it be published."""
    files: list[Path] = []
    values = published_values(profile, warehouse)
    _write(folder / "indicators.csv", indicators_csv(values), files)
    data = ReportData.load(profile, warehouse, values=values)
    _write(folder / "reconciliation.csv", reconciliation_csv(data.reconciliation), files)
    citations = {s.kind: s.citation or s.title for s in data.sources}
    _write(folder / "tables.xlsx",
           indicators_workbook(values, languages=profile.languages, citations=citations), files)
    progress(f"Writing the report in {', '.join(profile.languages)}")
    notice = fonts_notice(profile.languages)
    if notice:
        progress(notice)
    for language, (html, pdf) in zip(profile.languages,
                                     _render_languages(data, profile.languages), strict=True):
        _write(folder / language / "profile.html", html.encode("utf-8"), files)
        _write(folder / language / "profile.pdf", pdf, files)
    return files


def render_language(data: ReportData, language: str) -> tuple[str, bytes]:
    """The report in one language, as HTML and PDF (in a process of its own, perhaps: the
    profile's own indicators are put in the registry again)."""
    with profile_registry(data.profile):
        html = render_html(data, localizer(language))
    return html, render_pdf(html)


def _render_languages(data: ReportData, languages: list[str]) -> list[tuple[str, bytes]]:
    """Each language's report; in parallel processes when there are several cores.

    Rendering (charts, PDF layout) is CPU-bound Python, so processes, not threads.
    """
    workers = min(len(languages), os.cpu_count() or 1)
    if workers < 2:
        return [render_language(data, language) for language in languages]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(render_language, repeat(data), languages))
