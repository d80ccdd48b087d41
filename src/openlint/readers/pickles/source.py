"""Bounded readers: what genops reads a pickle through, and views of a file's members read in place."""

from __future__ import annotations

import io
from typing import Any

from openlint.readers.pickles import limits
from openlint.readers.pickles.limits import Budget


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
        self._max_read = limits.MAX_READ  # kept here: read() is called twice an opcode

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
        if 0 <= n <= self._max_read and end <= len(self._buffer):  # the common case, kept short: genops calls it twice an opcode
            self._pos = end
            return self._buffer[pos:end]
        if n is None or n < 0:
            raise ValueError("unbounded read")
        if n > self._max_read:
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
            if end != -1 and end - self._pos < limits.MAX_LINE:
                line = self._buffer[self._pos:end + 1]
                break
            searched = self._available()
            if searched >= limits.MAX_LINE:
                line = self._buffer[self._pos:self._pos + limits.MAX_LINE]
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


class Window:
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
