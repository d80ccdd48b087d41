"""The limits of one weight file's scan, and the two ways a scan stops short: both make the file unverified."""

from __future__ import annotations

import time

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


class LimitHit(Exception):
    """A scan limit was reached: the file cannot be verified. The message says which limit."""


class Unverifiable(Exception):
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

