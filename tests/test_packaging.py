"""The package people install: a wheel and an sdist that hold everything a build needs.

The wheel is built from the sdist (as ``python -m build`` does), installed alone in an
empty virtual environment (its dependencies at the versions of requirements.lock, so that
the test does not depend on what was released today), and used as a user would: it must
build the same Viet Nam profile as the checkout does.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from migprofile import __version__

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(*args: object, cwd: Path | None = None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"{args}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def _constraints(folder: Path) -> Path:
    """requirements.lock without its hashes: pins for a plain ``pip install``."""
    lines = [line.split()[0] for line in (ROOT / "requirements.lock").read_text().splitlines()
             if line and not line.startswith((" ", "#"))]
    path = folder / "constraints.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def _package_files() -> list[str]:
    """Every file of the package that git tracks, Python or not, as named in a wheel."""
    listing = _run("git", "ls-files", "src/migprofile", cwd=ROOT).split()
    return [name.removeprefix("src/") for name in listing]


def test_sdist_and_wheel_carry_every_file_of_the_package(distributions):
    with zipfile.ZipFile(next(distributions.glob(f"migprofile-{__version__}-*.whl"))) as archive:
        wheel = set(archive.namelist())
    with tarfile.open(next(distributions.glob(f"migprofile-{__version__}.tar.gz"))) as archive:
        sdist = set(archive.getnames())
    files = _package_files()
    assert "migprofile/data/international/undesa_ims2024_bilateral_by_sex.csv" in files
    assert [f for f in files if f not in wheel] == []
    assert [f for f in files if f"migprofile-{__version__}/src/{f}" not in sdist] == []
    for extra in ("CHANGELOG.md", "README.md", "requirements.lock", "vendor.toml"):
        assert f"migprofile-{__version__}/{extra}" in sdist, extra


def test_the_wheel_alone_builds_the_profile_the_checkout_builds(distributions, built_profile,
                                                                 tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    wheel = next(distributions.glob("*.whl"))
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel,
         "-c", _constraints(tmp_path))
    migprofile = venv / "bin" / "migprofile"
    assert _run(migprofile, "--version").strip() == f"migprofile {__version__}"
    profile = tmp_path / "viet-nam"
    _run(migprofile, "init", "VNM", profile, "--languages", "en,vi", "--edition", "2026",
         cwd=tmp_path)
    _run(migprofile, "build", profile, cwd=tmp_path)
    for language in ("en", "vi"):
        assert (profile / "out" / language / "profile.pdf").stat().st_size > 100_000
    expected = (built_profile / "out" / "indicators.csv").read_text(encoding="utf-8")
    assert (profile / "out" / "indicators.csv").read_text(encoding="utf-8") == expected
