"""The application layer called from Python, without the command line: what each operation
returns, and the front ends that stay thin around it."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest

from migprofile import operations
from migprofile.errors import MigprofileError
from migprofile.profile import CrossingsSettings, Profile, RuleParameters, create_profile

PACKAGE = Path(operations.__file__).parent.parent
DECLARATION = (Path(__file__).parents[1] / "data" / "RESIDENCE_GRANTS.toml").read_text(
    encoding="utf-8")


@pytest.fixture
def new_profile(tmp_path) -> Profile:
    """A Viet Nam profile just created, never built."""
    return operations.init("VNM", tmp_path / "viet-nam", languages=["en"], edition="2026")


def test_reconcile_returns_its_comparisons_and_writes_them_all(copy_profile):
    profile = Profile.load(copy_profile)
    result = operations.reconcile(profile)
    assert result.path == profile.out_dir / "reconciliation.csv"
    written = list(csv.DictReader(io.StringIO(result.path.read_text(encoding="utf-8"))))
    assert result.rows and len(result.rows) == len(written)
    assert [r.pair for r in result.rows] == [r["pair"] for r in written]
    assert result.flagged == sum(1 for r in result.rows if r.flagged)
    assert result.threshold_pct == profile.settings.reconciliation.threshold_pct


def test_reconcile_refuses_an_unknown_partner_and_writes_nothing(copy_profile):
    profile = Profile.load(copy_profile)
    path = profile.out_dir / "reconciliation.csv"
    path.unlink()
    with pytest.raises(MigprofileError, match="XX_NOBODY"):
        operations.reconcile(profile, partner="XX_NOBODY")
    assert not path.exists()


def test_accounts_are_added_listed_and_disabled_from_python(new_profile):
    added = operations.add_account(new_profile, email="Officer@Example.org", role="viewer",
                                   password="a long enough password")
    assert added == operations.Account("officer@example.org", "viewer", None, "active")
    assert operations.list_accounts(new_profile) == [added]
    disabled = operations.disable_account(new_profile, "officer@example.org")
    assert disabled.state == "disabled"
    assert [a.state for a in operations.list_accounts(new_profile)] == ["disabled"]
    with pytest.raises(MigprofileError, match="no account"):
        operations.disable_account(new_profile, "nobody@example.org")


def test_sync_needs_a_partner_with_a_server(new_profile):
    with pytest.raises(MigprofileError, match="no partner has a url"):
        operations.audited_sync(new_profile)


def test_profile_dataflows_are_read_once_and_again_when_a_declaration_comes(new_profile):
    first = new_profile.dataflows
    assert "RESIDENCE_GRANTS" not in first and "LABOUR_DEPLOYMENTS" in first
    assert new_profile.dataflows is first
    new_profile.dataflows_dir.mkdir()
    (new_profile.dataflows_dir / "RESIDENCE_GRANTS.toml").write_text(DECLARATION,
                                                                     encoding="utf-8")
    assert "RESIDENCE_GRANTS" in new_profile.dataflows
    (new_profile.dataflows_dir / "RESIDENCE_GRANTS.toml").unlink()
    assert "RESIDENCE_GRANTS" not in new_profile.dataflows


def test_the_rule_parameters_are_checked_in_one_place(tmp_path):
    assert CrossingsSettings(window=400, threshold=300).rule == RuleParameters(400, 300)
    with pytest.raises(ValueError, match="must be positive and not exceed the window"):
        RuleParameters(window=300, threshold=400)
    with pytest.raises(MigprofileError, match="must be positive and not exceed the window"):
        operations.rule_parameters(window=300, threshold=400, on_gap="reject")
    root = tmp_path / "profile"
    create_profile("VNM", root, languages=["en"], edition="2026")
    with (root / "profile.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n[crossings]\nwindow = 300\nthreshold = 400\n")
    with pytest.raises(MigprofileError, match=r"crossings\.threshold: .*not exceed the window"):
        Profile.load(root)


def _imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_command_line_calls_the_application_layer_not_the_layers_below():
    reached = {m for m in _imported_modules(PACKAGE / "cli.py") if m.startswith("migprofile.")}
    below = {m for m in reached if m.startswith(("migprofile.build", "migprofile.warehouse",
                                                 "migprofile.exchange", "migprofile.state.db",
                                                 "migprofile.state.accounts",
                                                 "migprofile.crossings",
                                                 "migprofile.indicators",
                                                 "migprofile.editions"))}
    assert below == set()
    assert "migprofile.operations" in reached


def test_the_pages_do_not_import_the_app_that_includes_them():
    for path in (PACKAGE / "web" / "routes").glob("*.py"):
        assert "migprofile.web.app" not in _imported_modules(path), path.name


def test_the_report_translations_do_not_reach_into_the_indicators():
    for path in (PACKAGE / "i18n.py", PACKAGE / "report" / "i18n.py"):
        assert not any(m.startswith("migprofile.indicators") for m in _imported_modules(path))
