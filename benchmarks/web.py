"""Latency of the web app under load: concurrent signed-in clients reading the dashboard
and the indicator explorer, on loopback, for a fixed time.

The app runs in its own process (`migprofile serve`) over a copy of a built profile; each
client is a thread with its own keep-alive connection, reading a page, then the next, with
no pause. Prints p50 and p95 latency, requests per second and errors.

    python benchmarks/web.py                               # a new Viet Nam profile, built
    python benchmarks/web.py --profile examples/viet-nam --clients 50 --seconds 60
    python benchmarks/web.py --database postgresql://postgres@127.0.0.1:5432/test

Target: p95 under 200 ms with 50 clients, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import describe

EMAIL, PASSWORD = "benchmark@example.org", "benchmark password"
EXPLORER_QUERIES = [
    "", "?indicator=emigrant_stock_by_destination", "?indicator=emigrant_stock&sex=F",
    "?country=KOR", "?period=2020", "?indicator=remittance_inflows_usd",
    "?indicator=immigrant_stock_by_origin&period=2024&sex=_T",
]
PAGES = ["/", "/?lang=vi", *(f"/explorer{q}" for q in EXPLORER_QUERIES)]


def migprofile(*args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "migprofile", *args], check=True, input=stdin,
                   text=True, stdout=subprocess.DEVNULL)


def prepare(folder: Path, source: Path | None, database: str | None) -> Path:
    """A built profile with the benchmark's account, in ``folder``."""
    root = folder / "profile"
    if source is None:
        migprofile("init", "VNM", str(root), "--languages", "en,vi")
        migprofile("build", str(root))
    else:
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("webapp"))
        migprofile("build", str(root))
    extra = ["--database", database] if database else []
    migprofile("users", "add", str(root), "--email", EMAIL, "--role", "viewer",
               "--password-stdin", *extra, stdin=PASSWORD + "\n")
    return root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped; see its output above")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


def sign_in(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/api/session", json.dumps({"email": EMAIL,
                                                          "password": PASSWORD}),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"signing in failed: {response.status}")
    return response.getheader("set-cookie").split(";")[0]


def client(port: int, cookie: str, until: float, seed: int, latencies: list[float],
           errors: list[str]) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        path = rng.choice(PAGES)
        language = "vi" if path.endswith("lang=vi") else "en"
        headers = {"Cookie": f"{cookie}; migprofile_lang={language}"}
        started = time.perf_counter()
        try:
            connection.request("GET", path.replace("?lang=vi", ""), headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{path}: {exc}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(f"{path}: HTTP {response.status}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, help="a profile folder to copy (default: "
                        "a new Viet Nam profile)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database", help="PostgreSQL URL (default: SQLite)")
    options = parser.parse_args()
    print(describe(("migprofile", "fastapi", "uvicorn", "SQLAlchemy")))
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as scratch:
        root = prepare(Path(scratch), options.profile, options.database)
        port = free_port()
        extra = ["--database", options.database] if options.database else []
        server = subprocess.Popen([sys.executable, "-m", "migprofile", "serve", str(root),
                                   "--port", str(port), *extra], stdout=subprocess.DEVNULL)
        try:
            wait_until_up(port, server)
            cookie = sign_in(port)
            # one pass first, so that the caches of the dashboard and explorer are warm
            client(port, cookie, time.monotonic() + 3, 0, [], [])
            latencies: list[float] = []
            errors: list[str] = []
            until = time.monotonic() + options.seconds
            cpu_before = cpu_seconds(server.pid)
            threads = [threading.Thread(target=client, args=(port, cookie, until, n,
                                                             latencies, errors))
                       for n in range(options.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            server_cpu = cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
    p50, p95 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.95) * 1000
    print(f"{options.clients} clients, {options.seconds:.0f} s, "
          f"{'PostgreSQL' if options.database else 'SQLite'}: {len(latencies):,} requests "
          f"({len(latencies) / options.seconds:.0f}/s), p50 {p50:.0f} ms, p95 {p95:.0f} ms "
          f"(target < 200 ms), errors {len(errors)}; the server used "
          f"{server_cpu / max(len(latencies), 1) * 1000:.1f} ms of CPU per request")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for error in sorted(set(errors))[:10]:
        print(f"  {error}")


if __name__ == "__main__":
    main()
