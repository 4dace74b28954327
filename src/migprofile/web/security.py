"""Signing in and out: sessions, CSRF tokens, rate limiting and lockout.

A session is a random token in an HttpOnly, SameSite=Lax cookie (Secure over TLS); the
database keeps only its sha256, so a copy of the database opens no session. Each session
has a CSRF token that every form and every state-changing API call must send back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from migprofile.state import audit
from migprofile.state.accounts import EMAIL, check_password, hash_password
from migprofile.state.db import LoginAttempt, User, UserSession, now
from migprofile.web.settings import WebSettings

__all__ = ["COOKIE", "CSRF_COOKIE", "LoginRefused", "SignedIn", "csrf_matches", "end_session",
           "new_token", "open_session", "session_user", "sign_in"]

COOKIE = "migprofile_session"
CSRF_COOKIE = "migprofile_csrf"
"""Before signing in there is no session: the sign-in form's CSRF token is checked
against this cookie (double submit)."""

_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
"""Checked for unknown accounts too, so that timing does not reveal which emails exist."""


class LoginRefused(Exception):
    """Sign-in refused; ``status`` is 401 (bad credentials, locked) or 429 (too many)."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class SignedIn:
    user: User
    token: str
    csrf_token: str
    expires_at: dt.datetime


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(expected, given)


def _too_many(db: Session, settings: WebSettings, address: str) -> bool:
    since = now() - dt.timedelta(minutes=1)
    count = db.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.address == address, LoginAttempt.at >= since))
    return count >= settings.attempts_per_minute


def _refuse(db: Session, user: User | None, settings: WebSettings, email: str,
            address: str) -> LoginRefused:
    """Count a failure against the account; lock it after too many in a row."""
    detail = "wrong password" if user else "no such account"
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= settings.max_failed_logins:
            user.locked_until = now() + dt.timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            detail += "; account locked"
    audit.record(db, actor=email, action="login", outcome="refused", detail=detail,
                 address=address)
    db.commit()
    return LoginRefused("Wrong email or password.")


def sign_in(db: Session, settings: WebSettings, *, email: str, password: str,
            address: str) -> SignedIn:
    """Check the credentials and open a session, or raise :class:`LoginRefused`."""
    email = email.strip().lower()
    if _too_many(db, settings, address):
        audit.record(db, actor=email, action="login", outcome="refused",
                     detail="rate limited", address=address)
        db.commit()
        raise LoginRefused("Too many sign-in attempts; wait a minute.", status=429)
    user = db.scalar(select(User).where(User.email == email)) if EMAIL.match(email) else None
    good = check_password(user.password_hash if user else _DUMMY_HASH, password)
    email = email.replace("\x00", "\\x00")
    db.add(LoginAttempt(address=address, email=email[:320],
                        success=good and user is not None))
    if user is not None and user.locked_until and user.locked_until > now():
        audit.record(db, actor=email, action="login", outcome="refused",
                     detail="account locked", address=address)
        db.commit()
        raise LoginRefused("This account is locked after too many failed sign-ins; try "
                           "again later.")
    if user is None or not good:
        raise _refuse(db, user, settings, email, address)
    if user.disabled:
        audit.record(db, actor=email, action="login", outcome="refused",
                     detail="account disabled", address=address)
        db.commit()
        raise LoginRefused("This account is disabled.")
    user.failed_logins, user.locked_until = 0, None
    signed = open_session(db, settings, user)
    audit.record(db, actor=email, action="login", address=address)
    db.commit()
    return signed


def open_session(db: Session, settings: WebSettings, user: User) -> SignedIn:
    """A new session of ``user`` (the caller has checked the credentials)."""
    token, csrf = new_token(), new_token()
    expires = now() + dt.timedelta(hours=settings.session_hours)
    db.add(UserSession(token_hash=_digest(token), user_id=user.id, csrf_token=csrf,
                       expires_at=expires))
    db.execute(delete(UserSession).where(UserSession.expires_at < now()))
    db.commit()
    return SignedIn(user, token, csrf, expires)


def session_user(db: Session, token: str | None) -> tuple[User, UserSession] | None:
    """The signed-in account of a cookie, if the session is current and the account on."""
    if not token:
        return None
    session = db.get(UserSession, _digest(token))
    if session is None or session.expires_at <= now():
        return None
    user = db.get(User, session.user_id)
    if user is None or user.disabled:
        return None
    return user, session


def end_session(db: Session, token: str | None, *, address: str) -> None:
    found = session_user(db, token)
    if found is None:
        return
    user, session = found
    db.delete(session)
    audit.record(db, actor=user.email, action="logout", address=address)
    db.commit()
