"""Who is asking, and may they: one check for every route, pages and API alike.

Each route declares the roles it admits (``x-roles`` in its OpenAPI entry), that it is
public (``x-public``), or that a partner's server calls it with its access token
(``x-partner-token``: sessions play no part; the token is checked by
``partner_access``); :func:`authorize` runs before every route and refuses anyone else:
401 to the anonymous, 403 to the wrong role, 403 to a state-changing request without the
session's CSRF token. A route that declares nothing admits nobody.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from migprofile.state.db import Agency, User, UserSession
from migprofile.web.security import COOKIE, csrf_matches, session_user

__all__ = ["ALL", "PARTNER_TOKEN", "READERS", "WRITERS", "Actor", "Forbidden", "NotSignedIn",
           "authorize", "get_db", "guard"]

READERS = ("admin", "editor", "viewer")
"""Roles that read everything in the profile."""
WRITERS = ("admin", "editor")
ALL = ("admin", "editor", "viewer", "partner")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class NotSignedIn(Exception):
    """401: sign in first."""


class Forbidden(Exception):
    """403: signed in, but not allowed."""


@dataclass
class Actor:
    """The signed-in account making a request."""

    user: User
    session: UserSession
    address: str

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def role(self) -> str:
        return self.user.role

    def may_write(self, db: Session, dataflow: str) -> bool:
        """Admins write every dataflow; editors those their agency owns."""
        if self.role == "admin":
            return True
        if self.role != "editor" or not self.user.agency:
            return False
        agency = db.get(Agency, self.user.agency)
        return agency is not None and dataflow in agency.dataflows

    def may_see_partner(self, partner: str) -> bool:
        """A partner sees only its own packages; readers see all."""
        return self.role in READERS or (self.role == "partner" and self.user.agency == partner)


PARTNER_TOKEN = "partner-token"
"""In place of roles: the route admits partners' servers with their access token."""


def guard(roles: Iterable[str] | str | None) -> dict:
    """The ``openapi_extra`` of a route: the roles it admits, None for public, or
    :data:`PARTNER_TOKEN`."""
    if roles == PARTNER_TOKEN:
        return {"x-partner-token": True}
    return {"x-public": True} if roles is None else {"x-roles": sorted(roles)}


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's database session (made on the event loop: no thread for it)."""
    with request.app.state.db.session() as db:
        yield db


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def authorize(request: Request, db: Session = Depends(get_db)) -> Actor | None:
    """Run before every route: find the account, check its role and the CSRF token."""
    route = request.scope.get("route")
    extra = getattr(route, "openapi_extra", None) or {}
    if extra.get("x-partner-token"):  # a partner's server: its token, never a session
        request.state.actor = None
        return None
    found = session_user(db, request.cookies.get(COOKIE))
    # Give the connection back at once: held until the request ends, connections would
    # run out under load while the threads that would return them wait for one.
    db.commit()
    actor = Actor(found[0], found[1], client_address(request)) if found else None
    request.state.actor = actor
    if extra.get("x-public"):
        return actor
    if actor is None:
        raise NotSignedIn()
    if actor.role not in extra.get("x-roles", ()):
        raise Forbidden()
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
                ("multipart/form-data", "application/x-www-form-urlencoded")):
            given = (await request.form()).get(CSRF_FIELD)
        if not csrf_matches(actor.session.csrf_token, given if isinstance(given, str)
                            else None):
            raise Forbidden("The form has expired or did not come from this site; reload "
                            "the page and try again.")
    return actor


def current_actor(request: Request) -> Actor:
    """The account :func:`authorize` found (routes that admit roles only)."""
    actor = request.state.actor
    if actor is None:
        raise NotSignedIn()
    return actor
