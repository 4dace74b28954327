"""Settings of the web app: where its state lives and the limits that protect it."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from migprofile.state.db import STATE_FOLDER

__all__ = ["WebSettings"]


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
    def state_dir(self) -> Path:
        return self.profile_dir / STATE_FOLDER
