"""Operations on the web app's accounts, kept in the profile's state (SQLite in the
profile's ``webapp/`` folder, or PostgreSQL): the command line manages them without the
server.

They use the state (``state.db``, ``state.accounts``, ``state.audit``), never the web app:
the state is to accounts what the warehouse is to observations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from migprofile.profile import Profile

__all__ = ["Account", "add_account", "disable_account", "list_accounts", "web_state"]

COMMAND_LINE = "command line"
"""Who the audit log says acted, for what is done outside the web app."""


@dataclass(frozen=True)
class Account:
    """An account as its administrator sees it: state is active, locked or disabled."""

    email: str
    role: str
    agency: str | None
    state: str

    @classmethod
    def of(cls, user) -> Account:
        from migprofile.state.db import now

        state = "disabled" if user.disabled else (
            "locked" if user.locked_until and user.locked_until > now() else "active")
        return cls(user.email, user.role, user.agency, state)


@contextmanager
def web_state(profile: Profile, database: str | None = None) -> Iterator:
    """A session of the web app's database (``database``, a PostgreSQL URL, or SQLite in
    the profile's ``webapp/``), closed and let go of afterwards."""
    from migprofile.state.db import Database, state_url

    db = Database(state_url(profile, database))
    try:
        with db.session() as session:
            yield session
    finally:
        db.dispose()


def add_account(profile: Profile, *, email: str, role: str, password: str,
                agency: str | None = None, database: str | None = None) -> Account:
    """Create an account of the web app (recorded in its audit log)."""
    from migprofile.state.accounts import add_user

    with web_state(profile, database) as session:
        return Account.of(add_user(session, profile, email=email, role=role,
                                   password=password, agency=agency, actor=COMMAND_LINE))


def list_accounts(profile: Profile, *, database: str | None = None) -> list[Account]:
    """Every account, by email."""
    from migprofile.state.accounts import list_users

    with web_state(profile, database) as session:
        return [Account.of(user) for user in list_users(session)]


def disable_account(profile: Profile, email: str, *, database: str | None = None) -> Account:
    """Disable an account and end its sessions (the account and its history stay)."""
    from migprofile.state.accounts import disable_user, find_user

    with web_state(profile, database) as session:
        return Account.of(disable_user(session, find_user(session, email),
                                       actor=COMMAND_LINE))
