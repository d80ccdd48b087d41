"""Static pickle scanning: every pickle a loader would run, and the imports each would make, without loading any.

The opcode stream is walked with the standard library's ``pickletools.genops``; nothing is ever unpickled.
``STACK_GLOBAL`` takes its module and name from the two values pushed before it, which may come through the
memo (``MEMOIZE``/``PUT`` then ``GET``); a global that cannot be resolved that way is reported as unknown.

What is scanned is what loaders unpickle, whatever the bytes look like:
  * a plain stream: every consecutive pickle, whatever its protocol (a loop of ``pickle.load`` runs them all);
    a stream whose first pickle is torch's legacy magic number is torch's legacy format: exactly five pickles,
    then raw storage bytes that torch never unpickles;
  * zlib, gzip, bz2, xz and lzma streams (joblib, pandas): decompressed, then as above; lz4 and zstd cannot be
    decompressed here and are unverified;
  * zip archives (torch, .npz, .pt2): every ``.pkl`` member, every member a loader would open as a file (nested
    archives, ``.npy`` arrays whatever their name), and any member that starts like a pickle;
  * tar archives (torch's oldest format): the ``sys_info``, ``pickle``, ``storages`` and ``tensors`` members,
    following the raw bytes torch interleaves between their pickles, and nested weight files.

A scan that cannot finish is not a pass: a limit hit (bytes, opcodes, pickles, members, decompressed bytes,
compression ratio, time), an opcode argument genops rejects once a pickle has started (the real unpickler is
laxer in places, e.g. ``I0x1``), or an archive whose readers could disagree (local and central names differ,
duplicate or overlapping members) makes the file *unverified*: ``ScanResult.unverified`` says why.

Every read is bounded: a length field in the stream can never make us allocate more than ``MAX_READ``; longer
arguments (tensor bytes inside a pickle) are skipped, by seeking where the stream allows it.
"""

from __future__ import annotations

import io
import re
import struct
import time
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from openlint.readers.pickle_policy import UNKNOWN, Import, resolve

# limits, all per weight file; hitting any of them makes the file unverified
MAX_OPCODES = 300_000  # ~0.6 s of genops on this machine; a torch state dict needs ~25 per tensor
MAX_PICKLES = 20_000  # legacy tar checkpoints hold two per storage; a stream of tiny pickles is cut here
MAX_PARSED_BYTES = 64 * 1024 * 1024  # bytes genops reads (long arguments are skipped, not read)
MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024  # all decompression of one file together (zip members, zlib, gzip, ...)
MAX_COMPRESSION_RATIO = 200  # a zip member read in full, or a compressed stream, above this is a bomb
MAX_ZIP_MEMBERS = 20_000
MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024
MAX_TAR_MEMBERS = 20_000
MAX_NESTING = 3  # archives inside archives
MAX_IN_MEMORY = 32 * 1024 * 1024  # a nested archive that must be decompressed to be read
SCAN_SECONDS = 1.0  # wall clock for one file
MAX_READ = 1024 * 1024  # longest argument genops may allocate; longer ones are skipped
MAX_LINE = 64 * 1024  # longest text line (GLOBAL names, INT, STRING of protocol 0)
MAX_MEMO_STRINGS = 100_000
MAX_MEMO_STRING = 256  # module and attribute names are short; longer strings are not remembered

TORCH_MAGIC = 0x1950A86A20F9469CFC6C  # first pickle of torch's legacy (non-zip) format
LEGACY_PICKLES = 5  # magic, protocol version, sys_info, the data, the storage keys

_STRING_OPS = {"STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"}
_INT_OPS = {"INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4"}
_GET_OPS = {"GET", "BINGET", "LONG_BINGET"}
_PUT_OPS = {"PUT", "BINPUT", "LONG_BINPUT"}
_TRANSPARENT = _PUT_OPS | {"MEMOIZE", "FRAME", "PROTO"}
_EXT_OPS = {"EXT1", "EXT2", "EXT4"}

# compressed streams that joblib (by magic) and pandas (by suffix) decompress before unpickling
_GZIP, _BZ2, _XZ, _LZMA, _ZLIB, _ZFILE = b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x5d\x00\x00", b"\x78", b"ZF"
_UNSUPPORTED = {b"\x04\x22\x4d\x18": "lz4", b"\x28\xb5\x2f\xfd": "zstd"}
_ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")
_NPY = b"\x93NUMPY"

