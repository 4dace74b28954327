"""`migprofile init XXX` and the build pipeline work for every country in the UN DESA data.

Building 230 full reports with PDFs would take most of an hour, so this test runs every
step of the build for each country (settings, indicators, every section, the HTML
template) except rasterising charts and laying out the PDF, which do not depend on the
country and are covered by the end-to-end tests. Countries are spread over the cores.
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
from migprofile.indicators import compute_indicators
from migprofile.profile import create_profile
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
            profile = create_profile(code, Path(folder) / code)
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


@pytest.mark.slow
def test_every_undesa_country_gets_a_profile(built_profile, tmp_path):
    codes = undesa_codes()
    assert len(codes) > 230
    workers = max(1, min(4, os.cpu_count() or 1))
    chunks = [codes[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        done = pool.map(build_countries, repeat(str(built_profile / "warehouse.duckdb")),
                        repeat(str(tmp_path)), chunks)
        assert sorted(code for chunk in done for code in chunk) == codes
