"""safetensors header validation: the 8-byte length, the JSON header, and the byte layout it implies.

Only the header is read; tensor bytes never are. The checks follow the format as the safetensors library
enforces it (huggingface/safetensors, ``Metadata::validate``).
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any, BinaryIO

from openlint.support.record import Record, field

LIBRARY_MAX_HEADER = 100_000_000  # the safetensors library's own cap: a longer header is invalid
MAX_HEADER = 16 * 1024 * 1024  # openlint's cap, lower: a longer (valid) header is not read, the file is unverified
MAX_TENSORS = 25_000  # ~0.3 s and ~25 MiB to check; real files hold at most a few thousand
# integers in the header (shapes and offsets): 16 a tensor at the tensor limit. Each costs a Python call to check,
# and 8 million one-element shape entries took 3.5 s a file (a security review's find)
MAX_INTEGERS = 16 * MAX_TENSORS

DTYPE_BITS = {
    "BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
    "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8, "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32,
    "F32": 32, "C64": 64, "F64": 64, "I64": 64, "U64": 64,
}


class HeaderError(ValueError):
    pass


class HeaderLimit(HeaderError):
    """The header may be valid but is beyond openlint's limits: the file cannot be verified."""


class SafetensorsHeader(Record, eq=False):  # compared by identity
    """The parsed header of a safetensors file: its tensors and metadata."""

    header_size: int
    tensors: dict[str, tuple[str, tuple[int, ...], int, int]] = field(default_factory=dict)  # name -> dtype, shape, begin, end
    metadata: dict[str, str] = field(default_factory=dict)
    data_end: int = 0  # one past the last tensor byte, relative to the data buffer
    warnings: list[str] = field(default_factory=list)

    @property
    def parameters(self) -> int:
        return sum(math.prod(shape) for _, shape, _, _ in self.tensors.values())

    def dtypes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for dtype, shape, _, _ in self.tensors.values():
            counts[dtype] = counts.get(dtype, 0) + math.prod(shape)
        return counts

    @property
    def tensor_bytes(self) -> int:
        return sum(end - begin for _, _, begin, end in self.tensors.values())


def read_header(handle: BinaryIO, file_size: int) -> SafetensorsHeader:
    """Validate a safetensors file from its header. Raises HeaderError naming the first violation."""
    if file_size < 8:
        raise HeaderError("header too small: the file is shorter than the 8-byte length prefix")
    (size,) = struct.unpack("<Q", handle.read(8))
    if size > LIBRARY_MAX_HEADER:
        raise HeaderError(f"header too large: it claims {size} bytes (the format allows {LIBRARY_MAX_HEADER})")
    if 8 + size > file_size:
        raise HeaderError(f"invalid header length: the header claims {size} bytes but the file has {file_size - 8} after the prefix")
    if size > MAX_HEADER:
        raise HeaderLimit(f"a header of {size} bytes; more than openlint's limit of {MAX_HEADER}")
    raw = handle.read(size)
    if len(raw) != size:
        raise HeaderError("invalid header length: the file ended inside the header")
    return parse_header(raw, file_size)


def parse_header(raw: bytes, file_size: int | None) -> SafetensorsHeader:
    """Validate the JSON header and the layout. With file_size None (a remote file of unknown size) the
    coverage check is left to the caller."""
    header = SafetensorsHeader(header_size=len(raw))
    document = _decode(raw, header)
    meta = document.pop("__metadata__", None)
    if meta is not None:
        if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
            raise HeaderError("invalid JSON in header: __metadata__ must map strings to strings")
        header.metadata = meta
    spans = []
    for name, info in document.items():
        dtype, shape, begin, end = _tensor(name, info)
        header.tensors[name] = (dtype, tuple(shape), begin, end)
        spans.append((begin, end, name))
    header.data_end = _contiguous_end(spans)
    if file_size is not None:
        _check_coverage(8 + len(raw) + header.data_end, file_size)
    return header


