"""What every source offers: a listing of the release's files, and bounded reads of some of them.

A source is transport only. It says which files exist (with sizes and hashes), reads at most a given number of
bytes of a file, reads a safetensors header, looks up Hub repositories the card points to, and reads the cards of
the models a release derives from. Reading a batch
together lets a remote source do it concurrently. What the bytes mean is for the readers and the assembly.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from openlint.release.model import FileEntry, HubFacts, LinkedRepo, Problem

Opener = Callable[[str], AbstractContextManager[BinaryIO]]


@dataclass
class Listing:
    name: str
    kind: str  # "local" or "hub"
    location: str  # a folder path or a Hub repository id
    files: dict[str, FileEntry]
    problems: list[Problem] = field(default_factory=list)
    hub: HubFacts | None = None
    card_data: dict[str, Any] | None = None  # the card's metadata as the Hub's API gives it, readable when the card is not


@dataclass(frozen=True)
class Unreadable:
    """A file the source could not read: why, and whether access was refused (gated, 401/403)."""

    reason: str
    refused: bool = False


@dataclass(frozen=True)
class InvalidHeader:
    """A safetensors header that fails the format's checks before it could even be parsed."""

    reason: str


@dataclass
class Fetch:
    texts: dict[str, int] = field(default_factory=dict)  # path -> most bytes to read
    headers: list[str] = field(default_factory=list)  # safetensors files whose header is wanted
    lookups: list[tuple[str, str]] = field(default_factory=list)  # ("dataset" | "model", repo id)
    cards: dict[str, int] = field(default_factory=dict)  # model repo id -> most bytes of its card to read


@dataclass
class Fetched:
    texts: dict[str, bytes | Unreadable] = field(default_factory=dict)
    headers: dict[str, bytes | Unreadable | InvalidHeader] = field(default_factory=dict)
    lookups: dict[str, LinkedRepo] = field(default_factory=dict)
    cards: dict[str, bytes | Unreadable] = field(default_factory=dict)  # other repositories' cards (base models)


class Source(Protocol):
    def listing(self) -> Listing: ...

    def fetch(self, request: Fetch) -> Fetched: ...

    @property
    def opener(self) -> Opener | None:
        """Streaming access to whole files, for sources whose weight files can be scanned in full (local ones)."""
