"""Archive members that loaders open as files of their own, and how an archive hands them back to be scanned.

Archives hold archives: a zip or tar scanner calls back into the file-level dispatch (passed in, so that the
archive modules need not import it) for every member a loader would open as a file.
"""

from __future__ import annotations

from typing import Any, Protocol

from openlint.readers.pickles.limits import Budget
from openlint.readers.pickles.result import ScanResult

# members that loaders open as files of their own (scanned like a top-level file)
NESTED_SUFFIXES = (".zip", ".npz", ".npy", ".pt", ".pth", ".bin", ".ckpt", ".pt2", ".joblib", ".pkl", ".pickle",
                   ".tar", ".gz", ".bz2", ".xz", ".lzma", ".nemo", ".dill", ".sav")


class NestedScan(Protocol):
    """Scans one member as a file of its own, one level deeper (`depth` is the member's)."""

    def __call__(self, stream: Any, name: str, result: ScanResult, budget: Budget, depth: int, seekable: bool) -> None:
        ...