# members that loaders open as files of their own (scanned like a top-level file)
_NESTED_SUFFIXES = (".zip", ".npz", ".npy", ".pt", ".pth", ".bin", ".ckpt", ".pt2", ".joblib", ".pkl", ".pickle",
                    ".tar", ".gz", ".bz2", ".xz", ".lzma", ".nemo", ".dill", ".sav")
_TENSOR_DATA = re.compile(r"(^|/)(\.data/|data/)[^/]*$")  # torch's raw storages: never unpickled


class LimitHit(Exception):
    """A scan limit was reached: the file cannot be verified. The message says which limit."""


class _Unverifiable(Exception):
    """The file cannot be verified for a reason other than a limit (an ambiguous archive, an unsupported codec)."""


class Budget:
    """The limits of one file's scan, shared by everything scanned inside it."""

    def __init__(self, seconds: float | None = None) -> None:
        seconds = SCAN_SECONDS if seconds is None else seconds
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.opcodes = 0
        self.pickles = 0
        self.parsed = 0
        self.decompressed = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitHit(f"the scan took longer than {self.seconds:g} s")

    def opcode(self, count: int) -> None:
        self.opcodes += count
        if self.opcodes > MAX_OPCODES:
            raise LimitHit(f"more than {MAX_OPCODES} opcodes")
        self.tick()

    def pickle(self) -> None:
        self.pickles += 1
        if self.pickles > MAX_PICKLES:
            raise LimitHit(f"more than {MAX_PICKLES} pickles")

    def parse(self, count: int) -> None:
        self.parsed += count
        if self.parsed > MAX_PARSED_BYTES:
            raise LimitHit(f"more than {MAX_PARSED_BYTES} bytes of pickle opcodes")

    def inflate(self, count: int) -> None:
        self.decompressed += count
        if self.decompressed > MAX_DECOMPRESSED_BYTES:
            raise LimitHit(f"more than {MAX_DECOMPRESSED_BYTES} decompressed bytes")


@dataclass
class ScanResult:
    imports: list[Import] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)  # why the file cannot be verified; empty when it can
    pickles: int = 0
    kind: str = "pickle"  # pickle, torch-zip, torch-legacy, torch-tar, numpy, zip, tar, zlib, gzip, bz2, xz, lzma
    not_pickle: bool = False  # the bytes are no pickle at all (a loader fails on the first byte, running nothing)

    @property
    def globals(self) -> list[tuple[str, str]]:
        """(member, "module.name") for every import, in stream order."""
        return [(item.member, item.qualified) for item in self.imports]

    @property
    def errors(self) -> list[str]:
        return self.unverified


class _Hole(bytes):
    """Stands for a long argument that was skipped, not read: its length is the argument's, its content empty.

    genops checks only the length of what `read(n)` returns, so the opcode stream stays in step without the bytes
    ever being allocated; decoding it as text gives the empty string, which is never an allowed name."""

    def __new__(cls, length: int) -> _Hole:
        hole = super().__new__(cls)
        hole.length = length
        return hole

    def __len__(self) -> int:
        return self.length


