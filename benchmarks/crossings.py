"""Benchmark of the residence-rule engine on synthetic travellers.

Generates realistic border-crossing histories (tourists, residents on holiday, emigrants,
immigrants, returning residents, seasonal workers near the threshold, cross-border
commuters with same-day trips), writes them as Parquet and CSV, and times
``migprofile classify`` on them beside a bare DuckDB query of the rule's closed form (RB,
RA and LTM only), each as a child process (wall time and peak memory), in the same run;
checks that both give the same RB, RA and LTM; on CSV, times Stats NZ's migstat too
when it is installed. Prints the machine, the versions and the ratios, of wall time and of
CPU time (which other work on the machine changes less). The kernel's one-time compilation
after an install is timed apart, first.

    .venv/bin/python benchmarks/crossings.py --sizes 1M,10M,100M
    nice -n 10 .venv/bin/python benchmarks/crossings.py --sizes 300M --memory-limit 6GB

Figures are printed, never asserted: speed targets live here, not in the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
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
    foreign = 1 + rng.choice(CITIZENSHIPS.size - 1, size=persons,
                             p=CITIZENSHIP_WEIGHTS[1:] / CITIZENSHIP_WEIGHTS[1:].sum())
    citizenship = np.where(citizen, 0, foreign)  # positions in CITIZENSHIPS
    female = rng.random(persons) < 0.5
    return pa.table({
        "person_id": pa.array(person, pa.int64()),
        "date_crossing": pa.array(day.astype("int32"), pa.int32()).cast(pa.date32()),
        "is_arrival": pa.array(arrival, pa.int8()),
        "citizenship": _texts(np.repeat(citizenship, counts), CITIZENSHIPS),
        "sex": _texts(np.repeat(np.where(female, 0, 1), counts), np.array(["F", "M"])),
        "birth_year": pa.array(np.repeat(rng.integers(1940, 2015, size=persons), counts),
                               pa.int16()),
        "port": _texts(rng.integers(0, PORTS.size, size=person.size), PORTS),
    })


def _texts(positions: np.ndarray, values: np.ndarray) -> pa.Array:
    """``values[positions]`` as an Arrow string array (built in Arrow: fast)."""
    return pa.DictionaryArray.from_arrays(pa.array(positions, pa.int32()),
                                          pa.array(values)).cast(pa.string())


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


SIZES = {"100K": 100_000, "1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000,
         "300M": 300_000_000}

WINDOW, THRESHOLD = 487, 365

BARE_QUERY = """
COPY (
  WITH crossings AS (
    SELECT *, date_crossing::DATE - DATE '1970-01-01' AS _day,
           (date_crossing::DATE - DATE '1970-01-01')::BIGINT * 4294967296 + _row AS _key,
           2 * is_arrival - 1 AS _sign
    FROM {source}
  ), ahead AS (
    -- days in the country within [date, date + W): the presence flips at each crossing
    SELECT *,
      (1 - is_arrival) * {W} + (_day + {W}) * sum(_sign) OVER window_ahead
        - sum(_sign * _day) OVER window_ahead AS _days_in,
      count(*) OVER history AS _crossings,
      1 - first_value(is_arrival) OVER history AS _initial
    FROM crossings
    WINDOW history AS (PARTITION BY person_id ORDER BY _key
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
           window_ahead AS (PARTITION BY person_id ORDER BY _key
                            RANGE BETWEEN CURRENT ROW AND {W} * 4294967296 FOLLOWING)
  ), decided AS (
    -- V days in the state entered (a lone crossing: V days before the data end)
    SELECT *, CASE WHEN _crossings = 1 THEN (SELECT max(_day) FROM crossings) - _day >= {V}
                   WHEN is_arrival = 1 THEN _days_in >= {V}
                   ELSE {W} - _days_in >= {V} END AS _moves
    FROM ahead
  ), statuses AS (
    -- the status is the one entered at the latest crossing that moved it
    SELECT *,
      coalesce(last_value(CASE WHEN _moves THEN is_arrival END IGNORE NULLS) OVER before,
               _initial) AS res_status_before,
      coalesce(last_value(CASE WHEN _moves THEN is_arrival END IGNORE NULLS) OVER after,
               _initial) AS res_status_after
    FROM decided
    WINDOW after AS (PARTITION BY person_id ORDER BY _key
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
           before AS (PARTITION BY person_id ORDER BY _key
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  )
  SELECT * EXCLUDE (_day, _key, _sign, _days_in, _crossings, _initial, _moves),
         (res_status_before <> res_status_after)::TINYINT AS is_long_term_mig
  FROM statuses
) TO '{target}' (FORMAT parquet)
"""
"""The closed form of the rule (RB, RA, LTM only) in plain DuckDB SQL: the yardstick of
speed. ``_row`` is the row's position in the file; a person's crossings are taken in date
order, then row order."""


def bare_query(source: Path, target: Path, *, memory_limit: str) -> None:
    """Classify with :data:`BARE_QUERY` (in this process)."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory_limit,
                                 "temp_directory": str(target.parent / "spill-bare")})
    if source.suffix == ".parquet":
        scan = (f"(SELECT * EXCLUDE (file_row_number), file_row_number AS _row "
                f"FROM read_parquet('{source}', file_row_number = true))")
    else:
        scan = f"(SELECT *, row_number() OVER () - 1 AS _row FROM read_csv('{source}'))"
    con.execute(BARE_QUERY.format(source=scan, target=target, W=WINDOW, V=THRESHOLD))


MIGSTAT_SCRIPT = """
suppressMessages({{
  library(migstat)  # from R_LIBS, as its parallel workers find it
  library(data.table)
}})
x <- fread("{source}", select = c("person_id", "date_crossing", "is_arrival"))
x[, date_crossing := as.Date(date_crossing)]
end <- max(x$date_crossing)
x[, days_obs := calc_days_obs(date_crossing, end, {W}L)]
x[, days_in_country := calc_days_in_country(person_id, date_crossing, is_arrival, end, {W}L)]
x[, res_status_initial := 1L - is_arrival[1L], by = person_id]
x[, res_status_after := calc_res_status_after(person_id, is_arrival, days_in_country,
                                              days_obs, res_status_initial, {W}L, {V}L)]
x[, res_status_before := calc_res_status_before(person_id, res_status_initial,
                                                res_status_after)]
x[, is_long_term_mig := calc_is_long_term_mig(person_id, is_arrival, res_status_before,
                                              res_status_after, days_in_country, days_obs,
                                              {W}L, {V}L)]
fwrite(x, "{target}")
"""
"""Stats NZ's migstat on the same crossings (12/16, the data end as observation end)."""

MIGSTAT_HOWTO = (
    "migstat (Stats NZ, an R package) is not installed: install R with Rcpp, lubridate, "
    "stringr, dplyr, futile.logger and data.table, get github.com/StatisticsNZ/migstat "
    "(commit 1e60695), run `R CMD INSTALL --library=FOLDER migstat`, then pass "
    "--migstat-library FOLDER (or set MIGSTAT_LIBRARY)."
)


@dataclass(frozen=True)
class Run:
    """Wall time (s) and peak resident memory (GiB) of one child process."""

    seconds: float
    peak_gib: float
    cpu_seconds: float  # user + system, of every thread: what other work on the machine
    # changes least

    def __str__(self) -> str:
        return (f"{self.seconds:.1f} s ({self.cpu_seconds:.1f} s of CPU), "
                f"peak {self.peak_gib:.2f} GiB")


def _timed(command: list[str], *, env: dict | None = None) -> Run:
    """Run ``command`` as a child process: its own wall time and peak memory."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return Run(elapsed, usage.ru_maxrss / 2**20, usage.ru_utime + usage.ru_stime)


def _identical(classified: Path, bare: Path) -> tuple[int, bool]:
    """Rows, and whether both outputs give every row the same RB, RA and LTM: an
    order-free checksum (the sum of a 64-bit hash of row, RB, RA, LTM), so that no join
    of hundreds of millions of rows is needed. Classify's rows are in file order; the bare
    query's carry ``_row``."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": "2GB"})
    sums = []
    for source in (_with_row(classified), f"read_parquet('{bare}')"):
        sums.append(con.execute(f"""
            SELECT count(*), sum(hash(_row::BIGINT, res_status_before::BIGINT,
                                      res_status_after::BIGINT,
                                      is_long_term_mig::BIGINT)::HUGEINT)
            FROM {source}""").fetchone())
    return sums[0][0], sums[0] == sums[1]


def _with_row(path: Path) -> str:
    """Classify's output with its row number (file order)."""
    if path.suffix == ".parquet":
        return (f"(SELECT *, file_row_number AS _row "
                f"FROM read_parquet('{path}', file_row_number = true))")
    return f"(SELECT *, row_number() OVER () - 1 AS _row FROM read_csv('{path}'))"


def spark_throughput(source: Path, *, master: str) -> None:
    """Crossings classified per second and per executor core on Spark: the rule's stage
    alone (read the Parquet file, partition by person, sort, the kernel in the Python
    workers), its rows discarded, so the driver reads and writes nothing."""
    import re

    from pyspark.sql import SparkSession, functions

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(master).appName("migprofile-throughput")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false").getOrCreate())
    from migprofile.crossings.reading import CrossingColumns, normalize_crossings
    from migprofile.crossings.rule import RuleParameters, classify_narrow
    from migprofile.warehouse import connect

    con = connect("spark")  # the session above
    spark.read.parquet(str(source)).withColumn(
        "_row", functions.monotonically_increasing_id()).createOrReplaceTempView("crossings")
    table = normalize_crossings(con.table("crossings"), CrossingColumns())
    start = time.perf_counter()
    result = classify_narrow(table, rule=RuleParameters(), data_end=dt.date(2025, 12, 31))
    spark.table(result.get_name()).write.format("noop").mode("overwrite").save()
    elapsed = time.perf_counter() - start
    rows = spark.table("crossings").count()
    found = re.fullmatch(r"local-cluster\[(\d+),(\d+),\d+\]", master)
    cores = int(found[1]) * int(found[2]) if found else os.cpu_count()
    print(f"Spark ({master}): {rows:,} crossings classified in {elapsed:.1f} s: "
          f"{rows / elapsed / cores:,.0f} crossings a second per executor core "
          f"(load average {os.getloadavg()[0]:.1f})", flush=True)
    spark.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100K",
                        help="comma-separated sizes among " + ", ".join(SIZES))
    parser.add_argument("--folder", type=Path, default=Path(__file__).parent / "output",
                        help="where the generated and classified files go")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--memory-limit", default="4GB",
                        help="DuckDB's memory limit, for classify and the bare query alike")
    parser.add_argument("--migstat-library", default=os.environ.get("MIGSTAT_LIBRARY"),
                        help="R library folder where migstat is installed (CSV sizes)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated and classified files")
    parser.add_argument("--spark-throughput", metavar="MASTER",
                        help="instead: the rule's stage alone on Spark, e.g. "
                             "'local-cluster[2,1,1024]', on the first size (Parquet)")
    parser.add_argument("--bare", nargs=2, type=Path, metavar=("SOURCE", "TARGET"),
                        help=argparse.SUPPRESS)  # the child process of the bare query
    args = parser.parse_args(argv)
    if args.bare:
        bare_query(*args.bare, memory_limit=args.memory_limit)
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    print(describe(("migprofile", "duckdb", "ibis-framework", "numba")))
    print(f"command: {' '.join(sys.argv)}")
    if args.spark_throughput:
        label = args.sizes.split(",")[0].strip()
        source = args.folder / f"crossings-{label}.parquet"
        if not source.exists():
            generate(source, SIZES[label])
        spark_throughput(source, master=args.spark_throughput)
        return
    start_up = _timed([sys.executable, "-m", "migprofile", "classify", "--help"])
    print(f"start-up (`migprofile classify --help`): {start_up}")
    print(f"first classification after install (compiles the kernel, cached on disk): "
          f"{_first_classification(args.folder)}")
    for label in args.sizes.split(","):
        _benchmark(label.strip(), args, start_up)


