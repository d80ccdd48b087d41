"""What a model card discloses, read the way a careful reviewer would.

For each of the 12 components: the concrete pointers the card gives (Hub ids, code repositories, paths inside the
release, named public benchmarks), the prose that only describes it, and statements that it was withheld. For the
release: which training stages exist, which of the paper's other recommendations are met, and claims of openness.

One pass over the card's lines; every vocabulary (rules/disclosure.yaml) is one compiled alternation, so the work
is linear in the card's size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from openlint import bundled
from openlint.release import Evidence, Release

SNIPPET = 160
_HUB_DATASET = re.compile(r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+/[\w.-]+|[\w.-]+)/?(?:$|[?#]|/(?:tree|blob|viewer)/)")
_HUB_MODEL = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/|learn/|api/|join|login|settings|organizations/|collections/)([\w.-]+/[\w.-]+)/?(?:$|[?#]|/(?:tree|blob|resolve)/)")
_CODE_HOST = re.compile(r"^https?://(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/([\w.-]+/[\w.-]+)", re.IGNORECASE)
_PAPER = re.compile(r"^https?://(?:www\.)?(arxiv\.org|aclanthology\.org|openreview\.net|papers\.nips\.cc|proceedings\.|dl\.acm\.org|ai\.meta\.com/research/publications)", re.IGNORECASE)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95}$")
_LIBRARY_FILES = {"model_index.json": "diffusers", "modules.json": "sentence-transformers", "config_sentence_transformers.json": "sentence-transformers", "adapter_config.json": "peft"}


@dataclass
class Pointer:
    kind: str  # hub-dataset, hub-model, code-repo, path, benchmark, library, url, paper
    target: str
    evidence: Evidence
    licence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": self.target, "licence": self.licence, **self.evidence.to_dict()}


@dataclass
class Signals:
    pointers: list[Pointer] = field(default_factory=list)
    described: list[Evidence] = field(default_factory=list)
    withheld: list[Evidence] = field(default_factory=list)


@dataclass
class Stage:
    present: bool
    evidence: Evidence | None
    note: str


@dataclass
class Disclosure:
    components: dict[str, Signals]
    stages: dict[str, Stage]
    practice: dict[str, Evidence | None]
    open_claims: list[Evidence]
    placeholders: list[Evidence]
    safety_benchmarks: list[tuple[str, Evidence]]
    base_models: list[str]
    library: str | None


@dataclass(frozen=True)
class _Vocabulary:
    sections: dict[str, re.Pattern[str]]
    code_context: dict[str, re.Pattern[str]]
    data_context: dict[str, re.Pattern[str]]
    harnesses: tuple[str, ...]
    withheld: re.Pattern[str]
    withheld_context: dict[str, re.Pattern[str]]
    stages: dict[str, re.Pattern[str]]
    practice_sections: dict[str, re.Pattern[str]]
    practice_phrases: dict[str, re.Pattern[str]]
    open_claims: re.Pattern[str]
    placeholders: re.Pattern[str]
    benchmarks: tuple[tuple[dict[str, Any], re.Pattern[str]], ...]
    libraries: dict[str, dict[str, str]]


def _any(patterns: list[str]) -> re.Pattern[str]:
    """One alternation for a vocabulary. It is matched against lower-cased text: case-insensitive matching is
    several times slower in Python's re, and the vocabulary is written in lower case."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@cache