class Source:
    """A bounded, buffered reader for genops: `read`, `readline` and `peek`.

    Reads longer than MAX_READ skip the bytes (seeking when the stream can) and return a _Hole; lines longer than
    MAX_LINE are cut (genops then fails, and the pickle is unverified). Every byte returned is charged to the
    budget. The last two lines read are kept: GLOBAL's names as the unpickler sees them (genops unescapes them)."""

    CHUNK = 64 * 1024

    def __init__(self, stream: Any, budget: Budget, seekable: bool = False) -> None:
        self._stream = stream
        self._buffer = b""
        self._pos = 0
        self.budget = budget
        self._seekable = seekable
        self.lines: list[bytes] = []

    def _available(self) -> int:
        return len(self._buffer) - self._pos

    def _fill(self, n: int) -> None:
        while len(self._buffer) - self._pos < n:
            more = self._stream.read(max(self.CHUNK, n - (len(self._buffer) - self._pos)))
            if not more:
                return
            self.budget.parse(len(more))  # what comes into the buffer; skipped arguments never do
            self._buffer = self._buffer[self._pos:] + more
            self._pos = 0

    def peek(self, n: int) -> bytes:
        self._fill(n)
        return self._buffer[self._pos:self._pos + n]

    def read(self, n: int = -1) -> bytes:
        pos = self._pos
        end = pos + n
        if 0 <= n <= MAX_READ and end <= len(self._buffer):  # the common case, kept short: genops calls it twice an opcode
            self._pos = end
            return self._buffer[pos:end]
        if n is None or n < 0:
            raise ValueError("unbounded read")
        if n > MAX_READ:
            return _Hole(n) if self.skip(n) else b""
        self._fill(n)
        data = self._buffer[self._pos:self._pos + n]
        self._pos += len(data)
        return data

    def raw(self, n: int) -> bytes:
        """Real bytes, at most n (n is bounded by the caller)."""
        self._fill(n)
        data = self._buffer[self._pos:self._pos + n]
        self._pos += len(data)
        return data

    def readline(self) -> bytes:
        searched = 0
        while True:
            end = self._buffer.find(b"\n", self._pos + searched)
            if end != -1 and end - self._pos < MAX_LINE:
                line = self._buffer[self._pos:end + 1]
                break
            searched = self._available()
            if searched >= MAX_LINE:
                line = self._buffer[self._pos:self._pos + MAX_LINE]
                break
            before = self._available()
            self._fill(before + 1)
            if self._available() == before:
                line = self._buffer[self._pos:]
                break
        self._pos += len(line)
        self.lines = [*self.lines[-1:], line]
        return line

    def skip(self, n: int) -> bool:
        """Consume n bytes without keeping them; False when the stream ended first."""
        buffered = min(n, self._available())
        self._pos += buffered
        left = n - buffered
        if not left:
            return True
        if self._seekable:
            here = self._stream.tell()
            end = self._stream.seek(0, io.SEEK_END)
            if end - here < left:
                return False
            self._stream.seek(here + left)
            return True
        while left:
            chunk = self._stream.read(min(left, 1024 * 1024))
            if not chunk:
                return False
            left -= len(chunk)
            self.budget.tick()
        return True

    def at_end(self) -> bool:
        return not self.peek(1)


_OPCODE_BYTES: frozenset[int] | None = None


def _opcode_bytes() -> frozenset[int]:
    global _OPCODE_BYTES
    if _OPCODE_BYTES is None:
        import pickletools
        _OPCODE_BYTES = frozenset(ord(op.code) for op in pickletools.opcodes)
    return _OPCODE_BYTES


class _Memo:
    """The string values the memo holds, as far as they matter: candidates for STACK_GLOBAL's operands.

    MEMOIZE stores at index len(memo), the number of distinct keys, so the keys are tracked (densely while they
    are); when hostile PUTs make that count unknowable, remembered strings are forgotten rather than guessed."""

    def __init__(self) -> None:
        self.strings: dict[int, str] = {}
        self.dense = 0  # keys 0..dense-1 are all set
        self.extra: set[int] = set()  # keys set beyond the dense run
        self.confused = False

    def _add_key(self, key: int) -> None:
        if key < self.dense or key in self.extra:
            return
        if key == self.dense:
            self.dense += 1
            while self.dense in self.extra:
                self.extra.discard(self.dense)
                self.dense += 1
        else:
            self.extra.add(key)
            if len(self.extra) > 10_000:
                self.confused, self.extra = True, set()

    def put(self, key: int | None, value: str | None) -> None:
        if key is None:  # MEMOIZE
            if self.confused:
                self.strings.clear()
                return
            key = self.dense + len(self.extra)
        self._add_key(key)
        if value is not None and len(value) <= MAX_MEMO_STRING and len(self.strings) < MAX_MEMO_STRINGS:
            self.strings[key] = value
        else:
            self.strings.pop(key, None)

    def get(self, key: int) -> str | None:
        return self.strings.get(key)


def _text(arg: object) -> str | None:
    if isinstance(arg, str):
        return arg
    if isinstance(arg, bytes):
        return arg.decode("latin-1")  # the unpickler's encoding="latin1"; non-ASCII never matches a name
    return None


