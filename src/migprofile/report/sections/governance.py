"""Part C, migration governance: laws and policies, institutions, agreements, and the GCM
and SDG 10.7.2, from the profile's governance register, with the working group's text.

Each sub-part opens with the working group's narrative (``narrative/governance_PART.LANG.md``)
and lists the register's entries. A title the register lacks in the report's language is
shown in another language, marked with that language's name. Without a register the
section says so instead of leaving Part C out.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from babel import Locale
from babel.dates import format_skeleton

from migprofile.governance import (
    AGREEMENTS_FILE,
    GCM_FILE,
    GCM_OBJECTIVES,
    INSTITUTIONS_FILE,
    LAWS_FILE,
    MGI_DOMAINS,
    Register,
)
from migprofile.report import charts
from migprofile.report.data import ReportData
from migprofile.report.i18n import Localizer
from migprofile.report.model import Callout, Figure, Origin, Section, Table
from migprofile.report.sections.common import narrative_part

ID = "governance"

PARTS = ("laws", "institutions", "agreements", "gcm")
"""The sub-parts; each has a narrative file ``governance_PART.LANG.md``."""


class Texts:
    """Picks each text in the report's language and remembers whether one was not there."""

    def __init__(self, loc: Localizer) -> None:
        self.loc = loc
        self.fell_back = False

    def __call__(self, texts: dict[str, str] | None) -> str:
        if not texts:
            return ""
        if self.loc.language in texts:
            return texts[self.loc.language]
        self.fell_back = True
        language = "en" if "en" in texts else next(iter(texts))
        name = Locale.parse(language).get_language_name(self.loc.language)
        return f"{texts[language]} [{name}]"

    def note(self) -> str:
        if not self.fell_back:
            return ""
        return " " + self.loc._("A text followed by a language in brackets is not in the "
                                "register in this report's language; it is given in that "
                                "language.")


