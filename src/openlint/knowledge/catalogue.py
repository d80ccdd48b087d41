"""The catalogue of artefacts releases point to (rules/catalogue/*.yaml, and the user's own catalogue files): code
repositories and libraries, datasets and base models, each with its roles and its licence.

Lookups are by alias: a Hub id, a repository path (host/owner/repo), a package or common name. Finding mentions in
text looks every run of up to MAX_WORDS words up in one dictionary, so scanning is linear in the text's length
whatever the catalogue's size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, overload

from openlint.support.record import Record, field

from openlint.errors import DataFileError
from openlint.knowledge import licences, patterns, store
from openlint.knowledge.patterns import Programs

SECTIONS = ("code", "datasets", "models")
_RE = patterns.Constants(__name__)
_WORD = _RE(r"[a-z0-9@🤗][a-z0-9._/+-]*[a-z0-9]|[a-z0-9]")
# first path parts of huggingface.co documentation pages, which name a library rather than a Hub repository
_HUB_DOCS = ("docs", "transformers")
_URL = _RE(r"^(?:https?://)?(?:www\.)?(github\.com|gitlab\.com|huggingface\.co|hf\.co|bitbucket\.org|codeberg\.org)/(.*)$", re.IGNORECASE)


class Inherited(Record, frozen=True):
    """What a model's publisher released of one component, as a derivative inherits it."""

    level: int | None
    status: str
    licence: str | None
    why: str
    artefacts: tuple[str, ...] = ()  # where it is published: Hub ids, github.com/ORG/REPO (or a bare name)
    partial: bool = False  # only part of it is released: `level` is a ceiling on what the licence gives


