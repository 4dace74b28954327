"""`migprofile classify`: files in, files out, clear errors, an honest summary."""

from __future__ import annotations

import csv
import datetime as dt

import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq
import pytest

from migprofile.crossings import RESULT_COLUMNS, RuleParameters, classify_file
from migprofile.crossings.reading import parse_columns
from tests.crossings.helpers import loop_results, random_rows

CROSSINGS = """\
person_id,date_crossing,is_arrival,port
7,2017-01-01,1,HAN
7,2017-01-11 10:30:00,0,HAN
8,2018-03-01,1,SGN
8,2018-03-05,1,SGN
9,2011-11-32,1,LAO
10,2017-05-05,5,DAD
11,2019-01-01,0,HAN
7,2018-02-01,1,HAN
"""


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def crossings(tmp_path):
    return write(tmp_path / "crossings.csv", CROSSINGS)


def test_classify_writes_input_columns_in_order_plus_results(cli, crossings, tmp_path):
    out = tmp_path / "classified.csv"
    result = cli("classify", crossings, "--out", out)
    assert result.exit_code == 0, result
    rows = read_csv(out)
    original = list(csv.DictReader(CROSSINGS.splitlines()))
    assert [{k: r[k] for k in original[0]} for r in rows] == original
    assert list(rows[0]) == [*original[0], *RESULT_COLUMNS]
    assert "rows read                        8" in result.stdout
    assert "classified                       4" in result.stdout


def test_results_are_those_of_the_rule(crossings, tmp_path):
    out = tmp_path / "classified.parquet"
    classify_file(crossings, out)
    got = pq.read_table(out).to_pylist()
    rows = [(int(r["person_id"]), dt.date.fromisoformat(r["date_crossing"][:10])
             if r["date_crossing"] != "2011-11-32" else None,
             {"1": 1, "0": 0}.get(r["is_arrival"])) for r in csv.DictReader(CROSSINGS.splitlines())]
    expected = loop_results(rows, data_end=dt.date(2019, 1, 1))
    assert [{k: g[k] for k in RESULT_COLUMNS} for g in got] == [
        {k: e[k] for k in RESULT_COLUMNS} for e in expected]


def test_summary_counts_every_row(crossings, tmp_path):
    summary = classify_file(crossings, tmp_path / "out.csv")
    assert summary.rows_read == 8
    assert summary.rows_read == summary.classified + sum(summary.rejected.values())
    assert summary.rejected == {2: 2, 3: 1, 4: 1}
    assert summary.data_end == dt.date(2019, 1, 1)
    assert any("line 6" in p and "2011-11-32" in p for p in summary.problems)
    assert any("line 7" in p and "'5'" in p for p in summary.problems)


def test_impute_adds_flagged_crossings(crossings, tmp_path):
    out = tmp_path / "out.csv"
    summary = classify_file(crossings, out, rule=RuleParameters(on_gap="impute"))
    rows = read_csv(out)
    imputed = [r for r in rows if r["imputed"] == "1"]
    assert summary.imputed == 1 and len(rows) == 9
    assert (imputed[0]["person_id"], imputed[0]["date_crossing"]) == ("8", "2018-03-03")
    assert imputed[0]["is_arrival"] == "0" and imputed[0]["port"] == ""
    assert rows.index(imputed[0]) == 3  # between the two arrivals
    assert summary.rejected == {3: 1, 4: 1}


def test_data_end_decides_single_crossings(crossings, tmp_path):
    out = tmp_path / "out.csv"
    classify_file(crossings, out, data_end=dt.date(2020, 1, 1))
    single = read_csv(out)[6]
    assert (single["person_id"], single["is_long_term_mig"], single["provisional"]) == (
        "11", "1", "0")


def test_column_mapping_inline_and_direction_codes_in_toml(tmp_path):
    data = write(tmp_path / "in.csv", "PID,WHEN,DIR\nx,2020-01-01T08:00:00,ENTRY\n"
                                      "x,2020-01-05,exit\ny,2020-02-01,In\ny,2020-02-02,OUT\n")
    mapping = write(tmp_path / "map.toml", '[columns]\nperson_id = "PID"\n'
                    'date_crossing = "WHEN"\nis_arrival = "DIR"\n\n'
                    '[directions]\narrival = ["entry", "in"]\ndeparture = ["EXIT", "out"]\n')
    summary = classify_file(data, tmp_path / "out.csv", columns=parse_columns(str(mapping)))
    assert (summary.classified, summary.rejected) == (4, {})
    inline = parse_columns("person_id=PID,date_crossing=WHEN,is_arrival=DIR")
    summary = classify_file(data, tmp_path / "out2.csv", columns=inline)
    assert summary.rejected == {3: 2}  # ENTRY and exit are not default codes; IN/OUT are