def partial_date(value: str, loc: Localizer) -> str:
    """``2013`` as it is, ``2020-11`` as a month, ``2020-11-13`` as a date, in the
    language's format."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return value
    if len(parts) == 2:
        return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=loc.locale)
    return loc.date(dt.date(*parts))


def in_force(value: str | bool, loc: Localizer) -> str:
    if value is True:
        return loc._("Yes (date not recorded)")
    if value is False:
        return loc._("No")
    return partial_date(value, loc)


def area_labels(loc: Localizer) -> dict[str, str]:
    return {
        "labour_migration": loc._("Labour migration"),
        "recruitment": loc._("Recruitment"),
        "emigration": loc._("Emigration"),
        "immigration": loc._("Immigration"),
        "border_management": loc._("Border management"),
        "irregular_migration": loc._("Irregular migration"),
        "trafficking": loc._("Trafficking in persons"),
        "return_reintegration": loc._("Return and reintegration"),
        "diaspora": loc._("Diaspora"),
        "remittances": loc._("Remittances"),
        "social_protection": loc._("Social protection"),
        "nationality": loc._("Nationality"),
        "asylum_refugees": loc._("Asylum and refugees"),
        "consular_protection": loc._("Consular protection"),
        "migration_data": loc._("Migration data"),
        "gcm": loc._("Global Compact for Migration"),
    }


def law_type_labels(loc: Localizer) -> dict[str, str]:
    return {
        "law": loc._("Law"), "decree": loc._("Decree"), "decision": loc._("Decision"),
        "resolution": loc._("Resolution"), "circular": loc._("Circular"),
        "policy": loc._("Policy"), "strategy": loc._("Strategy"), "plan": loc._("Plan"),
    }


def gcm_status_labels(loc: Localizer) -> dict[str, str]:
    return {"not_started": loc._("Not started"), "planned": loc._("Planned"),
            "in_progress": loc._("In progress"), "implemented": loc._("Implemented")}


def gcm_objective_titles(loc: Localizer) -> dict[int, str]:
    """The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration."""
    return {
        1: loc._("Collect and utilize accurate and disaggregated data as a basis for "
                 "evidence-based policies"),
        2: loc._("Minimize the adverse drivers and structural factors that compel people to "
                 "leave their country of origin"),
        3: loc._("Provide accurate and timely information at all stages of migration"),
        4: loc._("Ensure that all migrants have proof of legal identity and adequate "
                 "documentation"),
        5: loc._("Enhance availability and flexibility of pathways for regular migration"),
        6: loc._("Facilitate fair and ethical recruitment and safeguard conditions that "
                 "ensure decent work"),
        7: loc._("Address and reduce vulnerabilities in migration"),
        8: loc._("Save lives and establish coordinated international efforts on missing "
                 "migrants"),
        9: loc._("Strengthen the transnational response to smuggling of migrants"),
        10: loc._("Prevent, combat and eradicate trafficking in persons in the context of "
                  "international migration"),
        11: loc._("Manage borders in an integrated, secure and coordinated manner"),
        12: loc._("Strengthen certainty and predictability in migration procedures for "
                  "appropriate screening, assessment and referral"),
        13: loc._("Use migration detention only as a measure of last resort and work "
                  "towards alternatives"),
        14: loc._("Enhance consular protection, assistance and cooperation throughout the "
                  "migration cycle"),
        15: loc._("Provide access to basic services for migrants"),
        16: loc._("Empower migrants and societies to realize full inclusion and social "
                  "cohesion"),
        17: loc._("Eliminate all forms of discrimination and promote evidence-based public "
                  "discourse to shape perceptions of migration"),
        18: loc._("Invest in skills development and facilitate mutual recognition of "
                  "skills, qualifications and competences"),
        19: loc._("Create conditions for migrants and diasporas to fully contribute to "
                  "sustainable development in all countries"),
        20: loc._("Promote faster, safer and cheaper transfer of remittances and foster "
                  "financial inclusion of migrants"),
        21: loc._("Cooperate in facilitating safe and dignified return and readmission, as "
                  "well as sustainable reintegration"),
        22: loc._("Establish mechanisms for the portability of social security "
                  "entitlements and earned benefits"),
        23: loc._("Strengthen international cooperation and global partnerships for safe, "
                  "orderly and regular migration"),
    }


def mgi_domain_labels(loc: Localizer) -> dict[str, str]:
    return {
        "migrant_rights": loc._("Migrant rights"),
        "whole_of_government": loc._("Whole-of-government / evidence-based policies"),
        "cooperation_partnerships": loc._("Cooperation and partnerships"),
        "socioeconomic_wellbeing": loc._("Socioeconomic well-being"),
        "mobility_dimensions_of_crises": loc._("Mobility dimensions of crises"),
        "safe_orderly_regular_migration": loc._("Safe, orderly and regular migration"),
    }


def mgi_category_labels(loc: Localizer) -> dict[str, str]:
    return {
        "requires_further_progress": loc._("Requires further progress"),
        "partially_meets": loc._("Partially meets"),
        "meets": loc._("Meets"),
        "fully_meets": loc._("Fully meets"),
    }


def register_note(register: Register, loc: Localizer, *files: str) -> str:
    """'Source: the profile's governance register, governance/laws.toml (sha256 …).'"""
    cited = [loc._("{file} (sha256 {checksum}…)").format(file=f.name, checksum=f.sha256[:12])
             for f in register.cites(*(f"governance/{name}" for name in files))]
    return loc._("Source: the profile's governance register, {files}.").format(
        files="; ".join(cited))


def register_origins(register: Register, file: str, **where: str) -> tuple[Origin, ...]:
    """Where the values ``where`` of a chart come from: a file of the register, as its note
    cites it; the register has no revisions, so the checksum the note prints stands for one."""
    return tuple(Origin(f.name, f"sha256 {f.sha256[:12]}…", tuple(where.items()))
                 for f in register.cites(f"governance/{file}"))


def _or_none(rows: list[list[str]], columns: list[str], loc: Localizer) -> list[list[str]]:
    """The rows, or one saying the register has no entries (a stated gap)."""
    return rows or [[loc._("No entries in the register"), *[""] * (len(columns) - 1)]]


def _areas(areas: list[str], loc: Localizer) -> str:
    labels = area_labels(loc)
    return ", ".join(labels[a] for a in areas)


