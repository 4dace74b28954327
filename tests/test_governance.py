"""Part C (migration governance) from the register, Part D (findings and recommendations)
and the order of its narrative sections."""

import shutil
from pathlib import Path

import pytest

from migprofile.errors import MigprofileError
from migprofile.governance import load_register
from migprofile.profile import Profile
from migprofile.report.data import ReportData
from migprofile.report.i18n import localizer
from migprofile.report.model import Callout, Figure, Narrative, Table
from migprofile.report.sections import annex, findings, governance
from migprofile.report.sections.governance import timeline_figure
from migprofile.warehouse import Warehouse

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "viet-nam"


def with_example_register(root: Path) -> Path:
    shutil.copytree(EXAMPLE / "governance", root / "governance")
    for path in (EXAMPLE / "narrative").glob("*.md"):
        shutil.copy(path, root / "narrative" / path.name)
    return root


def report_data(root: Path) -> ReportData:
    with Warehouse.open(root / "warehouse.duckdb", read_only=True) as warehouse:
        return ReportData.load(Profile.load(root), warehouse)


@pytest.fixture(scope="module")
def example_data(built_profile, tmp_path_factory):
    """The built profile with the Viet Nam example's register and narrative."""
    root = tmp_path_factory.mktemp("governance") / "profile"
    shutil.copytree(built_profile, root)
    return report_data(with_example_register(root))


def tables(section):
    return {block.title: block for block in section.blocks if isinstance(block, Table)}


def cells(table):
    return "\n".join(cell for row in table.rows for cell in row)


def write(root: Path, name: str, text: str) -> Path:
    folder = root / "governance"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


# the register ------------------------------------------------------------------------

def test_the_example_register_reads(tmp_path):
    register = load_register(Profile.load(EXAMPLE))
    law = register.law("law-69-2020")
    assert (law.number, law.adopted, law.in_force) == ("69/2020/QH14", "2020-11-13",
                                                       "2022-01-01")
    lao = next(a for a in register.agreements if a.partner == "LAO")
    assert (lao.kind, lao.signed) == ("bilateral", "2013")
    korea = next(a for a in register.agreements if a.partner == "KOR")
    assert korea.signed == "2004" and "Employment Permit System" in korea.title["en"]
    assert register.gcm.endorsed == "2018" and register.gcm.plan == "decision-402-2020"
    assert register.institution("dolab").parent == "moha"  # since 1 March 2025
    assert {i.id for i in register.institutions} >= {"dolab", "immigration", "consular",
                                                      "scov"}


