"""The package reader under attack: a real package, mutated at random, fed to the importer.

Whatever the mutation (bytes flipped, the zip cut short, entries added, renamed, repeated
or made symbolic links, sizes that lie, a zip inside the zip, random manifests signed with
the sender's real key, data files changed and signed again), the importer either refuses
the package with a :class:`MigprofileError` or accepts it only if it holds exactly the
files the sender signed (or the sender signed it again and it passes every check). It
never raises anything else, never writes outside the profile's partner folder, and writes
nothing at all for a package it refuses.

The run is bounded for the test suite; a longer one is a setting away (see the README,
"Development")::

    MIGPROFILE_FUZZ_EXAMPLES=100000 pytest tests/exchange/test_package_fuzz.py
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migprofile.errors import MigprofileError
from migprofile.exchange.export import export_package
from migprofile.exchange.importing import import_package
from migprofile.exchange.keys import load_keys
from migprofile.profile import Profile
from tests.exchange_helpers import (
    CREATED,
    deployments,
    make_profile,
    patch_central_directory,
    register_each_other,
    rezip,
    signed_package,
    snapshot,
    unzip,
    work_permits,
)

EXAMPLES = int(os.environ.get("MIGPROFILE_FUZZ_EXAMPLES", "200"))

NAMES = st.sampled_from([
    "manifest.json", "manifest.sig", "structure.xml", "data/LABOUR_DEPLOYMENTS.xml",
    "data/LABOUR_DEPLOYMENTS.csv", "DATA/labour_deployments.csv", "data/", "../x",
    "/etc/passwd", "C:/x", "a\\b", "data/../../x", "notes.txt", "data/OTHER.xml", "x\x00y",
    "./manifest.json", "data//x.csv",
]) | st.text(min_size=1, max_size=20)

FILE_TYPES = st.sampled_from([stat.S_IFLNK, stat.S_IFDIR, stat.S_IFIFO, stat.S_IFCHR,
                              stat.S_IFBLK, stat.S_IFSOCK, stat.S_IFREG, 0])

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A sender, a receiver inside a parent folder watched as a whole, and the package."""
    root = tmp_path_factory.mktemp("fuzz")
    parent = root / "parent"
    sender = make_profile(root / "vn", "VNM", deployments({"2022": 900, "2023": 1100})).root
    receiver = make_profile(parent / "la", "LAO", work_permits({("2023", "VNM", "F"): 9})).root
    register_each_other(sender, receiver)
    package = export_package(Profile.load(sender), to="LA_MOLSW", out=root / "vn-to-la.zip",
                             now=CREATED)
    return {"sender": sender, "receiver": receiver, "parent": parent,
            "package": package.path.read_bytes()}


def _flip(data, draw):
    positions = draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8))
    flipped = bytearray(data)
    for position in positions:
        flipped[position] ^= draw(st.integers(1, 255))
    return bytes(flipped)


def _files(world):
    return unzip(world["package"])


SIGNED = {"file type", "nested", "signed manifest", "signed field", "signed data",
          "signed entry flags"}
"""Mutations signed again with the sender's real key: one may be a valid package."""


