"""The vocabulary openlint reads model cards with (rules/disclosure.yaml, rules/safety-benchmarks.yaml), compiled.

Every vocabulary is one compiled alternation matched against lower-cased text, so reading a card stays linear in
its size; case-insensitive matching is several times slower in Python's re, and the vocabulary is lower case.

Each pattern is compiled when first used (LazyPattern), from its program cached by knowledge/patterns.py when there
is one: compiling them all costs more than reading a card.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from openlint.support.record import Record, fields

from openlint.knowledge import patterns, store


class LazyPattern(patterns.LazyPattern):
    """A vocabulary pattern: compiled on its first use, from the programs cached for the whole vocabulary."""

    __slots__ = ()

    def _programs(self) -> patterns.Programs:
        return _programs()


class Routing(Record, frozen=True, eq=False):  # compared by identity
    """Which kinds of link point to which component."""

    code_links: tuple[str, ...]
    data_links: tuple[str, ...]
    evaluation_data_links: tuple[str, ...]
    default_data: str
    tuned: dict[str, str]
    local_code_links: tuple[str, ...]


class ReleaseFile(Record, frozen=True, eq=False):  # compared by identity
    """A file whose presence in the release points to a component."""

    pattern: LazyPattern
    path: str | None
    suffix: str | None
    component: str

    def matches(self, path: str) -> bool:
        name = path.rsplit("/", 1)[-1].lower()
        if self.suffix and not name.endswith(self.suffix):
            return False
        return bool(self.pattern.match(name)) or bool(self.path and self.path in f"/{path.lower()}")


class Benchmark(Record, frozen=True, eq=False):  # compared by identity
    """A safety benchmark (rules/safety-benchmarks.yaml) and how the card names it."""

    name: str
    pattern: LazyPattern
    case_sensitive: bool
    hub: str | None
    licence: str | None


class Lineage(Record, frozen=True, eq=False):  # compared by identity
    """The vocabulary of lineage: how a derivative and the model it was made from are named."""

    relations: dict[str, str]  # base_model_relation value -> kind
    tags: dict[str, str]  # tag -> kind
    names: dict[str, LazyPattern]  # kind -> pattern on the release's name
    text: dict[str, LazyPattern]  # kind -> pattern on the card's text
    made_from: LazyPattern  # phrases naming the model a derivative was made from
    architecture: LazyPattern  # ... unless what follows them is an architecture or code, not a model
    family_licences: dict[str, str]  # licence id -> catalogue id of the family's root model
    family_tags: dict[str, str]  # a family's version-less tag -> catalogue id of the root it most likely means
    modalities: dict[str, LazyPattern]  # modality -> words of a release's name, tags or pipeline_tag that say it
    family_modalities: dict[str, str]  # a family's root -> what it works on (a root not listed is never ruled out)
    adapter_files: LazyPattern  # a file only an adapter holds (adapter_config.json)
    quantised_formats: frozenset[str]  # weight formats that, when they are all the weights, make a quantisation
    quantisation_methods: frozenset[str]  # config.json quantization_config.quant_method values of a quantised copy
    trainer_state: LazyPattern  # a trainer's state saved beside the weights: no weights of the model
    local_paths: LazyPattern  # an adapter's base_model_name_or_path that is a local folder, not a Hub id
    task_pipelines: frozenset[str]  # pipeline_tag values of a task model (a fine-tuned encoder)
    task_heads: LazyPattern  # a usage snippet loading a task head
    fine_tuning_example: LazyPattern  # ... set up as a new head: how to fine-tune it yourself
    from_scratch_libraries: frozenset[str]  # library_name values whose task models are trained from scratch
    ingredients: LazyPattern  # a heading listing a merge's ingredients
    copy: LazyPattern  # the top of a card saying the release is a copy of a model it names


class PromptTurns(Record, frozen=True, eq=False):  # compared by identity
    """How a prompt format marks conversation turns (rules/disclosure.yaml `prompt_turns`)."""

    tokens: LazyPattern  # a special token that opens a turn ("<|user|>", "<#bot#>")
    labels: tuple[LazyPattern, ...]  # a line label ("### Question:"), its name in group 1
    placeholders: LazyPattern  # where the prompt goes ("{prompt}", "[USER QUESTION]")


class Evaluation(Record, frozen=True, eq=False):  # compared by identity
    """The vocabulary of evaluation results: sections, phrases, leaderboards, claims."""

    sections: LazyPattern
    phrases: LazyPattern
    leaderboard: LazyPattern  # any leaderboard of `leaderboards`
    leaderboards: tuple[tuple[str, LazyPattern], ...]  # (catalogue id of the program that scores it, how a card names it)
    code: LazyPattern  # a code block that computes metrics
    pending: LazyPattern  # results announced, not given ("benchmarks coming soon")
    future_results: LazyPattern  # a sentence saying this model's results are still to come
    claims: LazyPattern  # phrases that claim a result: results only with a number or a results heading
    charts: LazyPattern  # headings under which any image is a chart of results
    settings: LazyPattern  # headings under which a table of numbers gives settings, not results
    index_harnesses: dict[str, str]  # model-index dataset prefix -> catalogue id of the harness that writes it


class Vocabulary(Record, frozen=True, eq=False):  # compared by identity
    """The whole compiled vocabulary cards are read with (rules/disclosure.yaml and its companions)."""

    sections: dict[str, LazyPattern]
    code_context: dict[str, LazyPattern]
    data_context: dict[str, LazyPattern]
    code_exclude: LazyPattern
    withheld: LazyPattern
    withheld_context: dict[str, LazyPattern]
    stages: dict[str, LazyPattern]
    practice_sections: dict[str, LazyPattern]
    practice_phrases: dict[str, LazyPattern]
    open_claims: LazyPattern
    placeholders: LazyPattern
    benchmarks: tuple[Benchmark, ...]
    library_names: dict[str, str | None]  # Hugging Face library name -> catalogue id
    usage_code: tuple[tuple[LazyPattern, str], ...]  # code pattern -> catalogue id of the runtime
    format_runtimes: dict[str, str]  # weight format -> catalogue id of its runtime
    formats: LazyPattern  # any weight format named
    remote_code: LazyPattern
    native_runtimes: frozenset[str]  # catalogue ids of runtimes that implement model architectures themselves
    transformers_native_families: frozenset[str]  # catalogued root families whose architecture Transformers implements
    usage_loads: LazyPattern  # a code block that loads or runs the model (not only installs it)
    prompt_templates: LazyPattern
    prompt_template_sections: LazyPattern  # headings over a code block that is the prompt format
    prompt_turns: PromptTurns  # how a prompt format marks its turns
    library_files: dict[str, str]
    release_files: tuple[ReleaseFile, ...]
    routing: Routing
    lineage: Lineage
    evaluation: Evaluation
    safety_context: LazyPattern
    training_context: LazyPattern
    advice: LazyPattern
    other_copies: LazyPattern  # a sentence pointing to someone else's quantised copy of the model
    comparisons: LazyPattern  # a sentence setting the model against others
    communities: LazyPattern  # a sentence pointing to a project's chat community, not to what runs the model
    safety_classifier: LazyPattern  # the model is itself a safety/moderation classifier
    data_hosts: LazyPattern  # dataset pages outside the Hub (Kaggle, Zenodo): a pointer a reader can follow
    evaluation_outputs: LazyPattern  # Hub dataset ids of a leaderboard's per-model outputs: no training data
    weights_delta: LazyPattern  # the top of a card saying its weights are a delta to apply to its base's
    quoted_card_headings: LazyPattern  # a heading over the original card a quantisation quotes
    alignment_context: LazyPattern
    pretraining_context: LazyPattern
    continued_pretraining: LazyPattern  # a derivative's own (continued) pre-training: its tuning stage
    derived_data: LazyPattern  # a dataset named as the source of a derivative the publisher trained on (a translation)
    conditioning_tools: LazyPattern  # right after a repository's name: it made conditioning inputs, not the model
    generic_name_words: frozenset[str]  # first words of a release name that name a kind of model, not a project (controlnet, lora)
    citations: LazyPattern  # a bibliography entry: the works it names were not used by this model
    whole_model: LazyPattern  # a field naming the program that trained the whole model
    training_tags: dict[str, str]  # a metadata tag a training program adds to what it trains -> its catalogue id
    format_context: LazyPattern  # a prompt format named after a dataset: no training data
    named_after: LazyPattern  # after a dataset's name: a model named after it (" 7B Lora")


def any_of(patterns: list[str]) -> LazyPattern:
    """One alternation for a vocabulary, to be matched against lower-cased text."""
    return LazyPattern("|".join(f"(?:{p})" for p in patterns) if patterns else r"(?!x)x")


def _benchmarks(data: dict[str, Any]) -> tuple[Benchmark, ...]:
    return tuple(
        Benchmark(entry["name"], LazyPattern(rf"\b(?:{entry['pattern']})\b"), bool(entry.get("case_sensitive")),
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
        family_tags=dict(data["family_tags"]),
        modalities={name: any_of([rf'\b{re.escape(word)}\b' for word in words]) for name, words in data.get("modalities", {}).items()},
        family_modalities=dict(data.get("family_modalities", {})),
        adapter_files=any_of(data["files"]["adapter"]),
        quantised_formats=frozenset(data["files"]["quantised_formats"]),
        quantisation_methods=frozenset(data["files"]["quantisation_methods"]),
        trainer_state=any_of(data["files"]["trainer_state"]),
        local_paths=any_of(data["files"]["local_paths"]),
        task_pipelines=frozenset(data["task_model"]["pipelines"]),
        task_heads=any_of(data["task_model"]["heads"]),
        fine_tuning_example=any_of(data["task_model"]["fine_tuning_example"]),
        from_scratch_libraries=frozenset(data["task_model"]["from_scratch_libraries"]),
        ingredients=any_of(data["ingredients"]),
        copy=any_of(data["copy"]),
    )


def _prompt_turns(data: dict[str, Any]) -> PromptTurns:
    return PromptTurns(any_of(data.get("tokens", [])), tuple(LazyPattern(p) for p in data.get("labels", [])),
                       any_of(data.get("placeholders", [])))


def _evaluation(data: dict[str, Any]) -> Evaluation:
    leaderboards = dict(data["leaderboards"])
    return Evaluation(any_of(data["sections"]), any_of(data["phrases"]), any_of([p for ps in leaderboards.values() for p in ps]),
                      tuple((harness, any_of(patterns)) for harness, patterns in leaderboards.items()),
                      any_of(data.get("code", [])), any_of(data.get("pending", [])), any_of(data.get("future_results", [])),
                      any_of(data.get("claims", [])),
                      any_of(data.get("chart_sections", [])), any_of(data.get("settings_sections", [])), dict(data.get("index_harnesses", {})))


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
        usage_code=tuple((LazyPattern(entry["pattern"]), entry["runtime"]) for entry in data["usage_code"]),
        format_runtimes=dict(data["format_runtimes"]),
        formats=LazyPattern(r"\b(" + "|".join(re.escape(f) for f in data["format_runtimes"]) + r")\b"),
        remote_code=any_of(data["remote_code"]),
        native_runtimes=frozenset(data["native_runtimes"]),
        transformers_native_families=frozenset(data.get("transformers_native_families", [])),
        usage_loads=any_of(data["usage_loads"]),
        prompt_templates=LazyPattern("|".join(f"(?:{p})" for p in data["prompt_templates"]), re.DOTALL),
        prompt_template_sections=any_of(data.get("prompt_template_sections", [])),
        prompt_turns=_prompt_turns(data.get("prompt_turns", {})),
        library_files=data["library_files"],
        release_files=tuple(ReleaseFile(LazyPattern(f["pattern"]), f.get("path"), f.get("suffix"), f["component"]) for f in data["release_files"]),
        routing=_routing(data["routing"]),
        lineage=_lineage(data["lineage"]),
        evaluation=_evaluation(data["evaluation"]),
        safety_context=any_of(data["safety_context"]),
        training_context=any_of(data["training_context"]),
        advice=any_of(data["advice"]),
        other_copies=any_of(data.get("other_copies", [])),
        comparisons=any_of(data.get("comparisons", [])),
        communities=any_of(data.get("communities", [])),
        data_hosts=any_of(data.get("data_hosts", [])),
        evaluation_outputs=any_of(data.get("evaluation_outputs", [])),
        weights_delta=any_of(data.get("weights_delta", [])),
        quoted_card_headings=any_of(data.get("quoted_card_headings", [])),
        safety_classifier=any_of(data.get("safety_classifier", [])),
        alignment_context=any_of(data["alignment_context"]),
        pretraining_context=any_of(data["pretraining_context"]),
        continued_pretraining=any_of(data.get("continued_pretraining", [])),
        derived_data=any_of(data.get("derived_data", [])),
        conditioning_tools=any_of(data.get("conditioning_tools", [])),
        generic_name_words=frozenset(w.lower() for w in data.get("generic_name_words", [])),
        citations=any_of(data.get("citations", [])),
        whole_model=any_of(data.get("whole_model", [])),
        training_tags=dict(data.get("training_tags", {})),
        format_context=any_of(data.get("format_context", [])),
        named_after=any_of(data.get("named_after", [])),
    )


def _patterns(value: Any) -> Iterator[LazyPattern]:
    """Every pattern of the vocabulary."""
    if isinstance(value, LazyPattern):
        yield value
    elif isinstance(value, Record):
        for name in fields(value):
            yield from _patterns(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _patterns(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _patterns(item)


@cache
def _programs() -> patterns.Programs:
    return patterns.cached("vocabulary", ((pattern.source, pattern.flags) for pattern in _patterns(vocabulary())))