_GLOBAL, _STACK_GLOBAL, _EXT, _PROTO, _MEMOIZE, _PUT, _GET, _STRING, _STOP, _SKIP = range(10)
_KIND = {"GLOBAL": _GLOBAL, "INST": _GLOBAL, "STACK_GLOBAL": _STACK_GLOBAL, "PROTO": _PROTO, "MEMOIZE": _MEMOIZE,
         "STOP": _STOP, "FRAME": _SKIP, **{op: _EXT for op in _EXT_OPS}, **{op: _PUT for op in _PUT_OPS},
         **{op: _GET for op in _GET_OPS}, **{op: _STRING for op in _STRING_OPS}}


def walk(source: Source, member: str, result: ScanResult, index: int = 0) -> tuple[str, int | None]:
    """Scan one pickle. Returns (outcome, value): outcome is 'eof' (nothing left), 'not-pickle' (the next byte is
    no opcode, so an unpickler fails at once), 'ok' or 'broken' (the pickle started, then genops failed: noted as
    unverified); value is the pickle's integer when it holds a single one (torch's magic number, counts)."""
    import pickletools

    head = source.peek(1)
    if not head:
        return "eof", None
    if head[0] not in _opcode_bytes():
        return "not-pickle", None
    budget = source.budget
    budget.pickle()
    memo = _Memo()
    # the string values of the last two stack pushes (None when not a string), resolved when pushed
    second: str | None = None
    top: str | None = None
    protocol = 0
    count = 0
    values = 0
    first: tuple[str, object] | None = None
    label = f"{member}: pickle {index + 1}" if index else member
    kinds = _KIND
    try:
        for opcode, arg, _pos in pickletools.genops(source):
            count += 1
            if not count & 4095:
                budget.opcode(4096)
            kind = kinds.get(opcode.name)
            if kind is None:  # any other opcode pushes or pops a value that is not a name
                second, top = top, None
                values += 1
                if values == 1:
                    first = (opcode.name, arg)
                continue
            if kind == _STRING:
                second, top = top, _text(arg)
            elif kind == _GET:
                second, top = top, memo.get(int(arg))
            elif kind == _MEMOIZE:
                memo.put(None, top)
                continue
            elif kind == _PUT:
                memo.put(int(arg), top)
                continue
            elif kind == _STOP:
                break
            elif kind in (_SKIP, _PROTO):
                if kind == _PROTO:
                    protocol = int(arg)
                continue
            elif kind == _GLOBAL:
                module, _, attr = str(arg).partition(" ")
                written = [line[:-1] for line in source.lines]
                if len(written) == 2 and [w.decode("utf-8", "replace") for w in written] != [module, attr]:
                    # genops unescapes; the unpickler takes the bytes as UTF-8 text: judge what it imports
                    module, attr = (w.decode("utf-8", "replace") for w in written)
                result.imports.append(_import(member, module, attr, protocol, opcode.name))
                second, top = top, None
            elif kind == _STACK_GLOBAL:
                if second is None or top is None:
                    result.imports.append(Import(member, None, None, opcode.name, "operands computed at load time"))
                else:
                    result.imports.append(_import(member, second, top, protocol, opcode.name))
                second, top = None, None
            elif kind == _EXT:
                result.imports.append(Import(member, None, None, opcode.name, f"code {arg}"))
                result.unverified.append(f"{label}: {opcode.name} imports extension code {arg} from the loading "
                                         "process's copyreg registry; the file does not name what it calls")
                second, top = top, None
            values += 1
            if values == 1:
                first = (opcode.name, arg)
        budget.opcode(count & 4095)
    except LimitHit:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever genops raises, the real unpickler may have gone on
        result.unverified.append(f"{label}: malformed pickle ({type(exc).__name__}: {exc}); the unpickler may read "
                                 "it differently, so the rest cannot be verified")
        return "broken", None
    result.pickles += 1
    if values == 1 and first is not None and first[0] in _INT_OPS and isinstance(first[1], int):
        return "ok", first[1]
    return "ok", None


def _import(member: str, module: str, name: str, protocol: int, opcode: str) -> Import:
    mapped = resolve(module, name, protocol)
    raw = f"{module}.{name}" if mapped != (module, name) else ""
    return Import(member, mapped[0], mapped[1], opcode, raw)


def scan_pickle_stream(stream: Any, member: str, result: ScanResult, budget: Budget | None = None, *,
                       seekable: bool = False) -> None:
    """Scan consecutive pickles until the stream holds no more (or, in torch's legacy format, after the five that
    torch reads). Stops quietly at a byte that is no opcode: an unpickler stops there too."""
    budget = budget or Budget()
    source = stream if isinstance(stream, Source) else Source(stream, budget, seekable)
    _scan_pickles(source, member, result)


