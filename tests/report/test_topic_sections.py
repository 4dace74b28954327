"""The sections of the international sources are declared beside their indicators
(``[[sections]]`` of indicators/*.toml) and shown by one generic builder: what they name
exists, a broken declaration is refused with its file, and a declared section reaches the
report without code."""

from dataclasses import dataclass, field

import pytest

from migprofile.errors import MigprofileError
from migprofile.indicators.declarations import TOPIC_SECTIONS, DeclaredSection, topic_declarations
from migprofile.report.i18n import Localizer
from migprofile.report.sections import SECTIONS, international_sections
from migprofile.report.sections.topics import build_topic, declared_sections

INDICATOR = """
[[indicators]]
id = "refugees_test"
section = "asylum"
unit = "persons"
sources = ["unhcr"]
compute = "sum"
parameters = { source = "unhcr", measure = "REFUGEES" }
names = { en = "Refugees", vi = "Người tị nạn", lo = "ຜູ້ລີ້ໄພ", ko = "난민" }
definition = { en = "Refugees.", vi = "Người tị nạn.", lo = "ຜູ້ລີ້ໄພ.", ko = "난민." }
"""
SECTION = """
[[sections]]
id = "asylum"
after = "forced_migration"
title = { en = "Asylum", vi = "Tị nạn", lo = "ລີ້ໄພ", ko = "비호" }
empty = { en = "nothing", vi = "không có", lo = "ບໍ່ມີ", ko = "없음" }

[[sections.intro]]
text = { en = "Asylum", vi = "Tị nạn", lo = "ລີ້ໄພ", ko = "비호" }

[[sections.intro]]
indicator = "refugees_abroad"
text.en = "{country} {number} {year}"
text.vi = "{country} {number} {year}"
text.lo = "{country} {number} {year}"
text.ko = "{country} {number} {year}"

[[sections.intro]]
indicator = "refugees_hosted_total"
text.en = "hosted {number}"
text.vi = "tiếp nhận {number}"
text.lo = "ຕ້ອນຮັບ {number}"
text.ko = "수용 {number}"

[[sections.blocks]]
kind = "lines"
indicators = ["refugees_abroad"]
title = { en = "Refugees", vi = "Người tị nạn", lo = "ຜູ້ລີ້ໄພ", ko = "난민" }
"""


def _declared(text: str = SECTION) -> DeclaredSection:
    _, (section,) = topic_declarations("indicators/asylum.toml", INDICATOR + text)
    return DeclaredSection("indicators/asylum.toml", section)


def test_the_declared_sections_are_in_the_order_of_the_template():
    assert set(declared_sections()) == {"key_figures", "immigration", "emigration",
                                        "remittances", "forced_migration"}
    assert list(SECTIONS)[:3] == ["key_figures", "immigration", "emigration"]
    assert list(SECTIONS).index("remittances") == list(SECTIONS).index("border") + 1
    assert list(SECTIONS).index("forced_migration") == list(SECTIONS).index("remittances") + 1


def test_a_section_declared_in_a_file_reaches_the_report_without_code(monkeypatch):
    monkeypatch.setitem(TOPIC_SECTIONS, "asylum", _declared())
    order = list(international_sections(declared_sections.__wrapped__()))
    assert order[order.index("forced_migration") + 1] == "asylum"


@dataclass
class FakeData:
    """The latest figure of each indicator, as ReportData gives it."""

    latest_values: dict = field(default_factory=dict)
    country: str = "VNM"

    def latest(self, indicator):
        return self.latest_values.get(indicator)


def test_each_paragraph_says_its_latest_figure_and_zero_is_left_out():
    data = FakeData({"refugees_abroad": ("2024", 306_123.0), "refugees_hosted_total":
                     ("2024", 0.0)})
    section = build_topic(_declared(SECTION.split("[[sections.blocks]]")[0]).declaration,
                          data, Localizer("vi"))
    assert section.title == "Tị nạn"
    assert section.intro == ["Tị nạn", "Việt Nam 306.123 2024"]
    assert section.blocks == []


def test_the_empty_paragraph_is_said_when_no_other_is():
    without_said = SECTION.split("[[sections.blocks]]")[0].replace(
        '[[sections.intro]]\ntext = { en = "Asylum", vi = "Tị nạn", lo = "ລີ້ໄພ", ko = "비호" }\n',
        "", 1)
    section = build_topic(_declared(without_said).declaration, FakeData(), Localizer("ko"))
    assert section.intro == ["없음"]


@pytest.mark.parametrize(("change", "problem"), [
    (('kind = "lines"', 'kind = "pie"'), "sections.asylum: Value error, section asylum: "
                                         "unknown block kind 'pie'"),
    (('text.ko = "수용 {number}"\n', ""), "a sentence of section asylum has no name in ko"),
    (('kind = "lines"', 'kind = "dimension_table"'), "dimension_table blocks show the "
                                                     "dimensions of a national dataflow"),
    (('kind = "lines"', 'kind = "lines"\ncolour = "red"'),
     "sections.asylum.blocks.0.colour: Extra inputs are not permitted"),
    (('after = "forced_migration"\n', ''), "sections.asylum.after: Field required"),
])
def test_a_broken_section_is_refused_naming_its_file_and_section(change, problem):
    old, new = change
    assert old in SECTION
    with pytest.raises(MigprofileError) as caught:
        _declared(SECTION.replace(old, new, 1))
    message = str(caught.value)
    assert message.startswith("indicators/asylum.toml: invalid indicator declaration")
    assert problem in message, message


def test_a_section_naming_an_unknown_indicator_is_refused_with_its_file(monkeypatch):
    monkeypatch.setitem(TOPIC_SECTIONS, "asylum", _declared(SECTION.replace(
        '["refugees_abroad"]', '["refugees_abroad", "refugees_abraod"]')))
    with pytest.raises(MigprofileError, match=r"^indicators/asylum.toml: section 'asylum' "
                                              r"names unknown indicators: refugees_abraod$"):
        declared_sections.__wrapped__()


def test_a_section_following_no_section_is_refused_with_its_file(monkeypatch):
    monkeypatch.setitem(TOPIC_SECTIONS, "asylum", _declared(SECTION.replace(
        'after = "forced_migration"', 'after = "forced_migrations"')))
    with pytest.raises(MigprofileError, match=r"^indicators/asylum.toml: section 'asylum' "
                                              r"follows 'forced_migrations'"):
        international_sections(declared_sections.__wrapped__())
