"""Assembling a Release from a source: list the files, read the small ones, read the weight headers, look up what
the card points to. One pass, the same for every source and within one set of limits (release/limits.py).

Reads are batched so that a remote source can make them concurrently: the small files, the safetensors headers
and the Hub repositories named in the card's metadata together, then the repositories only the card's text names.

A read that did not complete (the network, a limit, an offline cache without it) is never graded around: each kind
of read decides some components (below, `_DECIDES`), and without --partial the check stops with one line naming
what could not be read; with --partial those components are Unknown and the report says it is incomplete. A read
that was refused (a gated repository without a token) is a fact about the release as the public sees it: graded as
it is, and reported.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from openlint.support.record import Record, field

from openlint.errors import HubError, HubIncomplete, HubNotCached, HubRevisionNotFound, printable
from openlint.knowledge import patterns, taxonomy
from openlint.knowledge.vocabulary import vocabulary
from openlint.readers import card as card_reader
from openlint.readers import declaration as declaration_reader
from openlint.readers import lfs as lfs_reader
from openlint.readers import licence as licence_reader
from openlint.readers import safetensors as safetensors_reader
from openlint.readers import shards as shard_reader
from openlint.readers import weights as weight_reader
from openlint.release import limits
from openlint.release.model import ADAPTER_CONFIG, CODE_MAP_FILES, MAX_COMPONENT_CONFIGS, MODEL_INDEX, Ancestor, Card, HubFacts
from openlint.release.model import LinkedRepo, Missing, Problem, Release, WeightFile, component_configs
from openlint.sources.base import Fetch, Fetched, InvalidHeader, Listing, Source, Unreadable
from openlint.sources.ids import is_repo_id

CARD_NAMES = ("README.md", "MODEL_CARD.md", "README.MD", "readme.md", "ModelCard.md", "model_card.md")
CONFIG = "config.json"
TOKENIZER_CONFIG = "tokenizer_config.json"  # its auto_map may still be a list (the legacy form AutoTokenizer loads)
_RE = patterns.Constants(__name__)
HUB_DATASET_URL = _RE(r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+/[\w.-]+|[\w.-]+)/?(?:$|[?#]|/(?:tree|blob|viewer)/)")
LINKED_KEYS = (("datasets", "dataset"), ("base_model", "model"))


# -- what each read decides -----------------------------------------------------------------------------------------

def _roles(kind: str) -> tuple[str, ...]:
    """The roles of the components a kind of read decides, from the taxonomy (stage and side), never by id.

    card, licence, declaration: everything (the card describes every component; a licence file or a declaration
    sets the licence, and so the level, of every released one). config: the inference runtime (library, remote
    code). weights: a header or a shard index. dataset: the data side (a dataset's licence is the level of the data
    component pointing at it). lineage: the training stage (a base model's card tells what it was trained on).
    """
    if kind == "weights":
        return ("weights",)
    if kind == "config":
        return ("inference-runtime",)
    components = taxonomy.components().values()
    if kind == "dataset":
        return tuple(c.role for c in components if c.side == "data" and c.role != "weights")
    if kind == "lineage":
        return tuple(c.role for c in components if c.stage == "training")
    return ("*",)


class Reads(Record, eq=False):  # compared by identity
    """What could not be read, as the assembly goes: failures (the check is incomplete) and refusals (gated)."""

    release: Release
    failed: list[Missing] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def usable(self, what: str, result: Any, kind: str) -> bool:
        """True when `result` is data; otherwise records why it is not."""
        if not isinstance(result, Unreadable):
            return True
        if result.failed:
            self.failed.append(Missing(what, result.reason, _roles(kind)))
        elif result.refused:
            self.refused.append(what)
        return False

    def finish(self, partial: bool) -> None:
        release = self.release
        if self.refused and release.hub is not None:
            release.hub.unreadable_files = sorted(self.refused)
            release.problems.append(Problem("hub.gated", None, None, _gated_detail(release, self.refused)))
        if not self.failed:
            return
        if not partial:
            first = self.failed[0]
            more = f" (and {len(self.failed) - 1} more)" if len(self.failed) > 1 else ""
            raise HubIncomplete(f"{printable(release.name, 100)}: could not read {printable(first.what, 100)}: "
                                f"{printable(first.reason, 200)}{more}; not graded{HubIncomplete.HINT}")
        release.missing = list(self.failed)
        shown = ", ".join(m.what for m in self.failed[:5]) + (f" and {len(self.failed) - 5} more" if len(self.failed) > 5 else "")
        release.problems.append(Problem("check.incomplete", None, None,
                                        f"{len(self.failed)} item(s) could not be read ({shown}); the components they decide are Unknown "
                                        "(UNK) and left out of the grade", {"count": len(self.failed)}))


def _gated_detail(release: Release, refused: list[str]) -> str:
    gated = release.hub.gated if release.hub else False
    names = sorted(refused)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    detail = f"the repository is gated ({gated or 'access refused'}): {len(names)} file(s) need a token that has accepted its terms: {shown}"
    if any(name.endswith("(header)") for name in names):
        detail += "; the weight headers were not inspected: the weights are graded from the Hub's listing and metadata"
    return detail + ". Give a token with --token or HF_TOKEN to read them"


# -- the assembly -------------------------------------------------------------------------------------------------

def assemble(source: Source, *, partial: bool = False, lfs_remote: Any = None) -> Release:
    """`partial`: report what could be read when something could not (else stop with one line). `lfs_remote`: for a
    local checkout, where the weights behind its Git LFS pointers can be read (sources.LfsRemote)."""
    listing = source.listing()
    release = Release(name=listing.name, source=listing.kind, location=listing.location, files=listing.files,
                      problems=list(listing.problems), hub=listing.hub, set_aside=list(listing.set_aside),
                      submodules=list(listing.submodules), folder_links=dict(listing.folder_links))
    reads = Reads(release)
    # a folder or file the system would not list: what it holds is unknown, so the check is incomplete
    # (a folder past the file limit too: a malicious pickle may be among the files never listed)
    reads.failed += [Missing(p.file or ".", p.detail, ("*",)) for p in listing.problems if p.kind in ("fs.unreadable", "fs.too-many-files")]
    scans_whole_files = source.opener is not None
    # the first hop of the lineage rides with the first batch: the Hub's API names the base models before the card is read
    known_bases = base_models((listing.card_data or {}).get("base_model"))
    metadata_lookups = _metadata_lookups(listing.card_data or {})
    first = source.fetch(Fetch(texts=_small_files(release, reads, remote=not scans_whole_files),
                               headers=[] if scans_whole_files else _remote_headers(release, reads),
                               lookups=metadata_lookups, cards={b: limits.CARD_BYTES for b in known_bases}))
    _read_texts(release, first, listing, reads)
    _linked_and_lineage(release, source, first, metadata_lookups, reads)
    if scans_whole_files:
        _scan_weights(release, source, reads)
        _lfs_pointers(release, source, lfs_remote, reads)
    else:
        _judge_remote_weights(release, first.headers, reads)
    _invalid_ids(release)
    if release.hub is not None:
        release.licences.extend(licence_reader.from_hub_tags(release.hub.licence_tags))
    reads.finish(partial)
    return release


def _linked_and_lineage(release: Release, source: Source, first: Fetched, metadata_lookups: list[tuple[str, str]], reads: Reads) -> None:
    """The lineage hop by hop, and the repositories only the card's text names: those ride with the first hop that
    needs a request (one round trip less), or go alone after it."""
    asked = {repo for _, repo in metadata_lookups}
    more = [key for key in _text_lookups(release.card) if key[1] not in asked]
    bases = base_models(release.card.metadata.get("base_model")) if release.card else []
    bases = bases or ([release.adapter_base] if release.adapter_base else [])
    release.lineage, second = _lineage(source, release.name, bases, dict(first.cards), reads, more)
    release.linked = {}
    for (kind, repo), found in [(key, first.lookups.get(key[1])) for key in metadata_lookups] + [(key, second.lookups.get(key[1])) for key in more]:
        if isinstance(found, LinkedRepo):
            release.linked[repo] = found
        elif found is not None:
            reads.usable(f"{kind} {repo}", found, "dataset" if kind == "dataset" else "lineage")


# -- lineage --------------------------------------------------------------------------------------------------------

def base_models(value: Any) -> list[str]:
    """The Hub ids a `base_model` field names (a string or a list), valid ones only, at most MAX_BASES."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    found: dict[str, None] = {}  # ordered, with constant-time membership: a card may list 100 000 ids
    for item in items:
        if isinstance(item, str) and is_repo_id(item.strip(), namespaced=True):
            found.setdefault(item.strip())
            if len(found) >= limits.MAX_BASES:
                break
    return list(found)


def _lineage(source: Source, name: str, bases: list[str], cards: dict[str, Any], reads: Reads,
             lookups: list[tuple[str, str]]) -> tuple[list[Ancestor], Fetched]:
    """The base models' cards, hop by hop (bounded; a loop ends where a model is seen again), and the answers to
    `lookups`, asked with the first hop's request."""
    ancestors: list[Ancestor] = []
    seen = {name}
    frontier = bases
    answered = Fetched()
    for depth in range(1, limits.MAX_HOPS + 1):
        wanted = [b for b in frontier if b not in seen]
        if not wanted:
            break
        missing = {b: limits.CARD_BYTES for b in wanted if b not in cards}
        if missing:
            fetched = source.fetch(Fetch(cards=missing, lookups=lookups))
            answered, lookups = (fetched, []) if lookups else (answered, lookups)
            cards.update(fetched.cards)
        frontier = []
        for repo in wanted:
            seen.add(repo)
            reads.usable(f"the card of {repo}", cards[repo], "lineage")
            ancestor = _ancestor(repo, depth, cards[repo])
            ancestors.append(ancestor)
            if ancestor.card is not None:
                frontier += base_models(ancestor.card.metadata.get("base_model"))
    return ancestors, source.fetch(Fetch(lookups=lookups)) if lookups else answered


def _ancestor(repo: str, depth: int, raw: Any) -> Ancestor:
    if isinstance(raw, Unreadable):
        return Ancestor(repo, depth, None, raw.reason)
    problems: list[Problem] = []  # a base model's broken card is the base's problem, not this release's
    text = card_reader.decode(raw, "README.md", problems)
    return Ancestor(repo, depth, card_reader.parse(text, "README.md", problems))


# -- what to read ---------------------------------------------------------------------------------------------------

def _card_path(release: Release) -> str | None:
    return next((name for name in CARD_NAMES if name in release.files and not release.files[name].special), None)


def _small_files(release: Release, reads: Reads, *, remote: bool) -> dict[str, int]:
    """Every small file that says something about the release, with the most bytes to read of it."""
    wanted: dict[str, int] = {}
    card = _card_path(release)
    if card is not None:
        wanted[card] = limits.CARD_BYTES + 1  # one more byte tells a card that was cut
    indexes = []
    for path, entry in release.files.items():
        if entry.special:
            continue
        if path == CONFIG:
            wanted[path] = limits.CONFIG_BYTES
        elif path in CODE_MAP_FILES or path == MODEL_INDEX:
            wanted[path] = limits.CONFIG_BYTES  # read whole where it can be: its auto_map may name another repository's code
        elif path == ADAPTER_CONFIG or licence_reader.is_licence_file(path) or path in declaration_reader.FILE_NAMES:
            wanted[path] = limits.TEXT_BYTES
        elif shard_reader.is_index(path) and entry.size <= limits.INDEX_BYTES:
            indexes.append(path)
    indexes.sort()
    wanted.update({path: limits.INDEX_BYTES for path in indexes[: limits.HUB_MAX_INDEXES]})
    wanted.update(_component_configs(release))
    if remote:  # a local checkout's other indexes are read whole through the opener
        for path in indexes[limits.HUB_MAX_INDEXES:]:
            reads.usable(path, Unreadable(f"over openlint's limit of {limits.HUB_MAX_INDEXES} shard indexes per check", failed=True), "weights")
    return wanted


def _component_configs(release: Release) -> dict[str, int]:
    """A Diffusers pipeline's component configs to read; one that cannot be (a symlink out, past the limit) names
    unknown code."""
    components = component_configs(release.files, release.folder_links)
    wanted = {}
    for path in components[:MAX_COMPONENT_CONFIGS]:
        if release.files[path].special:  # a symlink out of the release: a loader follows it, openlint does not
            release.unchecked_code[path] = release.files[path].special
        else:
            wanted[path] = limits.CONFIG_BYTES
    for path in components[MAX_COMPONENT_CONFIGS:]:
        release.unchecked_code[path] = f"over openlint's limit of {MAX_COMPONENT_CONFIGS} folder configs per check"
    return wanted


def _remote_headers(release: Release, reads: Reads) -> list[str]:
    """The weight files whose header a Hub check reads: safetensors (whole) and GGUF (the start)."""
    # (a GGUF file listed with size 0, empty or of unknown size, is judged by name: there is no start to read)
    paths = sorted(p for p, entry in release.files.items() if (found := weight_reader.identify(p))
                   and (found["scan"] == "safetensors" or (found["scan"] == "gguf" and entry.size > 0)))
    for path in paths[limits.HUB_MAX_HEADERS:]:
        reads.usable(f"{path} (header)", Unreadable(f"over openlint's limit of {limits.HUB_MAX_HEADERS} headers per check", failed=True), "weights")
    return paths[: limits.HUB_MAX_HEADERS]


def _listed(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def _metadata_lookups(card_data: dict[str, Any]) -> list[tuple[str, str]]:
    """Hub datasets and base models the card's metadata names (the Hub's API gives it before the card is read);
    only valid ids: an invalid one is a finding about the card (`_invalid_ids`), never a request."""
    keys: dict[tuple[str, str], None] = {}
    for name, kind in LINKED_KEYS:
        for item in _listed(card_data.get(name)):
            if len(keys) >= limits.MAX_LINKED:
                return list(keys)
            if is_repo_id(item):
                keys.setdefault((kind, item))
    return list(keys)


def _text_lookups(card: Card | None) -> list[tuple[str, str]]:
    """Hub datasets the card's text links to."""
    found: dict[tuple[str, str], None] = {}
    for link in card.links if card is not None else ():
        match = HUB_DATASET_URL.match(link.url)
        if match and is_repo_id(match.group(1)):
            found.setdefault(("dataset", match.group(1)))
            if len(found) >= limits.MAX_LINKED:
                break
    return list(found)


def _invalid_ids(release: Release) -> None:
    """`datasets: [a--b]`: an id the Hub would reject is a finding about the card (it is never looked up)."""
    card = release.card
    if card is None:
        return
    for name, kind in LINKED_KEYS:
        for item in _listed(card.metadata.get(name)):
            if not is_repo_id(item):
                release.problems.append(Problem("card.invalid-hub-id", card.path, card.key_line(name) if card.lines else None,
                                                f"`{name}` names '{printable(item, 80)}', which is not a valid Hub {kind} id (ORG/NAME)",
                                                {"key": name}))


# -- the small files ------------------------------------------------------------------------------------------------

def _text_kind(path: str) -> str:
    if path == CONFIG:
        return "config"
    if path == ADAPTER_CONFIG:
        return "lineage"
    if shard_reader.is_index(path):
        return "weights"
    return "card"  # the card, a licence file, a declaration: everything


def _read_texts(release: Release, fetched: Fetched, listing: Listing, reads: Reads) -> None:
    texts = {p: v for p, v in fetched.texts.items() if reads.usable(p, v, _text_kind(p))}
    _read_card(release, texts, fetched.texts, listing.card_data)
    _read_code_configs(release, texts)
    if ADAPTER_CONFIG in texts:
        release.adapter_base = _adapter_base(texts[ADAPTER_CONFIG])
    for path in sorted(texts):
        if licence_reader.is_licence_file(path):
            text = texts[path].decode("utf-8", errors="replace")
            release.texts[path] = text
            claim = licence_reader.from_file(path, text)
            if claim is not None:
                release.licences.append(claim)
        elif shard_reader.is_index(path):
            release.texts[path] = texts[path].decode("utf-8", errors="replace")
    _read_declaration(release, texts, fetched.texts)


def _read_code_configs(release: Release, texts: dict[str, bytes]) -> None:
    """config.json, the tokenizer's and processor's configs, a Diffusers index: the code a loader would run."""
    if CONFIG in texts:
        _read_config(release, texts[CONFIG])
    for path in CODE_MAP_FILES:
        if path in texts:
            _read_code_map(release, path, texts[path])
    if MODEL_INDEX in texts and (index := _json_object(release, MODEL_INDEX, texts[MODEL_INDEX])) is not None:
        release.code_maps[MODEL_INDEX] = bool(weight_reader.custom_components(index, release.files, release.folder_links))
    for path in component_configs(release.files, release.folder_links):
        if path in texts:
            _read_code_map(release, path, texts[path])
    for path in (CONFIG, *CODE_MAP_FILES, MODEL_INDEX):
        entry = release.files.get(path)
        if entry is not None and entry.special:  # a symlink out of the release: a loader follows it, openlint does not
            release.unchecked_code[path] = entry.special


def _read_card(release: Release, texts: dict[str, bytes], attempted: dict[str, Any], card_data: dict[str, Any] | None) -> None:
    path = _card_path(release)
    if path is not None and path in texts:
        text = card_reader.decode(texts[path], path, release.problems, size=release.files[path].size)
        release.card = card_reader.parse(text, path, release.problems)
        release.licences.extend(licence_reader.from_card(release.card))
    elif card_data:
        # the card could not be read: its metadata is public through the API
        release.card = Card(path=path or "README.md", lines=[], metadata=card_data, has_front_matter=True)
        release.licences.extend(licence_reader.from_card(release.card))
    elif path is None:
        release.problems.append(Problem("card.missing", None, None, "the release has no model card (README.md)"))
    elif isinstance(attempted.get(path), Unreadable) and release.hub is None:
        release.problems.append(Problem("card.missing", path, None, f"the model card could not be read: {attempted[path].reason}"))


def _json_object(release: Release, path: str, raw: bytes) -> dict[str, Any] | None:
    """A configuration file's JSON object; None, with a finding, when it is not one (or was cut at the size limit)."""
    entry = release.files.get(path)
    if entry is not None and entry.size > len(raw):
        # a loader reads it whole: the code it names is unknown, which the remote-code check (a security rule) says
        release.unchecked_code[path] = f"over openlint's limit of {len(raw) // 1_000_000} MB; not read whole"
        return None
    try:
        data = json.loads(raw)
    except RecursionError:  # whether a loader's parser gets through depends on its stack: what it names is unknown
        release.unchecked_code[path] = "nested too deeply to read"
        return None
    except ValueError:
        data = None
    if isinstance(data, dict):
        return _shallow(data, _CONFIG_DEPTH)
    # a loader cannot read it either (Transformers parses it with the same json module): no code runs from it
    release.problems.append(Problem("config.invalid", path, 1, f"{path} is not a valid JSON object"))
    return None


_CONFIG_DEPTH = 32  # nesting kept of a config: what openlint reads sits at the top; deeper parts are dropped


def _shallow(value: Any, depth: int) -> Any:
    """`value` with containers nested deeper than `depth` replaced by None: a 600-deep list in a config would
    otherwise recurse through every later walk of the release (the report's cleaning)."""
    if isinstance(value, dict):
        return {k: _shallow(v, depth - 1) for k, v in value.items()} if depth > 0 else None
    if isinstance(value, list):
        return [_shallow(v, depth - 1) for v in value] if depth > 0 else None
    return value


def _read_config(release: Release, raw: bytes) -> None:
    data = _json_object(release, CONFIG, raw)
    if data is not None:
        release.config = data
        _note_foreign_code(release, CONFIG, data, raw)


def _read_code_map(release: Release, path: str, raw: bytes) -> None:
    """A tokenizer's, processor's or pipeline component's config: whether its auto_map names remote code, and whose.
    One that cannot be read as a JSON object cannot tell, and is taken to name some."""
    data = _json_object(release, path, raw)
    release.code_maps[path] = data is None or bool(data.get("auto_map"))
    if data is not None:
        _note_foreign_code(release, path, data, raw)


def _note_foreign_code(release: Release, path: str, data: dict[str, Any], raw: bytes) -> None:
    elsewhere = weight_reader.foreign_code(data, list_form=path.rsplit("/", 1)[-1] == TOKENIZER_CONFIG)
    if elsewhere:
        release.foreign_code[path] = elsewhere
        # the line that names it, for an annotation there (the first "auto_map" or "custom_pipelines" key)
        at = min((i for i in (raw.find(b'"auto_map"'), raw.find(b'"custom_pipelines"')) if i >= 0), default=-1)
        if at >= 0:
            release.code_map_lines[path] = raw.count(b"\n", 0, at) + 1


def _adapter_base(raw: bytes) -> str | None:
    """The Hub id an adapter's config names as its base model; a folder on the trainer's machine
    ("output/checkpoint-500") or anything but a valid id names nothing the Hub or the catalogue would know."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # not an adapter config a loader could use either; the adapter's files still make it one
    value = data.get("base_model_name_or_path") if isinstance(data, dict) else None
    if not isinstance(value, str) or not is_repo_id(value.strip(), namespaced=True):
        return None
    return None if vocabulary().lineage.local_paths.search(value.strip().lower()) else value.strip()


def _read_declaration(release: Release, texts: dict[str, bytes], attempted: dict[str, Any]) -> None:
    """The declaration file if there is one, else the card's `openness:` block."""
    path = next((p for p in declaration_reader.FILE_NAMES if p in release.files and not release.files[p].special), None)
    card = release.card
    in_card = card is not None and declaration_reader.CARD_KEY in card.metadata
    unreadable = attempted.get(path) if path is not None else None
    if isinstance(unreadable, Unreadable) and not (unreadable.failed or unreadable.refused):
        release.problems.append(Problem("declaration.invalid", path, 1, f"could not be read: {unreadable.reason}"))
        return
    if path is not None and path in texts:
        release.declaration = declaration_reader.read_file(texts[path].decode("utf-8", errors="replace"), path, release.problems)
        if in_card:
            release.problems.append(Problem("declaration.duplicate", card.path, card.key_line("openness"),
                                            f"the card's front matter also has an `openness:` block; {path} takes precedence"))
    elif in_card:  # a declaration file that could not be read: the card's block is what can be seen
        release.declaration = declaration_reader.parse(card.metadata["openness"], card.path, card.lines, card.key_line("openness"), release.problems)
    if release.declaration is not None:
        release.licences.extend(licence_reader.from_declaration(release.declaration))


# -- weights ------------------------------------------------------------------------------------------------------

def _scan_weights(release: Release, source: Source, reads: Reads) -> None:
    """Every weight file judged from its header, opened through the source. A header the system would not let be
    read (permissions, I/O) is a read that did not complete: an unscanned file is not a pass."""
    opener = source.opener
    assert opener is not None

    @contextmanager
    def noting_failures(path: str) -> Iterator[BinaryIO]:
        try:
            with opener(path) as handle:
                yield handle
        except OSError as exc:
            if exc.errno is not None:
                reads.failed.append(Missing(f"{path} (header)", exc.strerror or str(exc), _roles("weights")))
            raise

    deadline = time.monotonic() + limits.WEIGHT_SCAN_SECONDS
    for path, entry in sorted(release.files.items()):
        if entry.special:
            if (format_entry := weight_reader.identify(path)) is not None:
                release.problems.append(Problem(weight_reader.unreadable_kind(format_entry), path, None,
                                                f"a weight file that cannot be read ({entry.special})"))
            continue
        late = f"not scanned: the check's {limits.WEIGHT_SCAN_SECONDS:g} s for weight scans ran out" if time.monotonic() > deadline else None
        weight = weight_reader.inspect(path, entry.size, noting_failures, release.problems, late)
        if weight is not None:
            _add_weight(release, weight)
    weight_reader.settle_splits(release.weights, release.problems)
    shard_reader.check_indexes(release, opener)


def _hub_flags(hub: HubFacts | None) -> dict[str, str]:
    """The files the Hub's own security scan flags, with the level it gives."""
    security = (hub.security if hub else None) or {}
    return {item.get("path"): item.get("level", "flagged") for item in (security.get("filesWithIssues") or []) if isinstance(item, dict)}


def _judge_remote_weights(release: Release, headers: dict[str, Any], reads: Reads) -> None:
    """Remote weight files: safetensors from their headers, the rest by name and the Hub's own scan."""
    flagged = _hub_flags(release.hub)
    for path, entry in sorted(release.files.items()):
        found = weight_reader.identify(path)
        if found is None:
            continue
        weight = WeightFile(path=path, format=found["format"], loads=found["loads"], size=entry.size)
        _judge_remote(release, weight, found, headers.get(path), flagged.get(path), reads)
        _add_weight(release, weight)
    weight_reader.settle_splits(release.weights, release.problems)
    _unscanned_pickles(release)
    shard_reader.check_indexes(release, None)


def _unscanned_pickles(release: Release) -> None:
    """Pickles a loader would unpickle that a Hub check did not scan: it reads no weight file's body, and the Hub's own
    scan is a list of known-bad imports, not openlint's allow-list. Not a pass, unless the safetensors file that very
    loader takes instead is there (_PREFERRED): a stub safetensors file of any other name stops no loader."""
    for weight in release.weights:
        if weight.loads != "pickle" or weight.format == "numpy" or weight.safety != "unchecked":
            continue
        folder, _, name = weight.path.rpartition("/")
        prefix = f"{folder}/" if folder else ""
        if not any(f"{prefix}{candidate}" in release.files for candidate in _preferred(name)):
            release.problems.append(Problem("weights.unverified", weight.path, None, "a pickle a loader would run, not scanned: a Hub check "
                                            "reads no weight file's body; check a local download to scan it"))


# the loaders that take a safetensors file over a .bin, and which one: Transformers (model[.VARIANT].safetensors or
# its index), Diffusers, PEFT, open_clip, timm (the same name); a .pt, .pkl or .ckpt loader never looks for one
_PREFERRED = (
    (_RE(r"^pytorch_model(?:\.(?P<v>[\w-]+?))?(?:-\d{5}-of-\d{5})?\.bin$"), ("model{v}.safetensors", "model.safetensors.index{v}.json")),
    (_RE(r"^diffusion_pytorch_model(?:\.(?P<v>[\w-]+?))?(?:-\d{5}-of-\d{5})?\.bin$"),
     ("diffusion_pytorch_model{v}.safetensors", "diffusion_pytorch_model.safetensors.index{v}.json")),
    (_RE(r"^open_clip_pytorch_model\.bin$"), ("open_clip_model.safetensors",)),
    (_RE(r"^(?!training_args\.bin$)(?P<stem>[^/]+)\.bin$"), ("{stem}.safetensors",)),  # not a trainer's state
)


def _preferred(name: str) -> tuple[str, ...]:
    for pattern, candidates in _PREFERRED:
        match = pattern.match(name)
        if match:
            named = match.groupdict()
            variant = f".{named['v']}" if named.get("v") else ""
            stem = named.get("stem") or ""
            return tuple(c.format(v=variant, stem=stem) for c in candidates)
    return ()


def _judge_remote(release: Release, weight: WeightFile, found: dict[str, Any], header: Any, flag: str | None, reads: Reads) -> None:
    """One remote weight file, from its header when one was asked for, else by name; then the Hub's scan."""
    if header is not None:
        _apply_remote_header(release, weight, header, weight.size, reads)
    elif not weight_reader.judge_by_format(weight, found):
        weight.detail = "not downloaded: judged by name and the Hub's own scan"
    if flag is not None:
        weight.safety = "dangerous"
        release.problems.append(Problem("weights.hub-flagged", weight.path, None, f"is flagged by the Hub's security scan ({flag})"))


def _apply_remote_header(release: Release, weight: WeightFile, result: Any, size: int, reads: Reads) -> None:
    if isinstance(result, InvalidHeader):
        weight_reader.mark_invalid(weight, "weights.invalid-safetensors", result.reason, release.problems)
    elif isinstance(result, Unreadable):
        reads.usable(f"{weight.path} (header)", result, "weights")
        if result.refused:
            weight.detail = "header not inspected: the repository is gated (give a token with --token or HF_TOKEN)"
        elif result.failed:
            weight.detail = f"header could not be read ({result.reason})"
        else:  # over a limit: as for a local file, unverified is not a pass
            weight_reader.mark_unverified(weight, result.reason, release.problems)
    elif weight.format == "gguf":
        weight_reader.judge_gguf_prefix(weight, result, release.problems)
    else:
        try:
            header = safetensors_reader.parse_header(result, size or None)
        except safetensors_reader.HeaderLimit as exc:
            weight_reader.mark_unverified(weight, str(exc), release.problems)
            return
        except safetensors_reader.HeaderError as exc:
            weight_reader.mark_invalid(weight, "weights.invalid-safetensors", str(exc), release.problems)
            return
        weight_reader.apply_safetensors_header(weight, header, release.problems)


def _add_weight(release: Release, weight: WeightFile) -> None:
    release.weights.append(weight)
    claim = licence_reader.from_weight(weight)
    if claim is not None:
        release.licences.append(claim)


# -- Git LFS pointers in a local checkout ---------------------------------------------------------------------------

def _lfs_pointers(release: Release, source: Source, remote: Any, reads: Reads) -> None:
    """A checkout without its LFS objects: one finding for every pointer (with the sizes and hashes the pointers
    give) instead of one per file; when the Hub repository is known, the headers are read from it instead."""
    paths = {p.file for p in release.problems if p.kind == "weights.lfs-pointer"}
    if not paths:
        return
    release.problems = [p for p in release.problems if p.kind != "weights.lfs-pointer"]
    pointers = [_pointer(source, path) for path in sorted(paths)]
    by_path = {w.path: w for w in release.weights}
    for pointer in pointers:
        _as_pointer(release, by_path[pointer.path], pointer)
    resolved, why = _from_hub(release, pointers, by_path, remote, reads) if remote is not None else (set(), "")
    left = [p for p in pointers if p.path not in resolved]
    if left:
        checkout = "check out with Git LFS (`git lfs pull`; actions/checkout: `lfs: true`)"
        hint = f"{why}; {checkout}" if why else f"{checkout} or name the Hub repository with --hub-id ORG/NAME"
        # at the first pointer (the message names the rest): a finding on the card sent readers to the wrong file
        release.problems.append(Problem("lfs.pointers", left[0].path, None, f"{len(left)} weight file(s) are Git LFS pointers, not the weights: "
                                        f"{lfs_reader.summary(left)}; {hint}", {"count": len(left)}))


def _as_pointer(release: Release, weight: WeightFile, pointer: lfs_reader.Pointer) -> None:
    """A weight file that is a Git LFS pointer: unchecked until its object is read; one that names no object is a
    placeholder, not a pointer to weights."""
    weight.safety, weight.size = "unchecked", pointer.size if pointer.size is not None else weight.size
    weight.detail = "a Git LFS pointer, not the weights"
    if pointer.sha256 is None:
        weight_reader.mark_invalid(weight, "weights.empty", "a Git LFS pointer that names no object (no sha256)", release.problems)


def _pointer(source: Source, path: str) -> lfs_reader.Pointer:
    try:
        with source.opener(path) as handle:  # type: ignore[misc]
            data = handle.read(lfs_reader.MAX_POINTER + 1)
    except OSError:
        data = b""
    return lfs_reader.parse(path, data) or lfs_reader.Pointer(path, None, None)


def _from_hub(release: Release, pointers: list[lfs_reader.Pointer], by_path: dict[str, WeightFile], remote: Any,
              reads: Reads) -> tuple[set[str], str]:
    """Pointers matched by sha256 to the files of the Hub repository; their headers read there and judged as usual.
    Returns the paths resolved, and why the others were not (when it is not just that they are not on the Hub)."""
    try:
        hub, listing = _remote_listing(remote)
    except HubError as exc:
        return set(), _unread_remote(remote, exc, reads)
    on_hub = {entry.lfs_sha256: path for path, entry in listing.files.items() if entry.lfs_sha256}
    matched = {p.path: on_hub[p.sha256] for p in pointers if p.sha256 in on_hub}
    wanted = sorted(hub_path for hub_path in matched.values() if hub_path.endswith(".safetensors"))
    headers = hub.fetch(Fetch(headers=wanted)).headers if wanted else {}
    flagged = _hub_flags(listing.hub)
    for local_path, hub_path in sorted(matched.items()):
        weight = by_path[local_path]
        weight.safety, weight.detail = "unchecked", ""
        found = weight_reader.identify(local_path) or {}
        _judge_remote(release, weight, found, headers.get(hub_path), flagged.get(hub_path), reads)
        weight.detail = (weight.detail + "; " if weight.detail else "") + f"a Git LFS pointer: judged from the Hub's copy ({remote.repo_id})"
    unmatched = "" if len(matched) == len(pointers) else f"the Hub repository {remote.repo_id} does not hold them"
    return set(matched), unmatched


def _unread_remote(remote: Any, exc: HubError, reads: Reads) -> str:
    """Why the pointers stay a finding. A read that could be made later (the network, a limit) leaves the check
    incomplete. Offline, the repository is not looked up, however it was named (--hub-id or .git/config): the
    pre-commit hook runs offline, and a GitHub mirror names its Hub repository with --hub-id for the name's sake; the
    pointers stay the finding they are without one. A repository that says no (missing, private) is an answer."""
    if exc.transient:
        reads.usable(f"the Hub repository {remote.repo_id}", Unreadable(exc.detail, failed=True), "weights")
    return f"the Hub repository {remote.repo_id} could not be read ({printable(exc.detail, 300)})"


def _remote_listing(remote: Any) -> tuple[Source, Listing]:
    """The Hub repository at the checkout's commit, or at its default branch when that commit is not on the Hub
    (pointers are matched by content hash, so any revision holding the same objects will do)."""
    try:
        hub = remote.open(remote.commit)
        return hub, hub.listing()
    except (HubRevisionNotFound, HubNotCached):
        if remote.commit is None:
            raise
        # a commit not pushed yet (or, offline, not checked yet): the default branch, online or as cached
        hub = remote.open(None)
        return hub, hub.listing()
