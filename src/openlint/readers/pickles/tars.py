"""Tar archives (torch's oldest format): the ``sys_info``, ``pickle``, ``storages`` and ``tensors`` members,
following the raw bytes torch interleaves between their pickles, and nested weight files.
"""

from __future__ import annotations

from collections import Counter

import struct
from typing import Any

from openlint.readers.pickles import limits
from openlint.readers.pickles.limits import Budget, LimitHit, Unverifiable
from openlint.readers.pickles.nested import NESTED_SUFFIXES, NestedScan
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source, Window
from openlint.readers.pickles.streams import scan_pickles

_ELEMENT_SIZE = {
    "DoubleStorage": 8, "FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8, "IntStorage": 4,
    "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1, "BoolStorage": 1, "ComplexFloatStorage": 8,
    "ComplexDoubleStorage": 16, "QInt8Storage": 1, "QUInt8Storage": 1, "QInt32Storage": 4,
}


class _CappedReads:
    """A file whose single reads are capped, so that tarfile cannot be made to allocate a forged pax header."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or n > 16 * 1024 * 1024:
            raise LimitHit("a tar header asks for a read of more than 16 MiB")
        return self._handle.read(n)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()



def scan_tar(handle: Any, name: str, result: ScanResult, budget: Budget, depth: int, nested: NestedScan) -> None:
    import tarfile

    handle.seek(0)
    try:
        members = _members(handle, name, budget)
    except tarfile.TarError as exc:
        # torch falls back to reading the file as a pickle stream when tarfile refuses it
        handle.seek(0)
        scan_pickles(Source(handle, budget, seekable=True), name, result)
        if result.pickles == 0 and not result.unverified:
            raise Unverifiable(f"{name}: a tar archive tarfile cannot read ({exc})") from None
        return
    _refuse_duplicates(members, name)
    if depth == 0 and any(member.name == "storages" for member in members):
        result.kind = "torch-tar"
    for member in members:
        if member.issparse() and _loaded(member.name):
            # tarfile reads a sparse member through its map (holes read as zeros, stored bytes skipped); the scan
            # reads the stored bytes as they lie (a review's find)
            raise Unverifiable(f"{name}: tar member {member.name!r} is a sparse file; a loader reads it otherwise than it is stored")
        if member.isreg():
            _scan_member(handle, member, f"{name}:{member.name}", result, budget, depth, nested)
        elif (member.islnk() or member.issym()) and _loaded(member.name):
            # torch's extract() and extractfile() follow a link to the member it names, whose bytes were never read
            # as this member's
            raise Unverifiable(f"{name}: tar member {member.name!r} is a link to {member.linkname!r}; a loader reads it as "
                               "the member it links to")


_TORCH_MEMBERS = ("sys_info", "pickle", "storages", "tensors")


def _loaded(member_name: str) -> bool:
    return member_name in _TORCH_MEMBERS or member_name.rsplit("/", 1)[-1].lower().endswith(NESTED_SUFFIXES)


def _members(handle: Any, name: str, budget: Budget) -> list[Any]:
    """Every member tarfile reads, at most MAX_TAR_MEMBERS; tarfile.TarError when it cannot read the archive."""
    import tarfile

    archive = tarfile.open(fileobj=_CappedReads(handle), mode="r:")
    members = []
    while True:
        member = archive.next()
        if member is None:
            break
        members.append(member)
        if len(members) > limits.MAX_TAR_MEMBERS:
            raise LimitHit(f"{name}: more than {limits.MAX_TAR_MEMBERS} tar members")
        budget.tick()
    return members


def _refuse_duplicates(members: list[Any], name: str) -> None:
    # counted in one pass: a list count per member made a 10,000-member tar take seconds past the deadline
    duplicates = {n for n, count in Counter(m.name for m in members).items() if count > 1}
    if duplicates:
        raise Unverifiable(f"{name}: duplicate tar member(s) {sorted(duplicates)[:3]}; readers disagree on which counts")


def _scan_member(handle: Any, member: Any, label: str, result: ScanResult, budget: Budget, depth: int,
                 nested: NestedScan) -> None:
    window = Window(handle, member.offset_data, member.size)
    source = Source(window, budget, seekable=True)
    base = member.name.rsplit("/", 1)[-1]
    if member.name in ("sys_info", "pickle"):
        scan_pickles(source, label, result, limit=1)
    elif member.name == "storages":
        _scan_storages(source, label, result)
    elif member.name == "tensors":
        _scan_tensors(source, label, result)
    elif base.lower().endswith(NESTED_SUFFIXES):
        nested(window, label, result, budget, depth + 1, seekable=True)


def _count(source: Source, label: str, result: ScanResult, what: str) -> int:
    before = len(result.imports)
    values = scan_pickles(source, label, result, limit=1)
    if len(values) != 1 or not isinstance(values[0], int) or len(result.imports) != before:
        raise Unverifiable(f"{label}: the {what} count is not a plain integer pickle")
    if values[0] < 0 or values[0] > limits.MAX_PICKLES:
        raise LimitHit(f"{label}: {values[0]} {what}; more than {limits.MAX_PICKLES}")
    return values[0]


def _scan_storages(source: Source, label: str, result: ScanResult) -> None:
    """storages: a count, then per storage a pickle (key, location, storage type), an 8-byte element count and the
    raw elements, which torch reads with no unpickling; then one more pickle, the storage views, which it loads."""
    for _ in range(_count(source, label, result, "storage")):
        before = len(result.imports)
        if scan_pickles(source, label, result, limit=1) == []:
            raise Unverifiable(f"{label}: a storage record is not a pickle")
        types = {i.name for i in result.imports[before:] if i.name in _ELEMENT_SIZE and i.module in ("torch", "torch.cuda")}
        if not types:
            raise Unverifiable(f"{label}: a storage record names no known storage type, so its bytes cannot be skipped")
        if len(types) > 1:
            # torch skips by the type the record's tuple holds; one imported and dropped would shift the scan
            # against torch's reading, past a pickle torch then loads (a review's find)
            raise Unverifiable(f"{label}: a storage record names {len(types)} storage types, so its bytes cannot be skipped as torch does")
        raw = source.raw(8)
        if len(raw) != 8:
            raise Unverifiable(f"{label}: the file ends inside a storage record")
        (elements,) = struct.unpack("<q", raw)
        if elements < 0 or not source.skip(elements * _ELEMENT_SIZE[types.pop()]):
            raise Unverifiable(f"{label}: a storage claims more bytes than the member holds")
    scan_pickles(source, label, result, limit=1)  # storage_views: torch unpickles it after the storages


def _scan_tensors(source: Source, label: str, result: ScanResult) -> None:
    """tensors: a count, then per tensor a pickle (key, storage id, type) and its raw shape, strides and offset."""
    for _ in range(_count(source, label, result, "tensor")):
        if scan_pickles(source, label, result, limit=1) == []:
            raise Unverifiable(f"{label}: a tensor record is not a pickle")
        raw = source.raw(8)
        if len(raw) != 8:
            raise Unverifiable(f"{label}: the file ends inside a tensor record")
        (ndim,) = struct.unpack("<i", raw[:4])
        if ndim < 0 or ndim > 64 or not source.skip(16 * ndim + 8):
            raise Unverifiable(f"{label}: a tensor record with {ndim} dimensions does not fit the member")
