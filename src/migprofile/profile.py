"""The profile folder a country owns: its settings (``profile.toml``) and where things live.

A profile folder holds ``profile.toml``, ``sources/`` (input files with sidecars),
``narrative/`` (the working group's text, per section and language), the built
``warehouse.duckdb`` and the built ``out/`` folder. This module reads and writes the settings
and names the paths; it knows nothing about how sources are read or reports are made.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from migprofile.codes import REPORT_LANGUAGES, UnknownCountry, country
from migprofile.errors import MigprofileError
from migprofile.files import write_pending

if TYPE_CHECKING:
    from migprofile.codes import Dataflow

__all__ = [
    "DEFAULT_SOURCES",
    "GAP_POLICIES",
    "NARRATIVE_SECTIONS",
    "AgencySettings",
    "CrossingsSettings",
    "DataflowDisclosure",
    "DisclosureSettings",
    "ExchangeSettings",
    "GapPolicy",
    "KeyRecord",
    "PartnerSettings",
    "Profile",
    "ProfileSettings",
    "ReconciliationSettings",
    "ReportSettings",
    "RuleParameters",
    "SourceSettings",
    "create_profile",
    "default_languages",
    "parse_interval",
]

PROFILE_FILE = "profile.toml"

OWN_LANGUAGE = {"VNM": "vi", "LAO": "lo", "KOR": "ko", "PRK": "ko"}
"""The report language of a country, where the report has one besides English."""


AGENCY_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,49}$")


def _iso3(value: str) -> str:
    try:
        return country(value).iso3
    except UnknownCountry as exc:
        raise ValueError(str(exc)) from exc


def _agency_id(value: str) -> str:
    if not AGENCY_ID.match(value):
        raise ValueError(f"agency id {value!r}: use letters, digits, '_' or '-', starting "
                         "with a letter (at most 50), e.g. VN_DOLAB")
    return value


INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
INTERVAL_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> dt.timedelta:
    """``"6h"`` -> 6 hours: a number and a unit, ``s``, ``m``, ``h`` or ``d``."""
    match = INTERVAL.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration: write a number and a unit, s, m, h "
                         "or d (e.g. 30m, 6h, 1d)")
    return dt.timedelta(seconds=int(match.group(1)) * INTERVAL_UNITS[match.group(2)])


def _server_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", value):
        raise ValueError(f"{value!r} is not a server's address: write it as "
                         "https://HOST[:PORT][/PATH], without a query")
    return value.rstrip("/")


Iso3 = Annotated[str, AfterValidator(_iso3)]
AgencyId = Annotated[str, AfterValidator(_agency_id)]
ServerUrl = Annotated[str, AfterValidator(_server_url)]


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CountrySettings(_Settings):
    country: Iso3 = Field(description="ISO 3166 alpha-3 code of the country the profile is about.")
    edition: str = Field(description="Edition label printed on the report, e.g. 2026.")
    languages: list[str] = Field(description="Report languages, e.g. [\"en\", \"vi\"].")
    title: dict[str, str] = Field(
        default_factory=dict,
        description="Report title per language; the default is 'Migration Profile: COUNTRY'.",
    )

    @field_validator("languages")
    @classmethod
    def _supported_languages(cls, value: list[str]) -> list[str]:
        unknown = [lang for lang in value if lang not in REPORT_LANGUAGES]
        if unknown:
            raise ValueError(
                f"unsupported language(s) {unknown}; the report is available in "
                f"{', '.join(REPORT_LANGUAGES)}"
            )
        if not value:
            raise ValueError("at least one language is needed")
        return list(dict.fromkeys(value))


class SourceSettings(_Settings):
    kind: str = Field(description="Reader to use: undesa_ims, wdi, unhcr, knomad_brm, knomad_bmm.")
    revision: str | None = Field(
        default=None,
        description="Edition of a bundled source to use (undesa_ims: 2024 or 2020).",
    )
    path: str | None = Field(
        default=None,
        description="File relative to the profile folder; empty means the bundled copy.",
    )


NARRATIVE_SECTIONS = ("findings", "recommendations", "data_recommendations")
"""The narrative sections of Part D: the working group's main findings, its policy
recommendations and its recommendations to improve migration data."""


class ReportSettings(_Settings):
    top_n: int = Field(default=10, ge=1, le=50, description="Partner countries in top-N charts.")
    stale_after_years: int = Field(
        default=5, ge=1,
        description="An indicator whose latest year is older than edition minus this is stale.",
    )
    disagreement_pct: float = Field(
        default=10.0, gt=0,
        description="Two sources disagree when they differ by more than this percentage.",
    )
    break_factor: float = Field(
        default=5.0, gt=1,
        description="A series breaks where a count is more than this many times the one of "
                    "the year before, or less than that divided by it; flagged in the annex "
                    "and on the chart.",
    )
    narrative_sections: list[str] = Field(
        default_factory=lambda: list(NARRATIVE_SECTIONS),
        description="The working group's sections of Part D (findings and "
                    "recommendations), in the order printed: any of "
                    + ", ".join(NARRATIVE_SECTIONS) + ".",
    )
    map_boundaries: str | None = Field(
        default=None,
        description="A TopoJSON file of country boundaries for the report's maps, relative "
                    "to the profile folder, its ids ISO 3166 numeric or alpha-3 codes; "
                    "empty means the bundled Natural Earth boundaries.",
    )

    @field_validator("narrative_sections")
    @classmethod
    def _known_narrative_sections(cls, value: list[str]) -> list[str]:
        unknown = [key for key in value if key not in NARRATIVE_SECTIONS]
        if unknown:
            raise ValueError(f"unknown narrative section(s) {unknown}; the sections are "
                             f"{', '.join(NARRATIVE_SECTIONS)}")
        twice = sorted({key for key in value if value.count(key) > 1})
        if twice:
            raise ValueError(f"{twice} listed twice")
        return value


GapPolicy = Literal["reject", "impute"]
"""What the residence rule does with a person who has two crossings in the same direction."""

GAP_POLICIES: tuple[GapPolicy, ...] = ("reject", "impute")


@dataclass(frozen=True)
class RuleParameters:
    """The residence rule's parameters: window W and threshold V in days, and the gap
    policy. Checked here only: ``profile.toml``'s ``[crossings]``, ``migprofile classify``
    and the crossings engine all build one."""

    window: int = 487
    threshold: int = 365
    on_gap: GapPolicy = "reject"

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= self.window:
            raise ValueError(
                f"the threshold ({self.threshold}) must be positive and not exceed the window "
                f"({self.window})"
            )
        if self.on_gap not in GAP_POLICIES:
            raise ValueError(f"on_gap must be reject or impute, not {self.on_gap!r}")

    @property
    def no_migration_bound(self) -> int:
        """N = W - V: days in the opposite state after which a crossing is not a migration."""
        return self.window - self.threshold


class CrossingsSettings(_Settings):
    window: int = Field(default=487, ge=1, description="Test window W in days (12/16 rule: 487).")
    threshold: int = Field(default=365, ge=1, description="Residence threshold V in days.")
    on_gap: GapPolicy = Field(
        default="reject",
        description="Persons with two crossings in the same direction: reject or impute.",
    )
    data_end: dt.date | None = Field(
        default=None,
        description="Last date the crossing data cover; default: the latest crossing date.",
    )

    @field_validator("threshold")
    @classmethod
    def _threshold_within_window(cls, value: int, info) -> int:
        window = info.data.get("window")
        if window is not None:
            RuleParameters(window=window, threshold=value)
        return value

    @property
    def rule(self) -> RuleParameters:
        """The residence rule these settings ask for."""
        return RuleParameters(window=self.window, threshold=self.threshold,
                              on_gap=self.on_gap)


class AgencySettings(_Settings):
    id: AgencyId = Field(description="This agency's id in exchange packages, e.g. VN_DOLAB.")
    name: str = Field(description="The agency's name, as partners see it.")
    country: Iso3 = Field(description="ISO 3166 alpha-3 code of the agency's country.")


class KeyRecord(_Settings):
    fingerprint: str = Field(description="The key's fingerprint, as `migprofile keys show` "
                                         "prints it.")
    public_key: str = Field(default="", description="The key itself (base64), to name it "
                                                    "when a package is signed with it.")
    on: dt.date = Field(description="The day it was retired or revoked.")


class PartnerSettings(_Settings):
    country: Iso3 = Field(description="ISO 3166 alpha-3 code of the partner's country.")
    name: str = Field(default="", description="The partner agency's name.")
    agency: str = Field(default="", description="The partner's ministry or parent agency.")
    public_key: str = Field(description="The partner's Ed25519 public key (base64), "
                                        "as `migprofile keys show` prints it.")
    valid_until: dt.date | None = Field(
        default=None, description="Last day packages signed with this key are accepted; "
                                  "warned about 31 days ahead.")
    retired_keys: list[KeyRecord] = Field(
        default_factory=list, description="Keys the partner replaced by announcing a new one "
                                          "in a package; packages signed with them are "
                                          "refused.")
    revoked_keys: list[KeyRecord] = Field(
        default_factory=list, description="Keys revoked with `migprofile partners "
                                          "revoke-key`; packages signed with them are "
                                          "refused.")
    url: ServerUrl | None = Field(
        default=None,
        description="The base address of the partner's migprofile server (what `serve` "
                    "answers at), e.g. https://migration.molsw.gov.la; set with "
                    "`migprofile partners connect`. `exchange sync` exchanges packages with "
                    "every partner that has one.")


class DataflowDisclosure(_Settings):
    enabled: bool | None = Field(
        default=None, description="Protect this dataflow; default: on for microdata.")
    threshold: int | None = Field(default=None, ge=1,
                                  description="Counts below this are suppressed.")
    rounding_base: int | None = Field(default=None, ge=1,
                                      description="Random rounding base (1: none).")


class DisclosureSettings(_Settings):
    microdata: bool = Field(
        default=True, description="Protect dataflows built from records about people.")
    threshold: int = Field(default=5, ge=1,
                           description="Counts from 1 to threshold - 1 are suppressed.")
    rounding_base: int = Field(default=3, ge=1,
                               description="Published counts are randomly rounded to a "
                                           "multiple of this (1: no rounding).")
    dataflows: dict[str, DataflowDisclosure] = Field(
        default_factory=dict, description="Per-dataflow overrides, by dataflow id.")


class ReconciliationSettings(_Settings):
    threshold_pct: float = Field(
        default=10.0, gt=0,
        description="A pair is flagged when its asymmetry index exceeds this (%).")


class ExchangeSettings(_Settings):
    sync_every: str | None = Field(
        default=None,
        description="How often `migprofile serve` runs `exchange sync` with the partners "
                    "that have a url: a number and a unit, s, m, h or d (e.g. 6h), at least "
                    "5 minutes; unset: never by itself.")
    attempts: int = Field(
        default=4, ge=1, le=10,
        description="Tries of a partner's exchange when its server cannot be reached or "
                    "answers with a server error, before the sync records a failure.")
    retry_after: str = Field(
        default="30s",
        description="Wait before the second try; it doubles before each further try "
                    "(30s, 1m, 2m, ...).")

    @field_validator("sync_every")
    @classmethod
    def _at_least_five_minutes(cls, value: str | None) -> str | None:
        if value is not None and parse_interval(value) < dt.timedelta(minutes=5):
            raise ValueError(f"{value!r} is too often: at least 5m")
        return value

    @field_validator("retry_after")
    @classmethod
    def _a_duration(cls, value: str) -> str:
        if parse_interval(value) > dt.timedelta(hours=1):
            raise ValueError(f"{value!r}: at most 1h")
        return value

    @property
    def interval(self) -> dt.timedelta | None:
        return parse_interval(self.sync_every) if self.sync_every else None

    def delays(self) -> list[float]:
        """Seconds to wait before each try after the first."""
        first = parse_interval(self.retry_after).total_seconds()
        return [first * 2 ** n for n in range(self.attempts - 1)]


DEFAULT_SOURCES: dict[str, SourceSettings] = {
    "undesa_ims": SourceSettings(kind="undesa_ims", revision="2024"),
    "undesa_ims_data_type": SourceSettings(kind="undesa_ims_data_type"),
    "wdi": SourceSettings(kind="wdi"),
    "unhcr": SourceSettings(kind="unhcr"),
    "knomad_brm": SourceSettings(kind="knomad_brm"),
    "knomad_bmm": SourceSettings(kind="knomad_bmm"),
}
"""The international sources every new profile is wired to (bundled copies)."""


class ProfileSettings(_Settings):
    profile: CountrySettings
    sources: dict[str, SourceSettings] = Field(default_factory=lambda: dict(DEFAULT_SOURCES))
    report: ReportSettings = Field(default_factory=ReportSettings)
    crossings: CrossingsSettings = Field(default_factory=CrossingsSettings)
    agency: AgencySettings | None = None
    partners: dict[AgencyId, PartnerSettings] = Field(default_factory=dict)
    disclosure: DisclosureSettings = Field(default_factory=DisclosureSettings)
    reconciliation: ReconciliationSettings = Field(default_factory=ReconciliationSettings)
    exchange: ExchangeSettings = Field(default_factory=ExchangeSettings)


def describe_validation_error(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _validated(data: dict, path: Path) -> ProfileSettings:
    try:
        return ProfileSettings.model_validate(data)
    except ValidationError as exc:
        raise MigprofileError(describe_validation_error(exc), path=path) from exc


class Profile:
    """A profile folder on disk and its settings."""

    def __init__(self, root: Path, settings: ProfileSettings) -> None:
        self.root = root
        self.settings = settings
        self._dataflows: tuple[tuple, dict[str, Dataflow]] | None = None

    @classmethod
    def load(cls, root: Path | str) -> Profile:
        """Read ``root/profile.toml``; a missing or invalid file is a :class:`MigprofileError`."""
        root = Path(root)
        path = root / PROFILE_FILE
        if not path.is_file():
            raise MigprofileError(
                "no profile.toml here; is this a profile folder? "
                "Create one with `migprofile init COUNTRY DIR`.",
                path=root,
            )
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise MigprofileError(f"not valid TOML: {exc}", path=path) from exc
        return cls(root, _validated(data, path))

    @property
    def country(self) -> str:
        return self.settings.profile.country

    @property
    def languages(self) -> list[str]:
        return self.settings.profile.languages

    @property
    def settings_path(self) -> Path:
        return self.root / PROFILE_FILE

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def narrative_dir(self) -> Path:
        return self.root / "narrative"

    @property
    def dataflows_dir(self) -> Path:
        """The profile's own dataflow declarations, one ``*.toml`` each."""
        return self.root / "dataflows"

    @property
    def dataflows(self) -> dict[str, Dataflow]:
        """The shipped dataflows and the profile's own, by id: read once, and again when a
        declaration in :attr:`dataflows_dir` is added, changed or removed (so an import
        sees a dataflow declared since). Do not change the dict: it is shared."""
        from migprofile.codes import load_dataflows

        key = _files_key(self.dataflows_dir, "*.toml")
        if self._dataflows is None or self._dataflows[0] != key:
            self._dataflows = (key, load_dataflows(self.dataflows_dir))
        return self._dataflows[1]

    @property
    def governance_dir(self) -> Path:
        """The migration governance register (laws, institutions, agreements, GCM)."""
        return self.root / "governance"

    @property
    def warehouse_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def out_dir(self) -> Path:
        """The build's outputs: written by the build (and its reconciliation) alone."""
        return self.root / "out"

    @property
    def validation_dir(self) -> Path:
        """The reports of imports that found problems, with the mappings they suggest."""
        return self.root / "validation"

    @property
    def secrets_dir(self) -> Path:
        """Private material (hashing secret, signing key); never copied into outputs."""
        return self.root / ".secret"

    def write_secret(self, name: str, data: bytes) -> Path:
        """Replace the private file ``name`` with ``data``, atomically (mode 0600)."""
        self.secrets_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.secrets_dir / name
        os.replace(write_pending(path, data), path)  # the temporary is created 0600
        return path

    def partner(self, partner_id: str) -> PartnerSettings:
        """The settings of a registered partner; an unknown id is an error naming the
        registered ones."""
        found = self.settings.partners.get(partner_id)
        if found is None:
            known = ", ".join(self.settings.partners) or "none yet"
            raise MigprofileError(f"{partner_id!r} is not a registered partner (registered: "
                                  f"{known}); add it with `migprofile partners add`.",
                                  path=self.settings_path)
        return found

    def secret(self, name: str, *, create: Callable[[], bytes]) -> Path:
        """The private file ``name`` (mode 0600), written by ``create`` the first time.

        Created exclusively, so two commands racing for it keep the first one's content.
        """
        self.secrets_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.secrets_dir / name
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(create())
        return path


