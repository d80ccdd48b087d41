"""What a release discloses about each component, read the way a careful reviewer would.

For each of the 12 components: the concrete pointers the release gives (Hub ids, code repositories, catalogued
artefacts it names, paths inside the release, the library that runs it), the prose that only describes it, and
statements that it was withheld. For the release: its lineage, which stages exist, which of the paper's other
recommendations are met, and claims of openness. The card's passes live in card_text.py, what runs the model in
usage.py, its lineage in lineage.py; this module puts them together and attributes what was found to stages.
"""

from __future__ import annotations

import re

from openlint.analysis import card_text, lineage, stages, usage
from openlint.analysis.collect import Collector, Mention, name_span
from openlint.analysis.model import Disclosure, Lineage, Pointer, Stage
from openlint.knowledge import taxonomy
from openlint.knowledge.catalogue import Artefact, Catalogue
from openlint.knowledge.vocabulary import Vocabulary, vocabulary
from openlint.release.model import CODE_MAP_FILES, Card, Evidence, Problem, Release
from openlint.support.record import replace

SCRIPT_SUFFIXES = (".py", ".sh", ".ipynb")


def read(release: Release, catalogue: Catalogue, assess_root: lineage.AssessRoot) -> tuple[Disclosure, Lineage]:
    vocab = vocabulary()
    found = Collector(practice={name: None for name in vocab.practice_sections})
    card = release.card
    if card is not None:
        card_text.read_sections(card, vocab, found)
        card_text.read_labels(card, vocab, found)
        card_text.read_statements(card, vocab, catalogue, found)
        card_text.read_links(release, vocab, catalogue, found)
        card_text.read_dataset_ids(card, vocab, catalogue, found)
        card_text.read_training_tags(card, vocab, catalogue, found)
        card_text.read_weights_delta(card, vocab, found)
    usage.read(release, vocab, catalogue, found)
    # what an original card a copy quotes says ("trained from scratch") is said of that other release
    pretrained, tuned_by = found.stage_hits.get("pretraining"), found.stage_hits.get("finetuning")
    own_pretraining = None if card is None or pretrained is None or card_text.quoted(card, pretrained.line, vocab) else pretrained
    own_tuning = None if card is None or tuned_by is None or card_text.quoted(card, tuned_by.line, vocab) else tuned_by
    tuned = stages.tuned(release, found, vocab, own_pretraining)
    traced = lineage.trace(release, catalogue, vocab, tuned, own_pretraining, assess_root, own_tuning if tuned else None,
                           lineage.shows_task_model(release, vocab))
    _copied_remote_code_flag(release, traced, found, vocab)
    inferred = stages.infer(release, traced, found, vocab)
    _attribute(found, inferred, vocab)
    _training(found, inferred, traced, vocab)
    _metadata_pointers(release, found, inferred, catalogue, vocab)
    _file_pointers(release, found, inferred, vocab)
    _evaluation(release, found, inferred, vocab, catalogue)
    _safety(found, inferred)
    _runtimes(found, vocab)
    _dead_pointers(release, found)
    _dead_bases(release, traced, found)
    return found.freeze(inferred, list(traced.bases), None), traced


def _tuned(cid: str, title: str, inferred: dict[str, Stage], vocab: Vocabulary) -> str:
    """A generic "Training data" section of a fine-tuned model describes its fine-tuning, unless it says pre-training."""
    target = vocab.routing.tuned.get(cid)
    if target and inferred["finetuning"].present and not re.search(r"pre-?train", title):
        return target
    return cid


def _attribute(found: Collector, inferred: dict[str, Stage], vocab: Vocabulary) -> None:
    for cid, title, evidence in found.described_sections:
        found.components[_tuned(cid, title, inferred, vocab)].described.append(evidence)
    # training code or data pointed to, or said to be withheld, without saying "pre-training" belongs to the
    # fine-tuning of a tuned model
    for cid, target in vocab.routing.tuned.items():
        signals = found.components[cid]
        moved = [p for p in signals.pointers if p.kind != "path" and _tuned(cid, p.evidence.snippet.lower(), inferred, vocab) != cid]
        signals.pointers = [p for p in signals.pointers if p not in moved]
        found.components[target].pointers.extend(moved)
        kept = [e for e in signals.withheld if _tuned(cid, e.snippet.lower(), inferred, vocab) == cid]
        found.components[target].withheld.extend(e for e in signals.withheld if e not in kept)
        signals.withheld = kept


