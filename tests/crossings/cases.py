"""The reference's own scenarios (tests/crossings/data), in the shape the tests use."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

CASES_FILE = Path(__file__).parent / "data" / "migrbc_testthat_cases.json"

REFERENCE_RUN_DATE = dt.date(2025, 1, 1)
"""Stands in for the machine date of the reference run: every scenario's single crossing is
more than a year before it, which is what the reference's expected values assume."""

EXCEPTION_CODES = {
    "IdenticalDirection": 2, "same direction": 2, "InvalidCrossDate": 4, "wrong value of cross": 4,
    "InvalidDirection": 3, "wrong value of direction": 3, "SequenceException": 1,
    "earlier cross data": 1, "resolve custom error": 2,
}
"""Error code of each unhappy scenario, named after the exception the reference throws."""

OUTPUT_KEYS = {
    "res_status_before": "res_status_before",
    "res_status_after": "res_status_after",
    "is_long_term_mig": "is_long_term_mig",
    "date_finalised_res_before": "date_finalised_res_before",
    "date_finalised_res_after": "date_finalised_res_after",
    "date_finalised_LTM": "date_finalised_ltm",
}
"""Reference output names -> the product's column names."""

NEEDS_EXACT_DATE_OVERRIDE = "finalised_date = '2018-05-18'"
"""Scenarios whose initial status is dated after the first crossing and takes effect again on
an exact date match: a reference behaviour the product does not reproduce (see the docs)."""


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class Case:
    title: str
    rows: list[tuple[int, dt.date | None, int]]
    initial: dict[int, tuple[int, dt.date]]
    window: int
    threshold: int
    expected: dict[int, dict[str, object]]
    error_code: int

    @property
    def needs_exact_date_override(self) -> bool:
        return NEEDS_EXACT_DATE_OVERRIDE in self.title


def _expected_error(title: str) -> int:
    return next((code for key, code in EXCEPTION_CODES.items() if key in title), 0)


def load_cases() -> list[Case]:
    """Every scenario with crossings to classify (the empty-input one is tested apart)."""
    cases = []
    for raw in json.loads(CASES_FILE.read_text(encoding="utf-8")):
        if raw["title"] == "No journey data provided":
            continue
        rows = [(c["personId"], parse_date(c["date_crossing"]), c["is_arrival"])
                for c in raw["crossings"]]
        initial: dict[int, tuple[int, dt.date]] = {}
        for item in raw["initial_status"]:  # the first row of a person counts
            initial.setdefault(item["personId"], (item["res_status_initial"],
                                                  dt.date.fromisoformat(item["date_finalised"])))
        expected = {
            int(pos) - 1: {OUTPUT_KEYS[k]: (parse_date(v) if isinstance(v, str) else v)
                           for k, v in values.items()}
            for pos, values in raw["expected"].items()
        }
        cases.append(Case(
            title=f"{raw['file'].removeprefix('test-RBC_algorithm_').removesuffix('.R')}: "
                  f"{raw['title']}",
            rows=rows, initial=initial, window=raw["window_size"] or 487,
            threshold=raw["threshold_year"] or 365, expected=expected,
            error_code=_expected_error(raw["title"]),
        ))
    return cases
