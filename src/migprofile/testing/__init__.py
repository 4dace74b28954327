"""Shared pytest fixtures for migprofile's tests: a pytest plugin that ``tests/conftest.py``
loads, so that no other project's pytest run in the same environment sees it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from migprofile.cli import main
from migprofile.profile import Profile


class CliResult:
    """What one command-line run printed and returned."""

    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"CliResult(exit_code={self.exit_code}, stderr={self.stderr[-500:]!r})"


@pytest.fixture
def cli(capsys):
    """Run ``migprofile ARGS...`` in-process; returns a :class:`CliResult`."""

    def run(*args: object) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


def copy_tracked(source: Path, target: Path) -> Path:
    """Copy the files of ``source`` that git tracks (or would track) into ``target``.

    A checkout's folders also hold what earlier commands left behind (``out/``, ``.secret/``,
    ``warehouse.duckdb``); a test that copied those would pass or fail depending on what
    was run before it.
    """
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
        cwd=source, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listing.split("\0")):
        origin = source / name
        if origin.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, destination)
    return target


def published_figures(profile: Profile) -> dict[tuple[str, str, str, str], str]:
    """A built profile's ``out/indicators.csv`` as value by (indicator, partner, year, sex)."""
    import csv
    import io

    text = (profile.out_dir / "indicators.csv").read_text(encoding="utf-8")
    return {(r["indicator"], r["counterpart_area"], r["time_period"], r["sex"]): r["value"]
            for r in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="session", autouse=True)
def rendering_cache(tmp_path_factory):
    """A rendering cache of the test session's own, empty at its start: no test reads or
    writes the user's cache, and the session's many builds of the same profile render
    each chart and PDF once."""
    from migprofile.report.cache import CACHE_ENV

    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("rendering-cache")
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def distributions(request, tmp_path_factory) -> Path:
    """The sdist and the wheel (``python -m build``) of the files of the checkout that git
    tracks, built once for the whole test session, in a folder of their own."""
    import sys

    folder = tmp_path_factory.mktemp("distributions")
    tree = copy_tracked(request.config.rootpath, folder / "tree")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(folder / "dist"),
                    str(tree)], check=True, capture_output=True)
    return folder / "dist"


@pytest.fixture(scope="session")
def built_profile(tmp_path_factory):
    """A Viet Nam profile (English and Vietnamese), built once for the whole test session.

    Tests must not change it; copy it (``copy_profile``) to change anything.
    """
    from migprofile.build import build_profile
    from migprofile.profile import create_profile

    root = tmp_path_factory.mktemp("built") / "viet-nam"
    build_profile(create_profile("VNM", root, languages=["en", "vi"], edition="2026"))
    return root


@pytest.fixture
def copy_profile(built_profile, tmp_path):
    """A private copy of the built Viet Nam profile, free to change."""
    target = tmp_path / "profile"
    shutil.copytree(built_profile, target)
    return target


@pytest.fixture(scope="session")
def spark_backend():
    """One local Spark session for the whole test run (starting one takes seconds)."""
    from migprofile.warehouse import connect

    return connect("spark")


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine_backend(request):
    """Each table engine in turn, for conformance tests: in-memory DuckDB, then Spark."""
    if request.param == "spark":
        return request.getfixturevalue("spark_backend")
    from migprofile.warehouse import connect

    return connect("duckdb")


def synthetic_crossings(path, *, persons: int = 1500, seed: int = 7) -> None:
    """Write a CSV of plausible crossings (residents' trips, emigrants, immigrants, visitors)
    between 2019 and 2023, for tests of the border-data pipeline. Not real data."""
    import datetime as dt
    import random

    rng = random.Random(seed)
    start, days = dt.date(2019, 1, 1), 5 * 365
    citizenships = ["VNM"] * 6 + ["KOR", "LAO", "CHN", "JPN", "USA"]
    lines = ["person_id,date_crossing,is_arrival,citizenship,sex,birth_year"]
    for number in range(persons):
        kind = rng.choice(["visitor", "resident", "emigrant", "immigrant"])
        arrival = 1 if kind in ("visitor", "immigrant") else 0
        day = rng.randrange(days)
        stay = {"visitor": (3, 40), "immigrant": (380, 900), "resident": (5, 60),
                "emigrant": (400, 1200)}[kind]
        home = {"visitor": (100, 700), "immigrant": (5, 30), "resident": (60, 300),
                "emigrant": (5, 30)}[kind]
        person = f"P{number:06d}"
        citizenship = "VNM" if kind in ("resident", "emigrant") else rng.choice(citizenships)
        sex, born = rng.choice("FM"), rng.randrange(1950, 2010)
        for _ in range(rng.randrange(1, 5)):
            if day >= days:
                break
            lines.append(f"{person},{start + dt.timedelta(days=day)},{arrival},{citizenship},"
                         f"{sex},{born}")
            gap = stay if (arrival == 1) == (kind in ("visitor", "immigrant")) else home
            day += rng.randrange(*gap)
            arrival = 1 - arrival
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def border_profile(tmp_path_factory):
    """A Viet Nam profile (English, Vietnamese) with synthetic crossings imported, built once."""
    from migprofile.build import build_profile
    from migprofile.crossings import import_crossings
    from migprofile.profile import create_profile

    folder = tmp_path_factory.mktemp("border")
    root = folder / "viet-nam"
    profile = create_profile("VNM", root, languages=["en", "vi"], edition="2026")
    synthetic_crossings(folder / "crossings.csv")
    import_crossings(profile, folder / "crossings.csv")
    build_profile(profile)
    return root
