"""What a release is, whatever its source: its files, its card, its declaration, its weights, what the Hub said.

The assembly (release/assemble.py) fills a Release from a source through the readers; the analysis and the rules
only ever read one. Nothing here touches the disk or the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openlint.support.record import Record, field


class Problem(Record, frozen=True, eq=False):  # compared by identity
    """Something wrong with the release itself, recorded where it was found; rules turn problems into findings."""

    kind: str  # e.g. "card.front-matter-invalid", "weights.dangerous-import"
    file: str | None
    line: int | None
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


class Evidence(Record, frozen=True):
    """Where a judgement comes from: a file and line of the release, and a short quote."""

    file: str | None
    line: int | None
    snippet: str
    source: str  # card-metadata, card-text, card-field, licence-file, declaration, file, weights-header, hub, catalogue

    @property
    def place(self) -> str:
        """file:line, the file alone, or, for a judgement no file holds (the catalogue's knowledge of a base model, the
        Hub's answer), where it came from."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return self.source


class FileEntry(Record, frozen=True):
    """A file of the release, as listed: its path, size and LFS hash."""

    path: str  # POSIX path relative to the release root
    size: int
    lfs_sha256: str | None = None
    special: str | None = None  # why it cannot be read: "symlink outside the release", "not a regular file", ...


class LicenceClaim(Record, frozen=True):
    """One statement of the release's licence (card metadata, a licence file, a weights header, ...)."""

    raw: str
    licence_id: str | None  # canonical id from licenses.yaml, None when not identified
    evidence: Evidence
    scope: str = "release"  # "release", a component id (declaration) or "file:PATH" (weights headers)


class HubFacts(Record):
    """What the Hub says of a repository beyond its files: revision, gating, licence tags, parameters, security scan."""

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


class LinkedRepo(Record, frozen=True):
    """A Hub dataset or model the card points to, as looked up on the Hub."""

    repo_id: str
    kind: str  # "dataset" or "model"
    exists: bool | None  # None: not looked up (local mode)
    gated: str | bool = False
    licence: str | None = None


class Ancestor(Record, frozen=True):
    """A model this release derives from, as far as its card could be read (Hub mode; one request per hop)."""

    repo_id: str
    depth: int  # 1: a direct base; 2: the base's base; ...
    card: Card | None  # None when it could not be read
    reason: str = ""  # why the card could not be read (gated, private, missing, not looked up)


class Missing(Record, frozen=True):
    """Something needed for grading that could not be read: the components it would decide are not assessed."""

    what: str  # a file, a header, a lookup
    reason: str
    roles: tuple[str, ...] = ("*",)  # the roles of the components it decides; "*" all of them


# -- the model card ---------------------------------------------------------------------------------------------

class Section(Record):
    """A section of the card: its heading, level and lines."""

    title: str
    level: int
    line: int  # 1-based line of the heading
    end: int  # last line (inclusive) before the next heading of the same or a higher level
    parent: int = -1  # index of the enclosing section, -1 at the top


class Block(Record, frozen=True):
    """One block of the card's body as CommonMark sees it."""

    kind: str  # heading, paragraph, item (a list item's paragraph), table, code, html
    line: int  # first line (1-based, in the card file)
    end: int  # last line
    text: str  # plain text: markup removed, links shown as their anchor text
    section: int = -1  # index of the innermost enclosing section, -1 before the first heading
    lang: str = ""  # code: the fence's language, lower case
    rows: tuple[tuple[str, ...], ...] = ()  # table: the header row first, cells as plain text


class Link(Record, frozen=True):
    """A link in the card: its target, anchor text and line."""

    url: str
    text: str  # the anchor text
    line: int
    block: int = -1  # index of the block the link sits in


class Card(Record, eq=False):  # compared by identity
    """The model card: its lines, front matter and block structure."""

    path: str
    lines: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    has_front_matter: bool = False
    body_start: int = 1  # first line of the markdown body
    key_lines: dict[str, int] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # bold lead-ins used as headings ("**Training Data:** ..."): (title, line)
    labels: list[tuple[str, int]] = field(default_factory=list)
    # the sections enclosing each line, outermost first (one shared tuple per run of lines)
    enclosing: list[tuple[Section, ...]] = field(default_factory=list)

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def key_line(self, key: str) -> int:
        """Line of a top-level metadata key, or 1 when it is not in the front matter."""
        return self.key_lines.get(key, 1)

    def _sections_around(self, line: int) -> tuple[Section, ...]:
        return self.enclosing[line - 1] if 1 <= line <= len(self.enclosing) else ()

    def headings_at(self, line: int) -> tuple[str, ...]:
        """The titles of the sections enclosing a line, outermost first."""
        return tuple(section.title for section in self._sections_around(line))

    def section_at(self, line: int) -> Section | None:
        """The innermost section containing a line."""
        stack = self._sections_around(line)
        return stack[-1] if stack else None

    def headings_at(self, line: int) -> list[str]:
        """Titles of every section enclosing a line, outermost first."""
        stack = self.enclosing[line - 1] if 1 <= line <= len(self.enclosing) else ()
        return [section.title for section in stack]

    def body_lines(self) -> range:
        return range(self.body_start, len(self.lines) + 1)

    def heading_path(self, section: int) -> list[str]:
        """Titles from the outermost section down to `section`."""
        titles: list[str] = []
        while 0 <= section < len(self.sections) and len(titles) < 8:
            titles.append(self.sections[section].title)
            section = self.sections[section].parent
        return titles[::-1]


# -- the openness declaration -----------------------------------------------------------------------------------

class DeclaredWaiver(Record, frozen=True):
    """A finding the releaser acknowledges, stated next to the component it concerns."""

    rule: str  # code or name
    reason: str
    line: int | None


class DeclaredComponent(Record, frozen=True):
    """One component of the openness declaration, as its author states it."""

    id: str
    status: str  # released, not-released, not-applicable, api-only
    locations: tuple[str, ...]
    licence: str | None
    note: str | None
    line: int | None
    waivers: tuple[DeclaredWaiver, ...] = ()


class Declaration(Record, eq=False):  # compared by identity
    """The openness declaration (openness.yaml): its components by id."""

    path: str
    line: int  # where the declaration starts
    components: dict[str, DeclaredComponent] = field(default_factory=dict)


# -- weights ------------------------------------------------------------------------------------------------------

class WeightFile(Record):
    """A weight or model file: its format, how it loads and whether it is safe to load."""

    path: str
    format: str
    loads: str  # data, pickle, code
    size: int
    # safe, allowlisted (every pickle scanned, every import on the allow-list), dangerous (an import off the allow-list,
    # or unresolvable), may-execute, invalid, unchecked (not read, or unverified: a scan that stopped; see detail)
    safety: str = "unchecked"
    parameters: int | None = None
    dtypes: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    detail: str = ""
    tensors: dict[str, int] | None = None  # safetensors: tensor name -> byte size (for shard checks)
    # unverified, and no weights either: its pickle breaks before any ends ("placeholder", "TODO: upload"), so a
    # loader fails on it; still an error (the loader runs what precedes the break), never released weights
    broken: bool = False


# -- the release --------------------------------------------------------------------------------------------------

# beside config.json, the small configs whose `auto_map` can make Transformers load remote code (a tokenizer's or a
# processor's, possibly from another repository: "org/base--tokenization_x.XTokenizer")
CODE_MAP_FILES = ("tokenizer_config.json", "processor_config.json", "preprocessor_config.json", "video_preprocessor_config.json")
# a Diffusers pipeline's index: a component [module, class] whose module is a Python file of the release in that
# component's folder ("unet": ["my_unet", "MyUNet"] with unet/my_unet.py), or a `_class_name` [module, class] at the
# root, is custom code the pipeline loads
MODEL_INDEX = "model_index.json"
# a Diffusers pipeline loads each component from its folder, and an Auto class given `subfolder=` (Transformers',
# Diffusers' AutoModel) runs the code the config.json auto_map there names ("transformer/config.json")
COMPONENT_CODE_MAPS = ("config.json", *CODE_MAP_FILES)
MAX_COMPONENT_CONFIGS = 64  # folder configs read per check (Stable Diffusion XL has 7 components; a trainer's
# output a checkpoint folder per save): past it, the rest could not be checked


def component_configs(files: Iterable[str], links: dict[str, str] | None = None) -> list[str]:
    """The configs one folder down that can name code ("unet/config.json", "tokenizer/tokenizer_config.json",
    "checkpoint-500/config.json"), sorted: what a loader given that folder as `subfolder=` reads; for a folder that is
    a symlink ("unet" -> "src/unet_impl"), the configs at its target, where openlint lists them."""
    present = set(files)
    found = {p for p in present if p.count("/") == 1 and p.split("/", 1)[1] in COMPONENT_CODE_MAPS}
    for link, target in (links or {}).items():
        if "/" not in link:
            found |= {f"{target}/{name}" for name in COMPONENT_CODE_MAPS if f"{target}/{name}" in present}
    return sorted(found)
ADAPTER_CONFIG = "adapter_config.json"  # a PEFT adapter's config: base_model_name_or_path names what it adapts


class Release(Record, eq=False):  # compared by identity
    """Everything read of a release, before any judgement: files, card, configuration, licences, weights."""

    name: str
    source: str  # "local" or "hub"
    location: str  # folder path or Hub repository id
    files: dict[str, FileEntry] = field(default_factory=dict)
    card: Card | None = None
    config: dict[str, Any] = field(default_factory=dict)
    # the other configs that may name remote code (CODE_MAP_FILES, MODEL_INDEX), as read: whether each does (an
    # auto_map; custom components), or could not be told (not JSON, over the size limit: True)
    code_maps: dict[str, bool] = field(default_factory=dict)
    # a checkout's folders left out as no part of the release (an environment git does not track: sources.local)
    set_aside: list[str] = field(default_factory=list)
    # a checkout's submodules: a recursive clone fills them, so what a loader reads there may be absent here
    submodules: list[str] = field(default_factory=list)
    # folder symlinks inside the release, to their targets: "unet" -> "src/unet_impl" is read by a loader as unet/
    folder_links: dict[str, str] = field(default_factory=dict)
    # by configuration file (config.json, CODE_MAP_FILES): the modules its auto_map names in other repositories, by
    # repository ("org/base--tokenization_x.XTokenizer"), which trust_remote_code fetches from there
    foreign_code: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    code_map_lines: dict[str, int] = field(default_factory=dict)  # the line of each such config that names the code
    # the configuration files whose code references could not be checked (cut at the size limit, a symlink out of
    # the release): a loader reads them whole, so what they name is unknown, not absent
    unchecked_code: dict[str, str] = field(default_factory=dict)
    # the Hub id adapter_config.json's base_model_name_or_path names (not a folder on the trainer's machine)
    adapter_base: str | None = None
    licences: list[LicenceClaim] = field(default_factory=list)
    declaration: Declaration | None = None
    weights: list[WeightFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hub: HubFacts | None = None
    linked: dict[str, LinkedRepo] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # small text files read (licence, policy, index), by path
    lineage: list[Ancestor] = field(default_factory=list)  # base models, nearest first (Hub mode)
    missing: list[Missing] = field(default_factory=list)  # what could not be read (a partial check)

    @property
    def revision(self) -> str | None:
        return self.hub.revision if self.hub else None

    def has_file(self, path: str) -> bool:
        return path.strip("/") in self.files

    def missing_on_hub(self, repo_id: str) -> bool:
        """Whether the Hub said this linked repository does not exist (or is private)."""
        linked = self.linked.get(repo_id)
        return linked is not None and linked.exists is False

    def unread(self, path: str) -> bool:
        """Whether this file of the release could not be read (a partial check)."""
        return any(missing.what == path for missing in self.missing)

    @property
    def holds_weights(self) -> bool:
        """Whether some weight file is weights: LFS pointers, unverified and dangerous files count; files that are not
        weights at all (empty, garbage, no readable header: safety "invalid"; a pickle that breaks before it ends) do not."""
        return any(weight.safety != "invalid" and not weight.broken for weight in self.weights)

    def has_dir(self, path: str) -> bool:
        prefix = path.strip("/") + "/"
        return any(name.startswith(prefix) for name in self.files)

    def card_path(self) -> str | None:
        return self.card.path if self.card else None
