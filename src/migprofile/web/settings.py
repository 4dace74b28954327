"""Settings of the web app: where its state lives and the limits that protect it."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from migprofile.errors import MigprofileError
from migprofile.profile import Profile

__all__ = ["STATE_FOLDER", "WebSettings", "database_url", "default_database_url"]

STATE_FOLDER = "webapp"
"""The web app's folder in the profile (database, uploads, outbox); never published."""


class WebSettings(BaseModel):
    """Everything ``migprofile serve`` can be told; the defaults suit one office."""

    model_config = ConfigDict(extra="forbid")

    profile_dir: Path
    database: str | None = Field(
        default=None, description="SQLAlchemy or libpq URL; default SQLite in the profile.")
    max_upload_bytes: int = Field(default=20 * 2**20, description="largest file accepted")
    session_hours: float = Field(default=8.0, description="a session ends after this")
    max_failed_logins: int = Field(default=5, description="failures before an account locks")
    lockout_minutes: float = Field(default=15.0, description="how long a locked account waits")
    attempts_per_minute: int = Field(default=20,
                                     description="login attempts one address may make")

    @property
    def profile(self) -> Profile:
        return Profile.load(self.profile_dir)

    @property
    def state_dir(self) -> Path:
        return self.profile_dir / STATE_FOLDER

    @property
    def url(self) -> str:
        return database_url(self.database) if self.database else default_database_url(
            self.profile_dir)


def default_database_url(profile_dir: Path) -> str:
    """SQLite in the profile's web folder (which the profile's .gitignore leaves out)."""
    folder = Path(profile_dir) / STATE_FOLDER
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
