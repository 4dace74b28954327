"""The third-party files of vendor.toml: each is there, at the version the manifest pins."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSETS = tomllib.loads((ROOT / "vendor.toml").read_text(encoding="utf-8"))["asset"]


@pytest.mark.parametrize("asset", ASSETS, ids=[a["name"] for a in ASSETS])
def test_vendored_files_are_those_of_the_pinned_version(asset):
    assert asset["integrity"].startswith("sha512-") and asset["license"]
    targets = [ROOT / target for target in asset["files"].values()]
    assert [t for t in targets if not t.is_file()] == []
    assert any(t.name.startswith("LICENSE") for t in targets), "no licence copied"
    for code in (t for t in targets if t.suffix in (".css", ".js")):
        banner = code.read_text(encoding="utf-8")[:300]
        assert f"v{asset['version']}" in banner, f"{code.name} is not {asset['version']}"
