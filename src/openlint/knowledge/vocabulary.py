"""The vocabulary openlint reads model cards with (rules/disclosure.yaml, rules/safety-benchmarks.yaml), compiled.

Every vocabulary is one compiled alternation matched against lower-cased text, so reading a card stays linear in
its size; case-insensitive matching is several times slower in Python's re, and the vocabulary is lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from openlint.knowledge import store


@dataclass(frozen=True)
class Routing:
    code_links: tuple[str, ...]
    data_links: tuple[str, ...]
    evaluation_data_links: tuple[str, ...]
    default_data: str
    tuned: dict[str, str]
    local_code_links: tuple[str, ...]


@dataclass(frozen=True)
class ReleaseFile:
    pattern: re.Pattern[str]
    path: str | None
    suffix: str | None
    component: str

    def matches(self, path: str) -> bool:
        name = path.rsplit("/", 1)[-1].lower()
        if self.suffix and not name.endswith(self.suffix):
            return False
        return bool(self.pattern.match(name)) or bool(self.path and self.path in f"/{path.lower()}")


@dataclass(frozen=True)
class Benchmark:
    name: str
    pattern: re.Pattern[str]
    case_sensitive: bool
    hub: str | None
    licence: str | None


@dataclass(frozen=True)
class Vocabulary:
    sections: dict[str, re.Pattern[str]]
    code_context: dict[str, re.Pattern[str]]
    data_context: dict[str, re.Pattern[str]]
    harnesses: dict[str, str]  # repository (lower case) -> licence
    code_licences: dict[str, str]
    code_exclude: re.Pattern[str]
    generic_code: frozenset[str]
    withheld: re.Pattern[str]
    withheld_context: dict[str, re.Pattern[str]]
    stages: dict[str, re.Pattern[str]]
    practice_sections: dict[str, re.Pattern[str]]
    practice_phrases: dict[str, re.Pattern[str]]
    open_claims: re.Pattern[str]
    placeholders: re.Pattern[str]
    benchmarks: tuple[Benchmark, ...]
    libraries: dict[str, dict[str, str]]
    library_files: dict[str, str]
    release_files: tuple[ReleaseFile, ...]
    routing: Routing


def any_of(patterns: list[str]) -> re.Pattern[str]:
    """One alternation for a vocabulary, to be matched against lower-cased text."""
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else re.compile(r"(?!x)x")


def _benchmarks(data: dict[str, Any]) -> tuple[Benchmark, ...]:
    return tuple(
        Benchmark(entry["name"], re.compile(rf"\b(?:{entry['pattern']})\b"), bool(entry.get("case_sensitive")),
                  entry.get("hub"), entry.get("license"))
        for entry in data["benchmarks"]
    )


def _routing(data: dict[str, Any]) -> Routing:
    return Routing(
        code_links=tuple(data["code_links"]), data_links=tuple(data["data_links"]),
        evaluation_data_links=tuple(data["evaluation_data_links"]), default_data=data["default_data"],
        tuned=dict(data["tuned"]), local_code_links=tuple(data["local_code_links"]),
    )


@cache
def vocabulary() -> Vocabulary:
    data = store.load("disclosure")
    return Vocabulary(
        sections={k: any_of(v) for k, v in data["sections"].items()},
        code_context={k: any_of(v) for k, v in data["code_context"].items()},
        data_context={k: any_of(v) for k, v in data["data_context"].items()},
        harnesses={k.lower(): v for k, v in data["evaluation_harnesses"].items()},
        code_licences={k.lower(): v for k, v in data["code_licences"].items()},
        code_exclude=any_of(data["code_exclude"]),
        generic_code=frozenset(g.lower() for g in data["generic_code"]),
        withheld=any_of(data["withheld"]),
        withheld_context={k: any_of(v) for k, v in data["withheld_context"].items()},
        stages={k: any_of(v) for k, v in data["stages"].items()},
        practice_sections={k: any_of(v["sections"]) for k, v in data["practice"].items()},
        practice_phrases={k: any_of(v["phrases"]) for k, v in data["practice"].items() if v.get("phrases")},
        open_claims=any_of(data["open_claims"]),
        placeholders=any_of(data["placeholders"]),
        benchmarks=_benchmarks(store.load("safety-benchmarks")),
        libraries=data["libraries"],
        library_files=data["library_files"],
        release_files=tuple(ReleaseFile(re.compile(f["pattern"]), f.get("path"), f.get("suffix"), f["component"]) for f in data["release_files"]),
        routing=_routing(data["routing"]),
    )
