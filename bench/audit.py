"""openlint audit of generated fake-Hub repositories (tests/hubgen.py) with 100 ms added latency per request, at
concurrency 8: wall time per repository, requests per repository, and peak RSS for 50 and 200 repositories (flat
memory: the audit keeps no report after writing it). Target: under 0.5 s of wall time per repository.

    python bench/audit.py
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from _util import OPENLINT, header, measure

import hubgen
from fakehub import FakeHub

LATENCY = 0.1
CONCURRENCY = 8


def audit(count: int, xdg: Path) -> None:
    hub = FakeHub().start()
    hub.latency = LATENCY
    try:
        ids = hubgen.populate(hub, count)
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            listing = base / "targets.txt"
            listing.write_text("\n".join(ids) + "\n", encoding="utf-8")
            env = {**os.environ, "HF_ENDPOINT": hub.endpoint, "HF_HUB_CACHE": str(base / "hf"), "XDG_CACHE_HOME": str(xdg),
                   "HF_HUB_DISABLE_TELEMETRY": "1", "NO_PROXY": "127.0.0.1,localhost", "HF_TOKEN_PATH": str(base / "no-token")}
            env.pop("HF_TOKEN", None)
            db = base / "audit.db"
            seconds, peak, code = measure([*OPENLINT, "audit", "--from", str(listing), "--db", str(db), "-j", str(CONCURRENCY)],
                                          runs=1, env=env)
            graded = sqlite3.connect(db).execute("SELECT COUNT(*) FROM results WHERE status = 'ok'").fetchone()[0]
            requests = len(hub.log)
    finally:
        hub.stop()
    print(f"  {count:>4} repositories: {seconds:6.1f} s wall, {seconds / count:.3f} s per repository, "
          f"{requests / count:.1f} requests per repository, peak RSS {peak:.0f} MiB, {graded} graded, exit {code}")


def main() -> None:
    header(f"openlint audit, generated fake-Hub repositories ({LATENCY * 1000:.0f} ms per request, -j {CONCURRENCY})")
    with tempfile.TemporaryDirectory() as xdg:
        # openlint parses and validates its bundled data once per install and caches it: warm that cache first, so
        # the figures are the audit's and not the one-time cost (~10 s on this machine now that the catalogue is big)
        subprocess.run([*OPENLINT, "rules"], env={**os.environ, "XDG_CACHE_HOME": xdg}, stdout=subprocess.DEVNULL, check=True)
        for count in (50, 200):
            audit(count, Path(xdg))


if __name__ == "__main__":
    main()
