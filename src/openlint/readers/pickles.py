"""Static pickle scanning: list the globals a pickle would import when loaded, without loading it.

The opcode stream is walked with the standard library's ``pickletools.genops``; nothing is ever unpickled.
``STACK_GLOBAL`` takes its module and name from the two values pushed before it, which may come through the
memo (``MEMOIZE``/``PUT`` then ``GET``); a global that cannot be resolved that way is reported as unknown.
Every read is bounded: a length field in the stream can never make us allocate more than the budget left.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

MAX_PICKLE_BYTES = 32 * 1024 * 1024  # per stream, all its pickles together; torch's data.pkl is far smaller
MAX_OPCODES = 2_000_000  # ~2 s of genops; a hostile stream is cut off, not followed
MAX_PICKLES_PER_STREAM = 16
MAX_ZIP_MEMBERS = 100_000
MAX_ZIP_DEPTH = 3
MAX_COMPRESSION_RATIO = 200

UNKNOWN = "unknown"

_STRING_OPS = {"STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"}
_GET_OPS = {"GET", "BINGET", "LONG_BINGET"}
_PUT_OPS = {"PUT", "BINPUT", "LONG_BINPUT"}
_TRANSPARENT = _PUT_OPS | {"MEMOIZE", "FRAME"}


@dataclass
class ScanResult:
    globals: list[tuple[str, str]] = field(default_factory=list)  # (member, "module.name")
    errors: list[str] = field(default_factory=list)
    pickles: int = 0
    kind: str = "pickle"  # pickle, torch-zip, torch-legacy, numpy, zip


class BudgetReader(io.RawIOBase):
    """A read-only view of a stream that never yields more than `budget` bytes in total.

    Clamping every read is what stops a forged length field from turning into a huge allocation."""

    def __init__(self, stream: BinaryIO, budget: int) -> None:
        self._stream = stream
        self.remaining = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self.remaining)
        data = self._stream.read(size) if size else b""
        buffer[: len(data)] = data
        self.remaining -= len(data)
        return len(data)


class _ReadOnly:
    """`read` and `readline` only: genops asks for `tell()` when a stream has one, which non-seekable streams refuse."""

    def __init__(self, stream: Any) -> None:
        self.read = stream.read
        self.readline = stream.readline


def walk(stream: BinaryIO, member: str, result: ScanResult) -> bool:
    """Scan one pickle from the stream; return False when no pickle started here."""
    import pickletools
    memo: dict[int, str | None] = {}
    history: list[tuple[str, object]] = []  # recent value-pushing ops, memo ops excluded
    count = 0
    started = False
    try:
        for opcode, arg, _pos in pickletools.genops(_ReadOnly(stream)):
            started = True
            count += 1
            if count > MAX_OPCODES:
                result.errors.append(f"{member}: more than {MAX_OPCODES} opcodes; scan stopped")
                return True
            name = opcode.name
            if name in ("GLOBAL", "INST"):
                module, _, attr = str(arg).partition(" ")
                result.globals.append((member, f"{module}.{attr}"))
            elif name == "STACK_GLOBAL":
                result.globals.append((member, _resolve_stack_global(history, memo)))
            elif name == "MEMOIZE":
                memo[len(memo)] = _top_string(history, memo)
            elif name in _PUT_OPS:
                memo[int(arg)] = _top_string(history, memo)
            if name not in _TRANSPARENT:
                history.append((name, arg))
                if len(history) > 8:
                    del history[0]
            if name == "STOP":
                break
    except (ValueError, EOFError, struct.error, OverflowError, MemoryError) as exc:
        if started:
            result.errors.append(f"{member}: malformed pickle ({exc}); scan stopped")
        return started
    if started:
        result.pickles += 1
    return started


def _value(entry: tuple[str, object], memo: dict[int, str | None]) -> str | None:
    name, arg = entry
    if name in _STRING_OPS:
        return arg if isinstance(arg, str) else arg.decode("latin-1") if isinstance(arg, bytes) else None
    if name in _GET_OPS:
        return memo.get(int(arg))
    return None


def _top_string(history: list[tuple[str, object]], memo: dict[int, str | None]) -> str | None:
    return _value(history[-1], memo) if history else None


def _resolve_stack_global(history: list[tuple[str, object]], memo: dict[int, str | None]) -> str:
    if len(history) < 2:
        return UNKNOWN
    module, attr = _value(history[-2], memo), _value(history[-1], memo)
    if module is None or attr is None:
        return UNKNOWN
    return f"{module}.{attr}"


def scan_pickle_stream(stream: BinaryIO, member: str, result: ScanResult) -> None:
    """Scan consecutive pickles (the legacy torch format holds several) until the stream holds no more."""
    reader = io.BufferedReader(BudgetReader(stream, MAX_PICKLE_BYTES))
    for _ in range(MAX_PICKLES_PER_STREAM):
        head = reader.peek(2)[:2]
        # every pickle of protocol 2+ starts with PROTO; stop before bytes that are not a pickle (tensor data)
        if len(head) < 2 or head[0] != 0x80 or head[1] > 5:
            if result.pickles == 0 and head:
                # protocol 0/1 pickles have no PROTO opcode; try one walk
                walk(reader, member, result)
            return
        if not walk(reader, member, result):
            return


def scan_file(handle: BinaryIO, name: str, size: int) -> ScanResult:
    head = handle.read(8)
    handle.seek(0)
    result = ScanResult()
    if head.startswith(b"PK"):
        result.kind = "zip"
        _scan_zip(handle, name, result, depth=0)
    elif head.startswith(b"\x93NUMPY"):
        result.kind = "numpy"
        _scan_npy(handle, name, result)
    else:
        scan_pickle_stream(handle, name, result)
    return result


def _scan_zip(handle: BinaryIO, name: str, result: ScanResult, depth: int) -> None:
    import zipfile
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error) as exc:
        result.errors.append(f"{name}: not a readable zip archive ({exc})")
        return
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            result.errors.append(f"{name}: {len(members)} zip members; more than {MAX_ZIP_MEMBERS}, not scanned")
            return
        if any(m.filename.endswith("data.pkl") for m in members):
            result.kind = "torch-zip"
        for info in members:
            label = f"{name}:{info.filename}"
            if info.is_dir():
                continue
            if info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_COMPRESSION_RATIO:
                result.errors.append(f"{label}: compression ratio {info.file_size // max(info.compress_size, 1)}:1 looks like a zip bomb; not decompressed")
                continue
            is_pickle = info.filename.endswith((".pkl", ".pickle"))
            nested = info.filename.endswith((".zip", ".npz", ".pt", ".pth", ".bin", ".ckpt"))
            is_npy = info.filename.endswith(".npy")
            if not (is_pickle or nested or is_npy):
                # torch stores tensor bytes under data/<key>: never read them; sniff only the first bytes of others
                if "/data/" in f"/{info.filename}" or info.file_size == 0:
                    continue
                try:
                    with archive.open(info) as member:
                        head = member.read(2)
                except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError) as exc:
                    result.errors.append(f"{label}: unreadable member ({exc})")
                    continue
                if not (len(head) == 2 and head[0] == 0x80 and head[1] <= 5):
                    continue
                is_pickle = True
            if info.file_size > MAX_PICKLE_BYTES and not nested:
                result.errors.append(f"{label}: {info.file_size} bytes; larger than the {MAX_PICKLE_BYTES}-byte cap, not scanned")
                continue
            try:
                with archive.open(info) as member:
                    bounded = io.BufferedReader(BudgetReader(member, MAX_PICKLE_BYTES))
                    if nested:
                        if depth + 1 >= MAX_ZIP_DEPTH:
                            result.errors.append(f"{label}: archive nested more than {MAX_ZIP_DEPTH} deep; not scanned")
                            continue
                        inner = io.BytesIO(bounded.read(MAX_PICKLE_BYTES))
                        if inner.getvalue().startswith(b"PK"):
                            _scan_zip(inner, label, result, depth + 1)
                        else:
                            scan_pickle_stream(inner, label, result)
                    elif is_npy:
                        _scan_npy(bounded, label, result)
                    else:
                        scan_pickle_stream(bounded, label, result)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError) as exc:
                result.errors.append(f"{label}: unreadable member ({exc})")


def _scan_npy(handle: BinaryIO, name: str, result: ScanResult) -> None:
    """A .npy array holds a pickle only when its dtype is object ('O'); read the header to know."""
    import ast

    prefix = handle.read(10)
    if len(prefix) < 10 or not prefix.startswith(b"\x93NUMPY"):
        result.errors.append(f"{name}: invalid .npy header")
        return
    major = prefix[6]
    if major == 1:
        length = struct.unpack("<H", prefix[8:10])[0]
        header_raw = handle.read(length)
    else:
        more = handle.read(2)
        length = struct.unpack("<I", prefix[8:10] + more)[0]
        if length > 1_000_000:
            result.errors.append(f"{name}: .npy header claims {length} bytes")
            return
        header_raw = handle.read(length)
    try:
        header = ast.literal_eval(header_raw.decode("latin-1").strip())
        descr = str(header.get("descr", ""))
    except (ValueError, SyntaxError, AttributeError, MemoryError, RecursionError):
        result.errors.append(f"{name}: invalid .npy header")
        return
    if "O" in descr:
        scan_pickle_stream(handle, name, result)