def _stage_role(mention: Mention, inferred: dict[str, Stage], traced: Lineage, vocab: Vocabulary, side: str) -> str:
    """The training component a named program (side "code") or dataset (side "data") fills, from the words around
    it, the stages that happened and what the artefact can be."""
    artefact = mention.artefact
    alignment = f"alignment-{side}"
    # a program whose only training role is alignment (a reward-modelling repository that also holds its benchmark
    # scripts) served the alignment stage wherever it is named; so did a dataset that is only alignment data
    only = artefact.roles & {"pretraining-code", "finetuning-code", "alignment-code", "merge-code"} if side == "code" else artefact.roles
    if inferred["alignment"].present and artefact.plays(alignment) and (vocab.alignment_context.search(_unnamed(mention)) or only <= {alignment}):
        return alignment
    pretraining = "pretraining-" + side
    # "pre-trained on X" names pre-training data: a base model's own, or a derivative's root's (inherited), unless the
    # derivative's own continued pre-training, which is its tuning stage
    verb = card_text.step_done_in(mention) if side == "code" else ""
    said = artefact.plays(pretraining) and (verb.startswith("pre") if verb else vocab.pretraining_context.search(mention.sentence))
    own_continued = traced.derived and vocab.continued_pretraining.search(mention.sentence)
    if inferred["finetuning"].present and not (said and not own_continued):
        return "finetuning-code" if side == "code" else "sft-data"
    return pretraining


def _unnamed(mention: Mention) -> str:
    """The words around a named artefact without its own name: "Library: Alignment Handbook" says nothing of an
    alignment stage."""
    context = mention.context
    for name in sorted({mention.artefact.name.lower(), *(a.lower() for a in mention.artefact.aliases)}, key=len, reverse=True):
        context = context.replace(name, " ")
    return context


def _code_roles(mention: Mention, role: str, inferred: dict[str, Stage], vocab: Vocabulary) -> tuple[str, ...]:
    """A program named for the whole model ("Library: Alignment Handbook") that runs both tuning stages ran each
    that the model went through; named in a sentence, the stage it was sent to."""
    both = role == "finetuning-code" and inferred["alignment"].present and mention.artefact.plays("alignment-code")
    return (role, "alignment-code") if both and vocab.whole_model.search(mention.context) else (role,)


def _training(found: Collector, inferred: dict[str, Stage], traced: Lineage, vocab: Vocabulary) -> None:
    """Named training programs and datasets, each sent to the stage it served."""
    for mention in found.training_code:
        if _idle_merge_tool(mention, traced, vocab):
            continue
        role = _stage_role(mention, inferred, traced, vocab, "code")
        target = mention.artefact.url or mention.artefact.id
        if role == "pretraining-code" and not mention.artefact.plays(role):
            continue  # a program the catalogue knows only as fine-tuning or merge code did not pre-train a model
        for each in _code_roles(mention, role, inferred, vocab):
            if not any(p.target == target for p in found.role(each).pointers):
                found.role(each).pointers.append(Pointer("code-repo", target, mention.evidence, mention.artefact.licence))
    _own_project(found, inferred, traced)
    for mention in found.training_data:
        role = _stage_role(mention, inferred, traced, vocab, "data")
        artefact = mention.artefact
        signals = found.role(role)
        if not artefact.released or _derived(mention, vocab):
            # named, but never published, or only the source of what was trained on (a translation of it): the stage
            # cannot be rebuilt from what was released (CONVENTIONS s4: a part only described makes the stage not
            # released, whatever its other parts)
            signals.withheld.append(replace(mention.evidence, snippet=f"derived from {artefact.id}, not published: {mention.evidence.snippet}")
                                    if artefact.released else mention.evidence)
        elif not any(p.target == artefact.id for p in signals.pointers):
            signals.pointers.append(Pointer("hub-dataset", artefact.id, mention.evidence, artefact.licence, artefact.gated))


