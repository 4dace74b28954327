"""A description of the machine a benchmark ran on, printed with its figures."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import version


def _memory_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def describe(packages: tuple[str, ...] = ("migprofile", "duckdb", "ibis-framework")) -> str:
    versions = ", ".join(f"{name} {version(name)}" for name in packages)
    return (f"machine: {os.cpu_count()} cores ({_cpu_model()}), {_memory_gib():.1f} GiB RAM, "
            f"{platform.system()} {platform.release()}; Python {sys.version.split()[0]}; "
            f"{versions}")
