"""The shared fixtures: a test's copy of an example holds only what git tracks."""

from __future__ import annotations

import subprocess
from pathlib import Path

from migprofile.testing import copy_tracked


def test_copy_tracked_leaves_built_and_secret_files_behind(tmp_path):
    source = tmp_path / "checkout"
    (source / "example" / "sources").mkdir(parents=True)
    (source / ".gitignore").write_text("out/\n.secret\nwarehouse.duckdb\n")
    (source / "example" / "profile.toml").write_text("[profile]\n")
    (source / "example" / "sources" / "data.csv").write_text("a\n1\n")
    subprocess.run(["git", "init", "-q", str(source)], check=True)
    subprocess.run(["git", "-C", str(source), "add", "."], check=True)
    (source / "example" / "narrative.md").write_text("not yet committed\n")
    for left_behind in ("out/en/profile.pdf", ".secret/key", "warehouse.duckdb"):
        path = source / "example" / left_behind
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("left by an earlier command\n")

    copy = copy_tracked(source / "example", tmp_path / "copy")

    copied = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert copied == ["narrative.md", "profile.toml", "sources/data.csv"]


def test_the_fixtures_are_loaded_by_this_projects_conftest_alone():
    """Installing migprofile must not add fixtures to another project's pytest runs."""
    from importlib.metadata import entry_points

    assert not [e for e in entry_points(group="pytest11") if e.value.startswith("migprofile")]
    conftest = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
    assert 'pytest_plugins = ["migprofile.testing"]' in conftest
