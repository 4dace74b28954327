"""The revision store: a kept file, its sidecar and checksum, written all or nothing, read
back verified, listed in order."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib

import pytest

from migprofile.errors import MigprofileError
from migprofile.sources import revisions
from migprofile.sources.revisions import keep_revision, list_revisions
from migprofile.sources.sidecar import SourceMeta, sidecar_path

HEADER = ["Written by a test; the file beside it must not be changed."]


def meta(revision: str) -> SourceMeta:
    return SourceMeta(kind="national", title=f"Deployments ({revision})", provider="DOLAB",
                      licence="not stated", revision=revision, obtained=dt.date(2026, 3, 1),
                      notes='a "quoted" note\nover two lines')


def test_a_kept_file_has_a_sidecar_recording_its_checksum(tmp_path):
    data = "Năm,Số lao động\n2022,10\n".encode()
    target = tmp_path / "flow" / "r1-dolab.csv"
    kept = keep_revision(target, data, meta("r1"), header=HEADER)
    assert target.read_bytes() == data
    sidecar = sidecar_path(target).read_text(encoding="utf-8")
    assert sidecar.startswith(f"# {HEADER[0]}\n")
    recorded = tomllib.loads(sidecar)
    assert recorded["sha256"] == hashlib.sha256(data).hexdigest() == kept.meta.sha256
    assert recorded["notes"] == 'a "quoted" note\nover two lines'
    assert kept.checked_sha256() == recorded["sha256"]


def test_a_torn_write_leaves_nothing(tmp_path, monkeypatch):
    """The data file is renamed into place last; a failure there undoes the sidecar and the
    companion already renamed, and removes every staged copy."""
    folder = tmp_path / "flow"
    companion = tmp_path / "mappings" / "FLOW.toml"
    real = revisions.os.replace

    def replace(source, target):
        if str(target).endswith("r1-dolab.csv"):
            raise OSError("disk full")
        real(source, target)

    monkeypatch.setattr(revisions.os, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        keep_revision(folder / "r1-dolab.csv", b"x,y\n", meta("r1"), header=HEADER,
                      companions=[(companion, b'dataflow = "FLOW"\n')])
    assert list(folder.iterdir()) == []
    assert list(companion.parent.iterdir()) == []


def test_a_torn_write_restores_the_companion_it_replaced(tmp_path, monkeypatch):
    companion = tmp_path / "mappings" / "FLOW.toml"
    companion.parent.mkdir()
    companion.write_text("earlier mapping\n")
    real = revisions.os.replace

    def replace(source, target):
        if str(target).endswith(".csv"):
            raise OSError("disk full")
        real(source, target)

    monkeypatch.setattr(revisions.os, "replace", replace)
    with pytest.raises(OSError):
        keep_revision(tmp_path / "flow" / "r1-dolab.csv", b"x\n", meta("r1"), header=HEADER,
                      companions=[(companion, b"new mapping\n")])
    assert companion.read_text() == "earlier mapping\n"
    assert sorted(p.name for p in companion.parent.iterdir()) == ["FLOW.toml"]


def test_a_wrong_checksum_is_refused_naming_the_file(tmp_path):
    target = tmp_path / "flow" / "r1-dolab.csv"
    keep_revision(target, b"2022,10\n", meta("r1"), header=HEADER)
    target.write_bytes(b"2022,11\n")
    (kept,) = list_revisions(target.parent, "r*-*", SourceMeta, root=tmp_path)
    with pytest.raises(MigprofileError, match="an imported file must not be changed") as info:
        kept.checked_sha256()
    assert info.value.path == target
    assert str(target) in str(info.value)


def test_revisions_are_listed_in_order(tmp_path):
    folder = tmp_path / "flow"
    for number in (10, 2, 1):
        keep_revision(folder / f"r{number}-dolab.csv", f"{number}\n".encode(),
                      meta(f"r{number}"), header=HEADER)
    by_number = list_revisions(folder, "r*-*", SourceMeta, root=tmp_path,
                               order=lambda path: int(path.name[1:path.name.index("-")]))
    assert [k.meta.revision for k in by_number] == ["r1", "r2", "r10"]
    by_name = list_revisions(folder, "r*-*", SourceMeta, root=tmp_path)
    assert [k.path.name for k in by_name] == ["r1-dolab.csv", "r10-dolab.csv",
                                              "r2-dolab.csv"]


def test_a_file_without_its_sidecar_is_refused_naming_it(tmp_path):
    folder = tmp_path / "sources" / "national" / "FLOW"
    folder.mkdir(parents=True)
    (folder / "r1-dolab.csv").write_bytes(b"x\n")
    with pytest.raises(MigprofileError, match=r"has no sidecar r1-dolab\.meta\.toml") as info:
        list_revisions(folder, "r*-*", SourceMeta, root=tmp_path)
    assert "sources/national/FLOW/r1-dolab.csv" in str(info.value)
