"""Writing report files: atomically, so that a failure never leaves half a file behind."""

from __future__ import annotations

import os
from pathlib import Path

from openlint.errors import OpenlintError


def write_atomic(path: Path | str, text: str) -> None:
    import tempfile  # only when a report file is written: not on the pre-commit hook's path

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OpenlintError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
