"""GGUF header reader (ggml-org/ggml docs/gguf.md): magic, version, counts, metadata and tensor infos.

Every count and length is checked against the bytes left in the file before anything is allocated, so a header
claiming 2^62 tensors or a 2^40-byte string is rejected in constant time.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

MAX_KEY = 65_535
MAX_KEPT_STRING = 1_000_000  # longer string values are skipped, not kept
EVIDENCE_PREFIXES = ("general.",)

# value type -> (struct format, size)
_SCALARS = {0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4), 6: ("<f", 4),
            7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8)}
_STRING, _ARRAY = 8, 9


class GGUFError(ValueError):
    pass


@dataclass
class GGUFHeader:
    version: int
    tensor_count: int
    kv_count: int
    metadata: dict[str, Any] = field(default_factory=dict)  # general.* keys only
    parameters: int = 0


class _Cursor:
    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.left = size

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or n > self.left:
            raise GGUFError(f"{what} needs {n} bytes but only {self.left} remain in the file")
        data = self.handle.read(n)
        if len(data) != n:
            raise GGUFError(f"file ended while reading {what}")
        self.left -= n
        return data

    def skip(self, n: int, what: str) -> None:
        if n < 0 or n > self.left:
            raise GGUFError(f"{what} needs {n} bytes but only {self.left} remain in the file")
        self.handle.seek(n, 1)
        self.left -= n

    def unpack(self, fmt: str, size: int, what: str) -> Any:
        return struct.unpack(fmt, self.take(size, what))[0]

    def string(self, what: str, keep: bool = True, limit: int = MAX_KEPT_STRING) -> str | None:
        length = self.unpack("<Q", 8, f"{what} length")
        if length > self.left:
            raise GGUFError(f"{what} claims {length} bytes but only {self.left} remain in the file")
        if not keep or length > limit:
            self.skip(length, what)
            return None
        return self.take(length, what).decode("utf-8", errors="replace")


def read_header(handle: BinaryIO, file_size: int) -> GGUFHeader:
    cursor = _Cursor(handle, file_size)
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
    header = GGUFHeader(version=version, tensor_count=tensor_count, kv_count=kv_count)
    for _ in range(kv_count):
        key = cursor.string("metadata key", limit=MAX_KEY)
        if key is None:
            raise GGUFError(f"metadata key longer than {MAX_KEY} bytes")
        vtype = cursor.unpack("<I", 4, f"type of {key}")
        keep = key.startswith(EVIDENCE_PREFIXES)
        value = _read_value(cursor, vtype, key, keep)
        if keep:
            header.metadata[key] = value
    for index in range(tensor_count):
        cursor.string(f"tensor {index} name", keep=False)
        n_dims = cursor.unpack("<I", 4, f"tensor {index} dimensions")
        if n_dims > 8:
            raise GGUFError(f"tensor {index} claims {n_dims} dimensions")
        dims = struct.unpack(f"<{n_dims}Q", cursor.take(8 * n_dims, f"tensor {index} shape"))
        cursor.skip(4 + 8, f"tensor {index} type and offset")
        header.parameters += math.prod(dims)
    return header


def _read_value(cursor: _Cursor, vtype: int, key: str, keep: bool) -> Any:
    if vtype in _SCALARS:
        fmt, size = _SCALARS[vtype]
        return cursor.unpack(fmt, size, key)
    if vtype == _STRING:
        return cursor.string(key, keep=keep)
    if vtype == _ARRAY:
        item_type = cursor.unpack("<I", 4, f"{key} element type")
        count = cursor.unpack("<Q", 8, f"{key} length")
        if item_type in _SCALARS:
            size = _SCALARS[item_type][1]
            if count * size > cursor.left:
                raise GGUFError(f"{key} claims {count} elements; the file is too small to hold them")
            if keep and count <= 1024:
                fmt = _SCALARS[item_type][0][1]
                return list(struct.unpack(f"<{count}{fmt}", cursor.take(count * size, key)))
            cursor.skip(count * size, key)
            return None
        if item_type == _STRING:
            if count * 8 > cursor.left:
                raise GGUFError(f"{key} claims {count} strings; the file is too small to hold them")
            values = [cursor.string(key, keep=keep and count <= 1024) for _ in range(count)]
            return values if keep and count <= 1024 else None
        if item_type == _ARRAY:
            raise GGUFError(f"{key}: nested arrays are not supported")
        raise GGUFError(f"{key}: unknown array element type {item_type}")
    raise GGUFError(f"{key}: unknown value type {vtype}")
