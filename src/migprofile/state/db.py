"""The database kept beside a profile: accounts, agencies, sessions, uploads, packages,
audit log (the web app's and the ``users`` commands' state).

SQLite (a file in the profile) or PostgreSQL, through SQLAlchemy 2; the schema is created
and upgraded by the Alembic migrations shipped in ``state/migrations``, never by
``create_all``, so that both databases always have the same, versioned schema.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from migprofile.errors import MigprofileError
from migprofile.profile import Profile

__all__ = ["ROLES", "STATE_FOLDER", "Agency", "AuditEntry", "Base", "Database",
           "LoginAttempt", "NarrativeComment", "NarrativeRevision", "NarrativeSection",
           "Package", "Upload", "User", "UserSession", "database_url",
           "default_database_url", "migrate", "now", "state_url"]

STATE_FOLDER = "webapp"
"""The state's folder in the profile (database, uploads, outbox); never published."""

ROLES = ("admin", "editor", "viewer", "partner")


def now() -> dt.datetime:
    """The time, in UTC, without microseconds (what every table stores)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    pass


class UTCDateTime(TypeDecorator):
    """SQLite forgets time zones; every stored time is UTC, so it is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Agency(Base):
    """A national agency and the dataflows it sends (its editors may upload those only)."""

    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    dataflows: Mapped[list] = mapped_column(JSON, default=list)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """A national agency's id (editors) or a registered partner's id (partners)."""
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)


class UserSession(Base):
    """A signed-in browser or client; the cookie holds a token whose sha256 is stored."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """Every sign-in attempt, for rate limiting by address."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    email: Mapped[str] = mapped_column(String(320))
    success: Mapped[bool] = mapped_column(Boolean)


class Upload(Base):
    """A file offered for import, whether accepted or refused, with its problems."""

    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dataflow: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    """``imported``, ``refused`` (validation) or ``unusable``."""
    revision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")


class Package(Base):
    """An exchange package sent to a partner (outbox) or received from one (inbox)."""

    __tablename__ = "packages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    direction: Mapped[str] = mapped_column(String(8))
    partner: Mapped[str] = mapped_column(String(64), index=True)
    package_id: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    """Relative to the profile folder."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """One line of the audit log; the database refuses to change or delete it."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class NarrativeSection(Base):
    """A section of the narrative: the agency that writes it, and whether the lead
    approved its text (a section without a row is a draft nobody is assigned)."""

    __tablename__ = "narrative_sections"
    section: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    """``draft`` or ``approved``."""
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    changed_by: Mapped[str | None] = mapped_column(String(320), nullable=True)


class NarrativeRevision(Base):
    """A text of the narrative as it was before someone saved a new one."""

    __tablename__ = "narrative_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(8))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    author: Mapped[str] = mapped_column(String(320))
    """Who replaced the text."""
    previous: Mapped[str] = mapped_column(Text)


class NarrativeComment(Base):
    """A reviewer's comment on a section of the narrative."""

    __tablename__ = "narrative_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    author: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)


@cache
def _migrations() -> str:
    return str(resources.files("migprofile").joinpath("state/migrations"))


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest migration (creates it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _migrations())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _unusable(engine: Engine, exc: DBAPIError) -> MigprofileError:
    """Why the database cannot be opened, in one paragraph, without the password."""
    where = engine.url.render_as_string(hide_password=True)
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return MigprofileError(
        f"cannot open the web app's database {where}: {reason}. The server must be running "
        "and the database (and the schema named in its search_path, if any) must exist.")


class Database:
    """An engine and its sessions, migrated to the latest schema when opened."""

    def __init__(self, url: str) -> None:
        url = database_url(url)
        sqlite = url.startswith("sqlite")
        # As many connections as the server has threads for requests (40), so that none
        # waits for a connection another request holds.
        self.engine = create_engine(
            url, pool_pre_ping=not sqlite, pool_size=10, max_overflow=40, pool_timeout=30,
            connect_args={"check_same_thread": False} if sqlite else {})
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            migrate(self.engine)
        except DBAPIError as exc:
            self.engine.dispose()
            raise _unusable(self.engine, exc) from exc
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def dispose(self) -> None:
        self.engine.dispose()


def state_url(profile: Profile, database: str | None = None) -> str:
    """The database of a profile's state: ``database`` (a PostgreSQL URL) when given,
    otherwise SQLite in the profile."""
    return database_url(database) if database else default_database_url(profile)


def default_database_url(profile: Profile) -> str:
    """SQLite in the profile's web folder (which the profile's .gitignore leaves out)."""
    folder = profile.root / STATE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# accounts, sessions, uploads: never under version control\n*\n",
                          encoding="utf-8")
    return f"sqlite:///{(folder / 'state.sqlite').resolve()}"


def database_url(text: str) -> str:
    """A URL SQLAlchemy can open: ``postgresql://`` (libpq style) uses psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text.removeprefix(prefix)
    if text.startswith(("postgresql+psycopg://", "sqlite:///")):
        return text
    raise MigprofileError(f"--database {text!r}: give a PostgreSQL URL "
                          "(postgresql://USER@HOST:PORT/DATABASE) or sqlite:///PATH.")