def test_no_folder_is_an_empty_register(tmp_path):
    shutil.copy(EXAMPLE / "profile.toml", tmp_path / "profile.toml")
    assert load_register(Profile.load(tmp_path)).empty


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("laws.toml", '[[law]]\nid = "a"\ntitle = { en = "A" }\ntype = "law"\nadopted = 2020\n'
                  'in_force = "2020-13"\n', "law.0.in_force"),
    ("laws.toml", '[[law]]\nid = "a"\ntitle = { en = "A" }\ntype = "edict"\nadopted = 2020\n'
                  'in_force = false\n', "law.0.type"),
    ("laws.toml", '[[law]]\nid = "a"\ntitle = { fr = "A" }\ntype = "law"\nadopted = 2020\n'
                  'in_force = false\n', "unknown language(s) ['fr']"),
    ("laws.toml", '[[law]]\nid = "a"\ntitle = { en = "A" }\ntype = "law"\nadopted = 2020\n'
                  'in_force = false\nareas = ["tourism"]\n', "unknown area(s) ['tourism']"),
    ("laws.toml", '[[law]]\nid = "a"\ntitle = { en = "A" }\ntype = "law"\nadopted = 2020\n'
                  'in_force = false\ninstitution = "nobody"\n', "law.0.institution: 'nobody'"),
    ("laws.toml", '[[law]]\nid = "a"\ntitle = { en = "A" }\ntype = "law"\nadopted = 2020\n'
                  'in_force = false\n[[law]]\nid = "a"\ntitle = { en = "B" }\ntype = "law"\n'
                  'adopted = 2021\nin_force = false\n', "law.1.id: 'a' is used twice"),
    ("agreements.toml", '[[agreement]]\nid = "x"\nkind = "bilateral"\ntitle = { en = "X" }\n'
                        'signed = 2013\nin_force = true\n', "needs its partner"),
    ("agreements.toml", '[[agreement]]\nid = "x"\nkind = "bilateral"\npartner = "ZZZ"\n'
                        'title = { en = "X" }\nsigned = 2013\nin_force = true\n',
     "agreement.0.partner"),
    ("agreements.toml", '[[agreement]]\nid = "x"\nkind = "bilateral"\npartner = "LAO"\n'
                        'title = { en = "X" }\nsigned = 2013\nin_force = true\n'
                        'reviews = [{ when = 2019 }]\n', "agreement.0.reviews.0.date"),
    ("gcm.toml", '[[objective]]\nnumber = 24\nstatus = "planned"\n', "objective.0.number"),
    ("gcm.toml", '[sdg_10_7_2]\nyear = 2021\ndomains = { migrant_rights = "good" }\n',
     "sdg_10_7_2.domains.migrant_rights"),
    ("gcm.toml", 'plan = "nowhere"\n', "plan: 'nowhere' is not an id in laws.toml"),
    ("institutions.toml", "[[institution]\n", "not valid TOML"),
])
def test_mistakes_name_the_file_and_the_key(tmp_path, name, text, expected):
    shutil.copy(EXAMPLE / "profile.toml", tmp_path / "profile.toml")
    path = write(tmp_path, name, text)
    with pytest.raises(MigprofileError) as error:
        load_register(Profile.load(tmp_path))
    assert expected in str(error.value) and error.value.path == path


def test_a_bad_register_stops_the_build_before_it_starts(cli, copy_profile):
    write(copy_profile, "gcm.toml", "[[objective]]\nnumber = 0\nstatus = \"planned\"\n")
    result = cli("build", copy_profile)
    assert result.exit_code != 0
    assert "gcm.toml" in result.stderr and "objective.0.number" in result.stderr


# Part C --------------------------------------------------------------------------------

def test_the_section_lists_the_example_in_english(example_data):
    section = governance.build(example_data, localizer("en"))
    found = tables(section)
    laws = cells(found["Laws and policies on migration"])
    assert "Law on Vietnamese Guest Workers\n69/2020/QH14" in laws
    assert "November 13, 2020" in laws and "January 1, 2022" in laws
    assert "Department of Overseas Labour (DOLAB)" in laws
    agreements = found["Bilateral and multilateral agreements"]
    rows = {row[0]: row for row in agreements.rows}
    assert rows["Lao People's Democratic Republic"][2] == "2013"
    assert "Employment Permit System" in rows["Republic of Korea"][1]
    assert "sha256" in agreements.note and "governance/agreements.toml" in agreements.note
    institutions = {row[0]: row[2] for row in found["Institutions"].rows}
    assert institutions["Consular Department"] == "Ministry of Foreign Affairs"
    objectives = found["GCM objectives"].rows
    assert len(objectives) == 23 and objectives[5][1] == "In progress"
    assert objectives[1][1] == "Not reported"
    callouts = [b for b in section.blocks if isinstance(b, Callout)]
    assert any("2018" in " ".join(c.paragraphs) and "402/QĐ-TTg" in " ".join(c.paragraphs)
               for c in callouts)
    assert any(c.title == "SDG 10.7.2: no status recorded" for c in callouts)


def test_the_section_speaks_vietnamese(example_data):
    section = governance.build(example_data, localizer("vi"))
    laws = cells(next(iter(tables(section).values())))
    assert "Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng" in laws
    assert "[" not in laws
    narrative = next(b for b in section.blocks if isinstance(b, Narrative))
    assert "Tổ công tác quốc gia" in narrative.html


