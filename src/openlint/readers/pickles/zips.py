"""Zip archives (torch, .npz, .pt2): every member a loader would unpickle or open as a file of its own.

Scanned: every ``.pkl`` member, every member a loader would open as a file (nested archives, ``.npy`` arrays
whatever their name), and any member that starts like a pickle. An archive whose readers could disagree (local
and central names differ, duplicate or overlapping members) is unverified; so is a member that looks like a bomb.
"""

from __future__ import annotations

import re
import struct
from typing import Any

from openlint.support.record import Record

from openlint.readers.pickles.compressed import Inflating
from openlint.readers.pickles import limits
from openlint.readers.pickles.limits import Budget, LimitHit, Unverifiable
from openlint.readers.pickles.nested import NESTED_SUFFIXES, NestedScan
from openlint.readers.pickles.npy import NPY_MAGIC
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source, Window
from openlint.readers.pickles.streams import scan_pickles

ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")
_TENSOR_DATA = re.compile(r"(^|/)(\.data/|data/)[^/]*$")  # torch's raw storages: never unpickled


def zip_layout(handle: Any, name: str) -> tuple[Any, list[Any], dict[str, int]]:
    """Open the archive only after bounding its central directory, then check that every reader would see the same
    members: local headers that match the central directory, no duplicate names, no overlapping entries.
    Returns the archive, its members and where each member's data starts."""
    import zipfile

    archive, end = _open_bounded(handle, name)
    _refuse_a_zip64_record_out_of_place(handle, name, end[zipfile._ECD_LOCATION])
    members = archive.infolist()
    written = end[zipfile._ECD_OFFSET]  # where the end record says the central directory starts, as written
    if archive.start_dir != written:
        # zipfile shifts every offset by the bytes it finds before the archive; torch's reader (miniz) takes them as
        # written: a second central directory laid out for each shows each a different data.pkl
        raise Unverifiable(f"{name}: {archive.start_dir - written} bytes before the zip archive; readers "
                           "disagree on where its members are")
    if len(members) > limits.MAX_ZIP_MEMBERS:
        raise LimitHit(f"{name}: {len(members)} zip members; more than {limits.MAX_ZIP_MEMBERS}")
    seen: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    starts: dict[str, int] = {}
    for info in members:
        if info.filename != info.orig_filename:
            # zipfile renames a member by its Unicode Path extra field (Python 3.12+) or cuts it at a NUL; torch looks
            # members up by the name as stored
            raise Unverifiable(f"{name}: zip member {info.orig_filename!r} reads as {info.filename!r} in Python's zipfile; "
                               "readers disagree on its name")
        if info.filename in seen:
            raise Unverifiable(f"{name}: duplicate zip member {info.filename!r}; readers disagree on which one counts")
        seen.add(info.filename)
        data = _data_start(handle, name, info)
        starts[info.filename] = data
        spans.append((info.header_offset, data + info.compress_size, info.filename))
    _refuse_overlaps(spans, archive.start_dir, name)
    return archive, members, starts


def _refuse_a_zip64_record_out_of_place(handle: Any, name: str, end: int) -> None:
    """A zip64 end record where its locator says it is, right before the locator: Python's zipfile reads the 56 bytes
    before the locator, torch's miniz goes where the locator points, and a second record laid out for each gave each
    its own central directory (a review's find). `end`: where the end-of-central-directory record is."""
    if end < 20:
        return
    handle.seek(end - 20)
    locator = handle.read(20)
    if locator[:4] != b"PK\x06\x07":
        return
    (record,) = struct.unpack("<Q", locator[8:16])
    handle.seek(record)
    if record != end - 20 - 56 or handle.read(4) != b"PK\x06\x06":
        raise Unverifiable(f"{name}: the zip64 end record is not where its locator says; readers disagree on where the "
                           "central directory is")


def _open_bounded(handle: Any, name: str) -> tuple[Any, list[Any]]:
    """zipfile.ZipFile, opened only once the end record it trusts bounds the members and the central directory; and
    that end record."""
    import zipfile

    handle.seek(0)
    try:
        end = zipfile._EndRecData(handle)  # the record zipfile itself trusts
    except (OSError, struct.error, ValueError) as exc:
        raise Unverifiable(f"{name}: not a readable zip archive ({exc})") from None
    if end is None:
        raise Unverifiable(f"{name}: not a readable zip archive (no end-of-central-directory record)")
    if end[zipfile._ECD_ENTRIES_TOTAL] > limits.MAX_ZIP_MEMBERS:
        raise LimitHit(f"{name}: {end[zipfile._ECD_ENTRIES_TOTAL]} zip members; more than {limits.MAX_ZIP_MEMBERS}")
    if end[zipfile._ECD_SIZE] > limits.MAX_CENTRAL_DIRECTORY:
        raise LimitHit(f"{name}: a zip central directory of {end[zipfile._ECD_SIZE]} bytes; more than {limits.MAX_CENTRAL_DIRECTORY}")
    try:
        return zipfile.ZipFile(handle), end
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Unverifiable(f"{name}: not a readable zip archive ({exc})") from None