def _derived(mention: Mention, vocab: Vocabulary) -> bool:
    """The words right before the dataset's name say the model was trained on a derivative of it ("Korean-translated
    version of X")."""
    span = name_span(mention)
    if span is None or span[0] == 0:
        return False
    before = mention.sentence[max(0, span[0] - 80):span[0]].rstrip(" \t[(*\"'`")
    # the phrase must end right at the name: "a translation of X; DPO used Y as is" says nothing of Y
    return any(m.end() == len(before) for m in vocab.derived_data.finditer(before))


def _idle_merge_tool(mention: Mention, traced: Lineage, vocab: Vocabulary) -> bool:
    """A merge tool named in the text of a release that is no merge ("thanks to mergekit's authors") merged nothing;
    its tag (`mergekit`, written by the tool) or a training phrase still says it made the model."""
    return (mention.artefact.roles <= {"merge-code"} and traced.kind != "merge" and mention.evidence.source != "card-metadata"
            and not vocab.training_context.search(mention.context))


def _own_project(found: Collector, inferred: dict[str, Stage], traced: Lineage) -> None:
    """The model's own project repository holds the code of the stage that made it: its fine-tuning for a tuned
    model, else its pre-training."""
    if not found.own_code or found.role("finetuning-code").pointers or found.role("pretraining-code").pointers:
        return
    first = found.own_code[0]
    role = "finetuning-code" if inferred["finetuning"].present else "pretraining-code"
    # ... as far as the catalogue knows it holds that stage's code (a repository with users' fine-tuning scripts does
    # not hold its base model's pre-training code)
    holds = first.artefact.plays(role, "alignment-code", "merge-code") if role == "finetuning-code" else first.artefact.plays(role)
    holds = holds and not first.artefact.recipes  # a lab's fine-tuning recipes for users did not tune its own model
    if holds and (role == "finetuning-code" or not traced.derived):
        found.role(role).pointers.append(Pointer("code-repo", first.artefact.url or first.artefact.id, first.evidence, first.artefact.licence))


def _metadata_pointers(release: Release, found: Collector, inferred: dict[str, Stage], catalogue: Catalogue, vocab: Vocabulary) -> None:
    """The datasets the card's metadata lists, each in the training stage it served, under its own licence."""
    card = release.card
    if card is None:
        return
    seen: dict[str, set[str]] = {}  # per component, the targets pointed to: a list of 100,000 stays linear
    listed = _training_datasets(card, catalogue, vocab)
    # a fine-tune's card listing its base's pre-training corpus (SlimPajama, StarCoderData) beside its own tuning data:
    # the corpus trained the base; alone, or where the release continued pre-training, it is the tuning data
    tuning = [known is None or not known.roles <= {"pretraining-data"} for _, known in listed]
    base_corpus = any(tuning) and not any(vocab.continued_pretraining.search(block.text.lower()) for block in card.blocks if block.kind != "code")
    for (dataset, known), tunes in zip(listed, tuning):
        cid = _dataset_stage(dataset, known, inferred, vocab, base_corpus and not tunes)
        target = found.components[cid]
        pointer = _dataset_pointer(release, card.path, card.key_line("datasets"), dataset, known)
        if cid not in seen:
            seen[cid] = {p.target for p in target.pointers}
        targets = seen[cid]
        if pointer.target not in targets:
            targets.add(pointer.target)
            target.pointers.append(pointer)


def _training_datasets(card: Card, catalogue: Catalogue, vocab: Vocabulary) -> list[tuple[str, Artefact | None]]:
    """The metadata's datasets that can be training data, each with the catalogue's entry if it has one."""
    listed = []
    for dataset in (d.strip() for d in stages.as_list(card.metadata.get("datasets")) if d.strip()):
        if vocab.evaluation_outputs.search(dataset.lower()):
            continue  # a leaderboard's per-model outputs: results, not training data
        known = catalogue.find_hub_id(dataset)
        known = known if known is not None and known.section == "datasets" else None
        if known is not None and not known.plays("pretraining-data", "sft-data", "alignment-data"):
            continue  # a benchmark listed in the metadata is not training data
        listed.append((dataset, known))
    return listed


