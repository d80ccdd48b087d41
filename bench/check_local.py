"""openlint check on a release of 30 safetensors shards, 5 MB and 5 GB each (sparse files with valid headers),
and `openlint --version`. Targets on the project's machine: check < 0.20 s at either size, --version < 0.12 s.

    python bench/check_local.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from _util import OPENLINT, ROOT, header, measure, row
from weightgen import write_sharded

CARD = (ROOT / "examples" / "open-release" / "README.md").read_text()


def build(folder: Path, shape: list[int]) -> None:
    folder.mkdir()
    (folder / "README.md").write_text(CARD)
    write_sharded(folder, shards=30, tensors_per_shard=4, shape=shape, sparse=True)


def main() -> None:
    header("openlint check, local release folder")
    base = Path(tempfile.mkdtemp(prefix="openlint-bench-"))
    try:
        for label, shape in (("5 MB", [1250, 500]), ("5 GB", [25_000, 25_000])):
            folder = base / label.replace(" ", "")
            build(folder, shape)
            seconds, peak, code = measure([*OPENLINT, "check", str(folder), "-q"])
            row(f"check: card + 30 safetensors shards of {label}", seconds, peak, f"exit {code}")
        seconds, peak, code = measure([*OPENLINT, "check", str(ROOT / "examples" / "open-release"), "-q"])
        row("check: the example release (the pre-commit hook's command)", seconds, peak, f"exit {code}")
        seconds, peak, _ = measure([*OPENLINT, "--version"])
        row("openlint --version", seconds, peak)
        seconds, peak, _ = measure([sys.executable, "-c", "pass"])
        row("python -c pass (interpreter start-up, for scale)", seconds, peak)
    finally:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
