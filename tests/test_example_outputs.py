"""The Viet Nam example's published figures are those stored with the tests.

Every figure of ``indicators.csv`` and every pair of ``reconciliation.csv``, byte for byte:
a change that moves any of them, even in the last digit, fails here and says where. When a
change of figures is intended (new data, a corrected method), the stored copies in
``tests/data/expected/viet-nam/`` are replaced by the new outputs in the same commit, so
that the diff shows every figure that moved.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from migprofile.cli import main
from migprofile.testing import copy_tracked

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "viet-nam"
EXPECTED = HERE / "data" / "expected" / "viet-nam"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_tracked(EXAMPLE, tmp_path_factory.mktemp("example") / "viet-nam")
    assert main(["build", str(root)]) == 0
    return root / "out"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["indicators.csv", "reconciliation.csv"])
def test_the_example_publishes_the_stored_figures(built, name):
    expected = (EXPECTED / name).read_text(encoding="utf-8").splitlines()
    found = (built / name).read_text(encoding="utf-8").splitlines()
    if found != expected:
        diff = list(difflib.unified_diff(expected, found, "stored", "built", n=0,
                                         lineterm=""))
        pytest.fail(f"{name}: {len(diff)} lines differ from tests/data/expected/viet-nam "
                    f"(built in {built}):\n" + "\n".join(diff[:40]))
