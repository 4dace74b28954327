"""The international indicators are declared in indicators/*.toml: a declaration builds the
indicator it says, and a malformed one is refused with its file and key."""

import re
import tomllib
from importlib import resources

import pytest

from migprofile.errors import MigprofileError
from migprofile.indicators import REGISTRY
from migprofile.indicators.declarations import (
    CODED_SECTIONS,
    COMPUTATIONS,
    TOPIC_SECTIONS,
    DeclaredComputation,
    Operand,
    shared_notes,
    topic_indicators,
)

NAMES = '{ en = "Refugees hosted", vi = "Người tị nạn", lo = "ຜູ້ລີ້ໄພ", ko = "수용 난민" }'
DEFINITION = ('{ en = "Refugees in the country.", vi = "Người tị nạn trong nước.", '
              'lo = "ຜູ້ລີ້ໄພໃນປະເທດ.", ko = "국내 난민." }')
VALID = f"""
[[indicators]]
id = "refugees_test"
section = "forced_migration"
unit = "persons"
sources = ["unhcr"]
by_partner = true
compute = "sum"
parameters = {{ source = "unhcr", measure = "REFUGEES" }}
names = {NAMES}
definition = {DEFINITION}
notes = ["unhcr_populations"]

[[indicators]]
id = "refugees_test_share"
section = "forced_migration"
unit = "percent"
sources = ["unhcr", "wdi"]
derived_from = "refugees_test"
compute = "ratio"
parameters.numerator = {{ indicator = "refugees_test" }}
parameters.denominator = {{ indicator = "population" }}
names = {NAMES}
definition = {DEFINITION}
"""


def test_a_declaration_gives_its_indicator():
    first, second = topic_indicators("topic.toml", VALID)
    assert first.id == "refugees_test" and first.by_partner and first.sources == ("unhcr",)
    note = shared_notes()["unhcr_populations"]
    assert first.definition["ko"] == f"국내 난민. {note['ko']}"
    assert first.compute == DeclaredComputation("sum", {
        "source": "unhcr", "measure": "REFUGEES", "country": "ref_area", "by_partner": True})
    assert second.compute.parameters["numerator"] == Operand(indicator="refugees_test")
    assert second.compute.parameters["scale"] == 100.0
    assert second.definition["en"] == "Refugees in the country."


def _refused(text: str) -> str:
    with pytest.raises(MigprofileError) as caught:
        topic_indicators("indicators/topic.toml", text)
    assert str(caught.value).startswith("indicators/topic.toml: invalid indicator declaration")
    return str(caught.value)


@pytest.mark.parametrize(("change", "key", "problem"), [
    (('compute = "sum"', 'compute = "summ"'), "indicators.refugees_test.compute",
     "unknown computation 'summ'"),
    ((', ko = "수용 난민"', ""), "indicators.refugees_test.names", "no text in ko"),
    ((', ko = "국내 난민."', ', ko = ""'), "indicators.refugees_test.definition",
     "no text in ko"),
    (('section = "forced_migration"', 'section = "asylum"'),
     "indicators.refugees_test.section", "unknown section 'asylum'"),
    (('measure = "REFUGEES"', 'mesure = "REFUGEES"'),
     "indicators.refugees_test.parameters", "mesure: Extra inputs are not permitted"),
    (('source = "unhcr", ', ''), "indicators.refugees_test.parameters",
     "source: Field required"),
    (('{ indicator = "population" }', '{ indicator = "population", measure = "GDP" }'),
     "indicators.refugees_test_share.parameters",
     "denominator: Value error, name an indicator, or a source and a measure"),
    (('{ indicator = "population" }', '{ indicator = "populaton" }'),
     "indicators.refugees_test_share.parameters.denominator.indicator",
     "unknown indicator 'populaton'"),
    (('derived_from = "refugees_test"', 'derived_from = "refugee_test"'),
     "indicators.refugees_test_share.derived_from", "unknown indicator 'refugee_test'"),
    (('notes = ["unhcr_populations"]', 'notes = ["unhcr"]'),
     "indicators.refugees_test.notes", "unknown note(s) 'unhcr'"),
    (('unit = "persons"', 'unit = "people"'), "indicators.refugees_test.unit",
     "unknown unit 'people'"),
    (('unit = "persons"\n', ''), "indicators.refugees_test.unit", "Field required"),
    (('by_partner = true', 'by_partner = true\nfixed = { sex = "F" }'),
     "indicators.refugees_test.fixed", "Extra inputs are not permitted"),
    (('id = "refugees_test_share"', 'id = "refugees_test"'),
     "indicators.refugees_test", "declared twice"),
    (('id = "refugees_test_share"', 'id = "population"'),
     "indicators.population", "declared twice"),
])
def test_a_malformed_declaration_is_refused_naming_file_and_key(change, key, problem):
    old, new = change
    assert old in VALID
    message = _refused(VALID.replace(old, new, 1))
    assert f"{key}: " in message and problem in message, message


def test_a_file_that_is_not_toml_is_refused():
    with pytest.raises(MigprofileError, match=r"^indicators/topic.toml: not valid TOML: .*line 2"):
        topic_indicators("indicators/topic.toml", VALID.replace("[[indicators]]", "[[indicators]"))


def test_every_shipped_topic_is_registered_in_its_order():
    folder = resources.files("migprofile").joinpath("indicators")
    topics = sorted(p.name for p in folder.iterdir() if p.name.endswith(".toml")
                    and p.name != "pairs.toml")
    assert topics == ["border.toml", "forced_migration.toml", "migrant_stock.toml",
                      "remittances.toml", "world.toml"]
    for name in topics:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        declared = [item["id"] for item in tomllib.loads(text)["indicators"]]
        registered = [key for key in REGISTRY if key in declared]
        assert registered == declared and declared, name
        assert all(isinstance(REGISTRY[key].compute, DeclaredComputation) for key in declared)


def test_every_computation_is_used_and_every_section_built():
    from migprofile.report.sections import SECTIONS

    used = {item.compute.name for item in REGISTRY.values()
            if isinstance(item.compute, DeclaredComputation)}
    assert used == set(COMPUTATIONS)
    sections = {*CODED_SECTIONS, *TOPIC_SECTIONS}
    assert sections <= set(SECTIONS)
    assert {item.section for item in REGISTRY.values()
            if isinstance(item.compute, DeclaredComputation)} == sections


def test_every_key_and_computation_is_documented():
    from pathlib import Path

    from migprofile.indicators.declarations import TopicIndicator

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("### How an indicator is declared"):]
    for key in TopicIndicator.model_fields:
        assert f"`{key}`" in part, key
    for name in COMPUTATIONS:
        assert re.search(rf"^\| [^|]*`{name}`", part, flags=re.MULTILINE), name
