"""The web app's actions, shared by pages and API: each checks what the account may do,
calls the project's function through :class:`ProfileService`, and writes the audit log."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from migprofile.errors import Message, MigprofileError, ValidationFailed
from migprofile.state import audit
from migprofile.state.db import Agency, Package, Upload
from migprofile.web.auth import Actor, Forbidden
from migprofile.web.service import ProfileService
from migprofile.web.settings import WebSettings
from migprofile.web.templating import error_text

__all__ = ["DATA_TYPES", "PACKAGE_TYPES", "Context", "TooLarge", "export_package",
           "import_upload", "issue_access_token", "publish_edition", "receive_package",
           "revoke_access_tokens", "visible_packages"]

DATA_TYPES = {".csv": None, ".xlsx": None}
"""File types an agency may upload, with the bytes such a file starts with (none for a
workbook: the importer says what a file that is not one is, password-protected, .xls...)."""
PACKAGE_TYPES = {".zip": b"PK\x03\x04"}
MAPPING_TYPES = {".toml": None}
"""An officer's mapping file, as ``migprofile import --mapping`` takes it."""
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class TooLarge(MigprofileError):
    """The upload is larger than the app accepts (413)."""


@dataclass
class Context:
    """Everything an action needs: the database, the profile, the settings, the actor."""

    db: Session
    service: ProfileService
    settings: WebSettings
    actor: Actor

    def audit(self, action: str, target: str = "", *, outcome: str = "ok",
              detail: str = "") -> None:
        audit.record(self.db, actor=self.actor.email, action=action, target=target,
                     outcome=outcome, detail=detail, address=self.actor.address)


def _uploaded_name(name: str | None) -> str:
    """The file's name as the user's computer gave it, without any folder."""
    return Path((name or "upload").replace("\\", "/")).name or "upload"


def _safe_name(name: str | None) -> str:
    return SAFE_NAME.sub("_", _uploaded_name(name)).strip("._") or "upload"