def _first_classification(folder: Path) -> Run:
    """Classify a few crossings once, so that the timed runs find the compiled kernel in
    numba's cache as every run after the first one does; returns that first run."""
    source, target = folder / "warm-up.csv", folder / "warm-up-classified.csv"
    generate(source, 1_000)
    run = _timed([sys.executable, "-m", "migprofile", "classify", str(source),
                  "--out", str(target)])
    source.unlink()
    target.unlink(missing_ok=True)
    return run


def _benchmark(label: str, args: argparse.Namespace, start_up: Run) -> None:
    """Generate, classify, run the bare query (and migstat on CSV), compare, print."""
    size = SIZES[label]
    # CSV to CSV up to 1M crossings, Parquet to Parquet beyond
    suffix = ".csv" if size <= 1_000_000 else ".parquet"
    source = args.folder / f"crossings-{label}{suffix}"
    if not source.exists():
        start = time.perf_counter()
        rows = generate(source, size)
        print(f"{label}: generated {rows:,} crossings in {time.perf_counter() - start:.1f} s")
    output = args.folder / f"classified-{label}{suffix}"
    bare = args.folder / f"bare-{label}.parquet"
    load = os.getloadavg()[0]  # other work on the machine slows every figure
    classify = _timed([sys.executable, "-m", "migprofile", "classify", str(source),
                       "--out", str(output), "--engine", args.engine,
                       "--memory-limit", args.memory_limit])
    query = _timed([sys.executable, __file__, "--bare", str(source), str(bare),
                    "--memory-limit", args.memory_limit])
    compared, same = _identical(output, bare)
    kind = f"{suffix[1:]} -> {suffix[1:]}"
    print(f"{label} ({kind}, memory limit {args.memory_limit}, load average {load:.1f} "
          f"before):", flush=True)
    print(f"  migprofile classify on {args.engine}: {classify} "
          f"(after start-up: {classify.seconds - start_up.seconds:.1f} s)")
    print(f"  bare closed-form query:       {query}")
    print(f"  classify / bare query: time {classify.seconds / query.seconds:.2f} x, "
          f"CPU time {classify.cpu_seconds / query.cpu_seconds:.2f} x, "
          f"peak memory {classify.peak_gib / query.peak_gib:.2f} x")
    print(f"  RB, RA, LTM of {compared:,} rows: "
          f"{'identical' if same else 'DIFFERENT'} (checksum)", flush=True)
    if suffix == ".csv":
        _against_migstat(source, args, classify)
    if not args.keep:
        for path in (source, output, bare):
            path.unlink(missing_ok=True)


def _against_migstat(source: Path, args: argparse.Namespace, classify: Run) -> None:
    if not args.migstat_library or not shutil.which("Rscript"):
        print(f"  {MIGSTAT_HOWTO}")
        return
    target = args.folder / "migstat.csv"
    script = args.folder / "migstat.R"
    script.write_text(MIGSTAT_SCRIPT.format(source=source, target=target, W=WINDOW,
                                            V=THRESHOLD))
    migstat = _timed(["Rscript", str(script)],
                     env={**os.environ, "R_LIBS": args.migstat_library, "TZ": "UTC"})
    print(f"  migstat (R):                  {migstat}")
    print(f"  classify / migstat: time {classify.seconds / migstat.seconds:.2f} x, "
          f"CPU time {classify.cpu_seconds / migstat.cpu_seconds:.2f} x, "
          f"peak memory {classify.peak_gib / migstat.peak_gib:.2f} x", flush=True)
    script.unlink()
    target.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