def test_default_codings_arrival_departure_and_letters(tmp_path):
    data = write(tmp_path / "in.csv", "person_id,date_crossing,is_arrival\n"
                                      "1,2020-01-01,Arrival\n1,2020-01-05,departure\n"
                                      "2,2020-01-01,a\n2,2020-01-02, D \n")
    assert classify_file(data, tmp_path / "o.csv").classified == 4


def test_parquet_with_date_and_integer_columns(tmp_path):
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({
        "person_id": pa.array([1, 1, 2], pa.int64()),
        "date_crossing": pa.array([dt.date(2020, 1, 1), dt.date(2021, 3, 1),
                                   dt.date(2020, 6, 1)], pa.date32()),
        "is_arrival": pa.array([1, 0, 0], pa.int8()),
        "citizenship": ["VNM", "VNM", "KOR"],
    }), source)
    summary = classify_file(source, tmp_path / "out.parquet")
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column_names[:4] == ["person_id", "date_crossing", "is_arrival", "citizenship"]
    assert out["person_id"].type == pa.int64() and out["date_crossing"].type == pa.date32()
    assert out["is_long_term_mig"].to_pylist() == [1, 1, 0]
    assert summary.ltm_arrivals == 1 and summary.ltm_departures == 1


def test_initial_status_sets_the_first_status(tmp_path, cli):
    data = write(tmp_path / "in.csv", "person_id,date_crossing,is_arrival\n1,2020-01-01,1\n"
                                      "1,2020-02-01,0\n")
    status = write(tmp_path / "status.csv", "person_id,status,as_of\n1,1,2019-06-30\n")
    out = tmp_path / "out.csv"
    assert cli("classify", data, "--out", out, "--initial-status", status).exit_code == 0
    first = read_csv(out)[0]
    assert (first["res_status_before"], first["is_long_term_mig"]) == ("1", "0")


@pytest.mark.parametrize(("content", "message"), [
    ("person_id,date_crossing\n1,2020-01-01\n", "missing column(s) 'is_arrival'"),
    ("", "the file is empty"),
    ("person_id,date_crossing,is_arrival\n", "no crossings"),
    ("person_id,date_crossing,is_arrival\n,2020-01-01,1\n1,2020-01-01,1\n",
     "have no person identifier (column 'person_id'), first at line 2"),
    ("person_id,date_crossing,is_arrival\n1,01/02/2020,1\n1,02/03/2020,0\n",
     "line 2, column 'date_crossing': not a date '01/02/2020'"),
])
def test_whole_file_problems_write_nothing_and_exit_2(cli, tmp_path, content, message):
    data = write(tmp_path / "in.csv", content)
    out = tmp_path / "out.csv"
    result = cli("classify", data, "--out", out)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]  # no temporary files left


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "x.txt"], "must end in .csv or .parquet"),
    (["--out", "missing/o.csv"], "the output's folder does not exist"),
    (["--out", "o.csv", "--columns", "person_id"], "is not FIELD=COLUMN"),
    (["--out", "o.csv", "--columns", "nationality=NAT"], "unknown field(s) ['nationality']"),
    (["--out", "o.csv", "--on-gap", "drop"], "--on-gap must be reject or impute"),
    (["--out", "o.csv", "--threshold", "500"], "must be positive and not exceed the window"),
    (["--out", "o.csv", "--data-end", "2020-13-01"], "is not a date"),
])
def test_bad_options_are_clear(cli, crossings, tmp_path, args, message):
    result = cli("classify", crossings, *[str(tmp_path / a) if a.endswith((".txt", ".csv"))
                                          else a for a in args])
    assert "Traceback" not in result.stderr
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.spark
def test_spark_engine_writes_the_same_file(crossings, tmp_path):
    on_duckdb, on_spark = tmp_path / "duckdb.csv", tmp_path / "spark.csv"
    classify_file(crossings, on_duckdb, rule=RuleParameters(on_gap="impute"))
    summary = classify_file(crossings, on_spark, rule=RuleParameters(on_gap="impute"),
                            engine="spark")
    assert on_spark.read_text() == on_duckdb.read_text()
    assert summary.imputed == 1


