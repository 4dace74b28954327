"""The report: every figure sourced, numbers in the reader's format, scripts that render."""

import re
import subprocess

import pytest

from migprofile.profile import Profile
from migprofile.report.data import ReportData
from migprofile.report.i18n import localizer
from migprofile.report.outputs import render_language
from migprofile.warehouse import Warehouse

FIGURE = re.compile(r"<figure class=\"(chart|table)\">(.*?)</figure>", re.S)


def html(profile, language):
    return (profile / "out" / language / "profile.html").read_text(encoding="utf-8")


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_fonts(path):
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_figure_and_table_has_a_source_note(built_profile, language):
    figures = FIGURE.findall(html(built_profile, language))
    assert len(figures) >= 15
    for _, body in figures:
        note = re.search(r'<p class="note">(.*?)</p>', body, re.S)
        assert note and note.group(1).strip(), body[:200]
    sourced = [body for kind, body in figures if kind == "chart"]
    assert all("sha256" in body for body in sourced)


def test_sections_follow_the_template(built_profile):
    text = html(built_profile, "en")
    order = [text.index(f'id="{s}"') for s in ("key_figures", "immigration", "emigration",
                                               "remittances", "forced_migration", "annex")]
    assert order == sorted(order)


def test_numbers_use_the_reader_locale(built_profile):
    assert "3,693,537" in html(built_profile, "en")
    assert "3.693.537" in html(built_profile, "vi")
    assert "52,4%" in html(built_profile, "vi") and "52.4%" in html(built_profile, "en")


def test_remittance_sources_are_shown_side_by_side(built_profile):
    text = html(built_profile, "en")
    assert "Two sources, two figures" in text
    assert "US$ 12,722.1 million" in text and "US$ 18,060.0 million" in text


def test_annex_lists_gaps_and_disagreements(built_profile):
    text = html(built_profile, "en")
    annex = text[text.index('id="annex"'):]
    assert "Remittance outflows" in annex and "Stale: the latest value is for 2014." in annex
    assert "No value for 2024" in annex
    assert "difference of 42.0%" in annex


def test_vietnamese_pdf_keeps_its_diacritics(built_profile):
    text = pdf_text(built_profile / "out" / "vi" / "profile.pdf")
    for word in ("Việt Nam", "Nhật Bản", "Hoa Kỳ", "người"):
        assert word in text
    fonts = pdf_fonts(built_profile / "out" / "vi" / "profile.pdf")
    assert re.search(r"Noto-?Sans", fonts) and "Serif" not in fonts


@pytest.fixture(scope="module")
def report_data(built_profile):
    with Warehouse.open(built_profile / "warehouse.duckdb", read_only=True) as warehouse:
        yield ReportData.load(Profile.load(built_profile), warehouse)


@pytest.mark.parametrize(("language", "font", "sample"),
                         [("lo", r"Noto-?Sans-?Lao", "ຫວຽດນາມ"),
                          ("ko", r"Noto-?Sans-?CJK", "베트남")])
def test_lao_and_korean_render_in_their_fonts(report_data, tmp_path, language, font, sample):
    page, pdf = render_language(report_data, language)
    assert f'lang="{language}"' in page and sample in page
    path = tmp_path / "profile.pdf"
    path.write_bytes(pdf)
    assert re.search(font, pdf_fonts(path))
    assert sample in pdf_text(path)


def test_charts_are_png_in_the_language_font(report_data):
    from migprofile.report.charts import render_png, themed
    from migprofile.report.sections import build_sections

    loc = localizer("lo")
    figure = next(s for s in build_sections(report_data, loc) if s.id == "emigration").figures[1]
    assert themed(figure.chart, loc)["config"]["font"] == "Phetsarath OT"
    assert render_png(figure.chart, loc).startswith(b"\x89PNG")
    labels = [v["label"] for v in figure.chart["datasets"][next(iter(figure.chart["datasets"]))]]
    assert "ສະຫະລັດ" in labels
