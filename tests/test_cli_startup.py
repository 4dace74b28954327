"""The command line starts at once: its quick commands import no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("duckdb", "ibis", "weasyprint", "numba", "pyspark", "fastapi", "pandas", "pyarrow",
         "pandera", "sqlalchemy", "altair", "pydantic")


def imported_heavy_modules(code: str) -> list[str]:
    """The heavy libraries loaded by running ``code`` in a fresh interpreter."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.splitlines()[-1])


def test_importing_the_command_line_loads_no_heavy_library():
    assert imported_heavy_modules("import migprofile.cli") == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["countries"],
                                  ["countries", "--language", "vi"], ["build", "--help"]])
def test_quick_commands_load_no_heavy_library(args):
    code = ("from migprofile.cli import main\n"
            "import contextlib, io\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    assert main({args!r}) == 0\n")
    assert imported_heavy_modules(code) == []


def test_version(cli):
    from migprofile import __version__

    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"migprofile {__version__}"


@pytest.mark.parametrize("package", ["migprofile", "migprofile.codes", "migprofile.operations",
                                     "migprofile.sources",
                                     "migprofile.warehouse"])
def test_every_public_name_of_a_lazy_package_resolves(package):
    import importlib

    module = importlib.import_module(package)
    assert set(module._EXPORTS) <= set(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_the_function_countries_shadows_its_module():
    import migprofile.codes.dataflows  # noqa: F401  (imports migprofile.codes.countries too)
    from migprofile.codes import countries

    assert callable(countries) and "VNM" in countries()
