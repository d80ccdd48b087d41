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
_CODE_HOST = re.compile(r"^https?://(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/([\w.-]+/[\w.-]+)", re.IGNORECASE)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95}$")
_LIBRARY_FILES = {"model_index.json": "diffusers", "modules.json": "sentence-transformers", "config_sentence_transformers.json": "sentence-transformers", "adapter_config.json": "peft"}


@dataclass
class Pointer:
    kind: str  # hub-dataset, hub-model, code-repo, path, benchmark, library, url
    target: str
    evidence: Evidence
    licence: str | None = None
    gated: bool = False  # public with limits on access (a gated Hub repository)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": self.target, "licence": self.licence, "gated": self.gated, **self.evidence.to_dict()}


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
        harnesses={k.lower(): v for k, v in data["evaluation_harnesses"].items()},
        code_licences={k.lower(): v for k, v in data["code_licences"].items()},
        code_exclude=_any(data["code_exclude"]),
        generic_code=frozenset(g.lower() for g in data["generic_code"]),
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

    described_sections: list[tuple[str, str, Evidence]] = []
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
                    described_sections.append((cid, title, evidence))
            for name, pattern in vocab.practice_sections.items():
                if practice[name] is None and has_content and pattern.search(title):
                    practice[name] = evidence
        for title, number in card.labels:
            rest = card.line(number).split("**", 2)[-1].strip(" :") or card.line(number + 1).strip()
            if not rest or vocab.placeholders.search(rest.lower()):
                continue
            lowered = title.lower()
            evidence = Evidence(path, number, snippet(card.line(number)), "card-text")
            for cid, pattern in vocab.sections.items():
                if pattern.search(lowered):
                    described_sections.append((cid, lowered, evidence))
            for name, pattern in vocab.practice_sections.items():
                if practice[name] is None and pattern.search(lowered):
                    practice[name] = evidence
        # lines: stages, benchmarks, claims, placeholders, withheld statements, practice phrases
        for number in card.body_lines():
            text = card.line(number)
            if not text.strip():
                continue
            lower = text.lower()
            evidence = None
            for name, pattern in vocab.stages.items():
                if name != "tuned_name" and name not in stage_hits and (match := pattern.search(lower)) and not _hedged(lower, match):
                    stage_hits[name] = Evidence(path, number, snippet(text), "card-text")
            for entry, pattern in vocab.benchmarks:
                if entry["name"] not in benchmarks and pattern.search(text if entry.get("case_sensitive") else lower):
                    benchmarks[entry["name"]] = (entry, Evidence(path, number, snippet(text), "card-text"))
            if claim := vocab.open_claims.search(lower):
                # quote around the claim: on a long line the first 160 characters may not contain it
                start = max(0, claim.start() - 40)
                open_claims.append(Evidence(path, number, ("\u2026" if start else "") + snippet(text[start:]), "card-text"))
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
        _text_dataset_ids(card, components, vocab)

    stages = _stages(release, meta, base_models, stage_hits, vocab)
    for cid, title, evidence in described_sections:
        components[_attribute(cid, title, stages)].described.append(evidence)
    # training code or data linked without saying "pre-training" belongs to the fine-tuning of a tuned model
    for cid, target in _TUNED.items():
        moved = [p for p in components[cid].pointers if p.kind != "path" and _attribute(cid, p.evidence.snippet.lower(), stages) == target]
        components[cid].pointers = [p for p in components[cid].pointers if p not in moved]
        components[target].pointers.extend(moved)
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


# the order in which a linked dataset is attributed: the most specific stage first
_DATA_ORDER = ("training.data.alignment", "training.data.sft", "evaluation.data.safety", "training.data.pretraining")
_EVALUATION = re.compile(r"evaluat|benchmark|test set")


def _data_component(context: str, vocab: _Vocabulary) -> str | None:
    """The data component a dataset mentioned in this context belongs to; datasets named around evaluation are
    benchmarks (only safety ones are graded), not training data."""
    order = ("evaluation.data.safety",) if _EVALUATION.search(context) else _DATA_ORDER
    return next((cid for cid in order if vocab.data_context[cid].search(context)), None)
_CODE_ORDER = ("evaluation.code.safety", "training.code.alignment", "training.code.finetuning", "evaluation.code.general", "training.code.pretraining")


