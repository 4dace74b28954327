"""Benchmark of the residence-rule engine on synthetic travellers.

Generates realistic border-crossing histories (tourists, residents on holiday, emigrants,
immigrants, returning residents, seasonal workers near the threshold, cross-border
commuters with same-day trips), writes them as Parquet and CSV, and times
``migprofile classify`` on them, printing the machine, the versions and peak memory.

    .venv/bin/python benchmarks/crossings.py --sizes 1M,10M,100M

Figures are printed, never asserted: speed targets live here, not in the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import describe

START = dt.date(2015, 1, 1)
YEARS = 8
CITIZENSHIPS = np.array(["VNM", "KOR", "LAO", "CHN", "THA", "USA", "JPN", "KHM", "AUS", "FRA"])
CITIZENSHIP_WEIGHTS = np.array([40, 12, 8, 12, 6, 5, 6, 4, 4, 3], dtype=float)
PORTS = np.array(["HAN", "SGN", "DAD", "MOC-BAI", "LAO-CAI", "HUU-NGHI"])


@dataclass(frozen=True)
class Traveller:
    """One kind of traveller: share of persons, crossings each, first direction, spells."""

    name: str
    share: float
    crossings: tuple[int, int]  # inclusive range, rounded to even where trips return
    first_arrival: int
    stay_days: tuple[int, int]  # time spent after an arrival (in the country)
    away_days: tuple[int, int]  # time spent after a departure (abroad)
    citizen_share: float  # share of own citizens (VNM)


TRAVELLERS = (
    Traveller("tourist", 0.34, (2, 4), 1, (2, 30), (200, 900), 0.0),
    Traveller("resident on holiday", 0.30, (2, 10), 0, (60, 300), (3, 40), 0.95),
    Traveller("emigrant", 0.05, (1, 3), 0, (5, 40), (400, 1500), 0.95),
    Traveller("immigrant", 0.06, (1, 5), 1, (300, 900), (5, 60), 0.05),
    Traveller("returning resident", 0.05, (1, 4), 1, (400, 1200), (10, 60), 0.9),
    Traveller("seasonal worker", 0.08, (2, 8), 1, (330, 400), (20, 150), 0.0),
    Traveller("commuter", 0.12, (20, 80), 0, (0, 6), (0, 1), 0.5),
)
"""Shares of persons; commuters have many same-day or next-day trips."""


def _persons_for(crossings_wanted: int) -> dict[str, int]:
    mean_crossings = sum(t.share * sum(t.crossings) / 2 for t in TRAVELLERS)
    persons = crossings_wanted / mean_crossings
    return {t.name: max(1, round(persons * t.share)) for t in TRAVELLERS}


def _histories(kind: Traveller, persons: int, first_person: int,
               rng: np.random.Generator) -> pa.Table:
    """All crossings of ``persons`` travellers of one kind, person by person, in date order."""
    counts = rng.integers(kind.crossings[0], kind.crossings[1] + 1, size=persons)
    person = np.repeat(np.arange(first_person, first_person + persons), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(person.size) - np.repeat(starts, counts)
    arrival = ((kind.first_arrival + position) % 2).astype(np.int8)
    stay = rng.integers(kind.stay_days[0], kind.stay_days[1] + 1, size=person.size)
    away = rng.integers(kind.away_days[0], kind.away_days[1] + 1, size=person.size)
    spell = np.where(arrival == 1, stay, away)
    spell[starts + counts - 1] = 0  # no spell after the last crossing
    first_day = rng.integers(0, 365 * YEARS // 2, size=persons)
    offset = np.cumsum(spell) - spell
    day = np.repeat(first_day, counts) + offset - np.repeat(offset[starts], counts)
    citizen = rng.random(persons) < kind.citizen_share
    foreign = rng.choice(CITIZENSHIPS[1:], size=persons,
                         p=CITIZENSHIP_WEIGHTS[1:] / CITIZENSHIP_WEIGHTS[1:].sum())
    citizenship = np.where(citizen, "VNM", foreign)
    return pa.table({
        "person_id": pa.array(person, pa.int64()),
        "date_crossing": pa.array(day.astype("int32"), pa.int32()).cast(pa.date32()),
        "is_arrival": pa.array(arrival, pa.int8()),
        "citizenship": pa.array(np.repeat(citizenship, counts)),
        "sex": pa.array(np.repeat(np.where(rng.random(persons) < 0.5, "F", "M"), counts)),
        "birth_year": pa.array(np.repeat(rng.integers(1940, 2015, size=persons), counts),
                               pa.int16()),
        "port": pa.array(rng.choice(PORTS, size=person.size)),
    })


def generate(path: Path, crossings: int, *, seed: int = 1, chunk: int = 5_000_000) -> int:
    """Write about ``crossings`` synthetic crossings to ``path`` (.parquet or .csv)."""
    rng = np.random.default_rng(seed)
    counts = _persons_for(crossings)
    start_day = (START - dt.date(1970, 1, 1)).days
    written, first_person = 0, 1
    writer = None
    try:
        for kind in TRAVELLERS:
            remaining = counts[kind.name]
            per_chunk = max(1, int(chunk / (sum(kind.crossings) / 2)))
            while remaining:
                n = min(per_chunk, remaining)
                table = _histories(kind, n, first_person, rng)
                table = table.set_column(1, "date_crossing", pa.array(
                    table["date_crossing"].cast(pa.int32()).to_numpy() + start_day,
                    pa.int32()).cast(pa.date32()))
                if writer is None:
                    writer = (pq.ParquetWriter(path, table.schema)
                              if path.suffix == ".parquet"
                              else pa_csv.CSVWriter(path, table.schema))
                writer.write_table(table)
                written += table.num_rows
                first_person += n
                remaining -= n
    finally:
        if writer is not None:
            writer.close()
    return written


SIZES = {"100K": 100_000, "1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall time in seconds and peak memory (GiB) of a child process."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kib / 2**20


def _bare_sort(source: Path, target: Path) -> float:
    """Seconds DuckDB takes to sort the same rows by person and write them: the floor."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": "4GB",
                                 "temp_directory": str(target.parent / "spill")})
    start = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_parquet('{source}') ORDER BY person_id, "
                f"date_crossing) TO '{target}' (FORMAT parquet)")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100K",
                        help="comma-separated sizes among " + ", ".join(SIZES))
    parser.add_argument("--folder", type=Path, default=Path(__file__).parent / "output",
                        help="where the generated and classified files go")
    parser.add_argument("--engine", default="duckdb")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    print(describe(("migprofile", "duckdb", "ibis-framework", "numba")))
    migprofile = [sys.executable, "-m", "migprofile"]
    for label in args.sizes.split(","):
        size = SIZES[label.strip()]
        # CSV to CSV up to 1M crossings, Parquet to Parquet beyond
        suffix = ".csv" if size <= 1_000_000 else ".parquet"
        source = args.folder / f"crossings-{label}{suffix}"
        if not source.exists():
            start = time.perf_counter()
            rows = generate(source, size)
            print(f"{label}: generated {rows:,} crossings in {time.perf_counter() - start:.1f} s")
        output = args.folder / f"classified-{label}{suffix}"
        load = os.getloadavg()[0]  # other work on the machine slows every figure
        elapsed, peak = _timed([*migprofile, "classify", str(source), "--out", str(output),
                                "--engine", args.engine])
        line = (f"{label}: classify {suffix[1:]} -> {suffix[1:]} on {args.engine}: "
                f"{elapsed:.1f} s, peak memory {peak:.2f} GiB (load average {load:.1f} before)")
        if suffix == ".parquet":
            sort = _bare_sort(source, args.folder / f"sorted-{label}.parquet")
            line += f"; a bare sort of the same file: {sort:.1f} s"
        print(line, flush=True)


if __name__ == "__main__":
    main()
