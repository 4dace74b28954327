"""Imported national files and their revisions: the profile folder is the record.

An accepted file is kept unchanged as ``sources/national/DATAFLOW/rN-NAME`` with a sidecar
``rN-STEM.meta.toml`` (:class:`NationalMeta`) saying who sent it, what it is, which sheet,
columns and labels were used, and its checksum. Each import of a dataflow is the next
revision; earlier ones stay. The build reads every revision back with the same code, so
deleting ``warehouse.duckdb`` loses nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from migprofile.codes import Dataflow
from migprofile.errors import Message, MigprofileError, ValidationFailed
from migprofile.profile import Profile
from migprofile.sources.national.labels import Mapping, read_mapping
from migprofile.sources.national.reader import NationalRead, read_national
from migprofile.sources.national.validation import write_validation_report
from migprofile.sources.registry import ResolvedSource, SourceKind
from migprofile.sources.revisions import (
    SetAside,
    finish_interrupted,
    keep_revision,
    kept_files,
    list_revisions,
    load_revision,
    set_aside,
)
from migprofile.sources.sidecar import SourceMeta, checked_sha256, file_sha256, sidecar_path

__all__ = [
    "ImportResult",
    "NationalMeta",
    "Provenance",
    "Revision",
    "import_national",
    "national_dataflow",
    "national_sources",
    "read_revision",
    "recover_national",
    "revisions",
]

NATIONAL_KIND = "national"
REVISION_FILE = re.compile(r"^r(\d+)-(.+)$")
SIDECAR_HEADER = ["Written by `migprofile import`; the file beside it must not be changed."]


class Provenance(BaseModel):
    """Who sent a file and how to cite it, as the officer states it at import."""

    model_config = ConfigDict(extra="forbid")

    provider: str = Field(description="The agency that sent the file.")
    title: str = ""
    licence: str = "not stated"
    url: str = ""
    citation: str = ""
    obtained: dt.date = Field(default_factory=dt.date.today)
    via: str = ""
    notes: str = ""


class NationalMeta(SourceMeta):
    """The sidecar of an imported national file: provenance plus how it was read."""

    kind: str = NATIONAL_KIND
    dataflow: str = Field(description="Dataflow id, e.g. LABOUR_DEPLOYMENTS.")
    file: str = Field(description="The file's name as the agency sent it.")
    sheet: str | None = Field(default=None, description="Sheet read, for a workbook.")
    imported_at: dt.datetime = Field(description="When the file was imported.")
    periods: list[str] = Field(default_factory=list, description="Years the file covers.")
    warnings_accepted: int = Field(default=0, description="Warnings accepted at import.")
    columns: dict[str, str] = Field(default_factory=dict,
                                    description="Each heading and what it held.")
    labels: dict[str, dict[str, str]] = Field(default_factory=dict,
                                              description="Each label and its code.")

    @property
    def mapping(self) -> Mapping:
        return Mapping(dataflow=self.dataflow, columns=self.columns, labels=self.labels)


@dataclass(frozen=True)
class Revision:
    """One imported file of a dataflow."""

    number: int
    path: Path
    meta: NationalMeta

    @property
    def name(self) -> str:
        return f"r{self.number}"


@dataclass
class ImportResult:
    """What an accepted import did."""

    revision: Revision
    read: NationalRead
    reports: list[Path]
    saved_mapping: Path | None


def national_dir(profile: Profile, dataflow_id: str | None = None) -> Path:
    folder = profile.sources_dir / "national"
    return folder / dataflow_id if dataflow_id else folder


def saved_mapping_path(profile: Profile, dataflow_id: str) -> Path:
    """Where the mapping of a dataflow's last import with --mapping is kept for the next."""
    return profile.root / "mappings" / f"{dataflow_id}.toml"


def national_dataflow(profile: Profile, dataflow_id: str) -> Dataflow:
    """A national dataflow, built in or declared in the profile's ``dataflows/``."""
    flows = profile.dataflows
    national = sorted(f for f, flow in flows.items() if flow.national)
    flow = flows.get(dataflow_id.upper())
    if flow is None or not flow.national:
        close = difflib.get_close_matches(dataflow_id.upper(), national, n=3)
        raise MigprofileError(Message(
            "{dataflow!r} is not a national dataflow.{hint} National dataflows: {national}.",
            dataflow=dataflow_id, national=", ".join(national),
            hint=Message(" Did you mean: {close}?", close=", ".join(close)) if close else ""))
    return flow