def mutate(world, draw) -> tuple[str, bytes]:
    """One random mutation of the package (or of its entries, signed again), and its kind."""
    original, files, sender = world["package"], _files(world), world["sender"]
    kind = draw(st.sampled_from([
        "flip", "truncate", "add", "rename", "duplicate", "file type", "size", "nested",
        "manifest", "signed manifest", "signed field", "signed data", "signed entry flags"]))
    if kind == "flip":
        return kind, _flip(original, draw)
    if kind == "truncate":
        return kind, original[:draw(st.integers(0, len(original) - 1))]
    if kind == "add":
        return kind, rezip({**files, draw(NAMES): draw(st.binary(max_size=64))})
    if kind == "rename":
        old = draw(st.sampled_from(sorted(files)))
        return kind, rezip({(draw(NAMES) if k == old else k): v for k, v in files.items()})
    if kind == "duplicate":
        return kind, rezip(files) + rezip({draw(st.sampled_from(sorted(files))): b"again"})
    if kind == "file type":
        name = draw(st.sampled_from(sorted(files)))
        mode = draw(FILE_TYPES) | 0o777
        return kind, signed_package(files, sender, modes={name: mode})
    if kind == "size":
        name = draw(st.sampled_from(sorted(files)))
        return kind, _patched_size(original, name, draw(st.integers(0, 2**32 - 1)))
    if kind == "nested":
        name = draw(st.sampled_from(sorted(set(files) - {"manifest.json", "manifest.sig"})))
        return kind, signed_package({**files, name: original}, sender)
    if kind == "manifest":
        return kind, rezip({**files, "manifest.json": json.dumps(draw(JSON)).encode()})
    if kind == "signed manifest":
        manifest = draw(st.dictionaries(st.text(max_size=12), JSON, max_size=6))
        return kind, _signed_manifest(files, sender, manifest)
    if kind == "signed field":
        manifest = json.loads(files["manifest.json"])
        manifest[draw(st.sampled_from(sorted(manifest)))] = draw(JSON)
        return kind, _signed_manifest(files, sender, manifest)
    if kind == "signed data":
        name = draw(st.sampled_from(["structure.xml", "data/LABOUR_DEPLOYMENTS.xml",
                                     "data/LABOUR_DEPLOYMENTS.csv"]))
        return kind, signed_package({**files, name: _flip(files[name], draw)}, sender)
    name = draw(st.sampled_from(sorted(files)))
    return kind, patch_central_directory(signed_package(files, sender), name=name,
                                         flags=draw(st.integers(0, 0xFFFF)))


def _patched_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with the uncompressed size its central directory declares for ``name``
    replaced (a lie the reader must catch)."""
    position = data.find(b"PK\x01\x02")
    while position != -1:
        length = int.from_bytes(data[position + 28:position + 30], "little")
        if data[position + 46:position + 46 + length] == name.encode():
            at = position + 24
            return data[:at] + size.to_bytes(4, "little") + data[at + 4:]
        position = data.find(b"PK\x01\x02", position + 46)
    return data


def _signed_manifest(files, sender, manifest) -> bytes:
    """``files`` with ``manifest`` as their manifest, signed with the sender's real key."""
    raw = json.dumps(manifest).encode()
    signature = base64.b64encode(load_keys(Profile.load(sender)).sign(raw))
    return rezip({**files, "manifest.json": raw, "manifest.sig": signature})


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_importer_refuses_every_mutation_cleanly(world, data):
    kind, package = mutate(world, data.draw)
    incoming = world["parent"] / "incoming.zip"
    incoming.write_bytes(package)
    before = snapshot(world["parent"])
    try:
        result = import_package(Profile.load(world["receiver"]), incoming)
    except MigprofileError:
        assert snapshot(world["parent"]) == before
        return
    finally:
        incoming.unlink()
    # accepted: one its sender signed again that passes every check, or the package as
    # made, every file the same (a zip may differ in bytes that mean nothing to a reader)
    assert kind in SIGNED or unzip(package) == _files(world), f"a {kind} package was accepted"
    partners = world["receiver"] / "sources" / "partners"
    assert result.path.parent.parent == partners and result.path.read_bytes() == package
    added = set(snapshot(world["parent"])) - set(before)
    assert all(name.startswith("la/sources/partners/") for name in added), added
    shutil.rmtree(partners)


def test_the_unchanged_package_is_accepted(world, tmp_path):
    """The mutations start from a package the importer accepts."""
    incoming = tmp_path / "package.zip"
    incoming.write_bytes(world["package"])
    result = import_package(Profile.load(world["receiver"]), incoming)
    assert not result.already and zipfile.is_zipfile(result.path)
    shutil.rmtree(result.path.parent)
