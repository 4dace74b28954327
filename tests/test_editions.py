"""Publishing an edition of the example profile: frozen, signed, verified, never
republished; and what changed since it (a revised national file, an edited narrative)."""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from migprofile.cli import main
from migprofile.exchange.keys import init_keys, verify
from migprofile.profile import Profile
from migprofile.testing import copy_tracked

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "viet-nam"
REVISED_2019 = "Năm;Thị trường;Số lao động\n2019;Tổng cộng;152.600\n"


def _run(*args) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The example, built and published as edition 2026 (with the command line)."""
    root = copy_tracked(EXAMPLE, tmp_path_factory.mktemp("editions") / "viet-nam")
    init_keys(Profile.load(root))
    assert _run("publish", root) == 0
    return root


@pytest.fixture
def copy(published, tmp_path) -> Path:
    """A private copy of the published profile, free to change."""
    return Path(shutil.copytree(published, tmp_path / "viet-nam"))


def _manifest(root: Path, edition: str = "2026") -> dict:
    return json.loads((root / "editions" / edition / "manifest.json").read_text("utf-8"))


def test_an_edition_freezes_every_output_and_the_narrative_with_a_signed_manifest(published):
    folder = published / "editions" / "2026"
    manifest = _manifest(published)
    listed = {entry["path"]: entry for entry in manifest["files"]}
    outputs = {"en/profile.pdf", "en/profile.html", "vi/profile.pdf", "vi/profile.html",
               "tables.xlsx", "indicators.csv", "reconciliation.csv"}
    narrative = {f"narrative/{p.name}" for p in (published / "narrative").glob("*.??.md")}
    assert set(listed) == outputs | narrative and "narrative/findings.vi.md" in listed
    for name in outputs:
        data = (published / "out" / name).read_bytes()
        assert listed[name] == {"path": name, "sha256": hashlib.sha256(data).hexdigest(),
                                "size": len(data)}
        assert (folder / name).read_bytes() == data
        assert not os.stat(folder / name).st_mode & 0o222, f"{name} is writable"
    sources = {s["name"]: s for s in manifest["sources"]}
    assert sources["national/LABOUR_DEPLOYMENTS/r2"]["revision"] == "r2"
    assert manifest["published_by"] == getpass.getuser()
    assert manifest["program_version"] and manifest["edition"] == "2026"
    signature = base64.b64decode((folder / "manifest.json.sig").read_bytes())
    assert verify(manifest["public_key"], (folder / "manifest.json").read_bytes(), signature)
    assert "editions" not in {p.name for p in (published / "out").iterdir()}


def test_an_edition_is_listed_and_verified(published, cli):
    listed = cli("editions", published)
    assert listed.exit_code == 0
    assert "2026  published" in listed.stdout and f"by {getpass.getuser()}, 25 files" \
        in listed.stdout and "verified: yes" in listed.stdout
    assert cli("editions", "list", published).stdout == listed.stdout
    checked = cli("editions", "verify", published, "2026")
    assert checked.exit_code == 0 and "verified" in checked.stdout


def test_verify_names_every_file_changed_added_or_missing(copy, cli):
    folder = copy / "editions" / "2026"
    os.chmod(folder / "indicators.csv", 0o644)
    with (folder / "indicators.csv").open("a", encoding="utf-8") as handle:
        handle.write("labour_deployments,VNM,_Z,2024,_T,1,persons,labour_deployments,r9,F\n")
    (folder / "en" / "notes.txt").write_text("added later", encoding="utf-8")
    (folder / "vi" / "profile.pdf").unlink()
    checked = cli("editions", "verify", copy, "2026")
    assert checked.exit_code == 1
    assert "changed since publication: indicators.csv" in checked.stdout
    assert "added since publication: en/notes.txt" in checked.stdout
    assert "missing since publication: vi/profile.pdf" in checked.stdout
    assert "signature" not in checked.stdout
    assert "verified: no" in cli("editions", copy).stdout


def test_a_manifest_changed_after_signing_fails_its_signature(copy, cli):
    path = copy / "editions" / "2026" / "manifest.json"
    os.chmod(path, 0o644)
    path.write_text(path.read_text("utf-8").replace('"published_by": "',
                                                    '"published_by": "someone else, not '),
                    encoding="utf-8")
    checked = cli("editions", "verify", copy, "2026")
    assert checked.exit_code == 1 and "signature of manifest.json is invalid" in checked.stdout


def test_an_edition_is_never_published_again(published, cli):
    before = _manifest(published)
    again = cli("publish", published, "--edition", "2026")
    assert again.exit_code == 2 and "edition 2026 is already published" in again.stderr
    assert _manifest(published) == before
    assert not [p for p in (published / "editions").iterdir() if p.name != "2026"]


def test_a_profile_without_a_key_is_told_how_to_make_one(copy, cli):
    (copy / ".secret" / "signing-key.pem").unlink()
    refused = cli("publish", copy, "--edition", "2027")
    assert refused.exit_code == 2 and "migprofile keys init DIR" in refused.stderr
    assert not (copy / "editions" / "2027").exists()


def test_a_bad_edition_name_is_refused(copy, cli):
    refused = cli("publish", copy, "--edition", "../out")
    assert refused.exit_code == 2 and "is not an edition name" in refused.stderr


def test_what_changed_since_an_edition_is_exactly_the_narrative_edited(copy, cli):
    with (copy / "narrative" / "findings.en.md").open("a", encoding="utf-8") as handle:
        handle.write("- Deployments recovered after 2021.\n")
    diff = json.loads(cli("editions", "diff", copy, "2026", "--json").stdout)
    assert diff["figures"] == [] and diff["sources"] == []
    [text] = diff["texts"]
    assert text["kind"] == "changed" and text["file"] == "findings.en.md"
    assert "\n+- Deployments recovered after 2021.\n" in text["diff"]
    shown = cli("editions", "diff", copy, "2026").stdout
    assert "text    changed  findings.en.md" in shown and "+- Deployments" in shown


def test_a_revised_national_figure_is_the_change_since_the_edition(copy, cli, tmp_path):
    revised = tmp_path / "dolab-tong-ket-2019-revised.csv"
    revised.write_text(REVISED_2019, encoding="utf-8")
    imported = cli("import", copy, revised, "--dataflow", "LABOUR_DEPLOYMENTS",
                   "--provider", "DOLAB")
    assert imported.exit_code == 0, imported.stderr
    assert cli("publish", copy, "--edition", "2026-rev").exit_code == 0  # builds first
    diff = json.loads(cli("editions", "diff", copy, "2026", "2026-rev", "--json").stdout)
    assert diff["figures"] == [{"kind": "changed", "indicator": "labour_deployments",
                                "partner": "_Z", "year": "2019", "sex": "_T", "revision": "",
                                "old": "152530", "new": "152600"}]
    assert [(s["kind"], s["name"], s["new_revision"]) for s in diff["sources"]] == [
        ("added", "national/LABOUR_DEPLOYMENTS/r3", "r3")]
    assert diff["texts"] == []
    since = json.loads(cli("editions", "diff", copy, "2026", "--json").stdout)
    assert since["figures"] == diff["figures"] and since["to"] == "current"
