"""Importing a partner's package: verify everything, then keep it as the record.

A package is accepted only when the zip is plain (see ``package``), its manifest is signed
by the registered key of its sender (or by a new key that the registered key announced in
the manifest, which is then registered in its place), the key has not expired and was not
revoked, this profile's agency is its receiver, every file is the one the manifest names
(no more, no fewer, same sha256, checked before any of them is parsed), the structure
message is valid SDMX-ML 2.1, every observation fits the dataflow's structure (codes in
codelists, every dimension given, numeric values), and the SDMX-CSV copy of each dataflow
holds the same observations as its SDMX-ML copy. Only then is it written: unchanged, as
``sources/partners/PARTNER/PACKAGE_ID.zip`` with a sidecar ``PACKAGE_ID.meta.toml``. The
build reads it again through the same checks, against the key it was accepted with, and
stores its observations with ``source`` naming the partner and ``revision`` the package.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import ibis
import pyarrow as pa
import sdmx
from pydantic import Field

from migprofile.codes import Dataflow, codelist
from migprofile.errors import Message, MigprofileError
from migprofile.exchange.export import require_agency
from migprofile.exchange.keys import KeyChange, verify
from migprofile.exchange.package import (
    LIMITS,
    MANIFEST,
    SIGNATURE,
    STRUCTURE,
    Manifest,
    data_files,
    expected_files,
    parse_manifest,
    read_zip,
    sha256,
)
from migprofile.exchange.partners import key_refusal, public_key_fingerprint, register_key_change
from migprofile.exchange.schemas import dataset_schema, schema_problems, validate_structure_message
from migprofile.exchange.sdmx_csv import read_csv
from migprofile.exchange.sdmx_ml import Observation, key_of, read_data, sdmx_value, withheld
from migprofile.exchange.structure import DataflowStructure, structure_message
from migprofile.profile import PartnerSettings, Profile
from migprofile.sources.canonical import OBSERVATION_SCHEMA
from migprofile.sources.partners import partner_kind
from migprofile.sources.registry import ResolvedSource, SourceKind
from migprofile.sources.revisions import (
    KeptRevision,
    SetAside,
    finish_interrupted,
    keep_revision,
    list_revisions,
    set_aside,
)
from migprofile.sources.sidecar import SourceMeta, file_sha256, sidecar_path

__all__ = [
    "ImportedPackage",
    "PartnerMeta",
    "VerifiedPackage",
    "import_package",
    "partner_sources",
    "recover_packages",
    "verify_package",
]

PARTNERS_FOLDER = "partners"
SIDECAR_HEADER = ["Written by `migprofile exchange import`; the package beside it must not be "
                  "changed."]


class PartnerMeta(SourceMeta):
    """The sidecar of an accepted package."""

    kind: str = "partner"
    partner: str = Field(description="The sender's agency id.")
    partner_country: str
    package_id: str
    created: dt.datetime
    imported_at: dt.datetime
    dataflows: list[str]
    periods: list[str]
    withheld: int = Field(description="Cells the sender withheld (not loaded).")
    public_key: str = Field(description="The key the package was verified with.")
    fingerprint: str


@dataclass
class VerifiedPackage:
    """A package whose signature, receiver, files and data all passed."""

    manifest: Manifest
    observations: dict[str, list[Observation]]
    public_key: str
    """The sender's key that signed it."""
    new_key: KeyChange | None = None
    """A new key of the sender, announced by its registered key, that signed it."""

    @property
    def withheld(self) -> int:
        return sum(1 for rows in self.observations.values() for r in rows
                   if withheld(r["value"]))


@dataclass
class ImportedPackage:
    """What an import did; ``already`` when the same package was imported before."""

    path: Path
    verified: VerifiedPackage
    already: bool


def _refused(file: Path | str, reason: Message) -> MigprofileError:
    return MigprofileError(Message("package refused: {reason} Nothing was imported.",
                                   reason=reason), path=file)


