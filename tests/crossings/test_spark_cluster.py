"""The Spark path on a cluster of two executors, migprofile shipped to them as a wheel.

A ``local-cluster`` master starts two executor processes, each with its own Python workers,
as a real cluster would; they find migprofile only in the wheel handed to Spark (the way
``spark-submit --py-files`` ships it, docs/border-data.md), and must give the same file as
DuckDB.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv
import pytest

from migprofile.crossings import RuleParameters, classify_file
from tests.crossings.helpers import random_rows

pytestmark = [pytest.mark.spark, pytest.mark.slow]


JOB = """
import json, sys
from pyspark.sql import SparkSession

wheel, source, target = sys.argv[1:4]
spark = (SparkSession.builder.master("local-cluster[2,1,1024]")
         .config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.submit.pyFiles", wheel)
         .config("spark.ui.enabled", "false")
         .getOrCreate())
from migprofile.crossings import RuleParameters, classify_file

summary = classify_file(source, target, engine="spark", rule=RuleParameters(on_gap="impute"))


def module_file(_):
    import migprofile
    yield migprofile.__file__


modules = spark.sparkContext.parallelize(range(8), 8).mapPartitions(module_file).collect()
executors = len(spark.sparkContext._jsc.sc().statusTracker().getExecutorInfos()) - 1
print(json.dumps({"imputed": summary.imputed, "executors": executors,
                  "modules": sorted(set(modules))}))
spark.stop()
"""


@pytest.fixture(scope="module")
def shipped_wheel(distributions, tmp_path_factory) -> Path:
    """migprofile's wheel, named ``.zip`` (Spark ships ``.zip`` and ``.egg`` files to the
    Python workers; a wheel is a zip)."""
    wheel = next(distributions.glob("migprofile-*.whl"))
    return shutil.copy(wheel, tmp_path_factory.mktemp("wheel") / "migprofile.zip")


def test_two_executors_with_the_wheel_write_the_duckdb_file(shipped_wheel, tmp_path):
    rows, _ = random_rows(21, persons=300, window=487, threshold=365)
    # persons interleaved, as a file sorted by date would have them
    rows = sorted(rows, key=lambda row: (row[1], row[0]))
    source = tmp_path / "crossings.csv"
    pa.csv.write_csv(pa.table({
        "person_id": pa.array([p for p, _, _ in rows], pa.int64()),
        "date_crossing": pa.array([d for _, d, _ in rows], pa.date32()),
        "is_arrival": pa.array([a for _, _, a in rows], pa.int8()),
    }), source)
    on_duckdb, on_cluster = tmp_path / "duckdb.csv", tmp_path / "cluster.csv"
    expected = classify_file(source, on_duckdb, rule=RuleParameters(on_gap="impute"))
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    job = subprocess.run([sys.executable, "-c", JOB, str(shipped_wheel), str(source),
                          str(on_cluster)], env=env, capture_output=True, text=True,
                         timeout=900, cwd=tmp_path)
    assert job.returncode == 0, job.stderr[-3000:]
    report = json.loads(job.stdout.strip().splitlines()[-1])
    assert report["executors"] == 2
    assert report["modules"]
    assert all("migprofile.zip/migprofile/" in module for module in report["modules"])
    assert report["imputed"] == expected.imputed > 0
    assert on_cluster.read_text() == on_duckdb.read_text()
