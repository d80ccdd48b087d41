"""Git LFS pointer files: what a checkout made without `git lfs pull` (or `lfs: true` in CI) holds instead of the
weights. A pointer names the real file by its sha256 and size (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md)."""

from __future__ import annotations

import re

from openlint.support.record import Record

MAX_POINTER = 1024  # the spec: pointer files are smaller than 1024 bytes
PREFIX = b"version https://git-lfs.github.com/spec/"
_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.MULTILINE)
_SIZE = re.compile(rb"^size ([0-9]{1,19})$", re.MULTILINE)


class Pointer(Record, frozen=True):
    """A Git LFS pointer file: the hash and size of the object it stands for."""

    path: str
    sha256: str | None  # None when the pointer is malformed
    size: int | None


def parse(path: str, data: bytes) -> Pointer | None:
    """The pointer in a file's first bytes, or None when the file is not a pointer."""
    if not data.startswith(PREFIX) or len(data) > MAX_POINTER:
        return None
    oid, size = _OID.search(data), _SIZE.search(data)
    return Pointer(path, oid.group(1).decode() if oid else None, int(size.group(1)) if size else None)


def summary(pointers: list[Pointer], shown: int = 5) -> str:
    """'a.safetensors (4.9 GB, sha256:4d7a214614ab), ...' for the first `shown`, then how many more."""
    parts = []
    for item in pointers[:shown]:
        size = _size(item.size) if item.size is not None else "size unknown"
        sha = f"sha256:{item.sha256[:12]}" if item.sha256 else "no sha256"
        parts.append(f"{item.path} ({size}, {sha})")
    more = f" and {len(pointers) - shown} more" if len(pointers) > shown else ""
    return ", ".join(parts) + more


def _size(count: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
