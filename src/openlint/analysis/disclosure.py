"""What a release discloses about each component, read the way a careful reviewer would.

For each of the 12 components: the concrete pointers the release gives (Hub ids, code repositories, paths inside
the release, named public benchmarks, the library that runs it), the prose that only describes it, and statements
that it was withheld. For the release: which stages exist, which of the paper's other recommendations are met, and
claims of openness. The card's passes live in card_text.py; this module adds the metadata and the release's own
files, then attributes what was found to stages.
"""

from __future__ import annotations

import re

from openlint.analysis import card_text, stages
from openlint.analysis.collect import Collector
from openlint.analysis.model import Disclosure, Pointer, Stage
from openlint.knowledge import taxonomy
from openlint.knowledge.vocabulary import Vocabulary, vocabulary
from openlint.release.model import Evidence, Release

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95}$")
SCRIPT_SUFFIXES = (".py", ".sh", ".ipynb")


def read(release: Release) -> Disclosure:
    vocab = vocabulary()
    found = Collector(practice={name: None for name in vocab.practice_sections})
    card = release.card
    meta = card.metadata if card else {}
    base_models = [b for b in stages.as_list(meta.get("base_model")) if _HUB_ID.match(b)]
    if card is not None:
        card_text.read_sections(card, vocab, found)
        card_text.read_labels(card, vocab, found)
        card_text.read_lines(card, vocab, found)
        card_text.read_links(release, vocab, found)
        card_text.read_dataset_ids(card, vocab, found)
    inferred = stages.infer(release, base_models, found.stage_hits, vocab)
    _attribute(found, inferred, vocab)
    _metadata_pointers(release, found, inferred, vocab)
    _file_pointers(release, found, inferred, vocab)
    _safety(found)
    library = _library(release, vocab)
    if library:
        found.role("inference-runtime").pointers.append(_library_pointer(release, library, vocab))
    return found.freeze(inferred, base_models, library)


def _tuned(cid: str, title: str, inferred: dict[str, Stage], vocab: Vocabulary) -> str:
    """A generic "Training data" section of a fine-tuned model describes its fine-tuning, unless it says pre-training."""
    target = vocab.routing.tuned.get(cid)
    if target and inferred["finetuning"].present and not re.search(r"pre-?train", title):
        return target
    return cid


def _attribute(found: Collector, inferred: dict[str, Stage], vocab: Vocabulary) -> None:
    for cid, title, evidence in found.described_sections:
        found.components[_tuned(cid, title, inferred, vocab)].described.append(evidence)
    # training code or data linked without saying "pre-training" belongs to the fine-tuning of a tuned model
    for cid in vocab.routing.tuned:
        signals = found.components[cid]
        moved = [p for p in signals.pointers if p.kind != "path" and _tuned(cid, p.evidence.snippet.lower(), inferred, vocab) != cid]
        signals.pointers = [p for p in signals.pointers if p not in moved]
        for pointer in moved:
            found.components[vocab.routing.tuned[cid]].pointers.append(pointer)


def _metadata_pointers(release: Release, found: Collector, inferred: dict[str, Stage], vocab: Vocabulary) -> None:
    card = release.card
    if card is None:
        return
    meta = card.metadata
    alignment = taxonomy.by_role("alignment-data").id
    for dataset in (d for d in stages.as_list(meta.get("datasets")) if d.strip()):
        evidence = Evidence(card.path, card.key_line("datasets"), f"datasets: {dataset}", "card-metadata")
        if vocab.data_context[alignment].search(dataset.lower()) and inferred["alignment"].present:
            target = found.components[alignment]
        elif inferred["finetuning"].present:
            target = found.role("sft-data")
        else:
            target = found.role("pretraining-data")
        linked = release.linked.get(dataset)
        target.pointers.append(Pointer("hub-dataset", dataset, evidence, linked.licence if linked else None, bool(linked and linked.gated)))
    if meta.get("model-index"):
        found.role("evaluation-harness").described.append(
            Evidence(card.path, card.key_line("model-index"), "model-index: evaluation results in the metadata", "card-metadata"))


def _file_pointers(release: Release, found: Collector, inferred: dict[str, Stage], vocab: Vocabulary) -> None:
    """Scripts shipped in the release itself."""
    for path in sorted(release.files):
        if not path.lower().endswith(SCRIPT_SUFFIXES):
            continue
        rule = next((r for r in vocab.release_files if r.matches(path)), None)
        if rule is not None:
            cid = _tuned(rule.component, "", inferred, vocab)
            found.components[cid].pointers.append(Pointer("path", path, Evidence(path, None, f"{path} ships in the release", "file")))


def _safety(found: Collector) -> None:
    """Named safety benchmarks are released safety data (under their own licence) and describe a safety evaluation."""
    for benchmark, evidence in found.benchmarks.values():
        data = found.role("safety-evaluation-data")
        if benchmark.hub:
            data.pointers.append(Pointer("benchmark", benchmark.hub, evidence, benchmark.licence))
        else:
            data.described.append(evidence)
        found.role("safety-evaluation-code").described.append(evidence)
    if "safety_evaluation" in found.stage_hits:
        found.role("safety-evaluation-code").described.append(found.stage_hits["safety_evaluation"])
        found.role("safety-evaluation-data").described.append(found.stage_hits["safety_evaluation"])


def _library(release: Release, vocab: Vocabulary) -> str | None:
    name = release.card.metadata.get("library_name") if release.card else None
    if isinstance(name, str) and name in vocab.libraries:
        return name
    for file, library in vocab.library_files.items():
        if release.has_file(file):
            return library
    if release.config.get("model_type") or release.config.get("architectures"):
        return "transformers"
    if any(w.format == "gguf" for w in release.weights):
        return "llama.cpp"
    return None


def _library_pointer(release: Release, library: str, vocab: Vocabulary) -> Pointer:
    info = vocab.libraries[library]
    card = release.card
    line = card.key_line("library_name") if card and "library_name" in card.metadata else None
    file = card.path if line else _library_file(release, library, vocab)
    return Pointer("library", info["url"], Evidence(file, line, f"loaded with {library}", "card-metadata" if line else "file"), info["license"])


def _library_file(release: Release, library: str, vocab: Vocabulary) -> str | None:
    for file, name in vocab.library_files.items():
        if name == library and release.has_file(file):
            return file
    if library == "transformers" and release.has_file("config.json"):
        return "config.json"
    return next((w.path for w in release.weights if w.format == "gguf"), None)
