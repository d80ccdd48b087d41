"""The evidence a release offers, whatever its source (a local folder or a Hub repository).

Sources fill a Release; the assessment and the rules only ever read one. Nothing here touches the disk or the
network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openlint.readers.card import Card
    from openlint.readers.declaration import Declaration
    from openlint.readers.weights import WeightFile


@dataclass
class Problem:
    """Something wrong with the release itself, recorded by a reader; rules turn problems into findings."""

    kind: str  # e.g. "card.front-matter-invalid", "weights.dangerous-import"
    file: str | None
    line: int | None
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """Where a judgement comes from: a file and line of the release, and a short quote."""

    file: str | None
    line: int | None
    snippet: str
    source: str  # card-metadata, card-text, licence-file, declaration, file, weights-header, hub

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "snippet": self.snippet, "source": self.source}


@dataclass
class FileEntry:
    path: str  # POSIX path relative to the release root
    size: int
    lfs_sha256: str | None = None
    special: str | None = None  # "symlink-outside", "symlink-loop", "fifo", "device", "unreadable"...


@dataclass
class LicenceClaim:
    """One statement of the release's licence (card metadata, a licence file, a weights header, ...)."""

    raw: str
    licence_id: str | None  # canonical id from licenses.yaml, None when not identified
    evidence: Evidence
    scope: str = "release"  # "release" or a component id (declaration) or a file path (weights headers)


@dataclass
class HubFacts:
    repo_id: str
    revision: str | None  # the commit sha the listing was read at
    requested_revision: str | None
    gated: str | bool = False
    private: bool = False
    disabled: bool = False
    licence_tags: list[str] = field(default_factory=list)
    parameters: dict[str, int] = field(default_factory=dict)
    security: dict[str, Any] | None = None
    unreadable_files: list[str] = field(default_factory=list)  # gated or failing downloads


@dataclass
class LinkedRepo:
    """A Hub dataset or model the card points to, as looked up on the Hub."""

    repo_id: str
    kind: str  # "dataset" or "model"
    exists: bool | None  # None: not looked up (local mode)
    gated: str | bool = False
    licence: str | None = None


@dataclass
class Release:
    name: str
    source: str  # "local" or "hub"
    location: str  # folder path or Hub repository id
    files: dict[str, FileEntry] = field(default_factory=dict)
    card: Card | None = None
    config: dict[str, Any] = field(default_factory=dict)
    licences: list[LicenceClaim] = field(default_factory=list)
    declaration: Declaration | None = None
    weights: list[WeightFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hub: HubFacts | None = None
    linked: dict[str, LinkedRepo] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # small text files read (licence, policy), by path

    @property
    def revision(self) -> str | None:
        return self.hub.revision if self.hub else None

    def has_file(self, path: str) -> bool:
        return path.strip("/") in self.files

    def has_dir(self, path: str) -> bool:
        prefix = path.strip("/") + "/"
        return any(name.startswith(prefix) for name in self.files)

    def card_path(self) -> str | None:
        return self.card.path if self.card else None
