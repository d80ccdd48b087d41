"""One weight file, dispatched on its first bytes as the loaders do: zip, .npy, tar, compressed stream, else pickles."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from openlint.readers.pickles.compressed import compression, scan_compressed
from openlint.readers.pickles import limits
from openlint.readers.pickles.limits import Budget, LimitHit, Unverifiable
from openlint.readers.pickles.npy import NPY_MAGIC, scan_npy
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source
from openlint.readers.pickles.streams import scan_pickles
from openlint.readers.pickles.tars import scan_tar
from openlint.readers.pickles.zips import ZIP_HEADS, scan_zip


def scan_file(handle: BinaryIO, name: str, size: int, seconds: float | None = None) -> ScanResult:
    """Scan one file that a loader may unpickle; `result.unverified` lists why it cannot be verified, if it cannot."""
    result = ScanResult()
    budget = Budget(seconds)
    try:
        seekable = bool(getattr(handle, "seekable", lambda: False)())
        scan_content(handle, name, result, budget, depth=0, seekable=seekable)
    except LimitHit as exc:
        result.unverified.append(f"{name}: scan stopped at a limit: {exc}")
    except Unverifiable as exc:
        result.unverified.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever stops a scan (a reader's own error, memory) is not a pass
        result.unverified.append(f"{name}: the scan failed ({type(exc).__name__}: {exc})")
    return result


def scan_content(stream: Any, name: str, result: ScanResult, budget: Budget, depth: int, seekable: bool,
                 top: bool = True) -> None:
    """Dispatch on the first bytes, as the loaders do: zip, .npy, compressed stream, tar, else a pickle stream."""
    head, source = _head(stream, budget, seekable)
    kind = _container(head)
    if kind in ("zip", "tar"):
        _scan_archive(kind, stream, source, name, result, budget, depth, seekable, top)
        return
    if source is None:
        source = Source(stream, budget, seekable=True)
    if kind == "numpy":
        if top:
            result.kind = "numpy"
        scan_npy(source, name, result)
        return
    codec = compression(head)
    if codec is None:
        scan_pickles(source, name, result)
    else:
        scan_compressed(source, codec, name, result, budget, top)


def _scan_member(stream: Any, name: str, result: ScanResult, budget: Budget, depth: int, seekable: bool) -> None:
    """An archive member that a loader opens as a file of its own: scanned like a file (a NestedScan)."""
    scan_content(stream, name, result, budget, depth, seekable, top=False)


def _head(stream: Any, budget: Budget, seekable: bool) -> tuple[bytes, Source | None]:
    """The first 512 bytes, leaving the stream where it was: in place when it seeks, else through a Source (returned,
    since the bytes it peeked are in its buffer)."""
    if seekable:
        start = stream.tell()
        head = stream.read(512)
        stream.seek(start)
        return head, None
    source = Source(stream, budget)
    return source.peek(512), source


def _container(head: bytes) -> str | None:
    if head.startswith(ZIP_HEADS):
        return "zip"
    if head.startswith(NPY_MAGIC):
        return "numpy"
    if _is_tar(head):
        return "tar"
    return None


def _scan_archive(kind: str, stream: Any, source: Source | None, name: str, result: ScanResult, budget: Budget,
                  depth: int, seekable: bool, top: bool) -> None:
    if depth >= limits.MAX_NESTING:
        raise Unverifiable(f"{name}: archive nested more than {limits.MAX_NESTING} deep")
    if not seekable:
        stream = io.BytesIO(_read_all(source, name))
    if top:
        result.kind = kind
    (scan_zip if kind == "zip" else scan_tar)(stream, name, result, budget, depth, _scan_member)


def _read_all(source: Source, name: str) -> bytes:
    data = source.raw(limits.MAX_IN_MEMORY + 1)
    if len(data) > limits.MAX_IN_MEMORY:
        raise LimitHit(f"{name}: a compressed archive of more than {limits.MAX_IN_MEMORY} bytes (it must be decompressed to be read)")
    return data


def _is_tar(head: bytes) -> bool:
    """What tarfile.open(mode='r:') accepts, as torch tries it first for a non-zip file: a valid header block."""
    if len(head) < 512:
        return False
    import tarfile
    try:
        tarfile.TarInfo.frombuf(head[:512], "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True