def save_upload(ctx: Context, upload: UploadFile, *, kinds: dict[str, bytes | None],
                folder: str) -> Path:
    """Copy an uploaded file into the web folder, refusing other types and large files."""
    name = _safe_name(upload.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in kinds:
        raise MigprofileError(Message(
            "{name}: a {kinds} file is expected, not {suffix}.", name=_uploaded_name(
                upload.filename), kinds=", ".join(sorted(kinds)),
            suffix=suffix or Message("a file without extension")))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = ctx.settings.state_dir / folder / f"{stamp}-{secrets.token_hex(4)}" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    limit = ctx.settings.max_upload_bytes
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(2**20):
            written += len(chunk)
            if written > limit:
                out.close()
                shutil.rmtree(target.parent, ignore_errors=True)
                raise TooLarge(Message("{name} is larger than {size} MB, the most the app "
                                       "accepts.", name=_uploaded_name(upload.filename),
                                       size=limit // 2**20))
            out.write(chunk)
    magic = kinds[suffix]
    if magic is not None and target.read_bytes()[:len(magic)] != magic:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise MigprofileError(Message("{name} is not a {suffix} file (its content says "
                                      "otherwise).", name=_uploaded_name(upload.filename),
                                      suffix=suffix))
    return target


def import_upload(ctx: Context, upload: UploadFile, *, dataflow: str,
                  accept_warnings: bool, citation: str = "",
                  mapping: UploadFile | None = None) -> Upload:
    """Validate and import an agency's file (``migprofile import``), with the officer's
    mapping file if one came with it (a form's empty file field has no name); the record
    says how it went, with every problem when it was refused."""
    flow = ctx.service.national_dataflow(dataflow)
    if not ctx.actor.may_write(ctx.db, flow.id):
        ctx.audit("upload", flow.id, outcome="refused", detail="dataflow of another agency")
        ctx.db.commit()
        raise Forbidden(f"Your agency does not send {flow.id}; ask an admin.")
    path = save_upload(ctx, upload, kinds=DATA_TYPES, folder="uploads")
    mapping_file = (save_upload(ctx, mapping, kinds=MAPPING_TYPES, folder="uploads")
                    if mapping is not None and mapping.filename else None)
    record = Upload(user_id=ctx.actor.user.id, dataflow=flow.id,
                    filename=_uploaded_name(upload.filename), problems=[], message="")
    ctx.audit("upload", f"{flow.id}/{path.name}")
    try:
        result = ctx.service.import_file(path, dataflow=flow.id, provider=_provider(ctx),
                                         accept_warnings=accept_warnings, citation=citation,
                                         mapping_file=mapping_file)
    except ValidationFailed as exc:
        record.status, record.message = "refused", str(exc.message).splitlines()[0]
        record.problems = [_problem(p) for p in exc.problems]
        ctx.audit("import", f"{flow.id}/{path.name}", outcome="refused",
                  detail=f"{len(exc.problems)} problem(s)")
    except MigprofileError as exc:
        record.status, record.message = "unusable", str(exc.message)
        record.error = exc  # for the page's language; not stored
        ctx.audit("import", f"{flow.id}/{path.name}", outcome="refused",
                  detail=error_text(exc, "en"))
    else:
        record.status, record.revision = "imported", result.revision.name
        record.message = (f"{len(result.read.records)} figure(s) for "
                          f"{', '.join(result.read.periods)}")
        record.problems = [_problem(p) for p in result.read.warnings]
        ctx.audit("import", f"{flow.id}/{result.revision.name}", detail=path.name)
    ctx.db.add(record)
    ctx.db.commit()
    return record


def _provider(ctx: Context) -> str:
    agency = ctx.db.get(Agency, ctx.actor.user.agency) if ctx.actor.user.agency else None
    return agency.name if agency else f"uploaded by {ctx.actor.email}"


def _problem(problem) -> dict:
    """A problem as the record keeps it: its English message, and its template and values
    to show it in any language."""
    message = problem.message
    return {"severity": problem.severity, "sheet": problem.sheet, "row": problem.row,
            "column": problem.column, "value": problem.value, "rule": problem.rule,
            "message": str(message),
            "template": message.to_json() if isinstance(message, Message) else None}


def export_package(ctx: Context, *, to: str, dataflows: list[str],
                   period: str | None) -> Package:
    """Write a signed package for a partner into its outbox (``migprofile exchange
    export``), where its server collects it."""
    try:
        result = ctx.service.export(to=to, dataflows=dataflows, period=period or None)
    except MigprofileError as exc:
        ctx.audit("export", to, outcome="refused", detail=error_text(exc, "en"))
        ctx.db.commit()
        raise
    manifest = result.manifest
    summary = ", ".join(f"{e.id} ({e.observations})" for e in manifest.dataflows)
    package = Package(direction="out", partner=to, package_id=manifest.package_id,
                      path=str(result.path.relative_to(ctx.settings.profile_dir)),
                      user_id=ctx.actor.user.id, summary=summary)
    ctx.db.add(package)
    ctx.audit("export", to, detail=f"{manifest.package_id}: {summary}")
    ctx.db.commit()
    return package


def publish_edition(ctx: Context, edition: str):
    """Publish an edition (``migprofile publish``), in the admin's name; the manifest."""
    try:
        published = ctx.service.publish(edition=edition, by=ctx.actor.email)
    except MigprofileError as exc:
        ctx.audit("publish", edition, outcome="refused", detail=error_text(exc, "en"))
        ctx.db.commit()
        raise
    manifest = published.manifest
    ctx.audit("publish", manifest.edition, detail=f"{len(manifest.files)} files, key "
                                                   f"{manifest.fingerprint}")
    ctx.db.commit()
    return manifest


def receive_package(ctx: Context, upload: UploadFile) -> tuple[Package | None, str]:
    """Verify and import a partner's package (``migprofile exchange import``). A partner
    may send only its own packages. Returns the record and a message."""
    path = save_upload(ctx, upload, kinds=PACKAGE_TYPES, folder="inbox")
    try:
        sender = ctx.service.package_sender(path)
        if ctx.actor.role == "partner" and sender != ctx.actor.user.agency:
            raise Forbidden(f"This package was made by {sender}, not by your agency.")
        result = ctx.service.import_package(path)
    except (MigprofileError, Forbidden) as exc:
        ctx.audit("package_import", path.name, outcome="refused", detail=error_text(exc, "en"))
        ctx.db.commit()
        raise
    manifest = result.verified.manifest
    if result.already:
        ctx.audit("package_import", manifest.package_id, outcome="repeat")
        ctx.db.commit()
        return None, f"Package {manifest.package_id} was already imported; nothing to do."
    summary = ", ".join(f"{e.id} ({e.observations})" for e in manifest.dataflows)
    package = Package(direction="in", partner=manifest.sender.agency,
                      package_id=manifest.package_id,
                      path=str(result.path.relative_to(ctx.settings.profile_dir)),
                      user_id=ctx.actor.user.id, summary=summary)
    ctx.db.add(package)
    ctx.audit("package_import", manifest.package_id,
              detail=f"from {manifest.sender.agency}: {summary}")
    change = result.verified.new_key
    if change is not None:
        ctx.audit("partner_key", manifest.sender.agency,
                  detail=f"new key {change.fingerprint} announced in {manifest.package_id}; "
                         f"retired {change.previous_fingerprint}")
    ctx.db.commit()
    return package, f"Imported package {manifest.package_id} from {manifest.sender.agency}."


def visible_packages(ctx: Context) -> list[Package]:
    """Every package for readers; a partner's own only, for a partner."""
    query = select(Package).order_by(Package.id.desc())
    if ctx.actor.role == "partner":
        query = query.where(Package.partner == (ctx.actor.user.agency or ""))
    return list(ctx.db.scalars(query))


def account(ctx: Context, user_id: int):
    """An account by id; an unknown id is not found (404)."""
    from migprofile.state.db import User

    user = ctx.db.get(User, user_id)
    if user is None:
        raise LookupError(f"no account {user_id}")
    return user


def package_file(ctx: Context, package_id: int) -> Package:
    package = ctx.db.get(Package, package_id)
    if package is None or not ctx.actor.may_see_partner(package.partner):
        raise LookupError(f"no package {package_id}")
    return package


def issue_access_token(ctx: Context, partner: str) -> str:
    """A new access token for a partner's server (``migprofile partners token``); the
    caller shows it once. Only its id goes to the audit log."""
    from migprofile.operations import issue_partner_token

    issued = issue_partner_token(ctx.service.profile, partner)
    ctx.audit("token_issue", partner, detail=f"token {issued.record.id}")
    ctx.db.commit()
    return issued.token


def revoke_access_tokens(ctx: Context, partner: str, token_id: str | None = None) -> int:
    """Revoke a partner's active tokens, or one of them (``--revoke``); how many."""
    from migprofile.operations import revoke_partner_tokens

    count = revoke_partner_tokens(ctx.service.profile, partner, token_id)
    ctx.audit("token_revoke", partner, detail=f"token {token_id}" if token_id else "all",
              outcome="ok" if count else "none")
    ctx.db.commit()
    return count


def may_write_narrative(ctx: Context, section: str) -> bool:
    """Admins write every section; editors those assigned to their agency."""
    if ctx.actor.role == "admin":
        return True
    from migprofile.state.db import NarrativeSection

    row = ctx.db.get(NarrativeSection, section)
    return (ctx.actor.role == "editor" and row is not None and row.agency is not None
            and row.agency == ctx.actor.user.agency)


def save_narrative(ctx: Context, section: str, texts: dict[str, str]) -> list[str]:
    """Write a section's texts (language -> Markdown) that changed, keeping the ones they
    replace; the languages written. A changed text makes an approved section a draft."""
    from migprofile.operations import read_narrative
    from migprofile.operations import save_narrative as write
    from migprofile.state.narrative import record_save

    profile = ctx.service.profile
    if not may_write_narrative(ctx, section):
        ctx.audit("narrative_save", section, outcome="refused", detail="not assigned")
        ctx.db.commit()
        raise Forbidden("Only an editor of the agency assigned to this section, or an "
                        "admin, may change its text.")
    changed = [language for language, text in texts.items()
               if text.replace("\r\n", "\n").strip()
               != read_narrative(profile, section, language).strip()]
    for language in changed:
        previous = write(profile, section, language, texts[language])
        record_save(ctx.db, section, language, previous, actor=ctx.actor.email)
    ctx.db.commit()
    return changed
