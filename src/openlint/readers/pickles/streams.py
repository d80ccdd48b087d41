"""Streams of pickles: every consecutive pickle a loop of ``pickle.load`` runs, whatever its protocol.

A stream whose first pickle is torch's legacy magic number is torch's legacy format: exactly five pickles, then raw
storage bytes that torch never unpickles. Every pickle is charged to the file's budget (opcodes, bytes, time).
"""

from __future__ import annotations

from typing import Any

from openlint.readers.pickles.limits import Budget
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source
from openlint.readers.pickles.walker import walk

TORCH_MAGIC = 0x1950A86A20F9469CFC6C  # first pickle of torch's legacy (non-zip) format
LEGACY_PICKLES = 5  # magic, protocol version, sys_info, the data, the storage keys


def scan_pickle_stream(stream: Any, member: str, result: ScanResult, budget: Budget | None = None, *,
                       seekable: bool = False) -> None:
    """Scan consecutive pickles until the stream holds no more (or, in torch's legacy format, after the five that
    torch reads). Stops quietly at a byte that is no opcode: an unpickler stops there too."""
    budget = budget or Budget()
    source = stream if isinstance(stream, Source) else Source(stream, budget, seekable)
    scan_pickles(source, member, result)


def scan_pickles(source: Source, member: str, result: ScanResult, limit: int | None = None) -> list[int | None]:
    """Scan up to `limit` consecutive pickles (all of them when None); returns each one's integer value, if any."""
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