def laws_table(register: Register, loc: Localizer) -> Table:
    text = Texts(loc)
    types = law_type_labels(loc)
    rows = []
    for law in sorted(register.laws, key=lambda law: law.adopted):
        institution = register.institution(law.institution)
        title = text(law.title) + (f"\n{law.number}" if law.number else "")
        rows.append([title, types[law.type], partial_date(law.adopted, loc),
                     in_force(law.in_force, loc), _areas(law.areas, loc),
                     text(institution.name) if institution else ""])
    columns = [loc._("Title"), loc._("Type"), loc._("Adopted"), loc._("In force"),
               loc._("Areas covered"), loc._("Responsible institution")]
    return Table(loc._("Laws and policies on migration"), columns, _or_none(rows, columns, loc),
                 register_note(register, loc, LAWS_FILE, INSTITUTIONS_FILE) + text.note(),
                 widths=[4, 1.3, 1.5, 1.5, 2, 2.5])


def institutions_table(register: Register, loc: Localizer) -> Table:
    text = Texts(loc)
    rows = []
    for institution in register.institutions:
        parent = register.institution(institution.parent)
        rows.append([text(institution.name), text(institution.role),
                     text(parent.name) if parent else ""])
    columns = [loc._("Institution"), loc._("Role in migration governance"),
               loc._("Parent ministry")]
    return Table(loc._("Institutions"), columns, _or_none(rows, columns, loc),
                 register_note(register, loc, INSTITUTIONS_FILE) + text.note(),
                 widths=[3, 5, 3])


def agreements_table(register: Register, loc: Localizer) -> Table:
    text = Texts(loc)
    rows = []
    for agreement in sorted(register.agreements, key=lambda a: a.signed):
        parties = (loc.country(agreement.partner) if agreement.kind == "bilateral"
                   else text(agreement.parties))
        reviews = "\n".join(
            partial_date(r.date, loc) + (f": {text(r.note)}" if r.note else "")
            for r in agreement.reviews)
        title = text(agreement.title) + (f"\n{text(agreement.note)}" if agreement.note else "")
        rows.append([parties, title, partial_date(agreement.signed, loc),
                     in_force(agreement.in_force, loc), _areas(agreement.areas, loc),
                     reviews or "–"])
    columns = [loc._("Partner or parties"), loc._("Title"), loc._("Signed"),
               loc._("In force"), loc._("Areas covered"), loc._("Review meetings")]
    return Table(loc._("Bilateral and multilateral agreements"), columns,
                 _or_none(rows, columns, loc),
                 register_note(register, loc, AGREEMENTS_FILE) + text.note(),
                 widths=[2, 4, 1.5, 1.5, 2, 2.5])


def _first_day(value: str) -> str:
    parts = value.split("-")
    return "-".join([*parts, *["01"] * (3 - len(parts))])


def timeline_figure(register: Register, loc: Localizer) -> Figure | None:
    """Laws and agreements on one time axis: adopted or signed, in force, reviewed."""
    text = Texts(loc)
    events = []
    law_kind, agreement_kind = loc._("Law or policy"), loc._("Agreement")
    for law in sorted(register.laws, key=lambda law: law.adopted):
        label = text(law.title)
        events.append((label, law.adopted, loc._("Adopted or signed"), law_kind))
        if isinstance(law.in_force, str):
            events.append((label, law.in_force, loc._("In force"), law_kind))
    for agreement in sorted(register.agreements, key=lambda a: a.signed):
        label = text(agreement.title)
        events.append((label, agreement.signed, loc._("Adopted or signed"), agreement_kind))
        if isinstance(agreement.in_force, str):
            events.append((label, agreement.in_force, loc._("In force"), agreement_kind))
        events += [(label, r.date, loc._("Review meeting"), agreement_kind)
                   for r in agreement.reviews]
    if not events:
        return None
    df = pd.DataFrame(events, columns=["label", "when", "event", "kind"])
    df = df.assign(date=df.when.map(_first_day), year=df.when.map(lambda w: w[:4]))
    order = df.groupby("label", sort=False).date.min().sort_values(kind="stable").index
    df["label"] = pd.Categorical(df.label, categories=order, ordered=True)
    df = df.sort_values(["label", "date"], kind="stable").astype({"label": str})
    note = register_note(register, loc, LAWS_FILE, AGREEMENTS_FILE) + text.note()
    origins = (register_origins(register, LAWS_FILE, kind=law_kind)
               + register_origins(register, AGREEMENTS_FILE, kind=agreement_kind))
    return Figure(loc._("Laws, policies and agreements over time"),
                  charts.timeline_chart(df[["label", "date", "year", "event", "kind"]]), note,
                  origins=origins, kind="timeline")