def test_imputed_arrival_in_a_file_of_departures_only(tmp_path):
    data = write(tmp_path / "in.csv", "person_id,date_crossing,is_arrival\n"
                                      "1,2020-01-01,OUT\n1,2020-03-01,OUT\n")
    out = tmp_path / "out.csv"
    classify_file(data, out, rule=RuleParameters(on_gap="impute"))
    assert [(r["date_crossing"], r["is_arrival"], r["imputed"]) for r in read_csv(out)] == [
        ("2020-01-01", "OUT", "0"), ("2020-01-31", "1", "1"), ("2020-03-01", "OUT", "0")]


def test_initial_status_of_other_identifiers_matches_nobody(tmp_path):
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"person_id": pa.array([1, 1], pa.int64()),
                             "date_crossing": ["2020-01-01", "2020-02-01"],
                             "is_arrival": [1, 0]}), source)
    status = write(tmp_path / "status.csv", "person_id,status,as_of\nP-1,1,2019-01-01\n"
                                            "1,1,2019-01-01\n")
    classify_file(source, tmp_path / "out.csv", initial_status=status)
    assert read_csv(tmp_path / "out.csv")[0]["res_status_before"] == "1"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_imputed_rows_in_input_order(tmp_path, suffix):
    """Persons interleaved, several gaps each: every imputed crossing comes just before the
    crossing that revealed it, all other rows in input order."""
    rows = [(1, dt.date(2020, 1, 1), 1), (2, dt.date(2020, 1, 3), 0),
            (1, dt.date(2020, 2, 1), 1), (3, dt.date(2020, 1, 1), 1),
            (2, dt.date(2020, 5, 3), 0), (1, dt.date(2020, 3, 1), 1),
            (2, dt.date(2021, 5, 3), 1), (1, dt.date(2021, 3, 1), 0)]
    text = "person_id,date_crossing,is_arrival,port\n" + "".join(
        f"{p},{d},{a},P{k}\n" for k, (p, d, a) in enumerate(rows))
    out = tmp_path / f"out{suffix}"
    summary = classify_file(write(tmp_path / "in.csv", text), out,
                            rule=RuleParameters(on_gap="impute"))
    got = (read_csv(out) if suffix == ".csv"
           else [{k: str(v) if v is not None else "" for k, v in r.items()}
                 for r in pq.read_table(out).to_pylist()])
    expected = loop_results(rows, impute=True)
    assert summary.imputed == 3 and len(got) == len(rows) + 3
    assert [(r["person_id"], r["port"], r["imputed"]) for r in got] == [
        (str(rows[e["_row"]][0]), "" if e["imputed"] else f"P{e['_row']}", str(e["imputed"]))
        for e in expected]
    assert [{k: r[k] for k in RESULT_COLUMNS} for r in got] == [
        {k: "" if e[k] is None else str(e[k]) for k in RESULT_COLUMNS} for e in expected]


def _written(tmp_path, rows, suffix: str):
    """``(person, date, arrival)`` rows as a crossings file, with a port column."""
    table = pa.table({
        "person_id": pa.array([p for p, _, _ in rows], pa.int64()),
        "date_crossing": pa.array([d for _, d, _ in rows], pa.date32()),
        "is_arrival": pa.array([a for _, _, a in rows], pa.int8()),
        "port": [f"P{k}" for k in range(len(rows))],
    })
    path = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        pa.csv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


def _classified(path) -> list[dict]:
    """Every output row as text (empty for a missing value), as a CSV would read."""
    if path.suffix == ".csv":
        return read_csv(path)
    return [{k: "" if v is None else str(v) for k, v in row.items()}
            for row in pq.read_table(path).to_pylist()]


def _as_loop_gives(rows, **options) -> list[dict]:
    return [{"port": "" if e["imputed"] else f"P{e['_row']}",
             **{k: "" if e[k] is None else str(e[k]) for k in RESULT_COLUMNS}}
            for e in loop_results(rows, **options)]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("impute", [False, True])