def _signature(file: Path | str, files: Mapping[str, bytes]) -> bytes:
    raw = files.get(SIGNATURE)
    if raw is None:
        raise _refused(file, Message("it is not signed (no {signature}).",
                                     signature=SIGNATURE))
    try:
        return base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _refused(file, Message("{signature} is not a signature.",
                                     signature=SIGNATURE)) from exc


def _not_matching(file: Path | str) -> MigprofileError:
    return _refused(file, Message(
        "the signature does not match the sender's registered key: the manifest was "
        "changed after signing, or someone else signed it."))


def _signing_key(file: Path | str, files: Mapping[str, bytes], manifest: Manifest,
                 partner: PartnerSettings, today: dt.date) -> tuple[str, KeyChange | None]:
    """The partner's key that signed the manifest, and the new key it announces if that
    is the one: the registered key, or a new key the registered key announced. A package
    signed with a revoked, retired or expired key is refused, saying so."""
    signed, manifest_bytes = _signature(file, files), files[MANIFEST]
    sender, created = manifest.sender.agency, manifest.created.date()
    change = manifest.key_change
    candidates = [partner.public_key, *(r.public_key for r in partner.revoked_keys),
                  *(r.public_key for r in partner.retired_keys)]
    if change is not None and change.public_key != partner.public_key:
        candidates.append(change.public_key)
    key = next((k for k in candidates if k and _verifies(k, manifest_bytes, signed)), None)
    if key is None:
        raise _not_matching(file)
    announced = (change if change is not None and key == change.public_key != partner.public_key
                 else None)
    if key != partner.public_key and announced is None:
        # an old key of the partner: refused by key_refusal with the day it was dropped
        reason = key_refusal(sender, partner, key, signed=created, today=today)
        raise _refused(file, reason) if reason else _not_matching(file)
    if announced is not None and (announced.agency != sender
                                  or not announced.announced_by(partner.public_key)):
        raise _refused(file, Message(
            "it is signed with a new key of {sender} that the key registered for it did "
            "not announce; check the new key's fingerprint with the partner and register "
            "it with `migprofile partners add --replace`.", sender=sender))
    # the announcing key must itself still be good: not revoked, not expired
    reason = key_refusal(sender, partner, partner.public_key, signed=created, today=today)
    if reason is not None:
        raise _refused(file, reason)
    return key, announced


def _verifies(public_key: str, data: bytes, signature: bytes) -> bool:
    try:
        return verify(public_key, data, signature)
    except MigprofileError:
        return False


def _check_files(file: Path | str, files: Mapping[str, bytes], manifest: Manifest) -> None:
    """Exactly the files the manifest names, each with the manifest's sha256: checked
    before anything but the manifest and its signature is parsed."""
    ids = [entry.id for entry in manifest.dataflows]
    if len(set(ids)) != len(ids):
        raise _refused(file, Message("its manifest lists a dataflow twice."))
    wanted = expected_files(manifest)
    unknown = sorted(set(manifest.files) - (wanted - {MANIFEST, SIGNATURE}))
    if unknown:
        raise _refused(file, Message("its manifest gives checksums of files a package "
                                     "cannot hold: {files}.", files=", ".join(unknown)))
    extra, missing = sorted(set(files) - wanted), sorted(wanted - set(files))
    if extra:
        raise _refused(file, Message("it holds file(s) its manifest does not list: {files}.",
                                     files=", ".join(extra)))
    if missing:
        raise _refused(file, Message("file(s) missing: {files}.", files=", ".join(missing)))
    unlisted = sorted(wanted - {MANIFEST, SIGNATURE} - set(manifest.files))
    if unlisted:
        raise _refused(file, Message("the manifest gives no checksum for {files}.",
                                     files=", ".join(unlisted)))
    for name, digest in manifest.files.items():
        if sha256(files[name]) != digest:
            raise _refused(file, Message("{name} was changed after the package was signed "
                                         "(its sha256 differs from the manifest's).",
                                         name=name))


