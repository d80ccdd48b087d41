"""The crosswalk data (rules/crosswalk/*.yaml), typed: other frameworks' items, the evidence of openlint's that
speaks to each, the licence sets they test against, and the source of every mapping.

References are checked when loaded: a role no component plays, a licence id or a licence set that does not exist
is a broken data file (exit 2 naming it), not a silent "cannot tell".
"""

from __future__ import annotations

import re
from functools import cache

from openlint.support.record import Record

from openlint.errors import DataFileError
from openlint.knowledge import licences, store, taxonomy

FRAMEWORK_FILES = ("crosswalk/mof", "crosswalk/osaid", "crosswalk/osai-index")


class LicenceSet(Record, frozen=True):
    name: str
    title: str
    source: str
    ids: frozenset[str]


class EvidenceSpec(Record, frozen=True):
    kind: str  # components, documented, card, card-section, practice, link, none
    roles: tuple[str, ...] = ()
    fallback_roles: tuple[str, ...] = ()
    practice: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    # a link: what says it is the model's own document, in its anchor text or sentence, or in the headings above it
    context: re.Pattern[str] | None = None
    sections: re.Pattern[str] | None = None
    reason: str = ""


class Item(Record, frozen=True):
    id: str
    name: str
    evidence: EvidenceSpec
    source: str
    rule: str | None = None
    klass: int | None = None  # MOF class (1 open science, 2 open tooling, 3 open model)
    required: bool = True
    content_types: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()  # licence sets that pass
    undecided_licences: tuple[str, ...] = ()  # licence sets the framework has not ruled on
    note: str = ""


class Framework(Record, frozen=True):
    id: str
    name: str
    version: str
    source: str
    items: tuple[Item, ...]
    rules_source: str | None = None
    content_licences: tuple[tuple[str, tuple[str, ...]], ...] = ()  # content type -> licence sets that suit it

    def suits(self, content_type: str) -> tuple[str, ...]:
        return dict(self.content_licences).get(content_type, ())


@cache
def licence_sets() -> dict[str, LicenceSet]:
    name = "crosswalk/licence-sets"
    data = store.load(name)
    known = licences.table()
    found = {}
    for key, entry in data["sets"].items():
        unknown = [i for i in entry["ids"] if i not in known]
        if unknown:
            raise DataFileError(store.path_of(name), f"unknown licence id(s) {', '.join(unknown)}", f"sets/{key}")
        found[key] = LicenceSet(key, entry["title"], entry["source"], frozenset(entry["ids"]))
    return found


def in_sets(licence_id: str, sets: tuple[str, ...]) -> bool:
    return any(licence_id in licence_sets()[name].ids for name in sets)


def _evidence(raw: dict, where: str) -> EvidenceSpec:
    for role in raw.get("roles", []) + raw.get("fallback_roles", []):
        if not taxonomy.has_role(role):
            raise DataFileError(where, f"no component plays the role {role!r}")
    practice = raw.get("practice", ())
    return EvidenceSpec(
        kind=raw["kind"], roles=tuple(raw.get("roles", ())), fallback_roles=tuple(raw.get("fallback_roles", ())),
        practice=(practice,) if isinstance(practice, str) else tuple(practice), metadata=tuple(raw.get("metadata", ())),
        pattern=_pattern(raw, "pattern"), context=_pattern(raw, "context"), sections=_pattern(raw, "sections"),
        reason=raw.get("reason", ""),
    )


def _pattern(raw: dict, key: str) -> re.Pattern[str] | None:
    return re.compile(raw[key], re.IGNORECASE) if raw.get(key) else None


def _sets(names: list[str], where: str) -> tuple[str, ...]:
    missing = [n for n in names if n not in licence_sets()]
    if missing:
        raise DataFileError(where, f"unknown licence set(s) {', '.join(missing)}")
    return tuple(names)


def _item(raw: dict, where: str) -> Item:
    return Item(
        id=raw["id"], name=raw["name"], evidence=_evidence(raw["evidence"], where), source=raw["source"],
        rule=raw.get("rule"), klass=raw.get("class"), required=raw.get("required", True),
        content_types=tuple(raw.get("content_types", ())), licences=_sets(raw.get("licences", []), where),
        undecided_licences=_sets(raw.get("undecided_licences", []), where), note=" ".join(raw.get("note", "").split()),
    )


@cache
def framework(name: str) -> Framework:
    data = store.load(name)
    path = store.path_of(name)
    head = data["framework"]
    content = tuple((kind, _sets(sets, path)) for kind, sets in head.get("content_licences", {}).items())
    items = tuple(_item(raw, f"{path}: items/{raw['id']}") for raw in data["items"])
    return Framework(head["id"], head["name"], head["version"], head["source"], items, head.get("rules_source"), content)


def frameworks() -> tuple[Framework, ...]:
    return tuple(framework(name) for name in FRAMEWORK_FILES)