def gcm_blocks(register: Register, loc: Localizer) -> list:
    gcm = register.gcm
    if gcm is None:
        return [Callout(loc._("GCM implementation: no information"), [
            loc._("The register has no governance/gcm.toml: the endorsement of the Global "
                  "Compact for Migration, the national implementation plan, the status of "
                  "its objectives and of SDG 10.7.2 are not recorded.")])]
    text = Texts(loc)
    facts = []
    if gcm.endorsed:
        facts.append(loc._("The country endorsed the Global Compact for Safe, Orderly and "
                           "Regular Migration in {date}.").format(
            date=partial_date(gcm.endorsed, loc)))
    plan = register.law(gcm.plan) if gcm.plan else None
    if plan is not None:
        facts.append(loc._("National implementation plan: {title} ({date}).").format(
            title=text(plan.title) + (f", {plan.number}" if plan.number else ""),
            date=partial_date(plan.adopted, loc)))
    statuses = gcm_status_labels(loc)
    reported = {objective.number: objective for objective in gcm.objectives}
    titles = gcm_objective_titles(loc)
    rows = []
    for number in GCM_OBJECTIVES:
        objective = reported.get(number)
        rows.append([f"{number}. {titles[number]}",
                     statuses[objective.status] if objective else loc._("Not reported"),
                     text(objective.note) if objective else ""])
    objectives = Table(loc._("GCM objectives"),
                       [loc._("Objective"), loc._("Status"), loc._("Note")], rows,
                       register_note(register, loc, GCM_FILE) + text.note(),
                       widths=[5, 1.5, 4])
    blocks: list = [Callout(loc._("Global Compact for Migration"), facts)] if facts else []
    return [*blocks, objectives, sdg_block(register, loc)]


def sdg_block(register: Register, loc: Localizer) -> Table | Callout:
    sdg = register.gcm.sdg_10_7_2 if register.gcm else None
    if sdg is None:
        return Callout(loc._("SDG 10.7.2: no status recorded"), [
            loc._("SDG indicator 10.7.2 (countries with well-managed migration policies) "
                  "is not in governance/gcm.toml; add the categories of the six domains "
                  "from the UN DESA and IOM assessment.")])
    domains, categories = mgi_domain_labels(loc), mgi_category_labels(loc)
    rows = [[domains[d], categories[sdg.domains[d]] if d in sdg.domains
             else loc._("Not reported")] for d in MGI_DOMAINS]
    source = f" {sdg.source}." if sdg.source else ""
    return Table(loc._("SDG 10.7.2: well-managed migration policies, {year}").format(
        year=sdg.year), [loc._("Domain"), loc._("Category")], rows,
        register_note(register, loc, GCM_FILE) + source, widths=[3, 2])


def part_titles(loc: Localizer) -> dict[str, str]:
    """The title of each sub-part (:data:`PARTS`)."""
    return {"laws": loc._("Policy and legal framework"), "institutions": loc._("Institutions"),
            "agreements": loc._("Bilateral and multilateral agreements"),
            "gcm": loc._("GCM implementation and SDG 10.7.2")}


def build(data: ReportData, loc: Localizer) -> Section:
    register = data.register
    titles = part_titles(loc)
    intro = [loc._("How the country governs migration: its laws and policies, the "
                   "institutions in charge, its agreements with other countries, and its "
                   "implementation of the Global Compact for Migration, from the register "
                   "the working group keeps in the profile (governance/).")]
    if register.empty:
        blocks: list = [Callout(loc._("No governance register"), [
            loc._("This profile has no register of laws and policies, institutions and "
                  "agreements (folder governance/), so this part of the profile is a data "
                  "gap. The README describes the files to add.")])]
        blocks += [narrative_part(data, loc, f"governance_{part}", titles[part])
                   for part in PARTS]
        return Section(ID, loc._("Migration governance"), intro, blocks)
    tables = {"laws": [laws_table(register, loc)],
              "institutions": [institutions_table(register, loc)],
              "agreements": [agreements_table(register, loc)],
              "gcm": gcm_blocks(register, loc)}
    timeline = timeline_figure(register, loc)
    if timeline is not None:
        tables["agreements"].append(timeline)
    blocks = []
    for part in PARTS:
        blocks += [narrative_part(data, loc, f"governance_{part}", titles[part]),
                   *tables[part]]
    return Section(ID, loc._("Migration governance"), intro, blocks)
