"""Accounts and agencies: created from the command line or by an admin, same functions.

Passwords are stored as argon2id hashes. An editor belongs to a national agency (which
owns dataflows); a partner to an agency abroad registered in ``profile.toml``.
"""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from migprofile.errors import MigprofileError
from migprofile.profile import Profile
from migprofile.state import audit
from migprofile.state.db import ROLES, Agency, User

__all__ = ["MIN_PASSWORD", "add_user", "check_password", "disable_user", "find_user",
           "hash_password", "list_agencies", "list_users", "save_agency", "set_role"]

MIN_PASSWORD = 10
EMAIL = re.compile(r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+$")
AGENCY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_agency(db: Session, profile: Profile, role: str, agency: str | None) -> None:
    """Editors need a national agency, partners a registered partner; others none."""
    if role in ("admin", "viewer"):
        if agency:
            raise MigprofileError(f"a {role} belongs to no agency; leave out --agency.")
        return
    if not agency:
        raise MigprofileError(f"a {role} needs --agency: "
                              + ("the national agency whose dataflows they upload."
                                 if role == "editor" else "the partner's id in profile.toml."))
    if not AGENCY_ID.match(agency):
        raise MigprofileError(f"agency id {agency!r}: letters, digits, _ or - only.")
    if role == "editor" and db.get(Agency, agency) is None:
        known = ", ".join(db.scalars(select(Agency.id))) or "none yet"
        raise MigprofileError(f"no agency {agency!r} (agencies: {known}); an admin creates "
                              "agencies on the web app's Agencies page.")
    if role == "partner":
        profile.partner(agency)  # registered, or an error naming the registered ones


def add_user(db: Session, profile: Profile, *, email: str, role: str, password: str,
             agency: str | None = None, actor: str = "command line") -> User:
    """Create an account; the email is the sign-in name and must be new."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise MigprofileError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise MigprofileError(f"role {role!r}: choose one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise MigprofileError(f"the password must have at least {MIN_PASSWORD} characters.")
    _check_agency(db, profile, role, agency)
    if db.scalar(select(User).where(User.email == email)) is not None:
        raise MigprofileError(f"there is already an account for {email}.")
    user = User(email=email, role=role, agency=agency or None,
                password_hash=hash_password(password), disabled=False, failed_logins=0)
    db.add(user)
    audit.record(db, actor=actor, action="user_add", target=email,
                 detail=f"role {role}" + (f", agency {agency}" if agency else ""))
    db.commit()
    return user


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.email)))


def find_user(db: Session, email: str) -> User:
    """The account of an email; a MigprofileError names the one not found."""
    email = email.strip().lower()
    user = db.scalar(select(User).where(User.email == email)) if EMAIL.match(email) else None
    if user is None:
        raise MigprofileError(f"no account {email!r}.")
    return user


def disable_user(db: Session, user: User, *, actor: str = "command line") -> User:
    """Disable an account and end its sessions; the account and its history stay."""
    from migprofile.state.db import UserSession

    if user.email == actor:
        raise MigprofileError("you cannot disable your own account; ask another admin.")
    user.disabled = True
    for session in db.scalars(select(UserSession).where(UserSession.user_id == user.id)):
        db.delete(session)
    audit.record(db, actor=actor, action="user_disable", target=user.email)
    db.commit()
    return user


def set_role(db: Session, profile: Profile, user: User, *, role: str, agency: str | None,
             actor: str) -> User:
    """Change an account's role (and agency); recorded in the audit log."""
    if role not in ROLES:
        raise MigprofileError(f"role {role!r}: choose one of {', '.join(ROLES)}.")
    if user.email == actor and role != user.role:
        raise MigprofileError("you cannot change your own role; ask another admin.")
    _check_agency(db, profile, role, agency)
    before = f"{user.role}" + (f" ({user.agency})" if user.agency else "")
    user.role, user.agency = role, agency or None
    after = f"{role}" + (f" ({agency})" if agency else "")
    audit.record(db, actor=actor, action="role_change", target=user.email,
                 detail=f"{before} -> {after}")
    db.commit()
    return user


def save_agency(db: Session, profile: Profile, *, agency_id: str, name: str,
                dataflows: list[str], actor: str) -> Agency:
    """Create or update a national agency and the dataflows it owns."""
    from migprofile.sources.national.store import national_dataflow

    if not AGENCY_ID.match(agency_id):
        raise MigprofileError(f"agency id {agency_id!r}: letters, digits, _ or - only.")
    if not name.strip() or not name.isprintable():
        raise MigprofileError("give the agency's name (printable text).")
    flows = sorted({national_dataflow(profile, d).id for d in dataflows})
    agency = db.get(Agency, agency_id) or Agency(id=agency_id)
    agency.name, agency.dataflows = name.strip(), flows
    db.add(agency)
    audit.record(db, actor=actor, action="agency_save", target=agency_id,
                 detail=f"{name.strip()}: {', '.join(flows) or 'no dataflows'}")
    db.commit()
    return agency


def list_agencies(db: Session) -> list[Agency]:
    return list(db.scalars(select(Agency).order_by(Agency.id)))