def vocabulary() -> _Vocabulary:
    data = bundled.load("disclosure")
    benchmarks = tuple(
        (entry, re.compile(rf"\b(?:{entry['pattern']})\b"))
        for entry in bundled.load("safety-benchmarks")["benchmarks"]
    )
    return _Vocabulary(
        sections={k: _any(v) for k, v in data["sections"].items()},
        code_context={k: _any(v) for k, v in data["code_context"].items()},
        data_context={k: _any(v) for k, v in data["data_context"].items()},
        harnesses=tuple(h.lower() for h in data["evaluation_harnesses"]),
        withheld=_any(data["withheld"]),
        withheld_context={k: _any(v) for k, v in data["withheld_context"].items()},
        stages={k: _any(v) for k, v in data["stages"].items()},
        practice_sections={k: _any(v["sections"]) for k, v in data["practice"].items()},
        practice_phrases={k: _any(v["phrases"]) for k, v in data["practice"].items() if v.get("phrases")},
        open_claims=_any(data["open_claims"]),
        placeholders=_any(data["placeholders"]),
        benchmarks=benchmarks,
        libraries=data["libraries"],
    )


def snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "\u2026"


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def read(release: Release) -> Disclosure:
    vocab = vocabulary()
    from openlint.taxonomy import component_ids

    components = {cid: Signals() for cid in component_ids()}
    practice: dict[str, Evidence | None] = {name: None for name in vocab.practice_sections}
    stage_hits: dict[str, Evidence] = {}
    open_claims: list[Evidence] = []
    placeholders: list[Evidence] = []
    benchmarks: dict[str, tuple[dict[str, Any], Evidence]] = {}
    card = release.card
    meta = card.metadata if card else {}
    base_models = [b for b in _as_list(meta.get("base_model")) if _HUB_ID.match(b)]

    if card is not None:
        path = card.path
        # sections: headings that describe a component or meet a practice
        for section in card.sections:
            content = [card.line(n) for n in range(section.line + 1, min(section.end, section.line + 40) + 1)]
            has_content = any(line.strip() and not vocab.placeholders.search(line.lower()) and not line.lstrip().startswith("#") for line in content)
            evidence = Evidence(path, section.line, snippet(card.line(section.line)), "card-text")
            title = section.title.lower()
            for cid, pattern in vocab.sections.items():
                if has_content and pattern.search(title):
                    components[cid].described.append(evidence)
            for name, pattern in vocab.practice_sections.items():
                if practice[name] is None and has_content and pattern.search(title):
                    practice[name] = evidence
        # lines: stages, benchmarks, claims, placeholders, withheld statements, practice phrases
        for number in card.body_lines():
            text = card.line(number)
            if not text.strip():
                continue
            lower = text.lower()
            evidence = None
            for name, pattern in vocab.stages.items():
                if name != "tuned_name" and name not in stage_hits and pattern.search(lower):
                    stage_hits[name] = Evidence(path, number, snippet(text), "card-text")
            for entry, pattern in vocab.benchmarks:
                if entry["name"] not in benchmarks and pattern.search(text if entry.get("case_sensitive") else lower):
                    benchmarks[entry["name"]] = (entry, Evidence(path, number, snippet(text), "card-text"))
            if vocab.open_claims.search(lower):
                open_claims.append(Evidence(path, number, snippet(text), "card-text"))
            if vocab.placeholders.search(lower):
                placeholders.append(Evidence(path, number, snippet(text), "card-text"))
            if vocab.withheld.search(lower):
                context = lower + " " + " ".join(card.headings_at(number)).lower()
                for cid, pattern in vocab.withheld_context.items():
                    if pattern.search(context):
                        evidence = evidence or Evidence(path, number, snippet(text), "card-text")
                        components[cid].withheld.append(evidence)
            for name, pattern in vocab.practice_phrases.items():
                if practice[name] is None and pattern.search(lower):
                    practice[name] = Evidence(path, number, snippet(text), "card-text")
        for link in card.links:
            _classify_link(release, components, link.url, link.line, vocab)

    stages = _stages(release, meta, base_models, stage_hits, vocab)
    _metadata_pointers(release, components, meta, stages, vocab)
    _file_pointers(release, components, stages)
    safety_hits = []
    for name, (entry, evidence) in benchmarks.items():
        safety_hits.append((name, evidence))
        signals = components["evaluation.data.safety"]
        if entry.get("hub"):
            signals.pointers.append(Pointer("benchmark", entry["hub"], evidence, entry.get("license")))
        else:
            signals.described.append(evidence)
        components["evaluation.code.safety"].described.append(evidence)
    if "safety_evaluation" in stage_hits:
        components["evaluation.code.safety"].described.append(stage_hits["safety_evaluation"])
        components["evaluation.data.safety"].described.append(stage_hits["safety_evaluation"])
    library = _library(release, meta, vocab)
    if library:
        info = vocab.libraries[library]
        line = card.key_line("library_name") if card and "library_name" in meta else None
        file = card.path if line else _library_file(release, library)
        components["deployment.code.inference"].pointers.append(
            Pointer("library", info["url"], Evidence(file, line, f"loaded with {library}", "card-metadata" if line else "file"), info["license"]))
    return Disclosure(components, stages, practice, open_claims, placeholders, safety_hits, base_models, library)


