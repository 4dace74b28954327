"""Published editions: the outputs of one build, frozen, checksummed and signed.

``DIR/editions/EDITION/`` holds the reports, tables and figures the lead ministry published,
the narrative they were written with, and ``manifest.json``: every file with its sha256 and
size, the inputs (each source's kind, revision and sha256, the program version), when and
by whom. The manifest is signed with the profile's key (``manifest.json.sig``, base64), so
that anyone with the public key can tell the edition is the one published. An edition is
written to a staging folder and renamed into place whole; its files are read-only, and
nothing ever writes there again.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

import migprofile
from migprofile.build import RECONCILIATION_FILE, STAMP_FILE
from migprofile.errors import Message, MigprofileError
from migprofile.exchange.keys import KeyPair, announced_key_change, load_keys, verify
from migprofile.files import staging_directory
from migprofile.intake import resolve_sources
from migprofile.profile import Profile
from migprofile.sources.sidecar import file_sha256

__all__ = ["EDITIONS_FOLDER", "EditionManifest", "UnknownEdition", "Verification",
           "check_publishable", "edition_file", "edition_names", "edition_path", "narrative_files",
           "output_files", "publish_edition", "read_manifest", "verify_edition"]

EDITIONS_FOLDER = "editions"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.json.sig"
NARRATIVE_FOLDER = "narrative"
EDITION_NAME = re.compile(r"^(?!current$)[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
"""An edition's name: one folder name, never ``current`` (what a diff calls the outputs of
the last build)."""
READ_ONLY = 0o444
READABLE_FOLDER = 0o755


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EditionFile(_Model):
    path: str
    sha256: str
    size: int


class SourceInput(_Model):
    name: str
    kind: str
    revision: str
    sha256: str


class EditionManifest(_Model):
    """What ``manifest.json`` says about an edition."""

    edition: str
    country: str
    published_at: dt.datetime
    published_by: str
    program_version: str
    build_stamp: str
    sources: list[SourceInput]
    files: list[EditionFile]
    public_key: str
    fingerprint: str


def edition_path(profile: Profile, edition: str) -> Path:
    """The folder of an edition; a name that could leave ``editions/`` is refused."""
    if not EDITION_NAME.match(edition):
        raise MigprofileError(Message(
            "{edition!r} is not an edition name: use letters, digits, '.', '_' or '-' "
            "(at most 50), starting with a letter or digit, and not 'current'; e.g. 2026.",
            edition=edition))
    return profile.root / EDITIONS_FOLDER / edition


def edition_names(profile: Profile) -> list[str]:
    """The published editions, by name (a staging folder is not one)."""
    folder = profile.root / EDITIONS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and EDITION_NAME.match(p.name))


def output_files(profile: Profile) -> list[str]:
    """The outputs of ``out/`` an edition freezes: the report of every language, the
    tables, the figures and the reconciliation."""
    reports = [f"{language}/profile.{kind}" for language in profile.languages
               for kind in ("pdf", "html")]
    return [*reports, "tables.xlsx", "indicators.csv", RECONCILIATION_FILE]


def narrative_files(profile: Profile) -> list[Path]:
    """The working group's texts the report of the profile's languages is written with."""
    folder = profile.narrative_dir
    return sorted(path for language in profile.languages
                  for path in folder.glob(f"*.{language}.md") if path.is_file())


def _already_published(profile: Profile, edition: str) -> MigprofileError:
    return MigprofileError(Message(
        "edition {edition} is already published, and an edition never changes; publish "
        "the new outputs under another name (--edition).", edition=edition),
        path=profile.root / EDITIONS_FOLDER)


def check_publishable(profile: Profile, edition: str) -> KeyPair:
    """The key to sign ``edition`` with; refused when the profile has no key (the error
    says how to make one), or when the edition was already published."""
    keys = load_keys(profile)
    if edition_path(profile, edition).exists():
        raise _already_published(profile, edition)
    return keys


def _copy_read_only(source: Path, staging: Path, name: str) -> EditionFile:
    target = staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, READ_ONLY)
    return EditionFile(path=name, sha256=file_sha256(target), size=target.stat().st_size)


def _frozen_copies(profile: Profile, staging: Path) -> list[EditionFile]:
    """Copy the outputs and the narrative into ``staging``, read-only; out/ is only read."""
    wanted = [(profile.out_dir / name, name) for name in output_files(profile)]
    wanted += [(path, f"{NARRATIVE_FOLDER}/{path.name}") for path in narrative_files(profile)]
    missing = [name for source, name in wanted if not source.is_file()]
    if missing:
        raise MigprofileError(Message("the last build did not write {files}; build the "
                                      "profile again (`migprofile build DIR --force`).",
                                      files=", ".join(missing)), path=profile.out_dir)
    return [_copy_read_only(source, staging, name) for source, name in wanted]


def _build_stamp(profile: Profile) -> str:
    return json.loads((profile.out_dir / STAMP_FILE).read_text(encoding="utf-8"))["stamp"]


def publish_edition(profile: Profile, edition: str, *, by: str) -> EditionManifest:
    """Freeze the current outputs of ``out/`` as ``editions/EDITION/``, with the signed
    manifest; all or nothing, and never over an edition already published."""
    keys = check_publishable(profile, edition)
    final = edition_path(profile, edition)
    with staging_directory(final.parent) as staging:
        files = _frozen_copies(profile, staging)
        manifest = EditionManifest(
            edition=edition, country=profile.country,
            published_at=dt.datetime.now(dt.UTC), published_by=by,
            program_version=migprofile.__version__, build_stamp=_build_stamp(profile),
            sources=[SourceInput(name=s.name, kind=s.kind.kind, revision=s.meta.revision,
                                 sha256=s.sha256) for s in resolve_sources(profile)],
            files=files, public_key=keys.public_key, fingerprint=keys.fingerprint)
        text = (manifest.model_dump_json(indent=2) + "\n").encode("utf-8")
        signature = base64.b64encode(keys.sign(text)) + b"\n"
        for name, data in ((MANIFEST_FILE, text), (SIGNATURE_FILE, signature)):
            (staging / name).write_bytes(data)
            os.chmod(staging / name, READ_ONLY)
        os.chmod(staging, READABLE_FOLDER)  # a staging folder is private until then
        try:
            os.rename(staging, final)  # refused when another publication got there first
        except OSError as exc:
            raise _already_published(profile, edition) from exc
    return manifest


class UnknownEdition(LookupError, MigprofileError):
    """No edition of that name was published (not found, in the web app)."""


def read_manifest(profile: Profile, edition: str) -> EditionManifest:
    """An edition's manifest; an unknown edition or an unreadable manifest is an error."""
    path = edition_path(profile, edition) / MANIFEST_FILE
    if not path.parent.is_dir():
        known = ", ".join(edition_names(profile)) or "none yet"
        raise UnknownEdition(Message("no edition {edition} was published (published: "
                                     "{known}).", edition=edition, known=known))
    try:
        return EditionManifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise MigprofileError(Message("the manifest of edition {edition} cannot be read.",
                                      edition=edition), path=path) from exc


