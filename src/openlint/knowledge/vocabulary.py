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
class Lineage:
    relations: dict[str, str]  # base_model_relation value -> kind
    tags: dict[str, str]  # tag -> kind
    names: dict[str, re.Pattern[str]]  # kind -> pattern on the release's name
    text: dict[str, re.Pattern[str]]  # kind -> pattern on the card's text
    made_from: re.Pattern[str]  # phrases naming the model a derivative was made from
    architecture: re.Pattern[str]  # ... unless what follows them is an architecture or code, not a model
    family_licences: dict[str, str]  # licence id -> catalogue id of the family's root model


@dataclass(frozen=True)
class Evaluation:
    sections: re.Pattern[str]
    phrases: re.Pattern[str]
    leaderboard: re.Pattern[str]
    leaderboard_harness: str
    code: re.Pattern[str]  # a code block that computes metrics
    pending: re.Pattern[str]  # results announced, not given ("benchmarks coming soon")
    claims: re.Pattern[str] = re.compile(r"(?!)")  # phrases that claim a result: results only with a number or a results heading


@dataclass(frozen=True)
class Vocabulary:
    sections: dict[str, re.Pattern[str]]
    code_context: dict[str, re.Pattern[str]]
    data_context: dict[str, re.Pattern[str]]
    code_exclude: re.Pattern[str]
    withheld: re.Pattern[str]
    withheld_context: dict[str, re.Pattern[str]]
    stages: dict[str, re.Pattern[str]]
    practice_sections: dict[str, re.Pattern[str]]
    practice_phrases: dict[str, re.Pattern[str]]
    open_claims: re.Pattern[str]
    placeholders: re.Pattern[str]
    benchmarks: tuple[Benchmark, ...]
    library_names: dict[str, str | None]  # Hugging Face library name -> catalogue id
    usage_code: tuple[tuple[re.Pattern[str], str], ...]  # code pattern -> catalogue id of the runtime
    format_runtimes: dict[str, str]  # weight format -> catalogue id of its runtime
    formats: re.Pattern[str]  # any weight format named
    remote_code: re.Pattern[str]
    prompt_templates: re.Pattern[str]
    library_files: dict[str, str]
    release_files: tuple[ReleaseFile, ...]
    routing: Routing
    lineage: Lineage
    evaluation: Evaluation
    safety_context: re.Pattern[str]
    training_context: re.Pattern[str]
    advice: re.Pattern[str]
    other_copies: re.Pattern[str]  # a sentence pointing to someone else's quantised copy of the model
    safety_classifier: re.Pattern[str]  # the model is itself a safety/moderation classifier
    data_hosts: re.Pattern[str]  # dataset pages outside the Hub (Kaggle, Zenodo): a pointer a reader can follow
    alignment_context: re.Pattern[str]
    pretraining_context: re.Pattern[str]
    continued_pretraining: re.Pattern[str]  # a derivative's own (continued) pre-training: its tuning stage
    citations: re.Pattern[str]  # a bibliography entry: the works it names were not used by this model
    whole_model: re.Pattern[str] = re.compile(r"(?!x)x")  # a field naming the program that trained the whole model
    format_context: re.Pattern[str] = re.compile(r"(?!x)x")  # a prompt format named after a dataset: no training data
    named_after: re.Pattern[str] = re.compile(r"(?!x)x")  # after a dataset's name: a model named after it (" 7B Lora")


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


def _lineage(data: dict[str, Any]) -> Lineage:
    return Lineage(
        relations=dict(data["relations"]), tags=dict(data["tags"]),
        names={kind: any_of(patterns) for kind, patterns in data["names"].items()},
        text={kind: any_of(patterns) for kind, patterns in data["text"].items()},
        made_from=any_of(data["made_from"]),
        architecture=any_of(data["made_from_architecture"]),
        family_licences=dict(data["family_licences"]),
    )


def _evaluation(data: dict[str, Any]) -> Evaluation:
    return Evaluation(any_of(data["sections"]), any_of(data["phrases"]), any_of(data["leaderboard"]), data["leaderboard_harness"],
                      any_of(data.get("code", [])), any_of(data.get("pending", [])), any_of(data.get("claims", [])))


@cache
def vocabulary() -> Vocabulary:
    data = store.load("disclosure")
    return Vocabulary(
        sections={k: any_of(v) for k, v in data["sections"].items()},
        code_context={k: any_of(v) for k, v in data["code_context"].items()},
        data_context={k: any_of(v) for k, v in data["data_context"].items()},
        code_exclude=any_of(data["code_exclude"]),
        withheld=any_of(data["withheld"]),
        withheld_context={k: any_of(v) for k, v in data["withheld_context"].items()},
        stages={k: any_of(v) for k, v in data["stages"].items()},
        practice_sections={k: any_of(v["sections"]) for k, v in data["practice"].items()},
        practice_phrases={k: any_of(v["phrases"]) for k, v in data["practice"].items() if v.get("phrases")},
        open_claims=any_of(data["open_claims"]),
        placeholders=any_of(data["placeholders"]),
        benchmarks=_benchmarks(store.load("safety-benchmarks")),
        library_names=dict(data["library_names"]),
        usage_code=tuple((re.compile(entry["pattern"]), entry["runtime"]) for entry in data["usage_code"]),
        format_runtimes=dict(data["format_runtimes"]),
        formats=re.compile(r"\b(" + "|".join(re.escape(f) for f in data["format_runtimes"]) + r")\b"),
        remote_code=any_of(data["remote_code"]),
        prompt_templates=re.compile("|".join(f"(?:{p})" for p in data["prompt_templates"]), re.DOTALL),
        library_files=data["library_files"],
        release_files=tuple(ReleaseFile(re.compile(f["pattern"]), f.get("path"), f.get("suffix"), f["component"]) for f in data["release_files"]),
        routing=_routing(data["routing"]),
        lineage=_lineage(data["lineage"]),
        evaluation=_evaluation(data["evaluation"]),
        safety_context=any_of(data["safety_context"]),
        training_context=any_of(data["training_context"]),
        advice=any_of(data["advice"]),
        other_copies=any_of(data.get("other_copies", [])),
        data_hosts=any_of(data.get("data_hosts", [])),
        safety_classifier=any_of(data.get("safety_classifier", [])),
        alignment_context=any_of(data["alignment_context"]),
        pretraining_context=any_of(data["pretraining_context"]),
        continued_pretraining=any_of(data.get("continued_pretraining", [])),
        citations=any_of(data.get("citations", [])),
        whole_model=any_of(data.get("whole_model", [])),
        format_context=any_of(data.get("format_context", [])),
        named_after=any_of(data.get("named_after", [])),
    )