class Artefact(Record, frozen=True, eq=False):  # compared by identity
    """An entry of the catalogue: a code repository, dataset or model, with its roles and licence."""

    id: str
    name: str
    section: str  # code, datasets or models
    roles: frozenset[str]
    licence: str
    licence_url: str
    aliases: tuple[str, ...] = ()
    hub_ids: tuple[str, ...] = ()  # legacy Hub ids without a namespace: only where a Hub id is expected
    url: str = ""
    gated: bool = False
    released: bool = True  # False: it exists but was never published
    recipes: bool = False  # its training scripts are recipes for users, not the code that trained its publisher's models
    note: str = ""
    family: str | None = None
    base: str | None = None
    name_patterns: tuple[re.Pattern[str], ...] = ()
    pipeline: Mapping[str, Inherited] = field(default_factory=dict)
    source: str = ""

    def plays(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def _index(names: Sequence[tuple[str, Sequence[str], Sequence[str], bool]]) -> dict[str, Any]:
    """The lookups of a catalogue, from each artefact's id, aliases, legacy Hub ids and whether it is a model with name
    patterns, in order (JSON, so the bundled catalogue's can be cached): `by_alias` normalised alias -> position (the
    first artefact to claim an alias keeps it), `by_hub_id` legacy Hub id -> position (likewise), `by_repo_name` a
    repository's own name (a local clone's folder is named after it) -> position where only one artefact has a
    repository of that name, `max_words` the most words in an alias, `spans` each word that begins an alias -> the
    most words in an alias it begins, and `families` the positions of the models with name patterns."""
    by_alias: dict[str, int] = {}
    by_hub_id: dict[str, int] = {}
    for position, (id_, aliases, hub_ids, _) in enumerate(names):
        for alias in (id_, *aliases):
            key = normalise(alias)
            if key and key not in by_alias:
                by_alias[key] = position
        for hub_id in hub_ids:
            by_hub_id.setdefault(hub_id.lower(), position)
    holders: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for key, position in by_alias.items():
        if "/" in key and " " not in key and not key.startswith(("github.com/", "gitlab.com/")):
            name = key.rsplit("/", 1)[1]
            holders.setdefault(name, set()).add(names[position][0])
            first.setdefault(name, position)
    return {
        "by_alias": by_alias,
        "by_hub_id": by_hub_id,
        "by_repo_name": {name: first[name] for name, ids in holders.items() if len(ids) == 1},
        "max_words": max((key.count(" ") + 1 for key in by_alias), default=1),
        "spans": _spans(by_alias),
        "families": [position for position, (_, _, _, family) in enumerate(names) if family],
    }


def _spans(by_alias: dict[str, int]) -> dict[str, int]:
    spans: dict[str, int] = {}
    for key in by_alias:
        words = key.split(" ")
        spans[words[0]] = max(spans.get(words[0], 0), len(words))
    return spans


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces: the form aliases and scanned text are compared in."""
    return " ".join(_WORD.findall(text.lower()))


class Catalogue:
    """`artefacts` may build each artefact when it is first asked for (the bundled catalogue's do); `index` is their
    `_index`, computed here when not given."""

    def __init__(self, artefacts: Sequence[Artefact], index: dict[str, Any] | None = None) -> None:
        self._artefacts = artefacts
        index = index if index is not None else _index([(a.id, a.aliases, a.hub_ids, a.section == "models" and bool(a.name_patterns))
                                                         for a in artefacts])
        self._by_alias: dict[str, int] = index["by_alias"]
        self._by_hub_id: dict[str, int] = index["by_hub_id"]
        self._by_repo_name: dict[str, int] = index["by_repo_name"]
        self.max_words: int = index["max_words"]
        self._spans: dict[str, int] = index["spans"]
        self._families: list[int] = index["families"]

    @property
    def artefacts(self) -> list[Artefact]:
        return list(self._artefacts)

    @cached_property
    def _name_patterns(self) -> list[tuple[int, tuple[re.Pattern[str], ...]]]:
        """Each model with name patterns: its position and patterns (the bundled catalogue compiles them without
        building the artefacts: a check asks for a family every time)."""
        patterns_of = getattr(self._artefacts, "name_patterns", None) or (lambda position: self._artefacts[position].name_patterns)
        return [(position, patterns_of(position)) for position in self._families]

    def find(self, name: str) -> Artefact | None:
        """The artefact a Hub id, repository path, package or common name names, or None."""
        position = self._by_alias.get(normalise(name))
        return self._artefacts[position] if position is not None else None

    def find_hub_id(self, hub_id: str) -> Artefact | None:
        """The artefact a Hub id names, including the legacy ids without a namespace (`c4`) that are too common a
        word to be aliases in prose."""
        return self.find(hub_id) or (self._legacy(hub_id.strip()) if "/" not in hub_id else None)

    def _legacy(self, hub_id: str) -> Artefact | None:
        position = self._by_hub_id.get(hub_id.lower())
        return self._artefacts[position] if position is not None else None

    def find_repository(self, name: str) -> Artefact | None:
        """The artefact a Hub id names, or a bare repository name when exactly one entry has a repository of it."""
        found = self.find(name)
        if found is not None or "/" in name:
            return found
        position = self._by_repo_name.get(normalise(name))
        return self._artefacts[position] if position is not None else None

    def from_url(self, url: str) -> Artefact | None:
        """The artefact a link points to: a repository (host/owner/repo) or a Hub dataset or model."""
        match = _URL.match(url.strip())
        if match is None:
            return None
        host, rest = match.group(1).lower(), match.group(2)
        parts = [p for p in re.split(r"[/?#]", rest) if p]
        if host in ("huggingface.co", "hf.co"):
            return self._from_hub_url(parts)
        return self.find(f"{host}/{'/'.join(parts[:2]).removesuffix('.git')}") if len(parts) >= 2 else None

    def _from_hub_url(self, parts: list[str]) -> Artefact | None:
        if parts and parts[0] in _HUB_DOCS:
            # a library's documentation (huggingface.co/docs/transformers, the older huggingface.co/transformers/...)
            library = self.find(parts[1] if parts[0] == "docs" and len(parts) > 1 else parts[0])
            return library if library is not None and library.section == "code" else None
        section = "datasets" if parts and parts[0] == "datasets" else "models"
        parts = parts[1:] if section == "datasets" else parts
        if len(parts) == 1:  # a legacy id: huggingface.co/datasets/c4
            legacy = self._legacy(parts[0])
            return legacy if legacy is not None and legacy.section == section else None
        return self.find("/".join(parts[:2])) if parts else None

    def mentions(self, text: str) -> Iterator[tuple[Artefact, str]]:
        """Artefacts named in the text, longest name first at each place, each once, with the name as written."""
        words = _WORD.findall(text.lower())
        seen: set[str] = set()
        index = 0
        while index < len(words):
            # most words begin no alias: only those that do are tried, for as many words as their aliases have
            for size in range(min(self._spans.get(words[index], 0), len(words) - index), 0, -1):
                key = " ".join(words[index : index + size])
                position = self._by_alias.get(key)
                if position is not None:
                    artefact = self._artefacts[position]
                    if artefact.id not in seen:
                        seen.add(artefact.id)
                        yield artefact, key
                    index += size - 1
                    break
            index += 1

    def family(self, name: str) -> Artefact | None:
        """The base model a derivative's name or base id points to by its family (a name pattern), if one."""
        lowered = name.lower()
        best: tuple[int, int] | None = None  # (length of the match, position of the model)
        for position, patterns in self._name_patterns:
            for pattern in patterns:
                match = pattern.search(lowered)
                if match and (best is None or len(match.group(0)) > best[0]):
                    best = (len(match.group(0)), position)
        return self._artefacts[best[1]] if best else None

    def families_named(self, text: str) -> Iterator[Artefact]:
        """Every family whose name pattern the text holds (once each)."""
        for position, patterns in self._name_patterns:
            if any(pattern.search(text) for pattern in patterns):
                yield self._artefacts[position]

    def root_of(self, artefact: Artefact) -> Artefact:
        """The model trained from scratch at the bottom of a catalogued model's chain."""
        seen = {artefact.id}
        while artefact.base:
            parent = self.find(artefact.base)
            if parent is None or parent.id in seen:
                break
            seen.add(parent.id)
            artefact = parent
        return artefact


def _artefact(entry: dict[str, Any], section: str, file: str, compile: Callable[[str], re.Pattern[str]] = re.compile) -> Artefact:
    licence = licences.lookup(entry["licence"])
    if licence is None:
        raise DataFileError(file, f"licence {entry['licence']!r} is not in rules/licenses.yaml", f"entries ({entry['id']})/licence")
    pipeline = {cid: Inherited(item.get("level"), item.get("status", "released" if item.get("level", 0) and item["level"] > 1 else "not-released"),
                               item.get("licence"), item.get("why", ""), tuple(item.get("artefacts", ())), bool(item.get("partial")))
                for cid, item in (entry.get("pipeline") or {}).items()}
    return Artefact(
        id=entry["id"], name=entry["name"], section=section, roles=frozenset(entry["roles"]), licence=licence.id,
        licence_url=entry["licence_url"], aliases=tuple(entry["aliases"]), hub_ids=tuple(entry.get("hub_ids", ())), url=entry.get("url", ""), gated=bool(entry.get("gated")),
        released=entry.get("released", True), recipes=entry.get("recipes", False), note=entry.get("note", ""),
        family=entry.get("family"), base=entry.get("base"), name_patterns=_name_patterns(entry, file, compile),
        pipeline=MappingProxyType(pipeline),
        source=entry.get("source", ""),
    )


def _name_patterns(entry: dict[str, Any], file: str, compile: Callable[[str], re.Pattern[str]]) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(compile(p) for p in entry.get("name_patterns", ()))
    except re.error as exc:
        raise DataFileError(file, f"name pattern is not a valid regular expression: {exc}", f"entries ({entry['id']})/name_patterns") from None


def _listed(document: Any, file: str) -> list[tuple[dict[str, Any], str, str]]:
    """A catalogue file's entries, each with its section and file."""
    if not isinstance(document, dict) or document.get("kind") != "catalogue":
        raise DataFileError(file, "not a catalogue file (expected `kind: catalogue`)")
    return [(entry, document["section"], file) for entry in document["entries"]]


def _entries(document: Any, file: str) -> list[Artefact]:
    return [_artefact(*listed) for listed in _listed(document, file)]


class _Entries(Sequence[Artefact]):
    """The artefacts of catalogue files, each built when first asked for: a check looks up a handful of the
    catalogue's thousand entries."""

    def __init__(self, entries: list[tuple[dict[str, Any], str, str]], programs: Programs) -> None:
        self._entries = entries  # (entry, section, file)
        self._programs = programs
        self._built: list[Artefact | None] = [None] * len(entries)

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, position: int) -> Artefact: ...
    @overload
    def __getitem__(self, position: slice) -> list[Artefact]: ...

    def __getitem__(self, position: int | slice) -> Artefact | list[Artefact]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        built = self._built[position]
        if built is None:
            built = self._built[position] = _artefact(*self._entries[position], compile=self._programs.compile)
        return built

    def name_patterns(self, position: int) -> tuple[re.Pattern[str], ...]:
        """The name patterns of an entry, without building its artefact."""
        if self._built[position] is not None:
            return self._built[position].name_patterns  # type: ignore[union-attr]
        entry, _, file = self._entries[position]
        return _name_patterns(entry, file, self._programs.compile)


@cache
def bundled() -> Catalogue:
    entries: list[tuple[dict[str, Any], str, str]] = []
    for name in store.names_of_kind("catalogue"):
        entries += _listed(store.load(name), store.path_of(name))
    index = store.derived("catalogue-index", lambda: _index([
        (entry["id"], entry["aliases"], entry.get("hub_ids", ()), section == "models" and bool(entry.get("name_patterns")))
        for entry, section, _ in entries
    ]))
    programs = patterns.cached("catalogue", ((pattern, 0) for entry, _, _ in entries for pattern in entry.get("name_patterns", ())))
    return Catalogue(_Entries(entries, programs), index)


def extended(files: tuple[str, ...]) -> Catalogue:
    """The bundled catalogue with the user's own catalogue files; a user's entry replaces a bundled one of its id."""
    if not files:
        return bundled()
    from openlint.support import schemas, yamlsafe

    extra: list[Artefact] = []
    for file in files:
        try:
            document = yamlsafe.load(Path(file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(file, f"cannot be read: {exc.__class__.__name__}") from None
        except yamlsafe.YamlError as exc:
            raise DataFileError(file, f"invalid YAML: {exc}", f"line {exc.line}" if exc.line else "") from None
        for where, message in schemas.errors("catalogue", document, full=True)[:1]:
            raise DataFileError(file, message, store.entry_name(document, where))
        extra += _entries(document, file)
    replaced = {a.id for a in extra}
    return Catalogue(extra + [a for a in bundled().artefacts if a.id not in replaced])