def _files_key(folder: Path, pattern: str) -> tuple:
    """What changes when a file matching ``pattern`` in ``folder`` is added, changed or
    removed: each one's name, modification time and size."""
    if not folder.is_dir():
        return ()
    return tuple((path.name, stat.st_mtime_ns, stat.st_size)
                 for path in sorted(folder.glob(pattern)) for stat in [path.stat()])


def default_languages(iso3: str) -> list[str]:
    """English plus the country's own language where the report has it."""
    own = OWN_LANGUAGE.get(iso3)
    return ["en", own] if own else ["en"]


def render_settings(iso3: str, languages: list[str], edition: str) -> str:
    """The text of a new ``profile.toml``, commented so that an officer can edit it."""
    from migprofile.tomltext import Commented, toml_text  # tomlkit: only when writing

    report = ReportSettings()
    sources = Commented({
        name: {"kind": source.kind, "revision": source.revision}
        for name, source in DEFAULT_SOURCES.items()
    }, "International sources, read from the copies bundled with migprofile.\n"
       "Set `path` to use a file of your own (relative to this folder, with a sidecar\n"
       'NAME.meta.toml), or `revision = "2020"` to pin the UN DESA 2020 revision.')
    return toml_text({
        "profile": {"country": Commented(iso3, country(iso3).name()), "edition": edition,
                    "languages": languages},
        "sources": sources,
        "report": {"top_n": report.top_n, "stale_after_years": report.stale_after_years,
                   "disagreement_pct": report.disagreement_pct,
                   "break_factor": report.break_factor,
                   "narrative_sections": report.narrative_sections},
    }, header=["Migration Profile settings. Every setting is described in the README",
               "(section 'Profile settings'); `migprofile build DIR` reads this file."])


