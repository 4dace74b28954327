"""Pages in the user's language: the report's Jinja2 templates and gettext catalogs.

The web templates sit beside the report's (whose table macros they import) and their
texts are in the report's catalogs (``make catalogs``).
"""

from __future__ import annotations

from functools import cache

import jinja2
from starlette.requests import Request

from migprofile.codes import REPORT_LANGUAGES
from migprofile.report.i18n import localizer
from migprofile.report.render import environment

__all__ = ["LANGUAGE_COOKIE", "LANGUAGE_NAMES", "page_environment", "request_language"]

LANGUAGE_COOKIE = "migprofile_lang"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "lo": "ພາສາລາວ", "ko": "한국어"}
"""Each language named in itself, as the language switch shows it."""


@cache
def page_environment(language: str) -> jinja2.Environment:
    """The report's environment in ``language``, also finding the web templates."""
    env = environment(localizer(language))
    env.loader = jinja2.ChoiceLoader([jinja2.PackageLoader("migprofile", "web/templates"),
                                      env.loader])
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    return env


def request_language(request: Request) -> str:
    """The language chosen with the switch (a cookie), else the browser's, else English."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in REPORT_LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in REPORT_LANGUAGES:
            return code
    return "en"
