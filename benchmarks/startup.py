"""How fast the command line answers: `migprofile --help`, `countries` and `--version`.

Each command is run as a whole process (the console script a user types), several times;
the median and the fastest wall-clock times are printed beside a bare Python start, with
the machine. Target: `--help` and `countries` under 0.25 s.

    python benchmarks/startup.py            # 15 runs of each
    python benchmarks/startup.py --runs 50
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import describe

TARGET_SECONDS = 0.25
COMMANDS = {
    "python -c pass (bare start)": [sys.executable, "-c", "pass"],
    "migprofile --help": ["migprofile", "--help"],
    "migprofile countries": ["migprofile", "countries"],
    "migprofile --version": ["migprofile", "--version"],
}


def wall_times(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    script = Path(sys.executable).with_name("migprofile")
    print(describe(("migprofile", "typer")))
    for label, command in COMMANDS.items():
        if command[0] == "migprofile":
            command = [str(script), *command[1:]]
        times = wall_times(command, options.runs)
        verdict = ""
        if label in ("migprofile --help", "migprofile countries"):
            met = statistics.median(times) < TARGET_SECONDS
            verdict = f" (target < {TARGET_SECONDS} s: {'met' if met else 'NOT met'})"
        print(f"{label:30} median {statistics.median(times):.3f} s, "
              f"fastest {min(times):.3f} s over {options.runs} runs{verdict}")


if __name__ == "__main__":
    main()
