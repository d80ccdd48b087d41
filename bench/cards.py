"""openlint's judgement of real model cards, in one process: the 600 cards of tests/data/bulk, each checked as a
release folder holding its card (the work of the labelled-card agreement test and of an audit, without start-up).
Prints cards per second and the median and slowest card; three passes, the first with the bundled-data cache warm.

    python bench/cards.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from _util import ROOT, header

from openlint import config, pipeline
from openlint.report import serialise

BULK = ROOT / "tests" / "data" / "bulk"


def main() -> None:
    header("openlint check of 600 real cards, one process")
    cards = sorted(path for path in BULK.glob("*/README.md"))
    with tempfile.TemporaryDirectory(prefix="openlint-bench-") as tmp:
        folders = []
        for card in cards:
            folder = Path(tmp) / card.parent.name
            folder.mkdir()
            (folder / "README.md").write_bytes(card.read_bytes())
            folders.append(folder)
        for run in range(3):
            each = []
            start = time.perf_counter()
            for folder in folders:
                began = time.perf_counter()
                serialise.report(pipeline.check(config.settings(config.Options(target=str(folder), no_config=True))))
                each.append(time.perf_counter() - began)
            total = time.perf_counter() - start
            print(f"pass {run + 1}: {len(folders)} cards in {total:6.2f} s ({len(folders) / total:5.1f} cards/s); "
                  f"median {statistics.median(each) * 1000:5.1f} ms, slowest {max(each) * 1000:6.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
