"""The same pickle files through openlint's scanner and through picklescan (the reference), in one run.
Target: openlint no slower than picklescan.

    python bench/pickles.py
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from _util import header
from picklescan.scanner import scan_file_path
from weightgen import Reduce, benign_torch_pickle, global_pickle, legacy_torch, memo_stack_global, torch_zip

from openlint.readers.weights import inspect


def files(folder: Path) -> list[Path]:
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as outer:
        outer.writestr("inner/model.pt", torch_zip(pickle.dumps(Reduce(os.system, "x"), protocol=4)))
    big_state = {f"layer.{i}": [float(j) for j in range(200)] for i in range(2000)}
    contents = {
        "benign_torch_zip.bin": torch_zip(benign_torch_pickle()),
        "large_state_dict.bin": torch_zip(pickle.dumps(big_state, protocol=2)),
        "legacy.bin": legacy_torch(benign_torch_pickle()),
        "os_system.pkl": global_pickle("os", "system"),
        "memo.pkl": memo_stack_global("posix", "system"),
        "nested.pth": nested.getvalue(),
        "million_opcodes.pkl": pickle.dumps(list(range(1_000_000)), protocol=4),
    }
    paths = []
    for name, content in contents.items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    return paths


def timed(function, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    header("pickle scanning: openlint vs picklescan (median of 5, in-process)")
    folder = Path(tempfile.mkdtemp(prefix="openlint-pickles-"))
    try:
        total_ours = total_theirs = 0.0
        for path in files(folder):
            def ours(path=path) -> None:
                with open(path, "rb") as handle:
                    inspect(path.name, path.stat().st_size, lambda _p, h=handle: _Same(h), [])

            theirs = timed(lambda path=path: scan_file_path(str(path)))
            mine = timed(ours)
            total_ours += mine
            total_theirs += theirs
            print(f"{path.name:<24} openlint {mine * 1000:8.1f} ms   picklescan {theirs * 1000:8.1f} ms   ratio {mine / theirs:5.2f}")
        print(f"{'total':<24} openlint {total_ours * 1000:8.1f} ms   picklescan {total_theirs * 1000:8.1f} ms   ratio {total_ours / total_theirs:5.2f}")
    finally:
        shutil.rmtree(folder)


class _Same:
    """A context manager handing back an already open file, rewound."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def __enter__(self):
        self.handle.seek(0)
        return self.handle

    def __exit__(self, *exc) -> None:
        return None


if __name__ == "__main__":
    main()
