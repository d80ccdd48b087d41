"""GGUF header reader (ggml-org/ggml docs/gguf.md): magic, version, counts, metadata and tensor infos.

Every count and length is checked against the bytes left in the file before anything is allocated, so a header
claiming 2^62 tensors or a 2^40-byte string is rejected in constant time. Counts that do fit a (sparse) file are
also bounded by hard caps and a deadline, and entries are streamed from a block buffer: nothing is kept per
element unless it is evidence (general.* keys, short arrays). Hitting a cap raises GGUFLimit: unverified.
"""

from __future__ import annotations

import io
import math
import struct
import time
from typing import Any, BinaryIO

from openlint.support.record import Record, field

MAX_KEY = 65_535
MAX_KEPT_STRING = 65_536  # longer string values are skipped, not kept
MAX_KEPT_TOTAL = 1_000_000  # string bytes kept per file: past it, values are skipped (a report is not a copy of them)
MAX_KEPT_ARRAY = 1024  # longer arrays are skipped, not kept
MAX_KV = 65_536  # real files hold ~50 metadata entries
MAX_TENSORS = 200_000  # real files hold a few thousand tensor infos
MAX_ARRAY_STRINGS = 2_000_000  # all string-array elements of a file together (vocabularies, merges)
SCAN_SECONDS = 1.0
_BLOCK = 1 << 20
EVIDENCE_PREFIXES = ("general.",)

# value type -> (struct format, size)
_SCALARS = {0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4), 6: ("<f", 4),
            7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8)}
_STRING, _ARRAY = 8, 9


class GGUFError(ValueError):
    pass


class GGUFLimit(GGUFError):
    """The header may be valid but is beyond openlint's limits: the file cannot be verified."""


class PrefixEnd(Exception):
    """Reading went past the bytes at hand (the start of a remote file) into the rest of the file."""


class GGUFHeader(Record):
    version: int
    tensor_count: int
    kv_count: int
    metadata: dict[str, Any] = field(default_factory=dict)  # general.* keys only
    parameters: int = 0
    complete: bool = True  # False: only the start of the header was read (a remote file's first bytes)


class _Cursor:
    """Reads through a 1 MiB block buffer; skips seek. `left` is what remains of the file from the cursor."""

    def __init__(self, handle: BinaryIO, size: int, prefix: bool = False) -> None:
        self.handle = handle
        self.left = size
        self.prefix = prefix  # the handle holds only the file's first bytes
        self.buffer = b""
        self.pos = 0
        self.deadline = time.monotonic() + SCAN_SECONDS
        self.strings = 0
        self.kept = 0  # string bytes kept so far

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise GGUFLimit(f"reading the header took longer than {SCAN_SECONDS:g} s")

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or n > self.left:
            raise GGUFError(f"{what} needs {n} bytes but only {self.left} remain in the file")
        end = self.pos + n
        if end > len(self.buffer):
            rest = self.buffer[self.pos:]
            more = self.handle.read(max(_BLOCK, n - len(rest)) if n <= _BLOCK else n - len(rest))
            self.buffer, self.pos = rest + more, 0
            end = n
            if len(self.buffer) < n:
                if self.prefix:  # the file goes on (n <= left was checked): only what was fetched ended
                    raise PrefixEnd(what)
                raise GGUFError(f"file ended while reading {what}")
        data = self.buffer[self.pos:end]
        self.pos = end
        self.left -= n
        return data

    def skip(self, n: int, what: str) -> None:
        if n < 0 or n > self.left:
            raise GGUFError(f"{what} needs {n} bytes but only {self.left} remain in the file")
        buffered = len(self.buffer) - self.pos
        if n <= buffered:
            self.pos += n
        else:
            self.handle.seek(n - buffered, 1)
            self.buffer, self.pos = b"", 0
        self.left -= n

    def unpack(self, fmt: str, size: int, what: str) -> Any:
        return struct.unpack(fmt, self.take(size, what))[0]

    def string(self, what: str, keep: bool = True, limit: int = MAX_KEPT_STRING, counted: bool = True) -> str | None:
        """A string, or None when it is skipped; `counted`: a kept value (not a key) that uses MAX_KEPT_TOTAL."""
        length = self.unpack("<Q", 8, f"{what} length")
        if length > self.left:
            raise GGUFError(f"{what} claims {length} bytes but only {self.left} remain in the file")
        if not keep or length > limit or (counted and self.kept + length > MAX_KEPT_TOTAL):
            self.skip(length, what)
            return None
        self.kept += length if counted else 0
        return self.take(length, what).decode("utf-8", errors="replace")


def read_header(handle: BinaryIO, file_size: int) -> GGUFHeader:
    cursor = _Cursor(handle, file_size)
    header = _read_counts(cursor)
    _read_metadata(cursor, header)
    _read_tensor_infos(cursor, header)
    return header


def read_prefix(data: bytes, file_size: int) -> GGUFHeader:
    """The header as far as `data`, the first bytes of a file of `file_size` bytes, holds it (a Hub check reads one
    Range of a remote file): every check a local read makes on those bytes, the same errors, and the general.* keys
    met there. `complete` says whether the whole header was in `data`."""
    if len(data) >= file_size:
        return read_header(io.BytesIO(data[:file_size]), file_size)
    cursor = _Cursor(io.BytesIO(data), file_size, prefix=True)
    try:
        header = _read_counts(cursor)
    except PrefixEnd:
        raise GGUFLimit(f"only {len(data)} bytes of the header could be read") from None
    try:
        _read_metadata(cursor, header)
        _read_tensor_infos(cursor, header)
    except PrefixEnd:
        header.complete = False
    return header