def test_a_title_missing_in_the_language_is_marked(example_data):
    section = governance.build(example_data, localizer("ko"))
    text = "\n".join(cells(t) + t.note for t in tables(section).values())
    assert "Law on Vietnamese Guest Workers [영어]" in text
    narrative = next(b for b in section.blocks if isinstance(b, Narrative))
    assert narrative.html is None and "governance_laws.ko.md" in narrative.missing


def test_the_timeline_orders_laws_and_agreements_by_date(example_data):
    figure = timeline_figure(example_data.register, localizer("en"))
    assert isinstance(figure, Figure) and "sha256" in figure.note
    rows = figure.chart["datasets"][next(iter(figure.chart["datasets"]))]
    labels = list(dict.fromkeys(row["label"] for row in rows))
    assert labels.index("Memorandum of Understanding on sending and receiving workers under "
                        "the Employment Permit System (EPS)") < labels.index(
        "Law on Vietnamese Guest Workers")
    from migprofile.report.charts import render_png
    assert render_png(figure.chart, localizer("vi")).startswith(b"\x89PNG")


def test_without_a_register_the_gap_is_stated(built_profile):
    data = report_data(built_profile)
    loc = localizer("en")
    section = governance.build(data, loc)
    assert section.blocks[0].title == "No governance register"
    gaps = cells(annex.gap_tables(data, loc)[0])
    assert "Migration governance register" in gaps


def test_the_report_has_parts_c_and_d(built_profile, example_data):
    from migprofile.report.render import render_html

    for language in ("en", "vi"):
        page = render_html(example_data, localizer(language))
        order = [page.index(f'id="{s}"') for s in ("mirror_statistics", "governance",
                                                   "findings_recommendations", "annex")
                 if f'id="{s}"' in page]
        assert order == sorted(order) and len(order) >= 3
    page = render_html(example_data, localizer("en"))
    assert "Law on Vietnamese Guest Workers" in page
    assert page.count("Viet Nam is a country of emigration") == 1


# Part D --------------------------------------------------------------------------------

def test_part_d_lists_the_annex_gaps(example_data):
    loc = localizer("en")
    part_d = tables(findings.build(example_data, loc))
    for table in annex.gap_tables(example_data, loc):
        assert part_d[table.title].rows == table.rows
    in_annex = tables(annex.build(example_data, loc))
    assert part_d["Data gaps"].rows == in_annex["Data gaps"].rows
    assert "SDG 10.7.2" in cells(part_d["Data gaps"])


def test_narrative_sections_follow_the_setting(example_data):
    loc = localizer("en")
    titles = [b.title for b in findings.build(example_data, loc).blocks
              if isinstance(b, Narrative)]
    assert titles == ["Main findings", "Policy recommendations",
                      "Recommendations to improve migration data"]
    example_data.settings.report.narrative_sections = ["recommendations", "findings"]
    try:
        titles = [b.title for b in findings.build(example_data, loc).blocks
                  if isinstance(b, Narrative)]
    finally:
        example_data.settings.report.narrative_sections = list(findings.narrative_titles(loc))
    assert titles == ["Policy recommendations", "Main findings"]


def test_every_narrative_section_has_a_title():
    from migprofile.profile import NARRATIVE_SECTIONS

    assert set(findings.narrative_titles(localizer("en"))) == set(NARRATIVE_SECTIONS)


def test_unknown_narrative_sections_are_refused(tmp_path):
    text = (EXAMPLE / "profile.toml").read_text(encoding="utf-8")
    (tmp_path / "profile.toml").write_text(
        text + 'narrative_sections = ["findings", "outlook"]\n', encoding="utf-8")
    with pytest.raises(MigprofileError) as error:
        Profile.load(tmp_path)
    message = str(error.value)
    assert "report.narrative_sections" in message and "'outlook'" in message
    assert "findings, recommendations, data_recommendations" in message