def _data_start(handle: Any, name: str, info: Any) -> int:
    """Where a member's data starts, after checking that its local header agrees with the central directory."""
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise Unverifiable(f"{name}: member {info.filename!r} has no local header where the central directory points")
    (_sig, _version, flags, method, _t, _d, _crc, csize, _usize, name_len, extra_len) = struct.unpack("<4s5H3L2H", local)
    raw_name = handle.read(name_len)
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if raw_name.decode(encoding, "replace") != info.orig_filename:
        raise Unverifiable(f"{name}: member {info.orig_filename!r} is named {raw_name.decode(encoding, 'replace')!r} in its "
                           "local header; readers disagree on what it holds")
    if method != info.compress_type or (not flags & 0x08 and csize not in (info.compress_size, 0xFFFFFFFF)):
        raise Unverifiable(f"{name}: member {info.filename!r} has a local header that disagrees with the central directory")
    return info.header_offset + 30 + name_len + extra_len


def _refuse_overlaps(spans: list[tuple[int, int, str]], central_directory: int, name: str) -> None:
    spans.sort()
    for (_, end_a, first), (start_b, _, second) in zip(spans, spans[1:]):
        if start_b < end_a:
            raise Unverifiable(f"{name}: zip members {first!r} and {second!r} overlap; readers may disagree on their content")
    if spans and spans[-1][1] > central_directory:
        raise Unverifiable(f"{name}: zip member {spans[-1][2]!r} runs into the central directory")


class _Zip(Record):
    """One open archive being scanned, and where what it holds is reported."""

    handle: Any
    archive: Any
    starts: dict[str, int]
    result: ScanResult
    budget: Budget
    depth: int
    nested: NestedScan


def scan_zip(handle: Any, name: str, result: ScanResult, budget: Budget, depth: int, nested: NestedScan) -> None:
    import zipfile

    archive, members, starts = zip_layout(handle, name)
    with archive:
        torch = any(m.filename.endswith("data.pkl") for m in members)
        if depth == 0 and torch:
            result.kind = "torch-zip"
        scan = _Zip(handle, archive, starts, result, budget, depth, nested)
        for info in members:
            budget.tick()
            if info.is_dir() and not info.file_size:  # "evil/" holding bytes is still loaded by name (numpy)
                continue
            label = f"{name}:{info.filename}"
            try:
                _scan_member(scan, info, label)
            except (LimitHit, Unverifiable):
                raise
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError, struct.error) as exc:
                raise Unverifiable(f"{label}: unreadable member ({type(exc).__name__}: {exc})") from None


def _scan_member(scan: _Zip, info: Any, label: str) -> None:
    import zipfile

    what = _member_kind(scan.archive, info)
    if what is None:
        return
    ratio = info.file_size / max(info.compress_size, 1)
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > 1024 * 1024 and ratio > limits.MAX_COMPRESSION_RATIO:
        raise LimitHit(f"{label}: compression ratio {ratio:.0f}:1 (more than {limits.MAX_COMPRESSION_RATIO}:1) looks like a zip bomb; not decompressed")
    if info.compress_type == zipfile.ZIP_STORED and what == "file":
        window = Window(scan.handle, scan.starts[info.filename], info.file_size)
        scan.nested(window, label, scan.result, scan.budget, scan.depth + 1, seekable=True)
        return
    with scan.archive.open(info) as member:
        stream = Inflating(member, scan.budget, label, "zip") if info.compress_type != zipfile.ZIP_STORED else member
        if what == "pickle":
            scan_pickles(Source(stream, scan.budget), label, scan.result)
        else:
            scan.nested(stream, label, scan.result, scan.budget, scan.depth + 1, seekable=False)
        if isinstance(stream, Inflating) and stream.error:
            raise Unverifiable(f"{label}: unreadable member ({stream.error})")


def _member_kind(archive: Any, info: Any) -> str | None:
    """'pickle' (a loader unpickles it), 'file' (a loader opens it as a file of its own) or None (never loaded)."""
    lower = info.filename.lower()
    if lower.endswith((".pkl", ".pickle")):
        return "pickle"
    if lower.endswith(NESTED_SUFFIXES):
        return "file"
    # sniff: numpy reads any .npz member with the .npy magic, whatever its name (a "data/x" member of an archive that
    # also holds a data.pkl included); anything else that starts a pickle
    with archive.open(info) as member:
        head = member.read(8)
    if head.startswith((NPY_MAGIC, *ZIP_HEADS)):
        return "file"
    if _TENSOR_DATA.search(info.filename):
        return None  # a storage's raw bytes may start like a pickle by chance; torch never unpickles them
    if len(head) >= 2 and head[0] == 0x80 and head[1] <= 5:
        return "pickle"
    return None
