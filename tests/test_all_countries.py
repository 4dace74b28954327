"""`migprofile init XXX` and the build pipeline work for every country in the UN DESA data.

Every country gets a profile: its settings, its name in each of its languages, its region.
The rest of the build (indicators, every section, the HTML template) depends on the country
only through what the data hold for it and in which languages its report is written, so it
runs once for each distinct combination: one country for each set of (source, measure) the
country has figures of, as reporting country and as partner, with its languages and whether
it has a region. That is about ninety of the 233 countries and every path the whole list
takes. Rasterising charts and laying out the PDF do not depend on the country and are
covered by the end-to-end tests. Countries are spread over the cores.
"""

import os
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from migprofile.build import primary_revisions, resolve_sources
from migprofile.codes import region_of
from migprofile.indicators import compute_indicators
from migprofile.profile import Profile, create_profile
from migprofile.report import render
from migprofile.report.data import ReportData, Source, _data_types
from migprofile.report.i18n import localizer
from migprofile.warehouse import Warehouse
from tests.oracle import undesa

TINY_PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
            b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
            b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def undesa_codes() -> list[str]:
    rows = undesa()
    return sorted({r["dest_iso3"] for r in rows} | {r["origin_iso3"] for r in rows} - {"OOO"})


def check_invariants(values: pd.DataFrame, code: str) -> None:
    context = values[values.ref_area != code]  # the world and the country's region
    assert set(context.indicator) <= {"world_migrant_stock", "world_migrants_pct_population",
                                      "region_migrant_stock",
                                      "region_migrants_pct_population"}, code
    values = values[values.ref_area == code]
    for indicator in ("immigrant_stock", "emigrant_stock"):
        stock = values[values.indicator == indicator].pivot_table(
            index="time_period", columns="sex", values="value")
        if not stock.empty:
            assert (stock["F"] + stock["M"] == stock["_T"]).all(), (code, indicator)
    for total, by_partner in (("emigrant_stock", "emigrant_stock_by_destination"),
                              ("immigrant_stock", "immigrant_stock_by_origin")):
        a = values[values.indicator == total].groupby(["time_period", "sex"]).value.sum()
        b = values[values.indicator == by_partner].groupby(["time_period", "sex"]).value.sum()
        pd.testing.assert_series_equal(a, b, check_names=False)


def build_countries(warehouse_path: str, folder: str, codes: list[str]) -> list[str]:
    """Run the build steps for each country; returns the codes done (in a worker process)."""
    render.render_png = lambda spec, loc: TINY_PNG
    done = []
    with Warehouse.open(warehouse_path, read_only=True) as warehouse:
        sources = [Source(**{k: row[k] for k in Source.__dataclass_fields__})
                   for row in warehouse.sources()]
        for code in codes:
            profile = Profile.load(Path(folder) / code)
            revisions = primary_revisions(resolve_sources(profile))
            values = compute_indicators(warehouse.observations, area=code,
                                        revisions=revisions).to_pandas()
            check_invariants(values, code)
            data = ReportData(profile, values, sources, _data_types(warehouse, code))
            for language in profile.languages:
                page = render.render_html(data, localizer(language))
                assert escape(localizer(language).country(code)) in page, (code, language)
                assert 'id="annex"' in page
            done.append(code)
    return done


def data_signatures(warehouse: Warehouse) -> dict[str, frozenset]:
    """For each area, the (role, source, measure) of every observation that names it."""
    obs = warehouse.observations
    signatures: dict[str, set] = {}
    for role in ("ref_area", "counterpart_area"):
        found = obs.select(area=obs[role], source=obs.source, measure=obs.measure).distinct()
        for row in found.to_pyarrow().to_pylist():
            signatures.setdefault(row["area"], set()).add((role, row["source"], row["measure"]))
    return {area: frozenset(found) for area, found in signatures.items()}


def representatives(codes: list[str], warehouse: Warehouse, folder: Path) -> list[str]:
    """The first country of each kind: the data it has, its languages, whether it has a
    region."""
    signatures = data_signatures(warehouse)
    kinds: dict[tuple, str] = {}
    for code in codes:
        profile = Profile.load(folder / code)
        kind = (signatures.get(code, frozenset()), tuple(profile.languages),
                region_of(code) is not None)
        kinds.setdefault(kind, code)
    return sorted(kinds.values())


@pytest.mark.slow
def test_every_undesa_country_gets_a_profile(built_profile, tmp_path):
    codes = undesa_codes()
    assert len(codes) > 230
    for code in codes:
        profile = create_profile(code, tmp_path / code)
        assert profile.country == code
        for language in profile.languages:
            name = localizer(language).country(code)
            assert name and name != code, (code, language)
    with Warehouse.open(built_profile / "warehouse.duckdb", read_only=True) as warehouse:
        chosen = representatives(codes, warehouse, tmp_path)
    # each kind once; fewer kinds than this would mean the signatures lost their detail
    assert 60 < len(chosen) < len(codes)
    workers = max(1, min(2, os.cpu_count() or 1))
    chunks = [chosen[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        done = pool.map(build_countries, repeat(str(built_profile / "warehouse.duckdb")),
                        repeat(str(tmp_path)), chunks)
        assert sorted(code for chunk in done for code in chunk) == chosen