def _dataset_pointer(release: Release, path: str, line: int, dataset: str, known: Artefact | None) -> Pointer:
    """The dataset's licence as the Hub gives it (Hub mode), else as the catalogue knows it."""
    linked = release.linked.get(dataset)
    licence = linked.licence if linked and linked.licence else (known.licence if known else None)
    gated = bool(linked and linked.gated) or bool(known and known.gated)
    evidence = Evidence(path, line, f"datasets: {dataset}", "card-metadata")
    return Pointer("hub-dataset", known.id if known else dataset, evidence, licence, gated)


def _dataset_stage(dataset: str, known: Artefact | None, inferred: dict[str, Stage], vocab: Vocabulary, base_corpus: bool) -> str:
    alignment = taxonomy.by_role("alignment-data").id
    # the id's words: "chatml_dpo_pairs" names DPO (an underscore joins words, and \b would not see it)
    words = dataset.lower().replace("_", " ")
    if inferred["alignment"].present and (vocab.data_context[alignment].search(words) or (known is not None and known.roles <= {"alignment-data"})):
        return alignment
    if base_corpus:
        return taxonomy.by_role("pretraining-data").id
    return taxonomy.by_role("sft-data" if inferred["finetuning"].present else "pretraining-data").id


def _file_pointers(release: Release, found: Collector, inferred: dict[str, Stage], vocab: Vocabulary) -> None:
    """Scripts shipped in the release itself."""
    for path in sorted(release.files):
        if not path.lower().endswith(SCRIPT_SUFFIXES):
            continue
        rule = next((r for r in vocab.release_files if r.matches(path)), None)
        if rule is not None:
            cid = _tuned(rule.component, "", inferred, vocab)
            found.components[cid].pointers.append(Pointer("path", path, Evidence(path, None, f"{path} ships in the release", "file")))


def _evaluation(release: Release, found: Collector, inferred: dict[str, Stage], vocab: Vocabulary, catalogue: Catalogue) -> None:
    """Results from a public leaderboard were produced by the leaderboard's own, public harness."""
    code = found.role("evaluation-harness")
    if inferred["evaluation"].present and not code.pointers:
        pointer = _evaluation_pointer(found, catalogue) or _index_harness(release, vocab, catalogue)
        if pointer is not None:
            code.pointers.append(pointer)
    evidence = inferred["evaluation"].evidence
    if inferred["evaluation"].present and not code.pointers and evidence is not None:
        code.described.append(evidence)


def _evaluation_pointer(found: Collector, catalogue: Catalogue) -> Pointer | None:
    """Where a card's results came from when it names no harness: its own code computing them (released with it,
    under the release's licence; a command that runs a named harness is that harness's invocation), a public
    leaderboard's harness, or its own project repository known to hold its evaluation scripts."""
    if found.evaluation_code:
        first = found.evaluation_code[0]
        return Pointer("path", first.file or "README.md", first)
    if found.leaderboard and (harness := catalogue.find(found.leaderboard[0][1])) is not None:
        return Pointer("code-repo", harness.url or harness.id, found.leaderboard[0][0], harness.licence)
    own = next((m for m in found.own_code if m.artefact.plays("evaluation-harness")), None)
    return Pointer("code-repo", own.artefact.url or own.artefact.id, own.evidence, own.artefact.licence) if own else None


def _index_harness(release: Release, vocab: Vocabulary, catalogue: Catalogue) -> Pointer | None:
    """The harness that wrote the model-index results, known from the benchmark datasets they name (`mteb/...`)."""
    card = release.card
    if card is None:
        return None
    index = card.metadata.get("model-index")
    types = [str(result["dataset"].get("type", "")).lower()
             for entry in (index if isinstance(index, list) else []) if isinstance(entry, dict)
             for result in (entry.get("results") if isinstance(entry.get("results"), list) else [])
             if isinstance(result, dict) and isinstance(result.get("dataset"), dict)]
    for prefix, harness_id in vocab.evaluation.index_harnesses.items():
        harness = catalogue.find(harness_id)
        if harness is not None and any(t.startswith(prefix) for t in types):
            evidence = Evidence(card.path, card.key_line("model-index"), f"model-index results on {prefix}... datasets, written by {harness.name}", "card-metadata")
            return Pointer("code-repo", harness.url or harness.id, evidence, harness.licence)
    return None


