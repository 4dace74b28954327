"""Partner access tokens: shown once, kept hashed, tied to a registered partner, revocable."""

from __future__ import annotations

import os
import stat

import pytest

from migprofile.errors import MigprofileError
from migprofile.exchange.tokens import issue_token, list_tokens, partner_for_token, revoke_tokens
from migprofile.profile import Profile
from tests.exchange_helpers import deployments, make_profile, register_each_other


@pytest.fixture
def profiles(tmp_path):
    vn = make_profile(tmp_path / "vn", "VNM", deployments({"2023": 10})).root
    la = make_profile(tmp_path / "la", "LAO", []).root
    register_each_other(vn, la)
    return Profile.load(vn)


def test_a_token_is_shown_once_and_kept_only_as_a_hash(profiles):
    issued = issue_token(profiles, "LA_MOLSW")
    path = profiles.secrets_dir / "access-tokens.json"
    assert issued.token not in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert partner_for_token(profiles, issued.token) == "LA_MOLSW"
    assert partner_for_token(profiles, issued.token + "x") is None
    assert partner_for_token(profiles, "") is None


def test_revoking_ends_access_and_keeps_the_record(profiles):
    first = issue_token(profiles, "LA_MOLSW")
    second = issue_token(profiles, "LA_MOLSW")
    assert revoke_tokens(profiles, "LA_MOLSW", first.record.id) == 1
    assert partner_for_token(profiles, first.token) is None
    assert partner_for_token(profiles, second.token) == "LA_MOLSW"
    assert revoke_tokens(profiles, "LA_MOLSW") == 1
    assert partner_for_token(profiles, second.token) is None
    assert [t.active for t in list_tokens(profiles)] == [False, False]


def test_only_registered_partners_get_tokens_and_removal_ends_access(profiles):
    with pytest.raises(MigprofileError, match="not a registered partner"):
        issue_token(profiles, "KR_MOEL")
    issued = issue_token(profiles, "LA_MOLSW")
    text = profiles.settings_path.read_text(encoding="utf-8")
    profiles.settings_path.write_text(text.split("[partners")[0], encoding="utf-8")
    assert partner_for_token(Profile.load(profiles.root), issued.token) is None


def test_the_command_prints_the_token_once_and_revokes(cli, profiles):
    result = cli("partners", "token", profiles.root, "LA_MOLSW")
    assert result.exit_code == 0, result.stderr
    token = result.stdout.split()[0]
    assert partner_for_token(profiles, token) == "LA_MOLSW"
    result = cli("partners", "token", profiles.root, "LA_MOLSW", "--revoke")
    assert result.exit_code == 0 and "Revoked 1 token of LA_MOLSW" in result.stdout
    assert partner_for_token(profiles, token) is None
