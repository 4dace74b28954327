"""Connections to the table engines: DuckDB (embedded, the default) and Spark.

Every table operation in migprofile is an Ibis expression, so the same code runs on either
engine; this module is the one place that knows how to open them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

import ibis
from ibis.backends import BaseBackend

from migprofile.errors import MigprofileError

__all__ = ["ENGINES", "Engine", "connect"]

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")


def connect(engine: Engine = "duckdb", *, database: Path | str | None = None,
            read_only: bool = False, memory_limit: str | None = None,
            temp_directory: Path | str | None = None, threads: int | None = None) -> BaseBackend:
    """Open an Ibis backend.

    Parameters
    ----------
    engine
        ``duckdb`` (embedded) or ``spark`` (local Spark session; needs the ``spark`` extra).
    database
        DuckDB file; ``None`` for an in-memory database. Ignored by Spark.
    read_only
        Open the DuckDB file for reading only (other processes may read it too).
    memory_limit, temp_directory, threads
        DuckDB resource settings, so that large sorts spill to disk instead of failing.
    """
    if engine == "duckdb":
        return _connect_duckdb(database, read_only, memory_limit, temp_directory, threads)
    if engine == "spark":
        return _connect_spark()
    raise MigprofileError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")


def _connect_duckdb(database, read_only, memory_limit, temp_directory, threads) -> BaseBackend:
    config: dict[str, object] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if temp_directory:
        config["temp_directory"] = str(temp_directory)
    if threads:
        config["threads"] = threads
    target = str(database) if database is not None else ":memory:"
    try:
        return ibis.duckdb.connect(target, read_only=read_only, **config)
    except Exception as exc:  # duckdb raises IOException, a lock error, ...
        raise MigprofileError(f"cannot open the DuckDB database: {exc}", path=database) from exc


def _connect_spark() -> BaseBackend:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MigprofileError(
            "the Spark engine needs PySpark: install migprofile with the `spark` extra "
            "(pip install 'migprofile[spark]') and Java 17."
        ) from exc
    active = SparkSession.getActiveSession()
    if active is not None:  # a session the caller started: its master and settings
        active.conf.set("spark.sql.session.timeZone", "UTC")
        return ibis.pyspark.connect(active)
    builder = (SparkSession.builder.appName("migprofile")
               .config("spark.sql.session.timeZone", "UTC"))
    partitions = os.environ.get("MIGPROFILE_SPARK_PARTITIONS")
    if "PYSPARK_GATEWAY_PORT" in os.environ:
        # under spark-submit: the cluster's master and the settings given to spark-submit
        if partitions:
            builder = builder.config("spark.sql.shuffle.partitions", partitions)
        return ibis.pyspark.connect(builder.getOrCreate())
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    master = os.environ.get("MIGPROFILE_SPARK_MASTER", "local[*]")
    if master.startswith("local"):
        # The residence-rule kernel runs in Spark's Python workers, which need migprofile:
        # on a local master (local-cluster too) they are this interpreter, not the first
        # python3 on the PATH. (A cluster's workers get it from spark-submit --py-files.)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        builder.master(master)
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", partitions or "8")
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)