def _scan_pickles(source: Source, member: str, result: ScanResult, limit: int | None = None) -> list[int | None]:
    values: list[int | None] = []
    legacy = False
    while limit is None or len(values) < limit:
        if legacy and len(values) >= LEGACY_PICKLES:
            break  # torch reads the storages' raw bytes from here on
        outcome, value = walk(source, member, result, len(values))
        if outcome == "not-pickle" and not values:
            result.not_pickle = True
        if outcome != "ok":
            break
        values.append(value)
        if len(values) == 1 and value == TORCH_MAGIC and limit is None:
            legacy = True
            result.kind = "torch-legacy"
    return values


def scan_file(handle: BinaryIO, name: str, size: int, seconds: float | None = None) -> ScanResult:
    """Scan one file that a loader may unpickle; `result.unverified` lists why it cannot be verified, if it cannot."""
    result = ScanResult()
    budget = Budget(seconds)
    try:
        seekable = bool(getattr(handle, "seekable", lambda: False)())
        _scan_content(handle, name, result, budget, depth=0, seekable=seekable)
    except LimitHit as exc:
        result.unverified.append(f"{name}: scan stopped at a limit: {exc}")
    except _Unverifiable as exc:
        result.unverified.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever stops a scan (a reader's own error, memory) is not a pass
        result.unverified.append(f"{name}: the scan failed ({type(exc).__name__}: {exc})")
    return result


def _scan_content(stream: Any, name: str, result: ScanResult, budget: Budget, depth: int, seekable: bool,
                  top: bool = True) -> None:
    """Dispatch on the first bytes, as the loaders do: zip, .npy, compressed stream, tar, else a pickle stream."""
    if seekable:
        start = stream.tell()
        head = stream.read(512)
        stream.seek(start)
        source = None
    else:
        source = Source(stream, budget)
        head = source.peek(512)
    kind = None
    if head.startswith(_ZIP_HEADS):
        kind = "zip"
    elif head.startswith(_NPY):
        kind = "numpy"
    elif _is_tar(head):
        kind = "tar"
    if kind in ("zip", "tar"):
        if depth >= MAX_NESTING:
            raise _Unverifiable(f"{name}: archive nested more than {MAX_NESTING} deep")
        if not seekable:
            stream = io.BytesIO(_read_all(source, name))
        if top:
            result.kind = kind
        (_scan_zip if kind == "zip" else _scan_tar)(stream, name, result, budget, depth)
        return
    if source is None:
        source = Source(stream, budget, seekable=True)
    if kind == "numpy":
        if top:
            result.kind = "numpy"
        _scan_npy(source, name, result)
        return
    codec = _compression(head)
    if codec in _UNSUPPORTED.values():
        raise _Unverifiable(f"{name}: {codec}-compressed; openlint cannot decompress it to check the pickle inside")
    if codec is not None:
        if top:
            result.kind = codec
        inflated = _Inflating(_decompressor(codec, source), budget, name, codec)
        _scan_pickles(Source(inflated, budget), name, result)
        if inflated.error is not None:
            raise _Unverifiable(f"{name}: {codec} stream is corrupt ({inflated.error})")
        return
    _scan_pickles(source, name, result)


def _read_all(source: Source, name: str) -> bytes:
    data = source.raw(MAX_IN_MEMORY + 1)
    if len(data) > MAX_IN_MEMORY:
        raise LimitHit(f"{name}: a compressed archive of more than {MAX_IN_MEMORY} bytes (it must be decompressed to be read)")
    return data


def _compression(head: bytes) -> str | None:
    for magic, codec in _UNSUPPORTED.items():
        if head.startswith(magic):
            return codec
    if head.startswith(_GZIP):
        return "gzip"
    if head.startswith(_BZ2):
        return "bz2"
    if head.startswith(_XZ):
        return "xz"
    if head.startswith(_LZMA):
        return "lzma"
    if head.startswith(_ZLIB):
        return "zlib"
    if head.startswith(_ZFILE):
        return "joblib-zfile"
    return None


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


class _Inflating:
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


# -- zip ---------------------------------------------------------------------------------------------------------------

class _Window:
    """A read-only, seekable view of `length` bytes of a file from `start` (a stored member, read in place)."""

    def __init__(self, handle: Any, start: int, length: int) -> None:
        self._handle, self._start, self._length, self._pos = handle, start, length, 0

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, n: int = -1) -> bytes:
        left = max(0, self._length - self._pos)
        n = left if n is None or n < 0 else min(n, left)
        self._handle.seek(self._start + self._pos)
        data = self._handle.read(n)
        self._pos += len(data)
        return data