NARRATIVE_README = """\
# Narrative

Put the working group's own text here, one Markdown file per section and language:
`SECTION.LANG.md`, for example `emigration.vi.md` or `key_figures.en.md`. Sections:
key_figures, immigration, foreign_workers, emigration, labour_migration, students_abroad,
diaspora, remittances, forced_migration, returns, trafficking, support_centres,
mirror_statistics, governance, findings_recommendations, annex.
Migration governance has one text per sub-part: governance_laws,
governance_institutions, governance_agreements, governance_gcm. Findings and
recommendations has the sections of `[report] narrative_sections` in profile.toml:
findings, recommendations, data_recommendations.
A file is placed at the top of its section in the report of that language; sections
fed by national data appear only once their data are imported.
"""


def create_profile(iso3: str, root: Path | str, *, languages: list[str] | None = None,
                   edition: str | None = None) -> Profile:
    """Create a new profile folder for ``iso3`` wired to the bundled international sources."""
    root = Path(root)
    code = country(iso3).iso3
    if (root / PROFILE_FILE).exists():
        raise MigprofileError("a profile already exists here; choose another folder.", path=root)
    if root.exists() and not root.is_dir():
        raise MigprofileError("exists and is not a folder.", path=root)
    languages = languages or default_languages(code)
    edition = edition or str(dt.date.today().year)
    text = render_settings(code, languages, edition)
    _validated(tomllib.loads(text), root / PROFILE_FILE)  # refuse to write what we cannot read
    for sub in ("sources", "narrative"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "narrative" / "README.md").write_text(NARRATIVE_README, encoding="utf-8")
    (root / PROFILE_FILE).write_text(text, encoding="utf-8")
    return Profile.load(root)