def _number(path: Path) -> int:
    match = REVISION_FILE.match(path.name)
    return int(match.group(1)) if match else 0


def revisions(profile: Profile, dataflow_id: str) -> list[Revision]:
    """The revisions of one dataflow, oldest first (an import a killed process left
    unfinished is completed or undone first)."""
    kept = list_revisions(national_dir(profile, dataflow_id), "r[0-9]*-*", NationalMeta,
                          root=profile.root, order=_number)
    return [Revision(_number(k.path), k.path, k.meta) for k in kept
            if REVISION_FILE.match(k.path.name)]


def recover_national(profile: Profile) -> list[SetAside]:
    """Set aside the national files without a sidecar (``migprofile recover``), each with
    the command that imports it again: the dataflow is its folder, the provider that of
    the dataflow's latest revision when there is one."""
    folder = national_dir(profile)
    finish_interrupted(folder, anyway=True)
    finish_interrupted(profile.root / "mappings", anyway=True)
    providers = {flow.name: _last_provider(flow) for flow in folder.iterdir()
                 if flow.is_dir()} if folder.is_dir() else {}

    def reimport(moved: Path) -> str:
        dataflow = moved.parent.name
        provider = providers.get(dataflow) or "AGENCY THAT SENT IT"
        return (f"migprofile import {shlex.quote(str(profile.root))} "
                f"{shlex.quote(str(moved))} --dataflow {dataflow} "
                f"--provider {shlex.quote(provider)}")

    return set_aside(profile.root, folder, reimport,
                     original_name=lambda name: REVISION_FILE.sub(r"\2", name))


def _last_provider(folder: Path) -> str | None:
    """The provider of the latest revision in a dataflow's folder that has its sidecar."""
    kept = [(number, path) for path in kept_files(folder, "r[0-9]*-*")
            if (number := _number(path)) and sidecar_path(path).is_file()]
    if not kept:
        return None
    return load_revision(max(kept)[1], NationalMeta, root=folder).meta.provider


def read_revision(profile: Profile, revision: Revision, dataflow: Dataflow) -> NationalRead:
    """Read an imported file again, as it was read at import; it must still pass."""
    read = read_national(revision.path, dataflow=dataflow, sheet=revision.meta.sheet,
                         mapping=revision.meta.mapping)
    if read.problems:
        raise ValidationFailed(read.problems, path=revision.path, headline=Message(
            "revision {revision} of {dataflow} no longer passes validation ({count} "
            "problem(s)); was the file or its sidecar edited?", revision=revision.name,
            dataflow=dataflow.id, count=len(read.problems)))
    return read


def national_sources(profile: Profile) -> list[ResolvedSource]:
    """Every revision of every national dataflow, as sources the build reads."""
    folder = national_dir(profile)
    if not folder.is_dir():
        return []
    sources = []
    for dataflow_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
        dataflow = national_dataflow(profile, dataflow_folder.name)
        for revision in revisions(profile, dataflow.id):
            sources.append(_resolved(profile, dataflow, revision))
    return sources


def _resolved(profile: Profile, dataflow: Dataflow, revision: Revision) -> ResolvedSource:
    sha256 = checked_sha256(revision.path, revision.meta, kept=True)

    def read(path: Path, meta: SourceMeta):
        import ibis

        observations = read_revision(profile, revision, dataflow).observations(
            country=profile.country, revision=revision.name)
        return ibis.memtable(observations)

    kind = SourceKind(dataflow.source_id, read)
    return ResolvedSource(f"national/{dataflow.id}/{revision.name}", kind, revision.path,
                          revision.meta, sha256, False,
                          display_path=str(revision.path.relative_to(profile.root)))


# importing ------------------------------------------------------------------------------