def _zip_layout(handle: Any, name: str) -> tuple[Any, list[Any], dict[str, int]]:
    """Open the archive only after bounding its central directory, then check that every reader would see the same
    members: local headers that match the central directory, no duplicate names, no overlapping entries."""
    import zipfile

    handle.seek(0)
    try:
        end = zipfile._EndRecData(handle)  # the record zipfile itself trusts
    except (OSError, struct.error, ValueError) as exc:
        raise _Unverifiable(f"{name}: not a readable zip archive ({exc})") from None
    if end is None:
        raise _Unverifiable(f"{name}: not a readable zip archive (no end-of-central-directory record)")
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ZIP_MEMBERS:
        raise LimitHit(f"{name}: {end[zipfile._ECD_ENTRIES_TOTAL]} zip members; more than {MAX_ZIP_MEMBERS}")
    if end[zipfile._ECD_SIZE] > MAX_CENTRAL_DIRECTORY:
        raise LimitHit(f"{name}: a zip central directory of {end[zipfile._ECD_SIZE]} bytes; more than {MAX_CENTRAL_DIRECTORY}")
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _Unverifiable(f"{name}: not a readable zip archive ({exc})") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise LimitHit(f"{name}: {len(members)} zip members; more than {MAX_ZIP_MEMBERS}")
    seen: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    starts: dict[str, int] = {}
    for info in members:
        if info.filename in seen:
            raise _Unverifiable(f"{name}: duplicate zip member {info.filename!r}; readers disagree on which one counts")
        seen.add(info.filename)
        handle.seek(info.header_offset)
        local = handle.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            raise _Unverifiable(f"{name}: member {info.filename!r} has no local header where the central directory points")
        (_sig, _version, flags, method, _t, _d, _crc, csize, _usize, name_len, extra_len) = struct.unpack("<4s5H3L2H", local)
        raw_name = handle.read(name_len)
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        if raw_name.decode(encoding, "replace") != info.orig_filename:
            raise _Unverifiable(f"{name}: member {info.orig_filename!r} is named {raw_name.decode(encoding, 'replace')!r} in its "
                                "local header; readers disagree on what it holds")
        if method != info.compress_type or (not flags & 0x08 and csize not in (info.compress_size, 0xFFFFFFFF)):
            raise _Unverifiable(f"{name}: member {info.filename!r} has a local header that disagrees with the central directory")
        data = info.header_offset + 30 + name_len + extra_len
        starts[info.filename] = data
        spans.append((info.header_offset, data + info.compress_size, info.filename))
    spans.sort()
    for (_, end_a, first), (start_b, _, second) in zip(spans, spans[1:]):
        if start_b < end_a:
            raise _Unverifiable(f"{name}: zip members {first!r} and {second!r} overlap; readers may disagree on their content")
    if spans and spans[-1][1] > archive.start_dir:
        raise _Unverifiable(f"{name}: zip member {spans[-1][2]!r} runs into the central directory")
    return archive, members, starts