def _safety(found: Collector, inferred: dict[str, Stage]) -> None:
    """A safety evaluation's benchmarks are its (public) data; without a pointer to its code, it is described."""
    if not inferred["safety_evaluation"].present:
        return
    data, code = found.role("safety-evaluation-data"), found.role("safety-evaluation-code")
    for artefact, evidence in found.benchmarks.values():
        data.pointers.append(Pointer("benchmark", artefact.id, evidence, artefact.licence, artefact.gated))
    evidence = inferred["safety_evaluation"].evidence
    if evidence is not None:
        code.described.append(evidence)
        data.described.append(evidence)


def _runtimes(found: Collector, vocab: Vocabulary) -> None:
    """Each runtime that runs the model is an alternative. Remote code ships with the release, and every runtime needs
    it but one that implements the architecture itself (llama.cpp, vLLM, Ollama: `native_runtimes`) shown running the
    model without trust_remote_code in any of its snippets."""
    inference = found.role("inference-runtime")
    loading = {runtime.artefact.id for runtime in found.runtimes if runtime.own_code}
    without = {runtime.artefact.id for runtime in found.runtimes if runtime.own_code is False} & vocab.native_runtimes - loading
    seen: set[str] = set()
    for runtime in found.runtimes:
        if runtime.artefact.id not in seen:
            seen.add(runtime.artefact.id)
            needs = bool(found.remote_code) and runtime.artefact.id not in without
            inference.pointers.append(Pointer("library", runtime.artefact.url or runtime.artefact.id, runtime.evidence, runtime.artefact.licence,
                                              needs_own_code=needs))
    if found.remote_code:
        inference.pointers.append(Pointer("remote-code", "the release's own code", found.remote_code[0]))


def _copied_remote_code_flag(release: Release, traced: Lineage, found: Collector, vocab: Vocabulary) -> None:
    """A snippet's trust_remote_code=True for a model of a family Transformers implements (a Llama 2 fine-tune)
    loads no code of the release's own when the release has none to load. Only when the release's files cannot
    tell (no config.json, no tokenizer or processor config, no Python module at its root: a card alone) does the
    family decide. Prose about the module the flag finds always counts."""
    if traced.root_family not in vocab.transformers_native_families:
        return
    if not found.remote_code or any(e not in found.remote_code_snippets for e in found.remote_code):
        return
    # a config.json (read or not), a tokenizer or processor config that may name code elsewhere, or a Python module
    # trust_remote_code could load (at the release's root) says more than the family: the snippet stands
    if "config.json" in release.files or any(path in release.files for path in CODE_MAP_FILES):
        return
    if any(path.endswith(".py") and "/" not in path for path in release.files):
        return
    found.remote_code.clear()


def _dead_bases(release: Release, traced: Lineage, found: Collector) -> None:
    """A base model the Hub says does not exist: said, where the card names it (its inherited components are
    described, lineage._inherit)."""
    card = release.card
    for base in traced.bases:
        if release.missing_on_hub(base):
            found.problems.append(Problem("pointer.dead", card.path if card else None, card.key_line("base_model") if card else None,
                                          f"base model {base} does not exist on the Hub (or is private)", {"target": base}))


def _dead_pointers(release: Release, found: Collector) -> None:
    """A Hub repository the Hub says does not exist is not a release: the component is only described."""
    for cid, signals in found.components.items():
        dead = [p for p in signals.pointers if p.kind in ("hub-dataset", "hub-model") and release.missing_on_hub(p.target)]
        for pointer in dead:
            signals.pointers.remove(pointer)
            signals.described.append(pointer.evidence)
            found.problems.append(Problem("pointer.dead", pointer.evidence.file, pointer.evidence.line,
                                          f"{pointer.target} does not exist on the Hub (or is private)", {"component": cid, "target": pointer.target}))

