"""What the web app does with the profile, through the project's own functions.

Every action calls the operation the command line calls (:mod:`migprofile.operations`:
import, history, build, export, package import, sync, reconciliation); this module only
keeps what is read often in memory, keyed
by the last build, and serialises access to the warehouse (DuckDB allows one writer).
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from migprofile.errors import MigprofileError
from migprofile.profile import Profile

__all__ = ["DashboardSection", "ExplorerFilter", "ProfileService"]

STAMP = "build.json"
RECONCILIATION = "reconciliation.csv"
CACHED = 512
EXPLORER_FILTERS = ("indicator", "country", "period", "sex")


@dataclass(frozen=True)
class ExplorerFilter:
    """What the indicator explorer is asked for; empty means any."""

    indicator: str = ""
    country: str = ""
    period: str = ""
    sex: str = ""

    def keeps(self, row: dict) -> bool:
        return ((not self.indicator or row["indicator"] == self.indicator)
                and (not self.country or row["counterpart_area"] == self.country)
                and (not self.period or row["time_period"] == self.period)
                and (not self.sex or row["sex"] == self.sex))


@dataclass
class DashboardSection:
    """A report section as the dashboard shows it: blocks with chart specifications."""

    id: str
    title: str
    blocks: list


class ProfileService:
    """The profile behind the web app."""

    def __init__(self, profile: Profile) -> None:
        self.root = profile.root
        self.lock = threading.RLock()
        """Held while the warehouse is open: builds write it, dashboards read it."""
        self._cache: dict[tuple, object] = {}
        self._profile = (self._settings_key(), profile)

    def _settings_key(self) -> tuple:
        """Changes whenever profile.toml is written."""
        stat = (self.root / "profile.toml").stat()
        return stat.st_mtime_ns, stat.st_size

    @property
    def profile(self) -> Profile:
        """The profile's settings, read again whenever profile.toml changes (an officer
        may edit it while the app runs)."""
        key = self._settings_key()
        if self._profile[0] != key:
            self._profile = (key, Profile.load(self.root))
        return self._profile[1]

    # cached reads, refreshed after each build -----------------------------------------

    def build_key(self) -> tuple:
        """Changes whenever a build wrote new outputs."""
        path = self.profile.out_dir / STAMP
        if not path.is_file():
            return ("never built",)
        stat = path.stat()
        return stat.st_mtime_ns, stat.st_size

    @property
    def built(self) -> bool:
        return (self.profile.out_dir / STAMP).is_file()

    def _cached(self, name: str, load: Callable[[], object]) -> object:
        """``load()`` once per build; at most :data:`CACHED` entries are kept."""
        key = (name, self.build_key())
        if key not in self._cache:
            with self.lock:
                if key not in self._cache:
                    kept = {k: v for k, v in self._cache.items() if k[1] == key[1]}
                    self._cache = kept if len(kept) < CACHED else {}
                    self._cache[key] = load()
        return self._cache[key]

    def _require_build(self) -> None:
        if not self.built:
            raise MigprofileError("the profile has not been built yet; build it on the "
                                  "Report page (or with `migprofile build`).")

    def indicator_rows(self) -> list[dict]:
        """``out/indicators.csv`` of the last build: every value as it is published."""
        self._require_build()

        def load() -> list[dict]:
            text = (self.profile.out_dir / "indicators.csv").read_text(encoding="utf-8")
            return list(csv.DictReader(io.StringIO(text)))
        return self._cached("indicators", load)  # type: ignore[return-value]

    def explore(self, wanted: ExplorerFilter) -> list[dict]:
        return [row for row in self.indicator_rows() if wanted.keeps(row)]

    def explorer_table(self, wanted: ExplorerFilter, language: str, *,
                       limit: int) -> tuple[int, list[tuple[str, ...]]]:
        """How many values match, and the first ``limit`` as the explorer shows them."""
        from migprofile.i18n import localizer

        loc = localizer(language)
        rows = self.explore(wanted)
        shown = []
        names = self.indicator_names(language)
        for row in rows[:limit]:
            value = row["value"]
            if row["conf_status"] == "C":
                text = "C"
            elif value:
                number = float(value)
                text = loc.decimal(number, 0 if number.is_integer() else 2)
            else:
                text = "–"
            shown.append((row["indicator"], names.get(row["indicator"], row["indicator"]),
                          row["counterpart_area"], row["time_period"], row["sex"], text,
                          row["unit"], row["source"], row["revision"]))
        return len(rows), shown

    def explorer_choices(self) -> dict[str, list[str]]:
        def load() -> dict[str, list[str]]:
            rows = self.indicator_rows()
            return {"indicator": sorted({r["indicator"] for r in rows}),
                    "country": sorted({r["counterpart_area"] for r in rows}),
                    "period": sorted({r["time_period"] for r in rows}, reverse=True),
                    "sex": sorted({r["sex"] for r in rows})}
        return self._cached("choices", load)  # type: ignore[return-value]

    def reconciliation(self) -> list[dict]:
        """``out/reconciliation.csv``, which a build writes, and a sync or a package a
        partner sends writes again in between."""
        path = self.profile.out_dir / RECONCILIATION
        if not path.is_file():
            self._require_build()
        stat = path.stat()

        def load() -> list[dict]:
            return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        return self._cached(f"reconciliation-{stat.st_mtime_ns}-{stat.st_size}",
                            load)  # type: ignore[return-value]

    def page_part(self, key: str, render: Callable[[], str]) -> str:
        """A part of a page that depends only on the build (and ``key``): rendered once."""
        self._require_build()
        return self._cached(f"part-{key}", render)  # type: ignore[return-value]

    def dashboard(self, language: str) -> list[DashboardSection]:
        """The report's sections in ``language``, charts as Vega-Lite specifications."""
        self._require_build()
        return self._cached(f"dashboard-{language}",  # type: ignore[return-value]
                            lambda: self._sections(language))

    def _sections(self, language: str) -> list[DashboardSection]:
        from migprofile.i18n import localizer
        from migprofile.report.charts import themed
        from migprofile.report.model import Figure
        from migprofile.report.sections import build_sections
        from migprofile.web.figure_choices import with_figure_choices
        from migprofile.web.figure_table import field_titles
        from migprofile.web.tooltips import origin_of, provenance, with_tooltips

        loc = localizer(language)
        sections = []
        with self.registry():
            built = build_sections(self._report_data, loc)
        names = self.indicator_names(language)
        found = provenance(self.indicator_rows(), self._cite)

        def interactive(figure: Figure) -> Figure:
            chart, drawn = with_figure_choices(figure, themed(figure.chart, loc),
                                               self._report_data, loc)
            origin = origin_of(replace(figure, indicators=drawn), names, found)
            return replace(figure, chart=with_tooltips(chart, origin,
                                                       field_titles(figure, loc)))

        with self.registry():
            for section in built:
                blocks = [interactive(b) if isinstance(b, Figure) else b
                          for b in section.blocks]
                sections.append(DashboardSection(section.id, section.title, blocks))
        return sections

    def narrative_titles(self, language: str) -> dict[str, str]:
        """The title, in ``language``, of every section a narrative is written for: the
        report's sections and the sub-parts of governance and of the findings."""
        from migprofile.i18n import localizer
        from migprofile.report.sections.findings import narrative_titles
        from migprofile.report.sections.governance import part_titles

        loc = localizer(language)
        titles = {section.id: section.title for section in self.dashboard(language)}
        titles |= {f"governance_{part}": title for part, title in part_titles(loc).items()}
        return titles | narrative_titles(loc)

    def _cite(self, kind: str, revision: str) -> str:
        """A source of published values in the words of the report's notes (its id when
        the profile no longer lists it)."""
        from migprofile.report.sections.common import source_origin

        source = self._report_data.source(kind, revision=revision)
        return kind if source is None else source_origin(source).source

    def overview(self, language: str) -> list:
        """The key figures as the overview shows them (a
        :class:`~migprofile.web.overview.KeyFigureCard` each), compared with the latest
        published edition."""
        self._require_build()
        edition = self.latest_edition_name()
        return self._cached(f"overview-{language}-{edition}",  # type: ignore[return-value]
                            lambda: self._cards(language, edition))

    def latest_edition_name(self) -> str | None:
        from migprofile.editions.store import edition_names, read_manifest

        names = edition_names(self.profile)
        return max(names, key=lambda name: read_manifest(self.profile, name).published_at,
                   default=None)

    def _cards(self, language: str, edition: str | None) -> list:
        from migprofile.i18n import localizer
        from migprofile.indicators import REGISTRY
        from migprofile.report.sections.common import format_by_unit
        from migprofile.web.overview import (
            EditionValue,
            KeyFigureCard,
            latest_edition,
            sparkline_points,
        )

        loc = localizer(language)
        then = {} if edition is None else latest_edition(
            self.edition_file(edition, "indicators.csv").read_text(encoding="utf-8"))
        section = next((s for s in self.dashboard(language) if s.id == "key_figures"), None)
        figures = [f for b in (section.blocks if section else []) if isinstance(b, list)
                   for f in b]
        cards = []
        with self.registry():
            for figure in figures:
                series = self._report_data.series(figure.indicator, sex=figure.sex)
                found = then.get((figure.indicator, figure.sex))
                cards.append(KeyFigureCard(
                    figure, sparkline_points(list(series.to_numpy())),
                    (str(series.index[0]), str(series.index[-1])) if len(series) else None,
                    EditionValue(edition, found[0], format_by_unit(
                        float(found[1]), REGISTRY[figure.indicator].unit, loc))
                    if found else None))
        return cards

    def section(self, language: str, section_id: str) -> tuple:
        """A section of the dashboard with the one before and after it (None at the
        ends); an unknown id is not found (404)."""
        sections = self.dashboard(language)
        index = next((i for i, s in enumerate(sections) if s.id == section_id), None)
        if index is None:
            raise LookupError(f"no section {section_id!r}")
        return (sections[index], sections[index - 1] if index else None,
                sections[index + 1] if index + 1 < len(sections) else None)

    def figure_data(self, language: str, section_id: str, number: int) -> tuple:
        """The title of a section's figure ``number`` (from 1) and the rows its chart
        draws: the chart's first table of records (a map's boundaries are not one, nor
        are the marks of a break in series, which come after). A chart with choices
        (:mod:`migprofile.web.chart_choices`) draws the rows of every option, one option
        at a time: each row leads with the options it belongs to (and, on a map, the key
        its country is looked up by)."""
        from migprofile.report.model import Figure

        figures = [b for b in self.section(language, section_id)[0].blocks
                   if isinstance(b, Figure)]
        if not 1 <= number <= len(figures):
            raise LookupError(f"section {section_id!r} has no figure {number}")
        figure = figures[number - 1]
        rows = next(v for v in figure.chart["datasets"].values() if isinstance(v, list))
        return figure.title, rows

    def registry(self):
        """A context in which the profile's own indicators are in the registry."""
        from migprofile.indicators.declared import profile_registry

        return profile_registry(self.profile)

    def indicator_names(self, language: str) -> dict[str, str]:
        """Every indicator's name in ``language``, the profile's own included."""
        from migprofile.indicators import REGISTRY

        with self.registry():
            return {key: item.name[language] for key, item in REGISTRY.items()}

    @property
    def _report_data(self):
        return self._cached("report-data", self._load_report_data)

    def _load_report_data(self):
        from migprofile.indicators.disclosure import published_values
        from migprofile.report.data import ReportData
        from migprofile.warehouse import Warehouse

        profile = self.profile
        with self.lock, Warehouse.open(profile.warehouse_path, read_only=True) as warehouse, \
                self.registry():
            return ReportData.load(profile, warehouse,
                                   values=published_values(profile, warehouse))

    # actions ------------------------------------------------------------------------------

    def build(self):
        """Build the profile (``migprofile build``); one build at a time."""
        from migprofile.operations import build

        with self.lock:
            return build(self.profile)

    def report_pdf(self, language: str) -> Path:
        profile = self.profile
        if language not in profile.languages:
            raise LookupError(f"the report is made in {', '.join(profile.languages)}, not "
                              f"{language!r} (profile.toml, [profile] languages)")
        path = profile.out_dir / language / "profile.pdf"
        if not path.is_file():
            raise LookupError("the report has not been built yet; build it first")
        return path

    def import_file(self, file: Path, *, dataflow: str, provider: str,
                    accept_warnings: bool, citation: str = "",
                    mapping_file: Path | None = None):
        """``migprofile import``: raises ValidationFailed with every problem."""
        from migprofile.operations import national_import
        from migprofile.sources.national.store import Provenance

        with self.lock:
            return national_import(self.profile, file, dataflow=dataflow,
                                   provenance=Provenance(provider=provider, citation=citation,
                                                         via="migprofile web app"),
                                   mapping_file=mapping_file, accept_warnings=accept_warnings)

    def history(self, dataflow: str):
        from migprofile.operations import national_history

        return national_history(self.profile, self.national_dataflow(dataflow).id)

    def national_dataflow(self, dataflow: str):
        """A national dataflow of the profile; an unknown id is not found (404)."""
        flow = self.national_dataflows().get(dataflow.upper())
        if flow is None:
            raise LookupError(f"no national dataflow {dataflow!r} (national dataflows: "
                              f"{', '.join(self.national_dataflows())})")
        return flow

    def national_dataflows(self) -> dict:
        flows = self.profile.dataflows
        return {k: f for k, f in sorted(flows.items()) if f.national}

    def export(self, *, to: str, dataflows: list[str], period: str | None):
        """Publish a package for a partner in its outbox (``migprofile exchange export``)."""
        from migprofile.operations import package_export

        with self.lock:
            return package_export(self.profile, to=to, dataflows=dataflows, period=period)

    def published(self, partner: str) -> list:
        """The packages published for ``partner`` (its outbox)."""
        from migprofile.exchange.outbox import published_packages

        return published_packages(self.profile, partner)

    def received(self, partner: str) -> list[tuple[str, str]]:
        """(package id, sha256) of each package of ``partner`` accepted here."""
        from migprofile.exchange.importing import partner_sources

        return [(s.meta.package_id, s.meta.sha256) for s in partner_sources(self.profile)
                if s.meta.partner == partner]

    def package_identity(self, file: Path) -> tuple[str, str]:
        """The verified sender and id of a package (signature, receiver and data
        checked)."""
        from migprofile.exchange.importing import verify_package

        manifest = verify_package(file.read_bytes(), profile=self.profile,
                                  file=file.name).manifest
        return manifest.sender.agency, manifest.package_id

    def package_sender(self, file: Path) -> str:
        """The verified sender of a package (signature, receiver and data checked)."""
        return self.package_identity(file)[0]

    def update_reconciliation(self) -> list[str]:
        """Read new sources into the warehouse and write the reconciliation again."""
        from migprofile.operations import refresh_reconciliation

        with self.lock:
            return refresh_reconciliation(self.profile)

    def sync(self, **kwargs):
        """``migprofile exchange sync``, holding the lock only while using the profile."""
        from migprofile.operations import sync_partners

        return sync_partners(self.profile, lock=lambda: self.lock, **kwargs)

    def sync_status(self) -> dict:
        from migprofile.exchange.sync import read_status

        return read_status(self.profile)

    def import_package(self, file: Path):
        from migprofile.operations import package_import

        with self.lock:
            return package_import(self.profile, file)

    def publish(self, *, edition: str, by: str):
        """``migprofile publish``: builds first when the outputs are not current."""
        from migprofile.operations import publish

        with self.lock:
            return publish(self.profile, edition=edition, by=by)

    def editions(self) -> list:
        """Every published edition, verified (``migprofile editions``)."""
        from migprofile.operations import list_editions

        return list_editions(self.profile)

    def edition_diff(self, edition: str, other: str | None):
        """What changed since an edition (``migprofile editions diff``)."""
        from migprofile.operations import edition_diff

        return edition_diff(self.profile, edition, other)

    def edition_file(self, edition: str, name: str) -> Path:
        """A file of an edition, only one its manifest lists."""
        from migprofile.editions.store import edition_file

        return edition_file(self.profile, edition, name)

    @cached_property
    def vega_bundle(self) -> str:
        """Vega, Vega-Lite and vega-embed in one script, served by the app (no CDN)."""
        import vl_convert

        return vl_convert.javascript_bundle()