def _classify_link(release: Release, components: dict[str, Signals], url: str, line: int, vocab: _Vocabulary) -> None:
    card = release.card
    assert card is not None
    text = card.line(line)
    context = (text + " " + " ".join(card.headings_at(line))).lower()
    evidence = Evidence(card.path, line, snippet(text), "card-text")
    if match := _HUB_DATASET.match(url):
        for cid, pattern in vocab.data_context.items():
            if pattern.search(context):
                components[cid].pointers.append(Pointer("hub-dataset", match.group(1), evidence))
                return
        return
    if match := _CODE_HOST.match(url):
        repo = match.group(2).removesuffix(".git")
        host = match.group(1).lower()
        target = f"https://{host}/{repo}"
        if any(repo.lower() == h or repo.lower().startswith(h + "/") for h in vocab.harnesses):
            components["evaluation.code.general"].pointers.append(Pointer("code-repo", target, evidence))
            return
        # a repository's issues or discussions page is a contact channel, not code
        if re.search(r"/(issues|discussions|pulls?)(/|$)", url):
            return
        for cid in ("evaluation.code.safety", "training.code.alignment", "training.code.finetuning", "evaluation.code.general", "training.code.pretraining", "deployment.code.inference"):
            if vocab.code_context[cid].search(context):
                components[cid].pointers.append(Pointer("code-repo", target, evidence))
                return
        return
    if not url.startswith(("http://", "https://")) and release.has_file(url.split("#")[0].lstrip("./")):
        path = url.split("#")[0].lstrip("./")
        for cid in ("training.code.pretraining", "evaluation.code.general"):
            if path.endswith(".py") and vocab.code_context[cid].search(context):
                components[cid].pointers.append(Pointer("path", path, evidence))
                return


def _stages(release: Release, meta: dict[str, Any], base_models: list[str], hits: dict[str, Evidence], vocab: _Vocabulary) -> dict[str, Stage]:
    card = release.card
    names = " ".join([release.name, str(meta.get("model_name", ""))] + _as_list(meta.get("tags"))).lower()
    tuned_name = vocab.stages["tuned_name"].search(names)
    stages: dict[str, Stage] = {}
    if base_models:
        line = card.key_line("base_model") if card else None
        stages["finetuning"] = Stage(True, Evidence(card.path if card else None, line, f"base_model: {', '.join(base_models)}", "card-metadata"), "Derived from a base model")
    elif tuned_name:
        stages["finetuning"] = Stage(True, None, f"The model's name or tags say it is tuned ({tuned_name.group(0)!r})")
    elif "finetuning" in hits:
        stages["finetuning"] = Stage(True, hits["finetuning"], "The card describes a fine-tuning stage")
    else:
        stages["finetuning"] = Stage(False, None, "No fine-tuning stage is mentioned: treated as a base model")
    alignment_in_name = re.search(r"dpo|rlhf|orpo|kto", names, re.IGNORECASE)
    if alignment_in_name:
        stages["alignment"] = Stage(True, None, f"The model's name or tags name an alignment method ({alignment_in_name.group(0)!r})")
    elif "alignment" in hits and stages["finetuning"].present:
        stages["alignment"] = Stage(True, hits["alignment"], "The card describes an alignment stage")
    elif "alignment" in hits:
        stages["alignment"] = Stage(False, hits["alignment"], "The card mentions alignment methods but this looks like a base model; declare the component if it applies")
    else:
        stages["alignment"] = Stage(False, None, "No alignment stage (RLHF, DPO, ...) is mentioned: treated as absent")
    if "internal_benchmarks" in hits:
        stages["internal_benchmarks"] = Stage(True, hits["internal_benchmarks"], "The card reports internal benchmarks")
    else:
        stages["internal_benchmarks"] = Stage(False, None, "No internal (non-public) benchmark is mentioned")
    return stages


