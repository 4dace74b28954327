"""The rendering cache gives back exactly what a rendering gave, and only for the same
input, renderer and fonts."""

import os

import pytest

from migprofile.report import cache
from migprofile.report.cache import CACHE_ENV, prune, rendered


class Renderer:
    """Counts its renderings; each gives different bytes, so a hit is told from a miss."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return f"rendering {self.calls}".encode()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "font_files", lambda: "Noto Sans=/fonts/a.ttf:1:1")
    return tmp_path / "cache"


def test_the_same_input_is_rendered_once(folder):
    render = Renderer()
    first = rendered("chart", ["spec"], render)
    assert rendered("chart", ["spec"], render) == first == b"rendering 1"
    assert render.calls == 1
    assert len([p for p in folder.rglob("*") if p.is_file()]) == 1


def test_another_input_kind_or_version_is_rendered_again(folder):
    render = Renderer()
    rendered("chart", ["spec", "vl 1.9"], render)
    rendered("chart", ["spec", "vl 2.0"], render)
    rendered("pdf", ["spec", "vl 1.9"], render)
    rendered("chart", ["spe", "cvl 1.9"], render)  # parts are not merely concatenated
    assert render.calls == 4


def test_other_fonts_are_a_miss(folder, monkeypatch):
    render = Renderer()
    rendered("chart", ["spec"], render)
    monkeypatch.setattr(cache, "font_files", lambda: "Noto Sans=/fonts/a.ttf:2:1")
    assert rendered("chart", ["spec"], render) == b"rendering 2"


def test_unknown_fonts_are_never_cached(folder, monkeypatch):
    monkeypatch.setattr(cache, "font_files", lambda: None)
    render = Renderer()
    rendered("chart", ["spec"], render)
    rendered("chart", ["spec"], render)
    assert render.calls == 2 and not folder.exists()


def test_an_empty_setting_turns_the_cache_off(folder, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "")
    render = Renderer()
    rendered("chart", ["spec"], render)
    rendered("chart", ["spec"], render)
    assert render.calls == 2 and not folder.exists()


def test_the_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "migprofile"


def test_a_cache_that_cannot_be_written_is_passed_by(folder):
    folder.parent.mkdir(exist_ok=True)
    folder.write_text("a file where the folder should be")
    render = Renderer()
    assert rendered("chart", ["spec"], render) == b"rendering 1"
    assert rendered("chart", ["spec"], render) == b"rendering 2"


def test_pruning_drops_the_least_recently_used_first(tmp_path):
    for age, name in enumerate(["old", "middle", "new"]):
        path = tmp_path / name
        path.write_bytes(b"x" * 100)
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    prune(tmp_path, limit=250)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["middle", "new"]
    prune(tmp_path, limit=150)
    assert [p.name for p in tmp_path.iterdir()] == ["new"]


def test_a_real_chart_comes_back_byte_for_byte(tmp_path, monkeypatch):
    import pandas as pd

    from migprofile.report.charts import bar_chart, render_png
    from migprofile.report.i18n import localizer

    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    spec = bar_chart(pd.DataFrame({"label": ["Japan", "Korea"], "value": [3000.0, 2000.0]}),
                     x_title="persons")
    fresh = render_png(spec, localizer("vi"))
    assert fresh.startswith(b"\x89PNG")
    assert render_png(spec, localizer("vi")) == fresh
    assert render_png(spec, localizer("en")) != fresh  # 3.000, not 3,000: another entry
    assert len([p for p in folder.rglob("*") if p.is_file()]) == 2