def _read_counts(cursor: _Cursor) -> GGUFHeader:
    """Magic, version and the two counts, each count checked against the bytes left before anything is read."""
    if cursor.take(4, "magic") != b"GGUF":
        raise GGUFError("not a GGUF file (bad magic)")
    version = cursor.unpack("<I", 4, "version")
    if version & 0xFFFF == 0 and version:
        raise GGUFError("byte-swapped (big-endian) GGUF files are not supported")
    if version == 1:
        raise GGUFError("GGUF version 1 is no longer supported")
    if version not in (2, 3):
        raise GGUFError(f"unknown GGUF version {version}")
    tensor_count = cursor.unpack("<Q", 8, "tensor count")
    kv_count = cursor.unpack("<Q", 8, "metadata count")
    # each key-value needs at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8+4+8+4+8
    if kv_count * 13 > cursor.left:
        raise GGUFError(f"header claims {kv_count} metadata entries; the file is too small to hold them")
    if tensor_count * 32 > cursor.left:
        raise GGUFError(f"header claims {tensor_count} tensors; the file is too small to hold them")
    if kv_count > MAX_KV:
        raise GGUFLimit(f"header claims {kv_count} metadata entries; more than openlint's limit of {MAX_KV}")
    if tensor_count > MAX_TENSORS:
        raise GGUFLimit(f"header claims {tensor_count} tensors; more than openlint's limit of {MAX_TENSORS}")
    return GGUFHeader(version=version, tensor_count=tensor_count, kv_count=kv_count)


def _read_metadata(cursor: _Cursor, header: GGUFHeader) -> None:
    """Every key-value entry, streamed; only evidence (general.* keys) is kept."""
    for index in range(header.kv_count):
        if not index & 1023:
            cursor.tick()
        key = cursor.string("metadata key", limit=MAX_KEY, counted=False)
        if key is None:
            raise GGUFError(f"metadata key longer than {MAX_KEY} bytes")
        vtype = cursor.unpack("<I", 4, f"type of {key}")
        keep = key.startswith(EVIDENCE_PREFIXES)
        value = _read_value(cursor, vtype, key, keep)
        if keep:
            header.metadata[key] = value


def _read_tensor_infos(cursor: _Cursor, header: GGUFHeader) -> None:
    """Every tensor info, streamed: only the parameter count is kept."""
    for index in range(header.tensor_count):
        if not index & 1023:
            cursor.tick()
        cursor.string(f"tensor {index} name", keep=False)
        n_dims = cursor.unpack("<I", 4, f"tensor {index} dimensions")
        if n_dims > 8:
            raise GGUFError(f"tensor {index} claims {n_dims} dimensions")
        dims = struct.unpack(f"<{n_dims}Q", cursor.take(8 * n_dims, f"tensor {index} shape"))
        cursor.skip(4 + 8, f"tensor {index} type and offset")
        header.parameters += math.prod(dims)


def _read_value(cursor: _Cursor, vtype: int, key: str, keep: bool) -> Any:
    if vtype in _SCALARS:
        fmt, size = _SCALARS[vtype]
        return cursor.unpack(fmt, size, key)
    if vtype == _STRING:
        return cursor.string(key, keep=keep)
    if vtype == _ARRAY:
        return _read_array(cursor, key, keep)
    raise GGUFError(f"{key}: unknown value type {vtype}")


def _read_array(cursor: _Cursor, key: str, keep: bool) -> Any:
    item_type = cursor.unpack("<I", 4, f"{key} element type")
    count = cursor.unpack("<Q", 8, f"{key} length")
    if item_type in _SCALARS:
        return _read_scalar_array(cursor, key, keep, item_type, count)
    if item_type == _STRING:
        return _read_string_array(cursor, key, keep, count)
    if item_type == _ARRAY:
        raise GGUFError(f"{key}: nested arrays are not supported")
    raise GGUFError(f"{key}: unknown array element type {item_type}")


def _read_scalar_array(cursor: _Cursor, key: str, keep: bool, item_type: int, count: int) -> list[Any] | None:
    size = _SCALARS[item_type][1]
    if count * size > cursor.left:
        raise GGUFError(f"{key} claims {count} elements; the file is too small to hold them")
    # kept numbers count toward the file's kept total as strings do (16 bytes each, as a report writes one): 8000
    # general.* arrays of 1024 numbers were 8 million values to keep and escape for every output
    if keep and count <= MAX_KEPT_ARRAY and cursor.kept + 16 * count <= MAX_KEPT_TOTAL:
        cursor.kept += 16 * count
        fmt = _SCALARS[item_type][0][1]
        return list(struct.unpack(f"<{count}{fmt}", cursor.take(count * size, key)))
    cursor.skip(count * size, key)
    return None


def _read_string_array(cursor: _Cursor, key: str, keep: bool, count: int) -> list[str | None] | None:
    if count * 8 > cursor.left:
        raise GGUFError(f"{key} claims {count} strings; the file is too small to hold them")
    cursor.strings += count
    if cursor.strings > MAX_ARRAY_STRINGS:
        raise GGUFLimit(f"{key}: more than {MAX_ARRAY_STRINGS} array strings in the header; more than openlint's limit")
    if keep and count <= MAX_KEPT_ARRAY:
        cursor.tick()
        return [cursor.string(key) for _ in range(count)]
    for index in range(count):  # streamed: nothing kept per element
        if not index & 4095:
            cursor.tick()
        cursor.string(key, keep=False)
    return None
