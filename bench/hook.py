"""The pre-commit hook's own command (the `entry` of .pre-commit-hooks.yaml) on the bundled example release, timed
with /usr/bin/time in fresh processes. Target on the project's machine: median wall time under 0.20 s, on
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
from pathlib import Path

import yaml

from _util import OPENLINT, ROOT

EXAMPLE = ROOT / "examples" / "open-release"


def hook_arguments() -> list[str]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    entry = shlex.split(hook["entry"])
    assert entry[0] == "openlint"
    return entry[1:] + list(hook.get("args", []))


def timed(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs + 1):
        result = subprocess.run(["/usr/bin/time", "-f", "%e %U %S", *argv], cwd=EXAMPLE, capture_output=True, text=True)
        wall, user, system = (float(x) for x in result.stderr.strip().splitlines()[-1].split())
        walls.append(wall)
        cpus.append(user + system)
    return walls[1:], cpus[1:]


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
    for executable in options.executables or [" ".join(OPENLINT)]:
        command = shlex.split(executable)
        walls, cpus = timed([*command, *arguments], options.runs)
        print(f"python {version(command[0]):<8} wall median {statistics.median(walls):.3f} s (min {min(walls):.3f})   "
              f"user+sys median {statistics.median(cpus):.3f} s   {options.runs} runs   {executable}")
        walls, _ = timed([sys.executable if len(command) > 1 else str(Path(command[0]).with_name("python")), "-c", "pass"], options.runs)
        print(f"{'':<15} python -c pass: wall median {statistics.median(walls):.3f} s (interpreter start-up, for scale)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