def test_grouped_file_in_one_pass_gives_the_loop_results(tmp_path, monkeypatch, suffix,
                                                         impute):
    """Each person's crossings together (as the reference wants them): read, classified and
    written in one pass, in batches that cut persons, nothing sorted."""
    import migprofile.crossings.files as files

    monkeypatch.setattr(files, "BATCH_ROWS", 7)
    rows, _ = random_rows(3, persons=80, window=487, threshold=365)
    said = []
    out = tmp_path / f"out{suffix}"
    summary = classify_file(_written(tmp_path, rows, suffix), out, progress=said.append,
                            rule=RuleParameters(on_gap="impute" if impute else "reject"))
    assert not any("sorting" in line for line in said)
    got = _classified(out)
    assert [{k: g[k] for k in ("port", *RESULT_COLUMNS)} for g in got] == _as_loop_gives(
        rows, impute=impute)
    assert summary.rows_read == len(rows)
    assert bool(summary.rejected) is not impute  # same directions: rejected or imputed
    assert summary.imputed == (sum(g["imputed"] == "1" for g in got) if impute else 0)


def test_a_person_found_again_later_switches_to_sorting_and_counts_once(tmp_path,
                                                                        monkeypatch):
    """The first person's last crossing at the very end: found after batches were
    classified and written; the run starts again sorted, and counts every row once."""
    import migprofile.crossings.files as files

    monkeypatch.setattr(files, "BATCH_ROWS", 5)
    rows, _ = random_rows(4, persons=40, window=487, threshold=365)
    first = [r for r in rows if r[0] == rows[0][0]]
    assert len(first) > 1
    scattered = first[:-1] + [r for r in rows if r[0] != rows[0][0]] + first[-1:]
    said = []
    out = tmp_path / "out.parquet"
    summary = classify_file(_written(tmp_path, scattered, ".parquet"), out,
                            progress=said.append)
    assert any("not all together in the file: sorting" in line for line in said)
    assert [{k: g[k] for k in ("port", *RESULT_COLUMNS)} for g in _classified(out)] == (
        _as_loop_gives(scattered))
    grouped = classify_file(_written(tmp_path, rows, ".parquet"), tmp_path / "grouped.csv")
    counts = ("rows_read", "classified", "rejected", "provisional", "ltm_arrivals",
              "ltm_departures")
    assert [getattr(summary, c) for c in counts] == [getattr(grouped, c) for c in counts]
    assert len(summary.problems) == len(set(summary.problems)) == len(grouped.problems)


def test_integer_direction_codes_read_as_their_text(tmp_path):
    """A column of numbers matches the codes its numbers are written as: ``"2"`` and
    ``"-3"``, never ``"02"`` or a word."""
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({
        "person_id": pa.array([1, 1, 2, 2, 3], pa.int64()),
        "date_crossing": pa.array([dt.date(2020, 1, 1), dt.date(2020, 2, 1),
                                   dt.date(2020, 1, 1), dt.date(2020, 2, 1),
                                   dt.date(2020, 1, 1)], pa.date32()),
        "is_arrival": pa.array([2, -3, 2, 1, 4], pa.int16()),
    }), source)
    mapping = write(tmp_path / "map.toml", '[directions]\narrival = ["2", "in"]\n'
                                           'departure = ["-3", "04"]\n')
    summary = classify_file(source, tmp_path / "out.csv", columns=parse_columns(str(mapping)))
    assert (summary.classified, summary.rejected) == (2, {3: 3})


def test_batches_made_ahead_come_in_order_and_fail_in_their_place():
    """Batches are read and classified in a thread of their own while the previous ones are
    written: the same sequence, a failure raised where it happened, and a consumer that
    stops early does not wait for the rest."""
    import itertools

    from migprofile.crossings.files import _ahead

    def five_then_a_failure():
        yield from range(5)
        raise ValueError("the sixth batch")

    got = []
    with pytest.raises(ValueError, match="the sixth batch"):
        for item in _ahead(five_then_a_failure()):
            got.append(item)
    assert got == [0, 1, 2, 3, 4]
    assert list(itertools.islice(_ahead(itertools.count()), 3)) == [0, 1, 2]
