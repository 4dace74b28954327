"""Pages in the user's language: the report's Jinja2 templates and gettext catalogs.

The web templates sit beside the report's (whose table macros they import) and their
texts are in the report's catalogs (``make catalogs``).
"""

from __future__ import annotations

from functools import cache

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from migprofile.codes import REPORT_LANGUAGES
from migprofile.errors import Message, MigprofileError, localized
from migprofile.i18n import localizer
from migprofile.report.render import environment
from migprofile.web.figure_table import figure_table
from migprofile.web.security import CSRF_COOKIE, new_token

__all__ = ["LANGUAGE_COOKIE", "LANGUAGE_NAMES", "error_text", "page_environment",
           "problem_text", "render", "request_language"]

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
    env.filters["localized"] = lambda text: localized(text, language, _gettext(language))
    env.filters["problem_text"] = lambda problem: problem_text(problem, language)
    env.filters["published_figure"] = lambda text: published_figure(text, env.globals["loc"])
    env.filters["figure_table"] = lambda figure: figure_table(figure, env.globals["loc"])
    return env


def published_figure(text: str | None, loc) -> str:
    """A value of ``indicators.csv`` in the page's language, with the decimals it was
    published with ("–" for none)."""
    if text is None or text == "":
        return "–"
    digits = len(text.partition(".")[2])
    return loc.decimal(float(text), digits)


def _gettext(language: str):
    return localizer(language).gettext


def error_text(exc: Exception, language: str, *, file_name: str | None = None) -> str:
    """An error as a page shows it: in the page's language, naming the file as the user
    named it (``file_name``, else the file's own name), never by its path on the server."""
    if not isinstance(exc, MigprofileError):
        return str(exc)
    text = localized(exc.message, language, _gettext(language))
    name = file_name or (exc.path.name if exc.path is not None else None)
    return f"{name}: {text}" if name else text


def message_text(message: str, language: str) -> str:
    """A message (a warning, say) in the page's language."""
    return localized(message, language, _gettext(language))


def problem_text(problem: dict, language: str) -> str:
    """A stored problem of an upload (``web.actions``) in the page's language."""
    if problem.get("template"):
        return Message.from_json(problem["template"]).translated(language,
                                                                 _gettext(language))
    return problem["message"]


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


def render(request: Request, template: str, *, status: int = 200, **context) -> HTMLResponse:
    """A page in the request's language, with what every page needs (account, CSRF)."""
    language = request_language(request)
    actor = getattr(request.state, "actor", None)
    csrf = actor.session.csrf_token if actor else request.cookies.get(CSRF_COOKIE) or new_token()
    html = page_environment(language).get_template(template).render(
        request=request, lang=language, actor=actor, csrf_token=csrf,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        service=request.app.state.service, **context)
    response = HTMLResponse(html, status_code=status)
    if actor is None and request.cookies.get(CSRF_COOKIE) != csrf:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    return response
