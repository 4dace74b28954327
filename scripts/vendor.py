"""Fetches the third-party files of vendor.toml from the npm registry (``make vendor``).

Each package is fetched at its pinned version; a tarball whose integrity differs from the
recorded one (or from the registry's) is refused before anything is copied.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "vendor.toml"


def integrity(path: Path) -> str:
    """The tarball's Subresource Integrity string, as npm records it."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def npm(*args: str, cwd: Path) -> str:
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def fetch(asset: dict, folder: Path) -> Path:
    """The package's tarball, checked against the manifest and the registry."""
    spec = f"{asset['name']}@{asset['version']}"
    published = npm("view", spec, "dist.integrity", cwd=folder)
    tarball = folder / npm("pack", spec, "--silent", cwd=folder).splitlines()[-1]
    for source, value in (("the registry", published), ("the tarball", integrity(tarball))):
        if value != asset["integrity"]:
            sys.exit(f"{spec}: {source} says {value}, vendor.toml {asset['integrity']}")
    return tarball


def copy_files(asset: dict, tarball: Path) -> None:
    with tarfile.open(tarball) as archive:
        for inside, target in asset["files"].items():
            data = archive.extractfile(f"package/{inside}").read()
            destination = ROOT / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
            print(f"{asset['name']}@{asset['version']} {inside} -> {target}")


def main() -> None:
    assets = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))["asset"]
    with tempfile.TemporaryDirectory() as folder:
        for asset in assets:
            copy_files(asset, fetch(asset, Path(folder)))


if __name__ == "__main__":
    main()
