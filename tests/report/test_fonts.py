"""A build says which font is missing and which package brings it."""

from __future__ import annotations

import pytest

from migprofile.report import fonts


def test_every_language_needs_known_fonts():
    assert fonts.needed_fonts("lo") == ["Noto Sans Lao", "Noto Sans", "Phetsarath OT"]
    assert fonts.needed_fonts("ko") == ["Noto Sans CJK KR", "Noto Sans"]
    assert fonts.needed_fonts("vi") == ["Noto Sans"]


def test_notice_names_the_missing_font_and_its_package(monkeypatch):
    monkeypatch.setattr(fonts, "_installed", lambda family: family != "Phetsarath OT")
    notice = fonts.fonts_notice(["en", "lo"])
    assert "Phetsarath OT" in notice and "apt-get install fonts-lao" in notice
    assert fonts.fonts_notice(["en", "vi", "ko"]) is None


def test_no_notice_when_fontconfig_cannot_tell(monkeypatch):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    assert fonts.fonts_notice(["lo"]) is None


@pytest.mark.skipif(fonts.shutil.which("fc-match") is None, reason="no fontconfig")
def test_the_fonts_make_installs_are_found():
    assert fonts.missing_fonts(["en", "vi", "lo", "ko"]) == []
