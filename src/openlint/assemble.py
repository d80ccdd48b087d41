"""Assembling a Release from a source: list the files, read the small ones, read the weight headers, look up what
the card points to. One pass, the same for every source and within one set of limits (release/limits.py).

Reads are batched so that a remote source can make them concurrently: the small files, the safetensors headers
and the Hub repositories named in the card's metadata together, then the repositories only the card's text names.
"""

from __future__ import annotations

import json
import re
from typing import Any

from openlint.readers import card as card_reader
from openlint.readers import declaration as declaration_reader
from openlint.readers import licence as licence_reader
from openlint.readers import safetensors as safetensors_reader
from openlint.readers import shards as shard_reader
from openlint.readers import weights as weight_reader
from openlint.release import limits
from openlint.release.model import Ancestor, Card, Problem, Release, WeightFile
from openlint.sources.base import Fetch, Fetched, InvalidHeader, Listing, Source, Unreadable

CARD_NAMES = ("README.md", "MODEL_CARD.md", "README.MD", "readme.md", "ModelCard.md", "model_card.md")
CONFIG = "config.json"
HUB_DATASET_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+/[\w.-]+|[\w.-]+)/?(?:$|[?#]|/(?:tree|blob|viewer)/)")


def assemble(source: Source) -> Release:
    listing = source.listing()
    release = Release(name=listing.name, source=listing.kind, location=listing.location, files=listing.files,
                      problems=list(listing.problems), hub=listing.hub)
    first = _read(source, release, listing)
    if source.opener is not None:
        _scan_weights(release, source)
    else:
        _judge_remote_weights(release, first.headers)
    if release.hub is not None:
        release.licences.extend(licence_reader.from_hub_tags(release.hub.licence_tags))
    return release


def _read(source: Source, release: Release, listing: Listing) -> Fetched:
    """The small files, headers and lookups in one batch, then what only the card's text names, then the lineage."""
    headers = [] if source.opener is not None else [p for p in release.files if weight_reader.identify(p) and p.endswith(".safetensors")]
    # the first hop of the lineage rides with the first batch: the Hub's API names the base models before the card is read
    card_data = listing.card_data or {}
    first = source.fetch(Fetch(texts=_small_files(release), headers=headers, lookups=_metadata_lookups(card_data),
                               cards={b: limits.CARD_BYTES for b in base_models(card_data.get("base_model"))}))
    _read_texts(release, first, listing)
    more = [key for key in _text_lookups(release.card) if key[1] not in first.lookups]
    bases = base_models(release.card.metadata.get("base_model")) if release.card else []
    cards = dict(first.cards)
    missing = {b: limits.CARD_BYTES for b in bases if b not in cards}
    second = source.fetch(Fetch(lookups=more, cards=missing)) if more or missing else Fetched()
    cards.update(second.cards)
    release.linked = {**first.lookups, **second.lookups}
    release.lineage = _lineage(source, release.name, bases, cards)
    return first


# -- lineage --------------------------------------------------------------------------------------------------------

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95}$")


def base_models(value: Any) -> list[str]:
    """The Hub ids a `base_model` field names (a string or a list), valid ones only, at most MAX_BASES."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    found = []
    for item in items:
        if isinstance(item, str) and _HUB_ID.match(item.strip()) and item.strip() not in found:
            found.append(item.strip())
    return found[: limits.MAX_BASES]


def _lineage(source: Source, name: str, bases: list[str], cards: dict[str, Any]) -> list[Ancestor]:
    """The base models' cards, hop by hop (bounded; a loop ends where a model is seen again)."""
    ancestors: list[Ancestor] = []
    seen = {name}
    frontier = bases
    for depth in range(1, limits.MAX_HOPS + 1):
        wanted = [b for b in frontier if b not in seen]
        if not wanted:
            break
        missing = {b: limits.CARD_BYTES for b in wanted if b not in cards}
        if missing:
            cards.update(source.fetch(Fetch(cards=missing)).cards)
        frontier = []
        for repo in wanted:
            seen.add(repo)
            ancestor = _ancestor(repo, depth, cards[repo])
            ancestors.append(ancestor)
            if ancestor.card is not None:
                frontier += base_models(ancestor.card.metadata.get("base_model"))
    return ancestors


def _ancestor(repo: str, depth: int, raw: Any) -> Ancestor:
    if isinstance(raw, Unreadable):
        return Ancestor(repo, depth, None, raw.reason)
    problems: list[Problem] = []  # a base model's broken card is the base's problem, not this release's
    text = card_reader.decode(raw, "README.md", problems)
    return Ancestor(repo, depth, card_reader.parse(text, "README.md", problems))


# -- what to read ---------------------------------------------------------------------------------------------------

def _card_path(release: Release) -> str | None:
    return next((name for name in CARD_NAMES if name in release.files and not release.files[name].special), None)


def _small_files(release: Release) -> dict[str, int]:
    """Every small file that says something about the release, with the most bytes to read of it."""
    wanted: dict[str, int] = {}
    card = _card_path(release)
    if card is not None:
        wanted[card] = limits.CARD_BYTES + 1  # one more byte tells a card that was cut
    for path, entry in release.files.items():
        if entry.special:
            continue
        if path == CONFIG:
            wanted[path] = limits.CONFIG_BYTES
        elif licence_reader.is_licence_file(path) or path in declaration_reader.FILE_NAMES:
            wanted[path] = limits.TEXT_BYTES
        elif path.endswith(".index.json") and (".safetensors" in path or ".bin" in path) and entry.size <= limits.INDEX_BYTES:
            wanted[path] = limits.INDEX_BYTES
    return wanted


def _metadata_lookups(card_data: dict[str, Any]) -> list[tuple[str, str]]:
    """Hub datasets and base models the card's metadata names (the Hub's API gives it before the card is read)."""
    keys: list[tuple[str, str]] = []
    for value, kind in ((card_data.get("datasets"), "dataset"), (card_data.get("base_model"), "model")):
        for item in ([value] if isinstance(value, str) else value if isinstance(value, list) else []):
            if isinstance(item, str) and item.strip() and (kind, item.strip()) not in keys:
                keys.append((kind, item.strip()))
    return keys[: limits.MAX_LINKED]


def _text_lookups(card: Card | None) -> list[tuple[str, str]]:
    """Hub datasets the card's text links to."""
    found: list[tuple[str, str]] = []
    for link in card.links if card is not None else ():
        match = HUB_DATASET_URL.match(link.url)
        if match and ("dataset", match.group(1)) not in found:
            found.append(("dataset", match.group(1)))
    return found[: limits.MAX_LINKED]


# -- the small files ------------------------------------------------------------------------------------------------

def _read_texts(release: Release, fetched: Fetched, listing: Listing) -> None:
    texts = {p: v for p, v in fetched.texts.items() if isinstance(v, bytes)}
    _read_card(release, texts, fetched.texts, listing.card_data)
    if CONFIG in texts:
        _read_config(release, texts[CONFIG])
    for path in sorted(texts):
        if licence_reader.is_licence_file(path):
            text = texts[path].decode("utf-8", errors="replace")
            release.texts[path] = text
            claim = licence_reader.from_file(path, text)
            if claim is not None:
                release.licences.append(claim)
        elif path.endswith(".index.json"):
            release.texts[path] = texts[path].decode("utf-8", errors="replace")
    _read_declaration(release, texts, fetched.texts)
    unreadable = sorted(p for p, v in fetched.texts.items() if isinstance(v, Unreadable))
    if release.hub is not None:
        release.hub.unreadable_files = unreadable
        if unreadable:
            gated = f" (gated: {release.hub.gated})" if release.hub.gated else ""
            release.problems.append(Problem("hub.unreadable", None, None,
                                            f"{len(unreadable)} file(s) could not be read{gated}: {', '.join(unreadable[:5])}; graded from the public metadata"))


def _read_card(release: Release, texts: dict[str, bytes], attempted: dict[str, Any], card_data: dict[str, Any] | None) -> None:
    path = _card_path(release)
    if path is not None and path in texts:
        text = card_reader.decode(texts[path], path, release.problems, size=release.files[path].size)
        release.card = card_reader.parse(text, path, release.problems)
        release.licences.extend(licence_reader.from_card(release.card))
    elif card_data:
        # the card could not be read (gated): its metadata is public through the API
        release.card = Card(path=path or "README.md", lines=[], metadata=card_data, has_front_matter=True)
        release.licences.extend(licence_reader.from_card(release.card))
    elif path is None:
        release.problems.append(Problem("card.missing", None, None, "the release has no model card (README.md)"))
    elif isinstance(attempted.get(path), Unreadable) and release.hub is None:
        release.problems.append(Problem("card.missing", path, None, f"the model card could not be read: {attempted[path].reason}"))


def _read_config(release: Release, raw: bytes) -> None:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        release.problems.append(Problem("config.invalid", CONFIG, 1, "config.json is not valid JSON"))
        return
    if isinstance(data, dict):
        release.config = data


def _read_declaration(release: Release, texts: dict[str, bytes], attempted: dict[str, Any]) -> None:
    """The declaration file if there is one, else the card's `openness:` block."""
    path = next((p for p in declaration_reader.FILE_NAMES if p in release.files and not release.files[p].special), None)
    card = release.card
    in_card = card is not None and declaration_reader.CARD_KEY in card.metadata
    if path is not None and isinstance(attempted.get(path), Unreadable):
        release.problems.append(Problem("declaration.invalid", path, 1, f"could not be read: {attempted[path].reason}"))
        return
    if path is not None and path in texts:
        release.declaration = declaration_reader.read_file(texts[path].decode("utf-8", errors="replace"), path, release.problems)
        if in_card:
            release.problems.append(Problem("declaration.duplicate", card.path, card.key_line("openness"),
                                            f"the card's front matter also has an `openness:` block; {path} takes precedence"))
    elif in_card:
        release.declaration = declaration_reader.parse(card.metadata["openness"], card.path, card.lines, card.key_line("openness"), release.problems)
    if release.declaration is not None:
        release.licences.extend(licence_reader.from_declaration(release.declaration))


# -- weights ------------------------------------------------------------------------------------------------------

def _scan_weights(release: Release, source: Source) -> None:
    """Every weight file judged from its header, opened through the source."""
    for path, entry in sorted(release.files.items()):
        if entry.special:
            if weight_reader.identify(path):
                release.problems.append(Problem("weights.unreadable", path, None, f"a weight file that cannot be read ({entry.special})"))
            continue
        weight = weight_reader.inspect(path, entry.size, source.opener, release.problems)
        if weight is not None:
            _add_weight(release, weight)
    shard_reader.check_indexes(release, source.opener)


def _judge_remote_weights(release: Release, headers: dict[str, Any]) -> None:
    """Remote weight files: safetensors from their headers, the rest by name and the Hub's own scan."""
    security = (release.hub.security if release.hub else None) or {}
    flagged = {item.get("path"): item.get("level", "flagged") for item in (security.get("filesWithIssues") or []) if isinstance(item, dict)}
    for path, entry in sorted(release.files.items()):
        found = weight_reader.identify(path)
        if found is None:
            continue
        weight = WeightFile(path=path, format=found["format"], loads=found["loads"], size=entry.size)
        if path in headers:
            _apply_remote_header(release, weight, headers[path], entry.size)
        elif not weight_reader.judge_by_format(weight, found):
            weight.detail = "not downloaded: judged by name and the Hub's own scan"
        if path in flagged:
            weight.safety = "dangerous"
            release.problems.append(Problem("weights.hub-flagged", path, None, f"is flagged by the Hub's security scan ({flagged[path]})"))
        _add_weight(release, weight)
    shard_reader.check_indexes(release, None)


def _apply_remote_header(release: Release, weight: WeightFile, result: Any, size: int) -> None:
    if isinstance(result, InvalidHeader):
        weight_reader.mark_invalid(weight, "weights.invalid-safetensors", result.reason, release.problems)
    elif isinstance(result, Unreadable):
        weight.detail = f"header could not be read ({result.reason})"
    else:
        try:
            header = safetensors_reader.parse_header(result, size or None)
        except safetensors_reader.HeaderError as exc:
            weight_reader.mark_invalid(weight, "weights.invalid-safetensors", str(exc), release.problems)
            return
        weight_reader.apply_safetensors_header(weight, header, release.problems)


def _add_weight(release: Release, weight: WeightFile) -> None:
    release.weights.append(weight)
    claim = licence_reader.from_weight(weight)
    if claim is not None:
        release.licences.append(claim)
