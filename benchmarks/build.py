"""Time and peak memory of `migprofile init` + `migprofile build` for one country, cold.

Cold means a new profile folder (empty warehouse, no previous outputs), as a user starting
a profile would have. Each run is a separate process, so imports and font loading count.

    python benchmarks/build.py                 # Viet Nam, all four report languages
    python benchmarks/build.py --country LAO --languages en,lo --runs 3

Target: under 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import describe


def run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "migprofile", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", default="VNM")
    parser.add_argument("--languages", default="en,vi,lo,ko")
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    print(describe())
    for number in range(1, options.runs + 1):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "profile"
            init = run("init", options.country, str(folder), "--languages", options.languages)
            build = run("build", str(folder))
            rebuild = run("build", str(folder))
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"run {number}: {options.country} [{options.languages}] init {init:.1f} s, "
              f"build {build:.1f} s, init+build {init + build:.1f} s (target < 30 s); "
              f"unchanged rebuild {rebuild:.1f} s; peak memory {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
