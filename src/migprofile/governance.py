"""The migration governance register of a profile: laws and policies, institutions,
agreements, and the Global Compact for Migration (GCM) and SDG 10.7.2 status.

Part C of the Migration Profile describes how the country governs migration. That is not
statistics but a list the working group keeps, so it lives as TOML files in the profile's
``governance/`` folder, one per kind of entry, read and validated like ``profile.toml``: a
mistake is refused with the file and the key that hold it. Titles and names are given per
language; the report shows each in its language where the register has it and marks the
ones it does not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator

from migprofile.codes import REPORT_LANGUAGES
from migprofile.errors import MigprofileError
from migprofile.profile import Iso3, Profile, _Settings, describe_validation_error

__all__ = [
    "AGREEMENTS_FILE",
    "AREAS",
    "GCM_FILE",
    "GCM_OBJECTIVES",
    "GCM_STATUSES",
    "INSTITUTIONS_FILE",
    "LAWS_FILE",
    "LAW_TYPES",
    "MGI_CATEGORIES",
    "MGI_DOMAINS",
    "Agreement",
    "Gcm",
    "Institution",
    "Law",
    "Register",
    "RegisterFile",
    "load_register",
]

LAWS_FILE = "laws.toml"
INSTITUTIONS_FILE = "institutions.toml"
AGREEMENTS_FILE = "agreements.toml"
GCM_FILE = "gcm.toml"

AREAS = ("labour_migration", "recruitment", "emigration", "immigration", "border_management",
         "irregular_migration", "trafficking", "return_reintegration", "diaspora",
         "remittances", "social_protection", "nationality", "asylum_refugees",
         "consular_protection", "migration_data", "gcm")
"""Areas a law, a policy or an agreement covers (the report names them in its language)."""

LAW_TYPES = ("law", "decree", "decision", "resolution", "circular", "policy", "strategy",
             "plan")

GCM_OBJECTIVES = range(1, 24)
"""The Global Compact's 23 objectives, by number."""

GCM_STATUSES = ("not_started", "planned", "in_progress", "implemented")

MGI_DOMAINS = ("migrant_rights", "whole_of_government", "cooperation_partnerships",
               "socioeconomic_wellbeing", "mobility_dimensions_of_crises",
               "safe_orderly_regular_migration")
"""The six domains of SDG indicator 10.7.2 (UN DESA and IOM), in the indicator's order."""

