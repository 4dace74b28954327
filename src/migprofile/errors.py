"""Errors a user can act on.

Every failure that comes from the user's input (a file, a setting, a code) is raised as a
:class:`MigprofileError` whose message is one self-contained paragraph naming the file and
the problem. The CLI prints it without a traceback and exits with its ``exit_code``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputProblem", "MigprofileError", "ProblemsFound", "ValidationFailed"]


class MigprofileError(Exception):
    """A problem with the user's input or setup; exit status 2 (unusable input, usage)."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
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