def import_national(profile: Profile, file: Path | str, *, dataflow_id: str,
                    provenance: Provenance, sheet: str | None = None,
                    mapping_file: Path | None = None,
                    accept_warnings: bool = False) -> ImportResult:
    """Validate an agency's file and, if it passes, keep it as the dataflow's next revision.

    Parameters
    ----------
    profile
        The profile to import into.
    file
        The CSV or XLSX file as the agency sent it.
    dataflow_id
        A national dataflow, e.g. ``LABOUR_DEPLOYMENTS``.
    provenance
        Who sent the file and how to cite it.
    sheet
        The sheet of a workbook to read; default every visible sheet with a table.
    mapping_file
        Extra column and label mappings (TOML); kept for the dataflow's next imports.
    accept_warnings
        Import even when there are warnings (hidden rows, years missing, ...).

    Raises
    ------
    ValidationFailed
        The file has problems (or warnings not accepted); nothing was written except the
        validation report in ``validation/``.
    MigprofileError
        The file or the arguments cannot be used.
    """
    file = Path(file)
    dataflow = national_dataflow(profile, dataflow_id)
    mapping = _mapping(profile, dataflow, mapping_file)
    earlier = revisions(profile, dataflow.id)
    read = read_national(file, dataflow=dataflow, sheet=sheet, mapping=mapping)
    _refuse_repeat(file, earlier)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    reports = _refuse_problems(profile, read, when, accept_warnings)
    number = max((r.number for r in earlier), default=0) + 1
    meta = _meta(file, read, provenance, number, when)
    target = national_dir(profile, dataflow.id) / f"r{number}-{file.name}"
    saved = saved_mapping_path(profile, dataflow.id) if mapping_file else None
    companions = [(saved, Path(mapping_file).read_bytes())] if saved and mapping_file else []
    kept = keep_revision(target, file.read_bytes(), meta, header=SIDECAR_HEADER,
                         companions=companions)
    return ImportResult(Revision(number, target, kept.meta), read, reports, saved)


def _mapping(profile: Profile, dataflow: Dataflow, mapping_file: Path | None) -> Mapping:
    saved = saved_mapping_path(profile, dataflow.id)
    mapping = read_mapping(saved) if saved.is_file() else Mapping()
    if mapping_file is not None:
        mapping = mapping.merged(read_mapping(Path(mapping_file)))
    if mapping.dataflow and mapping.dataflow != dataflow.id:
        raise MigprofileError(Message("the mapping is for {mapping}, not {dataflow}.",
                                      mapping=mapping.dataflow, dataflow=dataflow.id),
                              path=mapping_file or saved)
    return mapping


def _refuse_repeat(file: Path, earlier: list[Revision]) -> None:
    sha256 = file_sha256(file)
    for revision in earlier:
        if revision.meta.sha256 == sha256:
            raise MigprofileError(Message(
                "this file was already imported as revision {revision} ({name}); nothing "
                "was imported.", revision=revision.name, name=revision.path.name), path=file)


def _refuse_problems(profile: Profile, read: NationalRead, when: dt.datetime,
                     accept_warnings: bool) -> list[Path]:
    problems = read.problems + read.warnings
    if not problems:
        return []
    reports = write_validation_report(profile.validation_dir, read, problems,
                                      when=when)
    shown = [str(p.relative_to(profile.root)) for p in reports]
    footer = "Full report: " + ", ".join(shown)
    if read.problems:
        raise ValidationFailed(
            sorted(read.problems, key=lambda p: (p.row or 0, p.column or "")), path=read.path,
            footer=footer + ("\nFill in the mapping file and import again with --mapping."
                             if len(reports) > 2 else ""))
    if not accept_warnings:
        raise ValidationFailed(read.warnings, path=read.path, footer=footer, headline=(
            f"{len(read.warnings)} warning(s); nothing was imported. Check them, then import "
            "again with --accept-warnings to import the file anyway."))
    return reports


def _meta(file: Path, read: NationalRead, provenance: Provenance, number: int,
          when: dt.datetime) -> NationalMeta:
    title = provenance.title or f"{read.dataflow.names['en']} ({file.name})"
    return NationalMeta(
        title=title, provider=provenance.provider, licence=provenance.licence,
        url=provenance.url, citation=provenance.citation, revision=f"r{number}",
        obtained=provenance.obtained, via=provenance.via, notes=provenance.notes,
        dataflow=read.dataflow.id, file=file.name,
        sheet=read.sheet, imported_at=when, periods=read.periods,
        warnings_accepted=len(read.warnings), columns=read.columns,
        labels=read.labels_used())
