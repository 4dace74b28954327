"""Every command, option and setting is documented in the README, every indicator in the
catalogue written from the declarations (docs/catalogue.md)."""

import re
from pathlib import Path

import pytest
import typer

from migprofile.cli import app
from migprofile.indicators.catalogue import catalogue
from migprofile.profile import (
    AgencySettings,
    CountrySettings,
    CrossingsSettings,
    DataflowDisclosure,
    DisclosureSettings,
    ExchangeSettings,
    PartnerSettings,
    ReconciliationSettings,
    ReportSettings,
    SourceSettings,
)
from migprofile.sources import SourceMeta

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands():
    """(command path, click command) for every command and sub-command of the CLI."""
    def walk(command, prefix):
        sub = getattr(command, "commands", None)
        if sub is None:
            yield prefix, command
            return
        for name, child in sub.items():
            yield from walk(child, f"{prefix} {name}".strip())

    yield from walk(typer.main.get_command(app), "")


COMMANDS = sorted(commands(), key=lambda item: item[0])


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_every_command_is_documented(path):
    assert f"migprofile {path}" in README


@pytest.mark.parametrize(
    ("path", "option"),
    [(path, opt) for path, command in COMMANDS for param in command.params
     for opt in param.opts if opt.startswith("--")],
)
def test_every_option_is_documented(path, option):
    lines = [line for line in README.splitlines() if f"migprofile {path}" in line]
    assert any(option in line for line in lines), f"{option} of `migprofile {path}`"


@pytest.mark.parametrize(
    "setting",
    [name for model in (CountrySettings, SourceSettings, ReportSettings, CrossingsSettings,
                        AgencySettings, PartnerSettings, DisclosureSettings,
                        DataflowDisclosure, ReconciliationSettings, ExchangeSettings)
     for name in model.model_fields],
)
def test_every_setting_is_documented(setting):
    assert re.search(rf"^\| `{setting}` \|", README, re.M), setting


@pytest.mark.parametrize("field", list(SourceMeta.model_fields))
def test_every_sidecar_field_is_documented(field):
    assert f"`{field}`" in README


def test_the_catalogue_of_indicators_is_current():
    path = Path(__file__).resolve().parents[1] / "docs" / "catalogue.md"
    assert path.read_text(encoding="utf-8") == catalogue(), "run `make docs`"
