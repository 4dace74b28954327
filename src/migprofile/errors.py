"""Errors a user can act on, in the user's language.

Every failure that comes from the user's input (a file, a setting, a code) is raised as a
:class:`MigprofileError` whose message is one self-contained paragraph naming the file and
the problem. The CLI prints it without a traceback and exits with its ``exit_code``.

Messages are translatable. Write each as a :class:`Message`: a template with named
placeholders, in English, and the values beside it::

    InputProblem(file=..., rule="unknown_column", column=heading, message=Message(
        "not a column of {dataflow}. Name it in a mapping file", dataflow=flow.id))
    raise MigprofileError(Message("the workbook has no sheet {sheet!r}.", sheet=name),
                          path=path)

A :class:`Message` *is* its English text (a ``str``), so the command line, the validation
report and the logs print exactly what they printed before; the web app calls
:func:`localized` to show it in the page's language, from the gettext catalogs
(``report/locales``; ``Message`` is an extraction keyword in ``babel.cfg``). Rules:

- the template is a literal string (so that it is extracted); values go in the keywords,
  never into the template with an f-string;
- a value that is itself a sentence is a nested :class:`Message`; a value that has a name
  per language (a dimension, a country) is a :class:`Named`, shown as its id on the
  command line and by its name in the page's language in the web app;
- ``{value!r}`` quotes a value on the command line as before; translations may quote it
  their own way. A server path is never a value: name files as the user named them.

After adding or changing a template, refresh the catalogs and translate it (vi, lo, ko).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputProblem", "Message", "MigprofileError", "Named", "ProblemsFound",
           "ValidationFailed", "localized"]


@dataclass(frozen=True)
class Named:
    """A value with a name per language: its ``id`` on the command line (as before), its
    name in the page's language in the web app."""

    id: str
    names: Mapping[str, str]

    def __str__(self) -> str:
        return self.id

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.id


class Message(str):
    """A message as its English text, with the template and values it was made from."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, /, **params: object) -> Message:
        text = super().__new__(cls, template.format(**params))
        text.template = template
        text.params = params
        return text

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:
        return (self.template,), self.params

    def translated(self, language: str, gettext: Callable[[str], str]) -> str:
        """The message in ``language``; named values by their names, no repr."""
        values = {key: _translated(value, language, gettext)
                  for key, value in self.params.items()}
        try:
            return _PLAIN.format(gettext(self.template), **values)
        except (KeyError, IndexError, ValueError):
            return _PLAIN.format(self.template, **values)

    def to_json(self) -> dict:
        """The template and values, for a record to be shown later in any language."""
        return {"template": self.template,
                "params": {k: _value_json(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping) -> Message:
        return cls(data["template"], **{k: _value_from_json(v)
                                        for k, v in data.get("params", {}).items()})


class _PlainFormatter(string.Formatter):
    """``{value!r}`` quotes the value's text instead of showing a Python repr."""

    def convert_field(self, value, conversion):
        if conversion == "r":
            return f"'{value}'"
        return super().convert_field(value, conversion)


_PLAIN = _PlainFormatter()


def _translated(value: object, language: str, gettext: Callable[[str], str]) -> object:
    if isinstance(value, Message):
        return value.translated(language, gettext)
    if isinstance(value, Named):
        return value.name(language)
    return value


def _value_json(value: object) -> object:
    if isinstance(value, Message):
        return {"message": value.to_json()}
    if isinstance(value, Named):
        return {"named": value.id, "names": dict(value.names)}
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _value_from_json(value: object) -> object:
    if isinstance(value, dict) and "message" in value:
        return Message.from_json(value["message"])
    if isinstance(value, dict) and "named" in value:
        return Named(value["named"], value["names"])
    return value


def localized(text: str, language: str, gettext: Callable[[str], str]) -> str:
    """A message in ``language`` when it is a :class:`Message`, else as it is."""
    return text.translated(language, gettext) if isinstance(text, Message) else text


class MigprofileError(Exception):
    """A problem with the user's input or setup; exit status 2 (unusable input, usage)."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        """Without the path: the web app names the file as the user named it."""
        super().__init__(f"{self.path}: {message}" if self.path else message)


@dataclass(frozen=True)
class InputProblem:
    """One problem found in an input file, located as precisely as the format allows."""

    file: str
    rule: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sheet: str | None = None
    severity: str = "error"

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{self.location()}: {self.message}{value} [{self.rule}]"


class ProblemsFound(MigprofileError):
    """An input file has row-level problems; it was not used. Exit status 2."""

    def __init__(self, problems: list[InputProblem], *, path: Path | str | None = None,
                 shown: int = 20, headline: str | None = None, footer: str = "") -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:shown]]
        more = len(problems) - shown
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        headline = headline or f"{len(problems)} problem(s) found; nothing was imported."
        summary = headline + "\n" + "\n".join(lines) + (f"\n{footer}" if footer else "")
        super().__init__(summary, path=path)


class ValidationFailed(ProblemsFound):
    """A file offered for import failed validation; nothing was imported. Exit status 1."""

    exit_code = 1
