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

from openlint.knowledge import patterns

MAX_INDEX_BYTES = 64 * 1024 * 1024  # the index of a repository of about a million files; a larger one is not read
MAX_ENTRIES = 500_000
MAX_PATH_BYTES = 64 * 1024 * 1024  # all paths together: a version-4 index compresses them; a hostile one could not end
MAX_PATH = 4096  # bytes of one path: git's own limit on most systems; a longer one is no index git wrote
_STAT_BYTES = 40
_MODE_OFFSET = 24  # within the stat data: ctime, mtime (8 each), dev, ino (4 each), then the mode
_GITLINK = 0o160000  # a submodule: its path is a folder whose files the checkout tracks too
_EXTENDED = 0x4000
# extensions that move entries elsewhere (a split index's shared file) or collapse them (a sparse index's
# directories): this reader does not follow them, so such an index cannot tell what is tracked
_UNTOLD = (b"link", b"sdir")


def tracked(root: Path) -> frozenset[str] | None:
    """The paths the checkout at `root` tracks (root holds its .git folder), or None when that cannot be told: no
    .git folder (a plain folder), no index, a format or size this reader does not take."""
    return tracked_in(root / ".git")


_RE = patterns.Constants(__name__)
_GIT_SHAPED = _RE(r"(^|/)\.git/(worktrees|modules)/[^/]+(/[^/]+)*$")
_REMOTE_PATH = _RE(r"^(//|\\\\|/(net|Network|afs)/)")


def git_dir(top: Path) -> Path | None:
    """The git folder of the work tree at `top`: its .git folder, or where its .git file points, when that is where
    git itself puts a worktree's or a submodule's (…/.git/worktrees/NAME, …/.git/modules/NAME), else None. The .git
    file is the release's to write: a path of another shape, or one on a network share (//host, /net/host), is
    never opened."""
    dot_git = top / ".git"
    if dot_git.is_dir() and not dot_git.is_symlink():
        return dot_git
    text = (_read(dot_git, 4096) or b"").decode("utf-8", "replace").strip()
    if not text.startswith("gitdir:"):
        return None
    written = text.removeprefix("gitdir:").strip()
    if "\0" in written or _REMOTE_PATH.match(written) or not _GIT_SHAPED.search(written.replace("\\", "/")):
        return None
    target = Path(written)
    return target if target.is_absolute() else top / target


def tracked_in(git: Path) -> frozenset[str] | None:
    """The paths the index in git folder `git` tracks; None when it cannot be told."""
    raw = _read(git / "index")
    if raw is None:
        return None
    config = _read(git / "config", 65_536)
    if config is None and git.parent.name == "worktrees":  # a worktree's config is its repository's, two folders up
        config = _read(git.parent.parent / "config", 65_536)
    hash_size = 32 if "objectformat = sha256" in (config or b"").decode("utf-8", "replace").replace("\t", " ").lower() else 20
    try:
        return _entries(raw, hash_size)
    except (ValueError, IndexError, struct.error, UnicodeDecodeError):
        return None


def _read(path: Path, limit: int = MAX_INDEX_BYTES) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):  # ValueError: a NUL in a path a release wrote
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
    """Every tracked path; a submodule's path ends with "/" (everything beneath it is tracked)."""
    signature, version, count = struct.unpack_from(">4sII", raw, 0)
    if signature != b"DIRC" or version not in (2, 3, 4) or count > min(len(raw) // 8, MAX_ENTRIES):
        raise ValueError("not an index this reader takes")
    paths: list[str] = []
    offset, previous, total = 12, b"", 0
    for _ in range(count):
        (mode,) = struct.unpack_from(">I", raw, offset + _MODE_OFFSET)
        path, offset = _path(raw, offset, hash_size, version, previous)
        total += len(path)
        if len(path) > MAX_PATH or not path or path.endswith(b"/") or total > MAX_PATH_BYTES:  # (a sparse index's directory entry ends in /)
            raise ValueError("a path this reader does not take")
        name = path.decode("utf-8", errors="surrogateescape")
        paths.append(name + "/" if mode & 0o170000 == _GITLINK else name)
        previous = path
    if any(raw.find(signature, offset, len(raw)) != -1 for signature in _UNTOLD):
        raise ValueError("a split or sparse index")
    return frozenset(paths)


def _path(raw: bytes, start: int, hash_size: int, version: int, previous: bytes) -> tuple[bytes, int]:
    """One entry's path, and where the next entry starts."""
    offset = start + _STAT_BYTES + hash_size
    (flags,) = struct.unpack_from(">H", raw, offset)
    offset += 2
    if version >= 3 and flags & _EXTENDED:
        offset += 2
    if version == 4:
        strip, offset = _varint(raw, offset)
        end = raw.index(b"\0", offset)
        if strip > len(previous):
            raise ValueError("a prefix longer than the previous path")
        return previous[: len(previous) - strip] + raw[offset:end], end + 1
    end = raw.index(b"\0", offset)
    return raw[offset:end], start + ((end - start) // 8 + 1) * 8  # the NUL and the padding: 1 to 8 bytes


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
