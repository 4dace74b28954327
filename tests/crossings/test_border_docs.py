"""docs/border-data.md documents every option, output column and error code."""

from pathlib import Path

import pytest
import typer

from migprofile.cli import app
from migprofile.crossings import ERROR_MESSAGES, MEASURES, RESULT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "border-data.md").read_text(encoding="utf-8")


def options(*path: str) -> list[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return [opt for param in command.params for opt in param.opts if opt.startswith("--")]


@pytest.mark.parametrize("option", options("classify"))
def test_every_classify_option_is_documented(option):
    assert f"| `{option}" in DOC


@pytest.mark.parametrize("option", options("crossings", "import"))
def test_every_import_option_is_documented(option):
    assert option in DOC.split("## 2.")[1]


@pytest.mark.parametrize("column", RESULT_COLUMNS)
def test_every_output_column_is_documented(column):
    assert f"| `{column}` |" in DOC


@pytest.mark.parametrize("code", list(ERROR_MESSAGES))
def test_every_error_code_is_documented(code):
    assert f"| {code} |" in DOC


@pytest.mark.parametrize("measure", list(MEASURES))
def test_every_measure_is_documented(measure):
    assert f"`{measure}`" in DOC


def test_readme_links_the_walk_through():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Border data" in readme and "docs/border-data.md" in readme
