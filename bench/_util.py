"""Shared helpers: run a command several times in fresh processes, report median wall time and peak memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
OPENLINT = [sys.executable, "-m", "openlint"]
_BIN = Path(sys.executable).with_name("openlint")
if _BIN.exists():
    OPENLINT = [str(_BIN)]


def measure(argv: list[str], runs: int = 7, **kwargs) -> tuple[float, float, int]:
    """(median seconds, peak RSS MiB of the worst run, last exit code), each run in a fresh process."""
    times, peaks, code = [], [], 0
    for _ in range(runs):
        # a fresh wrapper per run: RUSAGE_CHILDREN's maximum is the largest child so far; the wrapper times
        # only its child, so its own start-up is not counted
        wrapped = [sys.executable, "-c", "import resource,subprocess,sys,time; t=time.perf_counter();"
                   " r=subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode;"
                   " print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r)", *argv]
        out = subprocess.run(wrapped, capture_output=True, text=True, **kwargs).stdout.split()
        times.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
        code = int(out[2])
    return statistics.median(times), max(peaks), code


def row(label: str, seconds: float, peak: float, extra: str = "") -> None:
    print(f"{label:<58} {seconds * 1000:8.1f} ms  {peak:7.1f} MiB  {extra}")


def header(title: str) -> None:
    print(f"\n== {title}  (python {sys.version.split()[0]}, {os.cpu_count()} cpus)")
