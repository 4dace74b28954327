"""Keys that change: rotation announced in a package, revocation, expiry and its warnings."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat

import pytest
import tomlkit

from migprofile.errors import MigprofileError
from migprofile.exchange.export import export_package
from migprofile.exchange.importing import verify_package
from migprofile.exchange.keys import load_keys
from migprofile.exchange.partners import key_warnings, public_key_fingerprint
from migprofile.profile import Profile
from tests.exchange_helpers import (
    CREATED,
    deployments,
    make_profile,
    register_each_other,
    snapshot,
    unzip,
    work_permits,
)

LATER = CREATED + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Viet Nam and Lao PDR profiles that know each other."""
    root = tmp_path_factory.mktemp("keys")
    vn = make_profile(root / "vn", "VNM", deployments({"2022": 900, "2023": 1100})).root
    la = make_profile(root / "la", "LAO", work_permits({("2023", "VNM", "F"): 9})).root
    register_each_other(vn, la)
    return root


@pytest.fixture
def vn(pair, tmp_path):
    return shutil.copytree(pair / "vn", tmp_path / "vn")


@pytest.fixture
def la(pair, tmp_path):
    root = shutil.copytree(pair / "la", tmp_path / "la")
    settings = root / "profile.toml"
    settings.write_text(settings.read_text() + "# the officer's note stays\n")
    return root


def _export(vn, tmp_path, name, now=CREATED):
    return export_package(Profile.load(vn), to="LA_MOLSW", out=tmp_path / name, now=now).path


def _partner(la):
    return Profile.load(la).settings.partners["VN_DOLAB"]


def test_a_rotated_key_is_announced_and_registered_by_the_receiver(cli, vn, la, tmp_path):
    old_key = load_keys(Profile.load(vn)).public_key
    before_rotation = _export(vn, tmp_path, "old.zip")
    rotated = cli("keys", "rotate", vn)
    assert rotated.exit_code == 0, rotated
    new_key = load_keys(Profile.load(vn)).public_key
    assert new_key != old_key and f"Public key:  {new_key}" in rotated.stdout
    for name in ("signing-key.pem", "previous-signing-key.pem"):
        assert stat.S_IMODE(os.stat(vn / ".secret" / name).st_mode) == 0o600
    package = _export(vn, tmp_path, "new.zip", now=LATER)
    manifest = json.loads(unzip(package.read_bytes())["manifest.json"])
    assert manifest["key_change"]["public_key"] == new_key
    assert manifest["key_change"]["previous_fingerprint"] == public_key_fingerprint(old_key)

    result = cli("exchange", "import", la, package)
    assert result.exit_code == 0, result
    assert "VN_DOLAB has a new key" in result.stdout
    partner = _partner(la)
    assert partner.public_key == new_key
    assert [r.fingerprint for r in partner.retired_keys] == [public_key_fingerprint(old_key)]
    assert "# the officer's note stays" in (la / "profile.toml").read_text()
    sidecar = next((la / "sources" / "partners" / "VN_DOLAB").glob("*.meta.toml")).read_text()
    assert f'public_key = "{new_key}"' in sidecar

    before = snapshot(la)
    refused = cli("exchange", "import", la, before_rotation)
    assert refused.exit_code == 2
    assert "signed with a key of VN_DOLAB that a new key replaced on" in refused.stderr
    assert snapshot(la) == before
    listed = cli("partners", "list", la).stdout
    assert f"retired on {dt.date.today().isoformat()}" in listed


def test_the_profile_given_to_an_import_holds_the_key_it_registered(cli, vn, la, tmp_path):
    """A sync imports a partner's packages one after another with one profile: what the
    first one registered is in it for the next."""
    from migprofile.exchange.importing import import_package

    assert cli("keys", "rotate", vn).exit_code == 0
    profile = Profile.load(la)
    import_package(profile, _export(vn, tmp_path, "new.zip", now=LATER))
    new_key = load_keys(Profile.load(vn)).public_key
    assert profile.partner("VN_DOLAB").public_key == new_key == _partner(la).public_key


def test_a_key_the_registered_key_did_not_announce_is_refused(cli, vn, la, tmp_path):
    """Two rotations before the partner heard of the first: the second key is announced by
    the first new key, which the partner never registered."""
    assert cli("keys", "rotate", vn).exit_code == 0
    assert cli("keys", "rotate", vn).exit_code == 0
    package = _export(vn, tmp_path, "twice.zip", now=LATER)
    before = snapshot(la)
    result = cli("exchange", "import", la, package)
    assert result.exit_code == 2
    assert "a new key of VN_DOLAB that the key registered for it did not announce" in (
        result.stderr)
    assert snapshot(la) == before