def _scan_zip(handle: Any, name: str, result: ScanResult, budget: Budget, depth: int) -> None:
    import zipfile

    archive, members, starts = _zip_layout(handle, name)
    with archive:
        torch = any(m.filename.endswith("data.pkl") for m in members)
        if depth == 0 and torch:
            result.kind = "torch-zip"
        for info in members:
            budget.tick()
            if info.is_dir():
                continue
            label = f"{name}:{info.filename}"
            lower = info.filename.lower()
            try:
                if lower.endswith((".pkl", ".pickle")):
                    what = "pickle"
                elif lower.endswith(_NESTED_SUFFIXES):
                    what = "file"
                elif torch and _TENSOR_DATA.search(info.filename):
                    continue  # a torch checkpoint's storages: raw bytes torch never unpickles (and not worth sniffing)
                else:  # sniff: numpy reads any .npz member with the .npy magic; anything else that starts a pickle
                    with archive.open(info) as member:
                        head = member.read(8)
                    if head.startswith((_NPY, *_ZIP_HEADS)):
                        what = "file"
                    elif len(head) >= 2 and head[0] == 0x80 and head[1] <= 5 and not _TENSOR_DATA.search(info.filename):
                        what = "pickle"
                    else:
                        continue
                ratio = info.file_size / max(info.compress_size, 1)
                if info.compress_type != zipfile.ZIP_STORED and info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
                    raise LimitHit(f"{label}: compression ratio {ratio:.0f}:1 (more than {MAX_COMPRESSION_RATIO}:1) looks like a zip bomb; not decompressed")
                if info.compress_type == zipfile.ZIP_STORED and what == "file":
                    _scan_content(_Window(handle, starts[info.filename], info.file_size), label, result, budget, depth + 1,
                                  seekable=True, top=False)
                    continue
                with archive.open(info) as member:
                    stream = _Inflating(member, budget, label, "zip") if info.compress_type != zipfile.ZIP_STORED else member
                    if what == "pickle":
                        _scan_pickles(Source(stream, budget), label, result)
                    else:
                        _scan_content(stream, label, result, budget, depth + 1, seekable=False, top=False)
                    if isinstance(stream, _Inflating) and stream.error:
                        raise _Unverifiable(f"{label}: unreadable member ({stream.error})")
            except (LimitHit, _Unverifiable):
                raise
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError, struct.error) as exc:
                raise _Unverifiable(f"{label}: unreadable member ({type(exc).__name__}: {exc})") from None


# -- .npy --------------------------------------------------------------------------------------------------------------

# descr strings of arrays without Python objects: booleans, numbers, bytes, text, void, dates (numpy.lib.format)
_PLAIN_DESCR = re.compile(r"[<>|=]?(\?|b1|[iuf]\d{1,2}|c\d{1,2}|[SUa]\d+|V\d+|[mM]8(\[\d*[A-Za-z]+\])?)")


def _plain_dtype(descr: Any, depth: int = 0) -> bool:
    """True only for dtypes that certainly hold no object field; anything else is read as a pickle."""
    if depth > 16:
        return False
    if isinstance(descr, str):
        return bool(_PLAIN_DESCR.fullmatch(descr))
    if isinstance(descr, list):
        for item in descr:
            if not isinstance(item, tuple) or len(item) not in (2, 3) or not isinstance(item[0], (str, tuple)):
                return False
            if not _plain_dtype(item[1], depth + 1):
                return False
        return True
    return False


def _scan_npy(source: Source, name: str, result: ScanResult) -> None:
    """A .npy array holds a pickle when its dtype may hold objects; numpy then unpickles what follows the header."""
    import ast

    prefix = source.raw(10)
    if len(prefix) < 10 or not prefix.startswith(_NPY):
        raise _Unverifiable(f"{name}: invalid .npy header")
    if prefix[6] == 1:
        length = struct.unpack("<H", prefix[8:10])[0]
    else:
        length = struct.unpack("<I", prefix[8:10] + source.raw(2))[0]
        if length > 1_000_000:
            raise LimitHit(f"{name}: .npy header claims {length} bytes")
    header_raw = source.raw(length)
    try:
        header = ast.literal_eval(header_raw.decode("utf-8" if prefix[6] >= 3 else "latin-1"))
        descr = header["descr"]
    except (ValueError, SyntaxError, TypeError, KeyError, MemoryError, RecursionError, UnicodeDecodeError):
        raise _Unverifiable(f"{name}: .npy header numpy may read differently (not a plain dict with a descr)") from None
    if not _plain_dtype(descr):
        _scan_pickles(source, name, result, limit=1)


# -- tar (torch's oldest format) ---------------------------------------------------------------------------------------

_ELEMENT_SIZE = {
    "DoubleStorage": 8, "FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8, "IntStorage": 4,
    "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1, "BoolStorage": 1, "ComplexFloatStorage": 8,
    "ComplexDoubleStorage": 16, "QInt8Storage": 1, "QUInt8Storage": 1, "QInt32Storage": 4,
}
_TORCH_TAR = ("sys_info", "pickle", "storages", "tensors")


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