def _structures(file: Path | str, files: Mapping[str, bytes], manifest: Manifest,
                flows: Mapping[str, Dataflow]) -> dict[str, DataflowStructure]:
    """Our structures of the package's dataflows, once its structure message is valid and
    describes them as we do."""
    problems = validate_structure_message(files[STRUCTURE])
    if problems:
        raise _refused(file, Message("{structure} is not valid SDMX-ML 2.1: {problems}.",
                                     structure=STRUCTURE, problems="; ".join(problems)))
    theirs = sdmx.read_sdmx(io.BytesIO(files[STRUCTURE]))
    unknown = [e.id for e in manifest.dataflows if e.id not in flows]
    if unknown:
        raise _refused(file, Message("this profile does not know the dataflow(s) "
                                     "{dataflows}.", dataflows=", ".join(unknown)))
    used = {entry.id: _open_codes(theirs, flows[entry.id]) for entry in manifest.dataflows}
    _, ours = structure_message([flows[e.id] for e in manifest.dataflows], languages=["en"],
                                used=used, header=sdmx.message.Header())
    for entry in manifest.dataflows:
        dsd = theirs.structure.get(ours[entry.id].dsd.id)
        mine = [d.id for d in ours[entry.id].dsd.dimensions.components]
        given = [d.id for d in dsd.dimensions.components] if dsd is not None else []
        if given != mine:
            raise _refused(file, Message("its structure of {dataflow} has the dimensions "
                                         "{given}, not {ours}.", dataflow=entry.id,
                                         given=str(given or "none"), ours=str(mine)))
    return ours


def _open_codes(theirs, flow: Dataflow) -> dict[str, list[str]]:
    """Codes the sender lists for the open codelists (provinces, say) of a dataflow."""
    used = {}
    for dimension in flow.extra_dimensions:
        found = codelist(dimension.codelist, flow)
        if found.open and found.id in theirs.codelist:
            used[dimension.id] = [code.id for code in theirs.codelist[found.id]]
    return used


def _by_key(file: Path | str, name: str, structure: DataflowStructure,
            rows: list[Observation]) -> dict[tuple, Observation]:
    """The observations of one copy by their SDMX key; a key given twice is refused."""
    found: dict[tuple, Observation] = {}
    for row in rows:
        key = key_of(structure, row)
        if key in found:
            raise _refused(file, Message("{name} gives the observation {key} twice.",
                                         name=name, key=_key_text(key)))
        found[key] = row
    return found


def _key_text(key: tuple) -> str:
    return ", ".join(f"{dimension}={code}" for dimension, code in key)


def _shown_value(row: Observation | None) -> Message:
    if row is None:
        return Message("no such observation")
    if withheld(row["value"]):
        return Message("a withheld value ({unit}, status {status})", unit=row["unit"],
                       status=row["obs_status"])
    return Message("{value} ({unit}, status {status})", value=sdmx_value(row["value"]),
                   unit=row["unit"], status=row["obs_status"])


def _same(first: Observation | None, second: Observation | None) -> bool:
    if first is None or second is None:
        return first is second
    both_withheld = withheld(first["value"]) and withheld(second["value"])
    return ((both_withheld or first["value"] == second["value"])
            and first["unit"] == second["unit"] and first["obs_status"] == second["obs_status"])


def _check_copies_agree(file: Path | str, entry_id: str, structure: DataflowStructure,
                        files: Mapping[str, bytes], xml_rows: list[Observation]) -> None:
    """The SDMX-CSV copy of a dataflow holds the same observations as its SDMX-ML copy:
    the same keys, values, units and statuses, compared as values, not as text."""
    xml_name, csv_name = data_files(entry_id)
    try:
        csv_rows = read_csv(files[csv_name], structure)
    except ValueError as exc:
        raise _refused(file, Message("{name} is not SDMX-CSV of {dataflow}: {problem}",
                                     name=csv_name, dataflow=entry_id,
                                     problem=exc.args[0])) from exc
    ours = _by_key(file, xml_name, structure, xml_rows)
    theirs = _by_key(file, csv_name, structure, csv_rows)
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        if not _same(ours.get(key), theirs.get(key)):
            raise _refused(file, Message(
                "{csv} disagrees with {xml}: at {key}, {xml} has {xml_value} and {csv} has "
                "{csv_value}.", csv=csv_name, xml=xml_name, key=_key_text(key),
                xml_value=_shown_value(ours.get(key)), csv_value=_shown_value(theirs.get(key))))


