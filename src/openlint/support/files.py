"""Reading input files boundedly (a regular file only, never further than a limit) and writing report files
atomically, so that a failure never leaves half a file behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from openlint.errors import OpenlintError


def read_bounded(path: Path | str, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file: the caller refuses a longer one without holding it in memory.
    Opened non-blocking, and anything but a regular file is an OSError: a FIFO must not hang a run, a device not
    stream into memory."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return handle.read(limit + 1)


def write_atomic(path: Path | str, text: str) -> None:
    import tempfile  # only when a report file is written: not on the pre-commit hook's path

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        existing = os.lstat(path).st_mode
    except OSError:
        existing = None
    if existing is not None and stat.S_ISDIR(existing):
        raise OpenlintError(f"{path}: cannot write (it is a directory; give a file name)")
    if existing is not None and not (stat.S_ISREG(existing) or stat.S_ISLNK(existing)):
        # /dev/null, a FIFO: replacing it with a regular file would break it for everything else (as root, /dev/null)
        raise OpenlintError(f"{path}: cannot write (not a regular file)")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OpenlintError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        # the mode a plain open() would give: an existing file keeps its own, a new one follows the umask (mkstemp
        # makes it owner-only, and a report or badge is often published)
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OpenlintError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode) & 0o777  # never setuid, setgid or sticky
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
