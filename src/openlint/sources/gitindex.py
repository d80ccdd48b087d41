"""Which files a local checkout tracks: read from its .git/index as bytes, bounded, never by running git (the folder
is untrusted; git's config can run programs). Used for one thing only: a Python environment or a node_modules folder
that git does not track (a developer's .venv beside the model) is no part of the release, while anything tracked,
wherever it sits, always is. When the index cannot be read, every file counts, as without git.

The index format (git's Documentation/gitformat-index.txt): "DIRC", a version (2, 3 or 4) and an entry count; each
entry has 40 bytes of file metadata, the object id (20 bytes; 32 in a SHA-256 repository), 2 bytes of flags (3: and
2 more when the extended bit is set), then the path: NUL-terminated and padded to a multiple of 8 (2, 3), or
prefix-compressed against the previous entry's path (4).
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path

MAX_INDEX_BYTES = 256 * 1024 * 1024  # the index of a repository of a few million files; a larger one is not read
_STAT_BYTES = 40
_EXTENDED = 0x4000


def tracked(root: Path) -> frozenset[str] | None:
    """The paths the checkout at `root` tracks (root holds its .git folder), or None when that cannot be told: no
    .git folder (a worktree's .git file, a plain folder), no index, a format or size this reader does not take."""
    git = root / ".git"
    raw = _read(git / "index")
    if raw is None:
        return None
    hash_size = 32 if "objectformat = sha256" in (_read(git / "config", 65_536) or b"").decode("utf-8", "replace").replace("\t", " ").lower() else 20
    try:
        return _entries(raw, hash_size)
    except (ValueError, IndexError, struct.error, UnicodeDecodeError):
        return None


def _read(path: Path, limit: int = MAX_INDEX_BYTES) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit)
    except OSError:
        return None
    finally:
        os.close(fd)


def _entries(raw: bytes, hash_size: int) -> frozenset[str]:
    signature, version, count = struct.unpack_from(">4sII", raw, 0)
    if signature != b"DIRC" or version not in (2, 3, 4) or count > len(raw) // 8:
        raise ValueError("not an index this reader takes")
    paths: list[str] = []
    offset, previous = 12, b""
    for _ in range(count):
        start = offset
        offset += _STAT_BYTES + hash_size
        (flags,) = struct.unpack_from(">H", raw, offset)
        offset += 2
        if version >= 3 and flags & _EXTENDED:
            offset += 2
        if version == 4:
            strip, offset = _varint(raw, offset)
            end = raw.index(b"\0", offset)
            if strip > len(previous):
                raise ValueError("a prefix longer than the previous path")
            path = previous[: len(previous) - strip] + raw[offset:end]
            offset = end + 1
        else:
            end = raw.index(b"\0", offset)
            path = raw[offset:end]
            offset = start + ((end - start) // 8 + 1) * 8  # the NUL and the padding: 1 to 8 bytes
        paths.append(path.decode("utf-8", errors="surrogateescape"))
        previous = path
    return frozenset(paths)


def _varint(raw: bytes, offset: int) -> tuple[int, int]:
    """git's offset encoding (varint.c): 7 bits a byte, high bit set while more follow, each continuation adding 1."""
    byte = raw[offset]
    offset += 1
    value = byte & 0x7F
    while byte & 0x80:
        byte = raw[offset]
        offset += 1
        value = ((value + 1) << 7) | (byte & 0x7F)
        if value > 1 << 32:
            raise ValueError("an offset out of range")
    return value, offset
