"""The licence table (rules/licenses.yaml): lookup of ids, recognition of licence texts, rubric points, levels."""

from __future__ import annotations

import re
from functools import cache

from openlint.support.record import Record

from openlint.knowledge import store

RUBRIC = ("research", "commercial", "modify", "own-derivatives", "relicense")
TEXT_WINDOW = 20_000  # licence names and key phrases sit near the top of a licence text


class Licence(Record, frozen=True):
    """A licence of rules/licenses.yaml: what it grants, and the phrases that name it."""

    id: str
    name: str
    grants: tuple[str, ...]
    why: str
    note: str = ""
    phrases: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    @property
    def points(self) -> int:
        return len(self.grants)

    @property
    def identified(self) -> bool:
        """False for ids such as `other` or `unknown` that name no particular licence."""
        return self.id not in ("other", "unknown", "cc")


@cache
def table() -> dict[str, Licence]:
    data = store.load("licenses")
    return {
        entry["id"]: Licence(
            id=entry["id"], name=entry["name"], grants=tuple(entry["grants"]), why=entry["why"],
            note=entry.get("note", ""), phrases=tuple(entry.get("text", ())), unless=tuple(entry.get("unless", ())),
        )
        for entry in data["licenses"]
    }


@cache
def _aliases() -> dict[str, str]:
    return {k.lower(): v for k, v in store.load("licenses").get("aliases", {}).items()}


def lookup(raw: str | None) -> Licence | None:
    """The licence an id names (Hub ids, SPDX ids in any case, a few common spellings), or None."""
    if not raw or not isinstance(raw, str):
        return None
    key = raw.strip().lower()
    licences = table()
    if key in licences:
        return licences[key]
    if key in _aliases():
        return licences[_aliases()[key]]
    return None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")).lower()


_CLAUSES = re.compile(r";|\.\s")  # where a statement's clauses part ("; ", ". "; not a dash: "ImpACT License - Low Risk")


def _matching(text: str) -> list[Licence]:
    folded = _fold(text[:TEXT_WINDOW])
    return [licence for licence in table().values()
            if licence.phrases and all(p in folded for p in licence.phrases) and not any(u in folded for u in licence.unless)]


def identify_text(text: str) -> Licence | None:
    """Recognise a licence from its text by its key phrases; the most specific match wins."""
    best: tuple[int, Licence] | None = None
    for licence in _matching(text):
        if best is None or len(licence.phrases) > best[0]:
            best = (len(licence.phrases), licence)
    return best[1] if best else None


def identify_one(text: str) -> Licence | None:
    """The one licence a short statement names ("License: Apache-2.0"), or None when it names none or several ("code
    under the Apache License, Version 2.0; weights under the Llama 2 Community License"): a match whose phrases another
    match's include is the same licence named less precisely, not another licence. Each clause is matched on its own,
    so that a phrase ruling a licence out ("non-commercial") applies where it is written, not to the other licence of
    the line ("CC BY 4.0; the data CC BY-NC 4.0")."""
    found: list[Licence] = []
    for clause in _CLAUSES.split(text[:TEXT_WINDOW]):
        found += [licence for licence in _matching(clause) if licence not in found]
    distinct = [a for a in found if not any(b is not a and set(a.phrases) < set(b.phrases) for b in found)]
    return distinct[0] if len(distinct) == 1 else None


_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)?")
_NAME_END = re.compile(r"\.(?:\s|$)|[(\[<]")
_NAME_PARTS = re.compile(r"[,;/]| and | or | for | while | but ")
_NAME_SUFFIX = re.compile(r"(\s+(dual[- ])?(licen[cs](e|es|ed)|terms))+$")


def _by_id(text: str) -> Licence | None:
    name = text.strip(" *_:`'\".").lower().removeprefix("the ").strip()
    bare = _NAME_SUFFIX.sub("", name)
    return next((found for key in (name, bare, bare.replace(" ", "-")) if (found := lookup(key)) is not None), None)


def by_name(phrase: str) -> Licence | None:
    """The licence a short phrase names by its name or id, as written after a link or "released under" ("the Apache
    License 2.0.", "[Apache-2.0](https://...)", "BSD-3-Clause license, see LICENSE"). Several licences offered as a
    choice ("MIT or Apache-2.0") give the most open; several otherwise ("CC-BY-NC-4.0 for the weights; MIT for the
    code", "GPL-3.0 / CC-BY-NC-4.0 dual licence") give None: which covers the artefact is not for openlint to guess."""
    clause = _NAME_END.split(_LINK.sub(r"\1", phrase).strip(), 1)[0]
    named = {found.id: found for part in _NAME_PARTS.split(clause) if (found := _by_id(part)) is not None}
    if len(named) > 1:
        alternatives = [part for part in re.split(r" or ", clause) if part.strip()]
        choice = len(alternatives) == len(named) and all(_by_id(part) is not None for part in alternatives)
        return max(named.values(), key=lambda licence: licence.points) if choice else None
    return _by_id(clause) or _by_id(_NAME_PARTS.split(clause, 1)[0]) or identify_one(clause)


def level(side: str, licence: Licence | None) -> int:
    """The level a released component earns under a licence; one openlint cannot identify earns no points."""
    from openlint.knowledge.taxonomy import level_for_points

    points = licence.points if licence is not None and licence.identified else 0
    return level_for_points(side, points)