def edition_file(profile: Profile, edition: str, name: str) -> Path:
    """A file of an edition, by its name in the manifest (or the manifest and its
    signature): nothing else is ever reached, whatever ``name`` holds."""
    listed = {entry.path for entry in read_manifest(profile, edition).files}
    if name not in listed | {MANIFEST_FILE, SIGNATURE_FILE}:
        raise LookupError(f"edition {edition} has no file {name!r}")
    path = edition_path(profile, edition) / name
    if not path.is_file():
        raise LookupError(f"the file {name!r} of edition {edition} is missing")
    return path


@dataclass(frozen=True)
class Verification:
    """An edition checked against its manifest and signature."""

    edition: str
    manifest: EditionManifest | None
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    signature: str = "valid"
    """valid; invalid; missing; or unknown key (valid, but not by a key of the profile)."""

    @property
    def ok(self) -> bool:
        return (self.manifest is not None and self.signature == "valid"
                and not (self.changed or self.added or self.missing))

    def problems(self) -> list[str]:
        """What is wrong, one line each."""
        if self.manifest is None:
            return [f"{MANIFEST_FILE} is missing or cannot be read"]
        lines = [f"{what} since publication: {name}" for what, names in
                 (("changed", self.changed), ("added", self.added),
                  ("missing", self.missing)) for name in names]
        if self.signature == "unknown key":
            lines.append(f"signed by key {self.manifest.fingerprint}, which is not the "
                         "profile's signing key")
        elif self.signature != "valid":
            lines.append(f"the signature of {MANIFEST_FILE} is {self.signature}")
        return lines


def _files_on_disk(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")
            if path.is_file()} - {MANIFEST_FILE, SIGNATURE_FILE}


def _signature(profile: Profile, folder: Path, manifest: EditionManifest) -> str:
    path = folder / SIGNATURE_FILE
    if not path.is_file():
        return "missing"
    try:
        signature = base64.b64decode(path.read_bytes().strip(), validate=True)
    except (binascii.Error, ValueError):
        return "invalid"
    if not verify(manifest.public_key, (folder / MANIFEST_FILE).read_bytes(), signature):
        return "invalid"
    return "valid" if manifest.fingerprint in _profile_fingerprints(profile) else "unknown key"


def _profile_fingerprints(profile: Profile) -> set[str]:
    """The profile's key, and the key it replaced when it was last rotated."""
    try:
        keys = load_keys(profile)
    except MigprofileError:
        return set()
    change = announced_key_change(profile, keys)
    return {keys.fingerprint} | ({change.previous_fingerprint} if change else set())


def verify_edition(profile: Profile, edition: str) -> Verification:
    """Check every file of an edition against its manifest, and the manifest against its
    signature; names every file changed, added or missing."""
    folder = edition_path(profile, edition)
    try:
        manifest = read_manifest(profile, edition)
    except MigprofileError:
        return Verification(edition, None)
    listed = {entry.path: entry for entry in manifest.files}
    present = _files_on_disk(folder)
    changed = [name for name, entry in listed.items() if name in present
               and ((folder / name).stat().st_size != entry.size
                    or file_sha256(folder / name) != entry.sha256)]
    return Verification(edition, manifest, changed=changed,
                        added=sorted(present - set(listed)),
                        missing=[name for name in listed if name not in present],
                        signature=_signature(profile, folder, manifest))
