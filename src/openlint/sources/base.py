"""What every source offers: a listing of the release's files, and bounded reads of some of them.

A source is transport only. It says which files exist (with sizes and hashes), reads at most a given number of
bytes of a file, reads a safetensors header, looks up Hub repositories the card points to, and reads the cards of
the models a release derives from. Reading a batch
together lets a remote source do it concurrently. What the bytes mean is for the readers and the assembly.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, BinaryIO, Protocol

from openlint.support.record import Record, field

from openlint.release.model import FileEntry, HubFacts, LinkedRepo, Problem

Opener = Callable[[str], AbstractContextManager[BinaryIO]]


class Listing(Record, eq=False):  # compared by identity
    """The files of a release, as a source lists them."""

    name: str
    kind: str  # "local" or "hub"
    location: str  # a folder path or a Hub repository id
    files: dict[str, FileEntry]
    problems: list[Problem] = field(default_factory=list)
    hub: HubFacts | None = None
    card_data: dict[str, Any] | None = None  # the card's metadata as the Hub's API gives it, readable when the card is not
    # folders of a checkout left out as no part of the release: a Python environment or node_modules git does not track
    set_aside: list[str] = field(default_factory=list)
    submodules: list[str] = field(default_factory=list)  # a checkout's submodule folders: their files may be absent
    folder_links: dict[str, str] = field(default_factory=dict)  # a folder symlink inside the release -> its target


class Unreadable(Record, frozen=True):
    """Something the source could not read, and why. `refused`: access was refused (a gated repository without a
    token): a fact about who may read it. `failed`: the read did not complete (the network, a limit, not cached
    offline): the release may say more than what was read, so what it decides cannot be graded."""

    reason: str
    refused: bool = False
    failed: bool = False


class InvalidHeader(Record, frozen=True):
    """A safetensors header that fails the format's checks before it could even be parsed."""

    reason: str


class Fetch(Record, eq=False):  # compared by identity
    """What to read from a source: texts, safetensors headers, linked repositories, other cards."""

    texts: dict[str, int] = field(default_factory=dict)  # path -> most bytes to read
    headers: list[str] = field(default_factory=list)  # safetensors files whose header is wanted
    lookups: list[tuple[str, str]] = field(default_factory=list)  # ("dataset" | "model", repo id)
    cards: dict[str, int] = field(default_factory=dict)  # model repo id -> most bytes of its card to read


class Fetched(Record, eq=False):  # compared by identity
    """What a source read for a Fetch, or why it could not."""

    texts: dict[str, bytes | Unreadable] = field(default_factory=dict)
    headers: dict[str, bytes | Unreadable | InvalidHeader] = field(default_factory=dict)
    lookups: dict[str, LinkedRepo | Unreadable] = field(default_factory=dict)
    cards: dict[str, bytes | Unreadable] = field(default_factory=dict)  # other repositories' cards (base models)


# -- secrets ----------------------------------------------------------------------------------------------------
# Tokens sent to a server this run. A hostile server can echo one back inside a file (a card quoting it): sources
# mask it in what they read, and the CLI masks it in everything it prints or writes.
_SECRETS: set[str] = set()
MIN_SECRET = 8  # shorter "tokens" would mask ordinary words


def keep_secret(secret: str | None) -> None:
    if secret and len(secret) >= MIN_SECRET:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return text


def redact_bytes(data: bytes) -> bytes:
    """Masked with as many '*' as the secret has characters, so that offsets into the data (a safetensors header's
    length) still hold. Data cut at a read limit may end inside a secret a server echoed across the cut: the start
    of a secret at the very end is masked too (35 of a token's 36 characters were kept: a review's find)."""
    for secret in _SECRETS:
        raw = secret.encode("utf-8", errors="surrogatepass")
        if raw in data:
            data = data.replace(raw, b"*" * len(raw))
        for length in range(len(raw) - 1, MIN_SECRET_START - 1, -1):
            if data.endswith(raw[:length]):
                data = data[:-length] + b"*" * length
                break
    return data


MIN_SECRET_START = 4  # a secret's start shorter than this at the end of data is left as is ("hf_" says nothing)


class Source(Protocol):
    def listing(self) -> Listing: ...

    def fetch(self, request: Fetch) -> Fetched: ...

    @property
    def opener(self) -> Opener | None:
        """Streaming access to whole files, for sources whose weight files can be scanned in full (local ones)."""
