"""The validation report of an import: every problem, in text and CSV, and a mapping to fill.

Written to ``validation/`` of the profile whenever an import finds problems or
warnings, named after the file and the time of the import, so that earlier reports stay.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from migprofile.errors import InputProblem
from migprofile.sources.national.reader import NationalRead
from migprofile.tomltext import Commented, toml_text

__all__ = ["mapping_to_complete", "report_stem", "write_validation_report"]

CSV_COLUMNS = ("severity", "file", "sheet", "row", "column", "value", "rule", "message")


def report_stem(file: Path, when: dt.datetime) -> str:
    return f"{file.stem}-{when:%Y%m%d-%H%M%S}"


def _ordered(problems: list[InputProblem]) -> list[InputProblem]:
    return sorted(problems, key=lambda p: (p.severity != "error", p.row or 0, p.column or "",
                                           p.rule))


def _text(read: NationalRead, problems: list[InputProblem], when: dt.datetime) -> str:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    lines = [
        f"Validation report: {read.path.name}",
        f"Dataflow: {read.dataflow.id} ({read.dataflow.names['en']})",
        f"Checked: {when:%Y-%m-%d %H:%M:%S}",
    ]
    if read.sheet:
        lines.append(f"Sheet: {read.sheet}")
    if read.encoding:
        delimiter = {"\t": "tab"}.get(read.delimiter or "", read.delimiter)
        lines.append(f"Text encoding: {read.encoding}; delimiter: {delimiter!r}")
    if read.header_rows:
        lines.append(f"Header row(s): {', '.join(map(str, read.header_rows))}")
    if read.columns:
        lines.append("Columns understood:")
        lines += [f"  {heading!r} -> {role}" for heading, role in read.columns.items()]
    lines += ["", f"{len(errors)} error(s), {len(warnings)} warning(s)", ""]
    lines += [f"{p.severity.upper()}: {p}" for p in _ordered(problems)]
    return "\n".join(lines) + "\n"


def _csv(problems: list[InputProblem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in _ordered(problems):
        writer.writerow([p.severity, p.file, p.sheet or "", p.row or "", p.column or "",
                         p.value or "", p.rule, p.message])
    return out.getvalue()


def mapping_to_complete(read: NationalRead) -> str:
    """A mapping file with the columns understood and every unknown heading and label left
    for the officer to fill in (closest codes in comments)."""
    columns: dict[str, object] = dict(read.columns)
    for heading, closest in read.unknown_columns.items():
        columns[heading] = Commented("", "one of: " + ", ".join([*closest, "value", "ignore"]))
    labels = {dim: {label: Commented("", f"closest: {', '.join(closest)}" if closest
                                     else "no close code")
                    for label, closest in unknown.items()}
              for dim, unknown in read.unknown_labels.items()}
    return toml_text({"dataflow": read.dataflow.id, "columns": columns,
                      "labels": labels or None}, quoted_keys=True, header=[
        f"Mapping for {read.dataflow.id}, for files like {read.path.name}.",
        "Fill in the empty entries (the closest codes are in the comments) or correct the",
        "file itself and delete the entry, then import again with --mapping THIS_FILE.",
    ])


def write_validation_report(folder: Path, read: NationalRead, problems: list[InputProblem], *,
                            when: dt.datetime) -> list[Path]:
    """Write the report (``.txt``, ``.csv``) and, when labels or headings were unknown, a
    mapping to complete (``.mapping.toml``). Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = report_stem(read.path, when)
    written = [folder / f"{stem}.txt", folder / f"{stem}.csv"]
    written[0].write_text(_text(read, problems, when), encoding="utf-8")
    written[1].write_text(_csv(problems), encoding="utf-8")
    if read.unknown_labels or read.unknown_columns:
        mapping = folder / f"{stem}.mapping.toml"
        mapping.write_text(mapping_to_complete(read), encoding="utf-8")
        written.append(mapping)
    return written
