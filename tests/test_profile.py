"""Creating a profile folder and reading its settings."""

import tomllib

import pytest

from migprofile.errors import MigprofileError
from migprofile.profile import Profile, create_profile


@pytest.mark.parametrize(
    ("code", "languages"),
    [("VNM", ["en", "vi"]), ("LAO", ["en", "lo"]), ("KOR", ["en", "ko"]), ("USA", ["en"])],
)
def test_init_defaults_to_english_and_the_country_language(cli, tmp_path, code, languages):
    result = cli("init", code, tmp_path / "p")
    assert result.exit_code == 0, result
    profile = Profile.load(tmp_path / "p")
    assert profile.country == code and profile.languages == languages
    assert (tmp_path / "p" / "sources").is_dir()
    assert (tmp_path / "p" / "narrative" / "README.md").is_file()
    settings = tomllib.loads((tmp_path / "p" / "profile.toml").read_text())
    assert settings["sources"]["undesa_ims"] == {"kind": "undesa_ims", "revision": "2024"}


def test_init_with_languages(cli, tmp_path):
    assert cli("init", "VNM", tmp_path / "p", "--languages", "vi,en,ko").exit_code == 0
    assert Profile.load(tmp_path / "p").languages == ["vi", "en", "ko"]


def test_unknown_code_is_refused_with_close_matches(cli, tmp_path):
    result = cli("init", "VNN", tmp_path / "p")
    assert result.exit_code == 2
    assert "'VNN' is not an ISO 3166 alpha-3 code" in result.stderr
    assert "VNM (Viet Nam)" in result.stderr
    assert not (tmp_path / "p").exists()


def test_unsupported_language(cli, tmp_path):
    result = cli("init", "VNM", tmp_path / "p", "--languages", "en,fr")
    assert result.exit_code == 2 and "fr" in result.stderr


def test_init_refuses_to_overwrite(cli, tmp_path):
    assert cli("init", "VNM", tmp_path / "p").exit_code == 0
    result = cli("init", "LAO", tmp_path / "p")
    assert result.exit_code == 2 and "already exists" in result.stderr


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('country = "VNM"', 'country = "XYZ"'), "'XYZ' is not an ISO 3166"),
        (lambda t: t + "\n[report]\ntop_n = 0\n", "not valid TOML"),
        (lambda t: t.replace("top_n = 10", "top_n = 0"), "report.top_n"),
        (lambda t: t.replace("[report]", "[report]\ncolour = 1"), "report.colour"),
        (lambda t: t.replace("edition", "editon"), "profile.edition"),
    ],
)
def test_bad_settings_name_the_file_and_the_setting(tmp_path, edit, message):
    create_profile("VNM", tmp_path / "p")
    path = tmp_path / "p" / "profile.toml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(MigprofileError) as info:
        Profile.load(tmp_path / "p")
    assert message in str(info.value) and "profile.toml" in str(info.value)


def test_not_a_profile_folder(cli, tmp_path):
    result = cli("build", tmp_path)
    assert result.exit_code == 2 and "no profile.toml here" in result.stderr