def _observations(file: Path | str, files: Mapping[str, bytes], manifest: Manifest,
                  structures: Mapping[str, DataflowStructure]) -> dict[str, list[Observation]]:
    found = {}
    for entry in manifest.dataflows:
        xml_name, _ = data_files(entry.id)
        structure = structures[entry.id]
        problems = schema_problems(dataset_schema(structure), files[xml_name])
        if problems:
            raise _refused(file, Message("{name} does not fit the structure of "
                                         "{dataflow}: {problems}.", name=xml_name,
                                         dataflow=entry.id, problems="; ".join(problems)))
        rows = list(read_data(files[xml_name], structure))
        if len(rows) != entry.observations:
            raise _refused(file, Message("{name} holds {count} observations, the manifest "
                                         "says {expected}.", name=xml_name, count=len(rows),
                                         expected=entry.observations))
        _check_copies_agree(file, entry.id, structure, files, rows)
        found[entry.id] = rows
    return found


def verify_package(data: bytes, *, profile: Profile, file: Path | str,
                   public_key: str | None = None, as_of: dt.date | None = None,
                   check_receiver: bool = True) -> VerifiedPackage:
    """Check a package completely, in memory; raise :class:`MigprofileError` if it fails.

    Parameters
    ----------
    data
        The zip's bytes.
    profile
        The receiving profile: its agency, partners and dataflows.
    file
        The package's name, for messages.
    public_key
        Verify with this key instead of the sender's registered one (the build re-reads
        accepted packages with the key they were accepted with; refused if that key has
        been revoked since).
    as_of
        The day the sender's key must still be valid on (default: today); the package
        must also have been made by its ``valid_until``.
    check_receiver
        Whether this profile's agency must be the receiver.
    """
    files = read_zip(data, limits=LIMITS)
    manifest = parse_manifest(files)
    sender = manifest.sender.agency
    partner = profile.settings.partners.get(sender)
    new_key = None
    if public_key is None:
        if partner is None:
            raise _refused(file, Message(
                "its sender {sender} is not a registered partner; register it with "
                "`migprofile partners add` (after checking its key's fingerprint with the "
                "sender).", sender=sender))
        public_key, new_key = _signing_key(file, files, manifest, partner,
                                           as_of or dt.date.today())
    else:
        if not _verifies(public_key, files[MANIFEST], _signature(file, files)):
            raise _not_matching(file)
        revoked = partner and next((r for r in partner.revoked_keys
                                    if r.public_key == public_key), None)
        if revoked:
            raise _refused(file, Message("it is signed with a key of {partner} revoked on "
                                         "{date}; remove it from the profile.",
                                         partner=sender, date=revoked.on.isoformat()))
    if check_receiver:
        agency = require_agency(profile)
        if manifest.receiver.agency != agency.id:
            raise _refused(file, Message("it is addressed to {receiver}, not to this "
                                         "profile's agency {agency}.",
                                         receiver=manifest.receiver.agency, agency=agency.id))
    _check_files(file, files, manifest)
    flows = profile.dataflows
    structures = _structures(file, files, manifest, flows)
    return VerifiedPackage(manifest, _observations(file, files, manifest, structures),
                           public_key, new_key)


def _package_path(profile: Profile, manifest: Manifest) -> Path:
    return (profile.sources_dir / PARTNERS_FOLDER / manifest.sender.agency
            / f"{manifest.package_id}.zip")


def _meta(verified: VerifiedPackage, *, public_key: str, provider: str) -> PartnerMeta:
    manifest = verified.manifest
    flows = [e.id for e in manifest.dataflows]
    periods = sorted({p for e in manifest.dataflows for p in e.periods})
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return PartnerMeta(
        title=f"Exchange package {manifest.package_id}: {', '.join(flows)}",
        provider=provider, licence="exchanged under the partners' agreement",
        revision=manifest.package_id, obtained=now.date(), via="migprofile exchange",
        partner=manifest.sender.agency, partner_country=manifest.sender.country,
        package_id=manifest.package_id, created=manifest.created, imported_at=now,
        dataflows=flows, periods=periods, withheld=verified.withheld, public_key=public_key,
        fingerprint=public_key_fingerprint(public_key))