MGI_CATEGORIES = ("requires_further_progress", "partially_meets", "meets", "fully_meets")
"""SDG 10.7.2's four categories for each domain, from the lowest to the highest."""

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _partial_date(value: object) -> object:
    """A TOML date, a year (2013) or text ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, kept as
    that text: a register often knows only the year an agreement was signed."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (match := PARTIAL_DATE.match(value)):
        raise ValueError(f"{value!r} is not a date: write a date (2020-11-13), a month "
                         "(\"2020-11\"), a year (2020) or, for in_force, true or false")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from exc
    return value


def _in_force(value: object) -> object:
    """``true`` (in force, date not recorded), ``false``, or a date as :func:`_partial_date`."""
    return value if isinstance(value, bool) else _partial_date(value)


def _texts(value: dict[str, str]) -> dict[str, str]:
    unknown = [lang for lang in value if lang not in REPORT_LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language(s) {unknown}; use {', '.join(REPORT_LANGUAGES)}")
    empty = [lang for lang, text in value.items() if not text.strip()]
    if empty:
        raise ValueError(f"empty text in {empty}")
    if not value:
        raise ValueError("give the text in at least one language, e.g. { en = \"...\" }")
    return value


def _areas(value: list[str]) -> list[str]:
    unknown = [area for area in value if area not in AREAS]
    if unknown:
        raise ValueError(f"unknown area(s) {unknown}; the areas are {', '.join(AREAS)}")
    return list(dict.fromkeys(value))


PartialDate = Annotated[str, BeforeValidator(_partial_date)]
InForce = Annotated[str | bool, BeforeValidator(_in_force)]
Texts = Annotated[dict[str, str], AfterValidator(_texts)]
Areas = Annotated[list[str], AfterValidator(_areas)]


class Law(_Settings):
    id: str = Field(description="Short id, unique in the file, e.g. law-69-2020.")
    title: Texts = Field(description="Title per language, e.g. { en = \"...\", vi = \"...\" }.")
    type: Literal[LAW_TYPES] = Field(description="law, decree, decision, resolution, "
                                                 "circular, policy, strategy or plan.")
    number: str = Field(default="", description="Official number, e.g. 69/2020/QH14.")
    adopted: PartialDate = Field(description="Date (or month, or year) adopted.")
    in_force: InForce = Field(
        description="Date it entered into force, true if in force from an unknown date, "
                    "false if not (yet) in force.")
    areas: Areas = Field(default_factory=list, description="Areas covered.")
    institution: str = Field(default="", description="Id of the responsible institution in "
                                                     "institutions.toml.")
    url: str = Field(default="", description="Where the text is published.")


class Institution(_Settings):
    id: str = Field(description="Short id, unique in the file, e.g. dolab.")
    name: Texts = Field(description="Name per language.")
    role: Texts = Field(description="What it does in migration governance, per language.")
    parent: str = Field(default="", description="Id of its parent ministry in this file.")


class ReviewMeeting(_Settings):
    date: PartialDate = Field(description="Date (or month, or year) of the meeting.")
    note: Texts | None = Field(default=None, description="What it reviewed, per language.")


class Agreement(_Settings):
    id: str = Field(description="Short id, unique in the file, e.g. lao-labour-2013.")
    kind: Literal["bilateral", "multilateral"] = Field(description="bilateral or "
                                                                   "multilateral.")
    partner: Iso3 | None = Field(default=None, description="ISO 3166 alpha-3 code of the "
                                                           "partner (bilateral).")
    parties: Texts | None = Field(default=None, description="Who the parties are, per "
                                                            "language (multilateral).")
    title: Texts = Field(description="Title per language.")
    note: Texts | None = Field(default=None, description="A short note per language, e.g. "
                                                         "renewals; printed under the title.")
    signed: PartialDate = Field(description="Date (or month, or year) signed.")
    in_force: InForce = Field(
        description="Date it entered into force, true if in force from an unknown date, "
                    "false if not (or no longer) in force.")
    areas: Areas = Field(default_factory=list, description="Areas covered.")
    reviews: list[ReviewMeeting] = Field(default_factory=list,
                                         description="Review meetings, with their dates.")

    @model_validator(mode="after")
    def _parties_named(self) -> Agreement:
        if self.kind == "bilateral" and self.partner is None:
            raise ValueError("a bilateral agreement needs its partner (ISO3 code)")
        if self.kind == "multilateral" and self.parties is None:
            raise ValueError("a multilateral agreement needs its parties, e.g. "
                             "parties = { en = \"ASEAN Member States\" }")
        return self


class GcmObjective(_Settings):
    number: int = Field(ge=1, le=23, description="Objective number, 1 to 23.")
    status: Literal[GCM_STATUSES] = Field(description="not_started, planned, in_progress "
                                                      "or implemented.")
    note: Texts | None = Field(default=None, description="The working group's note, per "
                                                         "language.")


class Sdg1072(_Settings):
    year: int = Field(ge=2015, le=2100, description="Year of the assessment.")
    source: str = Field(default="", description="Who assessed it, e.g. the UN DESA/IOM "
                                                "inquiry.")
    domains: dict[Literal[MGI_DOMAINS], Literal[MGI_CATEGORIES]] = Field(
        description="Category of each of the six domains.")


class Gcm(_Settings):
    endorsed: PartialDate | None = Field(default=None, description="When the country "
                                                                   "endorsed the GCM.")
    plan: str = Field(default="", description="Id in laws.toml of the national plan to "
                                              "implement it.")
    objectives: list[GcmObjective] = Field(
        default_factory=list, alias="objective",
        description="Objectives reported on, one [[objective]] table each.")
    sdg_10_7_2: Sdg1072 | None = Field(default=None, description="SDG 10.7.2 status.")


class _LawsFile(_Settings):
    law: list[Law] = Field(default_factory=list)


class _InstitutionsFile(_Settings):
    institution: list[Institution] = Field(default_factory=list)


class _AgreementsFile(_Settings):
    agreement: list[Agreement] = Field(default_factory=list)


@dataclass(frozen=True)
class RegisterFile:
    """A file of the register as the report cites it."""

    name: str
    sha256: str


@dataclass(frozen=True)
class Register:
    """A profile's governance register; a file that is not there gives no entries."""

    laws: list[Law]
    institutions: list[Institution]
    agreements: list[Agreement]
    gcm: Gcm | None
    files: list[RegisterFile]

    @property
    def empty(self) -> bool:
        return not self.files

    def institution(self, key: str) -> Institution | None:
        return next((i for i in self.institutions if i.id == key), None)

    def law(self, key: str) -> Law | None:
        return next((law for law in self.laws if law.id == key), None)

    def cites(self, *names: str) -> list[RegisterFile]:
        return [f for f in self.files if f.name in names]