def _scan_tar(handle: Any, name: str, result: ScanResult, budget: Budget, depth: int) -> None:
    import tarfile

    handle.seek(0)
    try:
        archive = tarfile.open(fileobj=_CappedReads(handle), mode="r:")
        members = []
        while True:
            member = archive.next()
            if member is None:
                break
            members.append(member)
            if len(members) > MAX_TAR_MEMBERS:
                raise LimitHit(f"{name}: more than {MAX_TAR_MEMBERS} tar members")
            budget.tick()
    except tarfile.TarError as exc:
        # torch falls back to reading the file as a pickle stream when tarfile refuses it
        handle.seek(0)
        _scan_pickles(Source(handle, budget, seekable=True), name, result)
        if result.pickles == 0 and not result.unverified:
            raise _Unverifiable(f"{name}: a tar archive tarfile cannot read ({exc})") from None
        return
    names = [m.name for m in members]
    duplicates = {n for n in names if names.count(n) > 1} if len(names) < 2000 else {n for n in set(names) if names.count(n) > 1}
    if duplicates:
        raise _Unverifiable(f"{name}: duplicate tar member(s) {sorted(duplicates)[:3]}; readers disagree on which counts")
    by_name = {m.name: m for m in members}
    if depth == 0 and "storages" in by_name:
        result.kind = "torch-tar"
    for member in members:
        label = f"{name}:{member.name}"
        if not member.isreg():
            continue
        window = _Window(handle, member.offset_data, member.size)
        source = Source(window, budget, seekable=True)
        base = member.name.rsplit("/", 1)[-1]
        if member.name in ("sys_info", "pickle"):
            _scan_pickles(source, label, result, limit=1)
        elif member.name == "storages":
            _scan_storages(source, label, result)
        elif member.name == "tensors":
            _scan_tensors(source, label, result)
        elif base.lower().endswith(_NESTED_SUFFIXES):
            _scan_content(window, label, result, budget, depth + 1, seekable=True, top=False)


def _count(source: Source, label: str, result: ScanResult, what: str) -> int:
    before = len(result.imports)
    values = _scan_pickles(source, label, result, limit=1)
    if len(values) != 1 or not isinstance(values[0], int) or len(result.imports) != before:
        raise _Unverifiable(f"{label}: the {what} count is not a plain integer pickle")
    if values[0] < 0 or values[0] > MAX_PICKLES:
        raise LimitHit(f"{label}: {values[0]} {what}; more than {MAX_PICKLES}")
    return values[0]


def _scan_storages(source: Source, label: str, result: ScanResult) -> None:
    """storages: a count, then per storage a pickle (key, location, storage type), an 8-byte element count and the
    raw elements, which torch reads with no unpickling."""
    for _ in range(_count(source, label, result, "storage")):
        before = len(result.imports)
        if _scan_pickles(source, label, result, limit=1) == []:
            raise _Unverifiable(f"{label}: a storage record is not a pickle")
        types = [i.name for i in result.imports[before:] if i.name in _ELEMENT_SIZE and i.module in ("torch", "torch.cuda")]
        if not types:
            raise _Unverifiable(f"{label}: a storage record names no known storage type, so its bytes cannot be skipped")
        raw = source.raw(8)
        if len(raw) != 8:
            raise _Unverifiable(f"{label}: the file ends inside a storage record")
        (elements,) = struct.unpack("<q", raw)
        if elements < 0 or not source.skip(elements * _ELEMENT_SIZE[types[-1]]):
            raise _Unverifiable(f"{label}: a storage claims more bytes than the member holds")


def _scan_tensors(source: Source, label: str, result: ScanResult) -> None:
    """tensors: a count, then per tensor a pickle (key, storage id, type) and its raw shape, strides and offset."""
    for _ in range(_count(source, label, result, "tensor")):
        if _scan_pickles(source, label, result, limit=1) == []:
            raise _Unverifiable(f"{label}: a tensor record is not a pickle")
        raw = source.raw(8)
        if len(raw) != 8:
            raise _Unverifiable(f"{label}: the file ends inside a tensor record")
        (ndim,) = struct.unpack("<i", raw[:4])
        if ndim < 0 or ndim > 64 or not source.skip(16 * ndim + 8):
            raise _Unverifiable(f"{label}: a tensor record with {ndim} dimensions does not fit the member")