def _decode(raw: bytes, header: SafetensorsHeader) -> dict[str, Any]:
    """The header's JSON object, within openlint's limits; a leading-space warning goes to `header`."""
    if len(raw) > MAX_HEADER:
        raise HeaderLimit(f"a header of {len(raw)} bytes; more than openlint's limit of {MAX_HEADER}")
    # every tensor is a JSON object: counting braces (never fooled by escapes, at worst over-counting) bounds the work
    if raw.count(b"{") - 1 > MAX_TENSORS:
        raise HeaderLimit(f"more than {MAX_TENSORS} tensors (or JSON objects) in the header; more than openlint's limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HeaderError(f"invalid header: not UTF-8 (byte {exc.start})") from None
    stripped = text.lstrip(" ")
    if not stripped.startswith("{"):
        raise HeaderError("invalid header: it does not start with '{'")
    if stripped is not text:
        header.warnings.append("the header starts with spaces before '{'")
    counted = 0

    def integer(digits: str) -> int:
        nonlocal counted
        counted += 1
        if counted > MAX_INTEGERS:
            raise HeaderLimit(f"more than {MAX_INTEGERS} integers in the header; more than openlint's limit")
        return _u64(digits)

    try:
        document = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_int=integer)
    except HeaderLimit:
        raise
    except (ValueError, RecursionError) as exc:
        raise HeaderError(f"invalid JSON in header: {exc}") from None
    if not isinstance(document, dict):
        raise HeaderError("invalid header: not a JSON object")
    return document


U64 = 2 ** 64


def _u64(digits: str) -> int:
    """A JSON integer as the library reads one (u64): a longer one is invalid before Python spends time on it."""
    if len(digits.lstrip("-")) > 20 or not -U64 < (value := int(digits)) < U64:
        raise ValueError(f"the number {digits[:24]}... does not fit in 64 bits")
    return value


def _elements(shape: list[int]) -> int | None:
    """The number of elements, or None when it overflows 64 bits: the library's checked product, left to right, fails
    there even when a later dimension is 0."""
    count = 1
    for dimension in shape:
        count *= dimension
        if count >= U64:
            return None
    return count


def _tensor(name: str, info: Any) -> tuple[str, list[int], int, int]:
    """One tensor entry, checked as the library checks it: (dtype, shape, begin, end)."""
    if type(info) is not dict:
        raise HeaderError(f"invalid JSON in header: tensor {name!r} is not an object")
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    bits = DTYPE_BITS.get(dtype) if type(dtype) is str else None
    if bits is None:
        raise HeaderError(f"invalid JSON in header: tensor {name!r} has unknown dtype {dtype!r}")
    if type(shape) is not list or not all(type(d) is int and d >= 0 for d in shape):
        raise HeaderError(f"invalid JSON in header: tensor {name!r} has an invalid shape")
    if type(offsets) is not list or len(offsets) != 2 or not (type(offsets[0]) is int and type(offsets[1]) is int
                                                               and offsets[0] >= 0 and offsets[1] >= 0):
        raise HeaderError(f"invalid JSON in header: tensor {name!r} has invalid data_offsets")
    begin, end = offsets
    _check_span(name, bits, shape, begin, end)
    return dtype, shape, begin, end


def _check_span(name: str, bits: int, shape: list[int], begin: int, end: int) -> None:
    """The offsets span exactly the whole bytes that the shape needs, of `bits` each."""
    if end < begin:
        raise HeaderError(f"invalid offset for tensor {name!r}: end {end} before begin {begin}")
    elements = _elements(shape)
    if elements is None:
        raise HeaderError(f"invalid shape for tensor {name!r}: its number of elements does not fit in 64 bits")
    bits *= elements
    if bits % 8:
        raise HeaderError(f"misaligned slice for tensor {name!r}: {bits} bits is not a whole number of bytes")
    if bits // 8 != end - begin:
        raise HeaderError(f"invalid shape, data type, or offset for tensor {name!r}: shape needs {bits // 8} bytes, offsets span {end - begin}")


def _contiguous_end(spans: list[tuple[int, int, str]]) -> int:
    """One past the last tensor byte, once the tensors are known to tile the data buffer with no gap or overlap."""
    spans.sort()
    position = 0
    for begin, end, name in spans:
        if begin != position:
            what = "overlaps the previous tensor" if begin < position else f"leaves a gap of {begin - position} bytes"
            raise HeaderError(f"invalid offset for tensor {name!r}: it {what}")
        position = end
    return position


def _check_coverage(covered: int, file_size: int) -> None:
    """The prefix, the header and the tensors must cover the file exactly."""
    if covered != file_size:
        if covered < file_size:
            raise HeaderError(f"incomplete metadata, file not fully covered: {file_size - covered} trailing bytes after the last tensor")
        raise HeaderError(f"the tensors need {covered} bytes but the file has {file_size}: truncated")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result