def test_a_revoked_key_is_refused_and_a_new_key_can_be_registered(cli, vn, la, tmp_path):
    package = _export(vn, tmp_path, "p.zip")
    revoked = cli("partners", "revoke-key", la, "VN_DOLAB", "--on", "2026-03-02")
    assert revoked.exit_code == 0, revoked
    document = tomlkit.parse((la / "profile.toml").read_text())
    assert document["partners"]["VN_DOLAB"]["revoked_keys"][0]["on"] == dt.date(2026, 3, 2)
    before = snapshot(la)
    result = cli("exchange", "import", la, package)
    assert result.exit_code == 2
    assert "it is signed with a key of VN_DOLAB revoked on 2026-03-02" in result.stderr
    assert "Nothing was imported." in result.stderr
    assert snapshot(la) == before
    assert "The key of VN_DOLAB was revoked on 2026-03-02" in cli("partners", "list",
                                                                   la).stderr
    again = cli("partners", "revoke-key", la, "VN_DOLAB")
    assert again.exit_code == 2 and "already revoked" in again.stderr

    old_key = _partner(la).public_key
    same = cli("partners", "add", la, "VN_DOLAB", "--country", "VNM", "--key", old_key,
               "--replace")
    assert same.exit_code == 2 and "was revoked on 2026-03-02" in same.stderr
    cli("keys", "rotate", vn)
    new_key = load_keys(Profile.load(vn)).public_key
    added = cli("partners", "add", la, "VN_DOLAB", "--country", "VNM", "--key", new_key,
                "--replace")
    assert added.exit_code == 0, added
    assert [r.public_key for r in _partner(la).revoked_keys] == [old_key]
    assert cli("exchange", "import", la, _export(vn, tmp_path, "n.zip", LATER)).exit_code == 0
    assert "revoked on 2026-03-02" in cli("exchange", "import", la, package).stderr


def test_a_new_key_cannot_be_announced_by_a_revoked_key(cli, vn, la, tmp_path):
    cli("partners", "revoke-key", la, "VN_DOLAB")
    cli("keys", "rotate", vn)
    result = cli("exchange", "import", la, _export(vn, tmp_path, "p.zip", LATER))
    assert result.exit_code == 2 and "revoked on" in result.stderr
    assert _partner(la).retired_keys == []


def _valid_until(root, day: dt.date) -> None:
    settings = root / "profile.toml"
    document = tomlkit.parse(settings.read_text())
    document["partners"]["VN_DOLAB"]["valid_until"] = day
    settings.write_text(tomlkit.dumps(document))


def test_a_package_made_after_the_key_expired_is_refused(vn, la, tmp_path):
    package = _export(vn, tmp_path, "p.zip").read_bytes()
    _valid_until(la, dt.date(2026, 2, 28))
    with pytest.raises(MigprofileError, match="the key of VN_DOLAB expired on 2026-02-28"):
        verify_package(package, profile=Profile.load(la), file="p.zip",
                       as_of=dt.date(2026, 2, 1))
    _valid_until(la, dt.date(2026, 3, 1))
    assert verify_package(package, profile=Profile.load(la), file="p.zip",
                          as_of=dt.date(2026, 3, 1)).manifest.sender.agency == "VN_DOLAB"


@pytest.mark.parametrize(("days", "warned"), [(0, True), (31, True), (32, False), (-1, True)])
def test_expiry_is_warned_a_month_ahead(la, days, warned):
    today = dt.date(2026, 3, 1)
    _valid_until(la, today + dt.timedelta(days=days))
    warnings = key_warnings(Profile.load(la), today=today)
    assert bool(warnings) == warned
    if warned:
        word = "expired" if days < 0 else f"expires on {today + dt.timedelta(days=days)}"
        assert f"The key of VN_DOLAB {word}" in warnings[0]


def test_partners_list_and_import_warn_of_a_key_about_to_expire(cli, vn, la, tmp_path):
    soon = dt.date.today() + dt.timedelta(days=10)
    _valid_until(la, soon)
    listed = cli("partners", "list", la)
    assert f"Warning: The key of VN_DOLAB expires on {soon}, in 10 day(s)" in listed.stderr
    imported = cli("exchange", "import", la, _export(vn, tmp_path, "p.zip"))
    assert imported.exit_code == 0 and "in 10 day(s)" in imported.stderr
