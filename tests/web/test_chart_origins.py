"""Every chart of the dashboard says where each of its values comes from: its source and
revision, in the tooltip and in the rows the chart's data downloads with.

Two profiles between them draw every kind of chart: the Viet Nam example (indicators, two
revisions of UN DESA, the governance timeline) and one with border crossings and mirror
statistics (synthetic crossings and the exchange tests' synthetic files, the partner's
figures received in a signed package).
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import pytest
import tomlkit

from migprofile.build import build_profile, update_reconciliation
from migprofile.crossings import import_crossings
from migprofile.exchange.export import export_package
from migprofile.exchange.importing import import_package
from migprofile.profile import Profile
from migprofile.report.model import Figure
from migprofile.sources.national.store import Provenance, import_national
from migprofile.testing import copy_tracked, synthetic_crossings
from migprofile.web.service import ProfileService
from tests.exchange_helpers import make_profile, register_each_other

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "viet-nam"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "exchange"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> ProfileService:
    root = copy_tracked(EXAMPLE, tmp_path_factory.mktemp("origins") / "viet-nam")
    build_profile(Profile.load(root))
    return ProfileService(Profile.load(root))


def _own_data_only(root: Path) -> None:
    """No international data: the profile builds in seconds."""
    path = root / "profile.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["sources"] = tomlkit.table()
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


@pytest.fixture(scope="module")
def exchanging(tmp_path_factory) -> ProfileService:
    """Viet Nam with its border crossings and its work permits, mirrored by the workers
    Lao PDR deployed to it (from Lao PDR's package)."""
    folder = tmp_path_factory.mktemp("origins")
    vn, la = folder / "viet-nam", folder / "lao-pdr"
    for root, iso3 in ((vn, "VNM"), (la, "LAO")):
        make_profile(root, iso3, [])
        _own_data_only(root)
    register_each_other(vn, la)
    for root, name, dataflow in ((vn, "viet-nam-work-permits.csv", "WORK_PERMITS_FOREIGNERS"),
                                 (la, "lao-labour-deployments.csv", "LABOUR_DEPLOYMENTS")):
        import_national(Profile.load(root), FIXTURES / name, dataflow_id=dataflow,
                        provenance=Provenance(provider="Test fixture"))
    update_reconciliation(Profile.load(la))
    export_package(Profile.load(la), to="VN_DOLAB", out=folder / "to-viet-nam.zip")
    import_package(Profile.load(vn), folder / "to-viet-nam.zip")
    synthetic_crossings(folder / "crossings.csv")
    import_crossings(Profile.load(vn), folder / "crossings.csv")
    build_profile(Profile.load(vn))
    return ProfileService(Profile.load(vn))


def charts(service: ProfileService) -> dict[str, list[Figure]]:
    """The figures of each section of the English dashboard."""
    return {section.id: [b for b in section.blocks if isinstance(b, Figure)]
            for section in service.dashboard("en")}


def tooltip_fields(spec: dict) -> list[str]:
    """The fields every mark with a tooltip shows, in the order it shows them."""
    fields = [t["field"] for t in spec.get("encoding", {}).get("tooltip", [])
              if isinstance(t, dict)] if "mark" in spec else []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, []):
            fields += tooltip_fields(part)
    return fields


def rows(figure: Figure) -> list[dict]:
    """The rows the chart draws (and its data downloads with)."""
    return next(v for v in figure.chart["datasets"].values() if isinstance(v, list))


@pytest.mark.parametrize(("profile", "sections"), [
    ("example", {"emigration", "undesa_revisions", "governance"}),
    ("exchanging", {"border", "mirror_statistics"}),
])
def test_every_chart_says_the_source_and_revision_of_each_value(profile, sections, request):
    found = charts(request.getfixturevalue(profile))
    assert sections <= {section for section, figures in found.items() if figures}
    for section, figures in found.items():
        for figure in figures:
            where = f"{section}: {figure.title}"
            assert {"source", "revision"} <= set(tooltip_fields(figure.chart)), where
            drawn = rows(figure)
            assert drawn, where
            assert all(row["source"] and row["revision"] for row in drawn), where


def test_each_bar_of_the_revisions_chart_comes_from_its_own_revision(example):
    figures = charts(example)["undesa_revisions"]
    assert len(figures) == 2
    for figure in figures:
        drawn = rows(figure)
        assert {row["revision"] for row in drawn} == {"2024", "2020"}
        for row in drawn:
            assert row["series"] == f"Revision {row['revision']}"
            assert row["source"].startswith("United Nations, Department of Economic and "
                                            "Social Affairs")
            assert f"{row['source']}, revision {row['revision']} (file" in figure.note


def test_each_event_of_the_timeline_comes_from_its_register_file(example):
    figure, = charts(example)["governance"]
    files = {"Law or policy": "governance/laws.toml",
             "Agreement": "governance/agreements.toml"}
    for row in rows(figure):
        name = files[row["kind"]]
        checksum = hashlib.sha256((example.root / name).read_bytes()).hexdigest()
        assert (row["source"], row["revision"]) == (name, f"sha256 {checksum[:12]}…")
        assert f"{name} (sha256 {checksum[:12]}…)" in figure.note


def test_each_bar_of_a_mirror_chart_comes_from_the_country_that_reports_it(exchanging):
    figure, = charts(exchanging)["mirror_statistics"]
    by_series: dict[str, set[tuple[str, str]]] = {}
    for row in rows(figure):
        by_series.setdefault(row["series"], set()).add((row["source"], row["revision"]))
        assert f"{row['source']} ({row['revision']})" in figure.note
    assert len(by_series) == 2
    own = next(s for s in by_series if s.endswith("reported by Viet Nam"))
    theirs = next(s for s in by_series if s.endswith("reported by Lao People's Democratic "
                                                       "Republic"))
    (package, _), = exchanging.received("LA_MOLSW")
    (source, revision), = by_series[theirs]
    assert source.startswith("Ministry of Labour and Social Welfare, Exchange package")
    assert revision == package
    (source, revision), = by_series[own]
    assert source.startswith("Test fixture, Work permits issued") and revision == "r1"


def test_each_border_chart_comes_from_the_imported_crossings(exchanging):
    report = html.unescape((exchanging.root / "out" / "en" / "profile.html")
                           .read_text(encoding="utf-8"))
    cited = report[report.index('id="border"'):]
    for figure in charts(exchanging)["border"]:
        for row in rows(figure):
            assert f"{row['source']}, revision {row['revision']} (file" in cited
