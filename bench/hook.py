"""The pre-commit hook's own command (the `entry` of .pre-commit-hooks.yaml) on the bundled example release, timed
in fresh processes (wall clock and the child's CPU time from os.wait4, to the microsecond; several executables take
turns run by run). Target on the project's machine: median wall time under 0.20 s, on
Python 3.10 too. Give the openlint executables to compare (e.g. one per Python); default: this interpreter's.

    python bench/hook.py [path/to/venv/bin/openlint ...] [--runs 15]

The first run of each executable is not counted: it may build openlint's bundled-data cache. Wall time depends on
what else the machine is doing; user + sys CPU time is printed beside it, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from _util import OPENLINT, ROOT

EXAMPLE = ROOT / "examples" / "open-release"


def hook_arguments() -> list[str]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    entry = shlex.split(hook["entry"])
    assert entry[0] == "openlint"
    return entry[1:] + list(hook.get("args", []))


def once(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, user + system CPU seconds) of one run in a fresh process, to the microsecond (os.wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=EXAMPLE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    error = child.stderr.read() if child.stderr else b""  # the hook is quiet on success; anything here is a failure
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    if child.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} exited {child.returncode}: {error.decode(errors='replace')[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def timed(commands: list[list[str]], runs: int) -> list[tuple[list[float], list[float]]]:
    """Each command `runs` times, taking turns run by run, so that a change in what else the machine is doing
    falls on all of them alike. The first round is not counted (it may build the bundled-data cache)."""
    results: list[tuple[list[float], list[float]]] = [([], []) for _ in commands]
    for round_ in range(runs + 1):
        for (walls, cpus), argv in zip(results, commands):
            wall, cpu = once(argv)
            if round_:
                walls.append(wall)
                cpus.append(cpu)
    return results


def version(executable: str) -> str:
    python = Path(executable).with_name("python")
    if not python.exists():
        return sys.version.split()[0]
    return subprocess.run([str(python), "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executables", nargs="*", help="openlint executables (default: this interpreter's)")
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    arguments = hook_arguments()
    print(f"== the pre-commit hook: openlint {' '.join(arguments)}  (in {EXAMPLE.relative_to(ROOT)}, {os.cpu_count()} cpus, "
          f"load {os.getloadavg()[0]:.2f})")
    executables = options.executables or [" ".join(OPENLINT)]
    commands = [shlex.split(executable) for executable in executables]
    pythons = [[sys.executable if len(command) > 1 else str(Path(command[0]).with_name("python")), "-c", "pass"] for command in commands]
    measured = timed([[*command, *arguments] for command in commands] + pythons, options.runs)
    for index, (executable, command) in enumerate(zip(executables, commands)):
        walls, cpus = measured[index]
        start_up, _ = measured[len(commands) + index]
        print(f"python {version(command[0]):<8} wall median {statistics.median(walls):.3f} s (min {min(walls):.3f})   "
              f"user+sys median {statistics.median(cpus):.3f} s   {options.runs} runs   {executable}")
        print(f"{'':<15} python -c pass: wall median {statistics.median(start_up):.3f} s (interpreter start-up, for scale)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
