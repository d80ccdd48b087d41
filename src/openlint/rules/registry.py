"""The check functions rules refer to by name, each with the JSON Schema of its options.

A check reads only the Assessment and yields hits: the values that fill its rule's message and the place (file,
line) that shows the problem. Checks register themselves here with `@check` when their module is imported;
rules/checks/ imports them all and hands out the full registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from openlint.support.record import Record, field

from openlint.analysis.model import Assessment
from openlint.release.model import Evidence

NO_OPTIONS: dict[str, Any] = {"type": "object", "additionalProperties": False}


class Hit(Record, frozen=True):
    """One place a check found: the values its message is filled with, and where."""

    values: dict[str, Any]
    file: str | None
    line: int | None
    component: str | None = None
    snippet: str = ""
    key: str = ""  # distinguishes several hits of one rule (for fingerprints)
    column: int | None = None  # 1-based, when the check knows it


CheckFunction = Callable[[Assessment, dict[str, Any]], Iterator[Hit]]


class Check(Record, frozen=True):
    """A registered check function and its default options."""

    function: CheckFunction
    options: dict[str, Any] = field(default_factory=lambda: dict(NO_OPTIONS))


_REGISTRY: dict[str, Check] = {}


def check(name: str, options: dict[str, Any] | None = None) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        _REGISTRY[name] = Check(function, options or dict(NO_OPTIONS))
        return function
    return register


def registered() -> dict[str, Check]:
    """The checks registered so far; rules.checks.registry() is the complete one."""
    return _REGISTRY


def anchor(assessment: Assessment) -> tuple[str | None, int | None]:
    """Where a finding about the release as a whole is shown: the card, else the declaration."""
    release = assessment.release
    if release.card is not None:
        return release.card.path, 1
    if release.declaration is not None:
        return release.declaration.path, 1
    return None, None


def where(assessment: Assessment, evidence: tuple[Evidence, ...] | list[Evidence]) -> tuple[str | None, int | None, str]:
    """The first piece of evidence with a file, else the release's anchor."""
    for item in evidence:
        if item.file:
            return item.file, item.line, item.snippet
    file, line = anchor(assessment)
    return file, line, ""