def _read(path: Path, model: type[_Settings], files: list[RegisterFile]) -> _Settings | None:
    if not path.is_file():
        return None
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MigprofileError(f"not valid TOML: {exc}", path=path) from exc
    try:
        found = model.model_validate(data)
    except ValidationError as exc:
        raise MigprofileError(describe_validation_error(exc), path=path) from exc
    files.append(RegisterFile(f"{path.parent.name}/{path.name}", hashlib.sha256(raw).hexdigest()))
    return found


def _unique(entries: list, key: str, path: Path) -> None:
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.id in seen:
            raise MigprofileError(f"{key}.{index}.id: {entry.id!r} is used twice", path=path)
        seen.add(entry.id)


def _refers(value: str, known: list, where: str, path: Path, other: str) -> None:
    if value and value not in {entry.id for entry in known}:
        names = ", ".join(entry.id for entry in known) or "none"
        raise MigprofileError(f"{where}: {value!r} is not an id in {other} (ids: {names})",
                              path=path)


def load_register(profile: Profile) -> Register:
    """Read and check ``governance/`` of ``profile``: each file against its model, ids
    unique, and every reference (an institution, a plan) to an entry that exists."""
    folder = profile.governance_dir
    files: list[RegisterFile] = []
    laws = _read(folder / LAWS_FILE, _LawsFile, files)
    institutions = _read(folder / INSTITUTIONS_FILE, _InstitutionsFile, files)
    agreements = _read(folder / AGREEMENTS_FILE, _AgreementsFile, files)
    gcm = _read(folder / GCM_FILE, Gcm, files)
    register = Register(laws.law if laws else [],
                        institutions.institution if institutions else [],
                        agreements.agreement if agreements else [], gcm, files)
    _check(register, folder)
    return register


def _check(register: Register, folder: Path) -> None:
    _unique(register.laws, "law", folder / LAWS_FILE)
    _unique(register.institutions, "institution", folder / INSTITUTIONS_FILE)
    _unique(register.agreements, "agreement", folder / AGREEMENTS_FILE)
    for index, law in enumerate(register.laws):
        _refers(law.institution, register.institutions, f"law.{index}.institution",
                folder / LAWS_FILE, INSTITUTIONS_FILE)
    for index, institution in enumerate(register.institutions):
        _refers(institution.parent, register.institutions, f"institution.{index}.parent",
                folder / INSTITUTIONS_FILE, INSTITUTIONS_FILE)
    if register.gcm is not None:
        _refers(register.gcm.plan, register.laws, "plan", folder / GCM_FILE, LAWS_FILE)
        numbers = [objective.number for objective in register.gcm.objectives]
        twice = sorted({n for n in numbers if numbers.count(n) > 1})
        if twice:
            raise MigprofileError(f"objectives: objective(s) {twice} listed twice",
                                  path=folder / GCM_FILE)
