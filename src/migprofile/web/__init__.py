"""The web app: accounts and roles, dashboard, indicator explorer, uploads of national
data, exchange inbox and outbox, reconciliation and reports, over one profile folder.

``settings`` (what ``serve`` is told), ``security`` (sessions, CSRF, lockout), ``auth``
(who may call which route), ``service`` (the profile, through the project's own
functions), ``actions`` (shared by pages and API), ``downloads`` (the explorer's files),
``templating`` (pages in the user's language), ``routes`` (``pages``, ``api``),
``templates`` and ``static``; ``app`` puts them together. Accounts, uploads, packages and
the audit log are kept in the profile's state (:mod:`migprofile.state`).
"""

from migprofile.state.db import Database
from migprofile.web.app import create_app
from migprofile.web.settings import WebSettings

__all__ = ["Database", "WebSettings", "create_app"]