def _classify_link(release: Release, components: dict[str, Signals], url: str, line: int, vocab: _Vocabulary) -> None:
    card = release.card
    assert card is not None
    text = card.line(line)
    lower = text.lower()
    context = (text + " " + " ".join(card.headings_at(line))).lower()
    evidence = Evidence(card.path, line, snippet(text), "card-text")
    if match := _HUB_DATASET.match(url):
        cid = _data_component(context, vocab)
        if cid is not None:
            components[cid].pointers.append(Pointer("hub-dataset", match.group(1), evidence))
        return
    if match := _CODE_HOST.match(url):
        repo = match.group(2).removesuffix(".git")
        key = repo.lower()
        target = f"https://{match.group(1).lower()}/{repo}"
        if key in vocab.harnesses:
            components["evaluation.code.general"].pointers.append(Pointer("code-repo", target, evidence, vocab.harnesses[key]))
            return
        # issues pages are contact channels, PDFs are papers, frameworks and notebooks are not the pipeline's code
        if (re.search(r"/(issues|discussions|pulls?)(/|$)", url) or url.lower().endswith(".pdf")
                or key in vocab.generic_code or vocab.code_exclude.search(lower)):
            return
        licence = vocab.code_licences.get(key)
        for cid in _CODE_ORDER:
            if vocab.code_context[cid].search(lower):
                components[cid].pointers.append(Pointer("code-repo", target, evidence, licence))
                return
        if vocab.code_context["deployment.code.inference"].search(context):
            components["deployment.code.inference"].pointers.append(Pointer("code-repo", target, evidence, licence))
        return
    if not url.startswith(("http://", "https://")) and release.has_file(url.split("#")[0].lstrip("./")):
        path = url.split("#")[0].lstrip("./")
        for cid in ("training.code.pretraining", "evaluation.code.general"):
            if path.endswith(".py") and vocab.code_context[cid].search(lower):
                components[cid].pointers.append(Pointer("path", path, evidence))
                return


_HEDGE = re.compile(r"\b(not|no|without|never|should|urge|recommend\w*|advise\w*|encourage\w*|may|might|could|can be|if)\b")


def _hedged(lower: str, match: re.Match[str]) -> bool:
    """A stage phrase under negation or advice ("it is not DPO tuned", "we urge ... safety testing") is no disclosure."""
    return bool(_HEDGE.search(lower[max(0, match.start() - 25) : match.end()]))


_URL_SPAN = re.compile(r"\S*://\S*")
_TEXT_DATASET = re.compile(r"(?:\bdatasets?\b\W{0,6}|`)([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95})\b`?", re.IGNORECASE)


def _text_dataset_ids(card: Any, components: dict[str, Signals], vocab: _Vocabulary) -> None:
    """Hub dataset ids written in the text ("**Dataset:** org/name", or in backticks on a line about data)."""
    for number in card.body_lines():
        text = card.line(number)
        lower = text.lower()
        if "dataset" not in lower or "/" not in text:
            continue
        urls = [m.span() for m in _URL_SPAN.finditer(text)]
        for match in _TEXT_DATASET.finditer(text):
            repo = match.group(1)
            if any(start <= match.start(1) < end for start, end in urls) or repo.rsplit(".", 1)[-1] in ("py", "json", "md", "txt", "yaml"):
                continue
            context = (lower + " " + " ".join(card.headings_at(number))).lower()
            cid = _data_component(context, vocab) or ("training.data.pretraining" if not _EVALUATION.search(context) else None)
            if cid is None:
                continue
            if not any(p.target == repo for p in components[cid].pointers):
                components[cid].pointers.append(Pointer("hub-dataset", repo, Evidence(card.path, number, snippet(text), "card-text")))


_TUNED = {"training.data.pretraining": "training.data.sft", "training.code.pretraining": "training.code.finetuning"}


def _attribute(cid: str, title: str, stages: dict[str, Stage]) -> str:
    """A generic "Training data" section of a fine-tuned model describes its fine-tuning, unless it says pre-training."""
    if cid in _TUNED and stages["finetuning"].present and not re.search(r"pre-?train", title):
        return _TUNED[cid]
    return cid


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
            components[cid].pointers.append(Pointer("hub-dataset", dataset, evidence, linked.licence if linked else None, bool(linked and linked.gated)))
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
