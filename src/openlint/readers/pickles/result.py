"""What one weight file's scan found: the imports its pickles make, and why it cannot be verified, if it cannot."""

from __future__ import annotations

from openlint.support.record import Record, field

from openlint.readers.pickles.policy import Import


class ScanResult(Record):
    imports: list[Import] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)  # why the file cannot be verified; empty when it can
    pickles: int = 0
    broken: int = 0  # pickles that started and then could not be followed (a loader fails there, having run what came before)
    kind: str = "pickle"  # pickle, torch-zip, torch-legacy, torch-tar, numpy, zip, tar, zlib, gzip, bz2, xz, lzma
    not_pickle: bool = False  # the bytes are no pickle at all (a loader fails on the first byte, running nothing)

    @property
    def globals(self) -> list[tuple[str, str]]:
        """(member, "module.name") for every import, in stream order."""
        return [(item.member, item.qualified) for item in self.imports]

    @property
    def errors(self) -> list[str]:
        return self.unverified
