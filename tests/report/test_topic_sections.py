"""The sections of the international sources are declarations shown by one generic
builder: what they name exists, and the builder says what they declare."""

from dataclasses import dataclass, field

import pytest

from migprofile.indicators import REGISTRY
from migprofile.report.i18n import Localizer
from migprofile.report.sections import SECTIONS
from migprofile.report.sections.national import SPECIAL_BLOCKS
from migprofile.report.sections.topics import (
    DECLARED_SECTIONS,
    SPECIAL_INTROS,
    KeyFigures,
    Latest,
    Lines,
    Said,
    Special,
    SpecialIntro,
    TopicSection,
    build_topic,
)


def _named_indicators(section: TopicSection) -> set[str]:
    named = {item.indicator for item in section.intro if isinstance(item, Latest)}
    for block in section.blocks:
        if isinstance(block, KeyFigures):
            named |= {key for f in block.figures for key in (f.indicator, f.detail) if key}
        elif isinstance(block, Lines):
            named |= set(block.indicators)
        elif not isinstance(block, Special):
            named |= {getattr(block, key) for key in ("indicator", "women_share", "extra")
                      if getattr(block, key, "")}
    return named


@pytest.mark.parametrize("section_id", sorted(DECLARED_SECTIONS))
def test_a_declared_section_names_what_exists(section_id):
    section = DECLARED_SECTIONS[section_id]
    assert section_id in SECTIONS
    assert _named_indicators(section) <= set(REGISTRY)
    for item in section.intro:
        if isinstance(item, SpecialIntro):
            assert item.name in SPECIAL_INTROS
    for block in section.blocks:
        if isinstance(block, Special):
            assert block.name in SPECIAL_BLOCKS


@dataclass
class FakeData:
    """The latest figure of each indicator, as ReportData gives it."""

    latest_values: dict = field(default_factory=dict)
    country: str = "VNM"

    def latest(self, indicator):
        return self.latest_values.get(indicator)


SECTION = TopicSection(
    "test", "Forced migration",
    intro=(Said("Forced migration"),
           Latest("refugees_abroad", "{country} {number} {year}"),
           Latest("refugees_hosted_total", "hosted {number}")),
    blocks=(), empty="nothing")


def test_each_paragraph_says_its_latest_figure_and_zero_is_left_out():
    data = FakeData({"refugees_abroad": ("2024", 306_123.0), "refugees_hosted_total":
                     ("2024", 0.0)})
    section = build_topic(SECTION, data, Localizer("vi"))
    assert section.title == "Di cư cưỡng bức"
    assert section.intro == ["Di cư cưỡng bức", "Việt Nam 306.123 2024"]
    assert section.blocks == []


def test_the_empty_paragraph_is_said_when_no_other_is():
    only_figures = TopicSection("test", "Forced migration", intro=SECTION.intro[1:],
                                blocks=(), empty="nothing")
    assert build_topic(only_figures, FakeData(), Localizer("en")).intro == ["nothing"]