def _metadata_pointers(release: Release, components: dict[str, Signals], meta: dict[str, Any], stages: dict[str, Stage], vocab: _Vocabulary) -> None:
    card = release.card
    if card is None:
        return
    datasets = [d for d in _as_list(meta.get("datasets")) if d.strip()]
    if datasets:
        line = card.key_line("datasets")
        derived = stages["finetuning"].present
        for dataset in datasets:
            evidence = Evidence(card.path, line, f"datasets: {dataset}", "card-metadata")
            if vocab.data_context["training.data.alignment"].search(dataset.lower()) and stages["alignment"].present:
                cid = "training.data.alignment"
            elif derived:
                cid = "training.data.sft"
            else:
                cid = "training.data.pretraining"
            linked = release.linked.get(dataset)
            components[cid].pointers.append(Pointer("hub-dataset", dataset, evidence, linked.licence if linked else None))
    if meta.get("model-index"):
        components["evaluation.code.general"].described.append(Evidence(card.path, card.key_line("model-index"), "model-index: evaluation results in the metadata", "card-metadata"))


def _file_pointers(release: Release, components: dict[str, Signals], stages: dict[str, Stage]) -> None:
    """Scripts shipped in the release itself."""
    training = "training.code.finetuning" if stages["finetuning"].present else "training.code.pretraining"
    for path in sorted(release.files):
        name = path.rsplit("/", 1)[-1].lower()
        if not name.endswith((".py", ".sh", ".ipynb")):
            continue
        evidence = Evidence(path, None, f"{path} ships in the release", "file")
        if re.match(r"(train|finetune|fine_tune|pretrain|run_clm|run_mlm|sft)", name) or "/train" in f"/{path.lower()}":
            components[training].pointers.append(Pointer("path", path, evidence))
        elif re.match(r"(eval|evaluate|benchmark)", name):
            components["evaluation.code.general"].pointers.append(Pointer("path", path, evidence))
        elif re.match(r"(red_?team|safety)", name):
            components["evaluation.code.safety"].pointers.append(Pointer("path", path, evidence))
        elif name.endswith(".py") and re.match(r"(modeling_|modelling_|configuration_|tokenization_|inference|generate|predict|run_)", name):
            components["deployment.code.inference"].pointers.append(Pointer("path", path, evidence))


def _library(release: Release, meta: dict[str, Any], vocab: _Vocabulary) -> str | None:
    name = meta.get("library_name")
    if isinstance(name, str) and name in vocab.libraries:
        return name
    for file, library in _LIBRARY_FILES.items():
        if release.has_file(file):
            return library
    if release.config.get("model_type") or release.config.get("architectures"):
        return "transformers"
    if any(w.format == "gguf" for w in release.weights):
        return "llama.cpp"
    return None


def _library_file(release: Release, library: str) -> str | None:
    for file, name in _LIBRARY_FILES.items():
        if name == library and release.has_file(file):
            return file
    if library == "transformers" and release.has_file("config.json"):
        return "config.json"
    return next((w.path for w in release.weights if w.format == "gguf"), None)
