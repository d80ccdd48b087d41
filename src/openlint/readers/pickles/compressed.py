"""Compressed streams that loaders decompress before unpickling: joblib (by magic) and pandas (by suffix).

zlib, gzip, bz2, xz and lzma streams are decompressed, within the file's budget, and their pickles scanned; lz4
and zstd cannot be decompressed here, so a file in either is unverified.
"""

from __future__ import annotations

from typing import Any

from openlint.readers.pickles.limits import Budget, Unverifiable
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source
from openlint.readers.pickles.streams import scan_pickles

_UNSUPPORTED = {b"\x04\x22\x4d\x18": "lz4", b"\x28\xb5\x2f\xfd": "zstd"}
# magic -> codec, tried in order (the unsupported ones first: they are reported, not decompressed)
_MAGIC = {**_UNSUPPORTED, b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz", b"\x5d\x00\x00": "lzma", b"\x78": "zlib",
          b"ZF": "joblib-zfile"}


def scan_compressed(source: Source, codec: str, name: str, result: ScanResult, budget: Budget, top: bool) -> None:
    """Scan the pickles of a stream compressed with `codec` (what `compression` found at its start)."""
    if codec in _UNSUPPORTED.values():
        raise Unverifiable(f"{name}: {codec}-compressed; openlint cannot decompress it to check the pickle inside")
    if top:
        result.kind = codec
    inflated = Inflating(_decompressor(codec, source), budget, name, codec)
    scan_pickles(Source(inflated, budget), name, result)
    if inflated.error is not None:
        raise Unverifiable(f"{name}: {codec} stream is corrupt ({inflated.error})")


def compression(head: bytes) -> str | None:
    return next((codec for magic, codec in _MAGIC.items() if head.startswith(magic)), None)


def _decompressor(codec: str, source: Source) -> Any:
    import bz2
    import gzip
    import lzma
    import zlib

    if codec == "gzip":
        return gzip.GzipFile(fileobj=_RawOf(source), mode="rb")
    if codec == "bz2":
        return bz2.BZ2File(_RawOf(source), mode="rb")
    if codec in ("xz", "lzma"):
        return lzma.LZMAFile(_RawOf(source), mode="rb", format=lzma.FORMAT_XZ if codec == "xz" else lzma.FORMAT_ALONE)
    if codec == "joblib-zfile":
        source.raw(2 + len(hex(2**64)))  # joblib < 0.10: "ZF", the length in hex, then zlib
        if source.peek(1) == b" ":
            source.raw(1)
    return _ZlibReader(source, zlib.decompressobj())


class _RawOf:
    """`read` over a Source's real bytes, for the decompressors."""

    def __init__(self, source: Source) -> None:
        self._source = source

    def read(self, n: int = -1) -> bytes:
        return self._source.raw(n if 0 <= n <= 1024 * 1024 else 1024 * 1024)


class _ZlibReader:
    def __init__(self, source: Source, engine: Any) -> None:
        self._source, self._engine, self._pending = source, engine, b""

    def read(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            if self._engine.unconsumed_tail:
                chunk = self._engine.unconsumed_tail
            else:
                if self._engine.eof:
                    break
                chunk = self._source.raw(64 * 1024)
                if not chunk:
                    break
            out += self._engine.decompress(chunk, n - len(out))
        return out


class Inflating:
    """Counts decompressed bytes against the budget; a decompression error ends the stream and is kept."""

    def __init__(self, stream: Any, budget: Budget, name: str, codec: str) -> None:
        self._stream, self._budget, self._name, self._codec = stream, budget, name, codec
        self.error: str | None = None
        self.produced = 0

    def read(self, n: int) -> bytes:
        if self.error is not None:
            return b""
        try:
            data = self._stream.read(n)
        except Exception as exc:  # noqa: BLE001 - zlib.error, OSError, EOFError, LZMAError: all mean corrupt
            self.error = f"{type(exc).__name__}: {exc}"
            return b""
        self.produced += len(data)
        self._budget.inflate(len(data))
        self._budget.tick()
        return data