def import_package(profile: Profile, file: Path | str) -> ImportedPackage:
    """Verify a partner's package and keep it in the profile as the record of its data.

    Raises
    ------
    MigprofileError
        The package is refused; the reason says which check failed. Nothing is written.
    """
    file = Path(file)
    if not file.is_file():
        raise MigprofileError(Message("no such file."), path=file)
    if file.stat().st_size > LIMITS.package_bytes:
        raise _refused(file, Message("it is larger than {limit:,} bytes.",
                                     limit=LIMITS.package_bytes))
    data = file.read_bytes()
    verified = verify_package(data, profile=profile, file=file)
    sender = verified.manifest.sender
    if verified.new_key is not None:
        register_key_change(profile, sender.agency, verified.new_key)
    target = _package_path(profile, verified.manifest)
    finish_interrupted(target.parent)
    if target.is_file() and sidecar_path(target).is_file():
        if file_sha256(target) != sha256(data):
            raise _refused(file, Message("a different package with the id {package} was "
                                         "imported before.",
                                         package=verified.manifest.package_id))
        return ImportedPackage(target, verified, True)
    partner = profile.settings.partners[sender.agency]
    meta = _meta(verified, public_key=verified.public_key,
                 provider=partner.name or sender.name or sender.agency)
    keep_revision(target, data, meta, header=SIDECAR_HEADER)
    return ImportedPackage(target, verified, False)


# reading accepted packages at build ---------------------------------------------------

def _canonical(verified: VerifiedPackage, *, kind: str) -> list[dict]:
    """The published observations (withheld cells are not loaded), canonical columns."""
    rows = []
    for flow_id, observations in verified.observations.items():
        for row in observations:
            if withheld(row["value"]):
                continue
            rows.append({"dataflow": flow_id, **row, "source": kind,
                         "revision": verified.manifest.package_id, "source_row": None})
    return rows


def _resolved(profile: Profile, kept: KeptRevision[PartnerMeta]) -> ResolvedSource:
    path, meta, sha = kept.path, kept.meta, kept.checked_sha256()
    kind = partner_kind(meta.partner)

    def read(package: Path, _: SourceMeta):
        verified = verify_package(package.read_bytes(), profile=profile, file=package,
                                  public_key=meta.public_key, check_receiver=False)
        rows = _canonical(verified, kind=kind)
        return ibis.memtable(pa.Table.from_pylist(rows, schema=OBSERVATION_SCHEMA.to_pyarrow()))

    return ResolvedSource(f"partners/{meta.partner}/{meta.package_id}", SourceKind(kind, read),
                          path, meta, sha, False,
                          display_path=str(path.relative_to(profile.root)))


def partner_sources(profile: Profile) -> list[ResolvedSource]:
    """Every accepted package of every partner, as sources the build reads."""
    folder = profile.sources_dir / PARTNERS_FOLDER
    return [_resolved(profile, kept) for kept in list_revisions(
        folder, "*/*.zip", PartnerMeta, root=profile.root, order=_sender_then_name)]


def _sender_then_name(path: Path) -> tuple[str, str]:
    """A partner's packages in the order they were made (their ids start with the time)."""
    return path.parent.name, path.name


def recover_packages(profile: Profile) -> list[SetAside]:
    """Set aside the packages without a sidecar (``migprofile recover``), each with the
    command that imports it again (a package carries everything its import needs)."""
    folder = profile.sources_dir / PARTNERS_FOLDER
    finish_interrupted(folder, anyway=True)
    return set_aside(profile.root, folder, lambda moved: (
        f"migprofile exchange import {shlex.quote(str(profile.root))} "
        f"{shlex.quote(str(moved))}"))
