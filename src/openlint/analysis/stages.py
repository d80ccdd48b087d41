"""Which training and evaluation stages a release went through: a component of a stage that did not happen is not
applicable (N/A) and never lowers a grade (rules/taxonomy.yaml `exists_if`)."""

from __future__ import annotations

import re
from typing import Any

from openlint.analysis import identity
from openlint.analysis.collect import Collector
from openlint.analysis.model import Lineage, Stage
from openlint.knowledge import patterns
from openlint.knowledge.vocabulary import Vocabulary
from openlint.release.model import Evidence, Release

INTRO_BLOCKS = 20  # where a card says what the model is
_RE = patterns.Constants(__name__)
_ALIGNMENT_NAME = _RE(r"dpo|rlhf|orpo|kto", re.IGNORECASE)


def as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def names(release: Release) -> str:
    meta = release.card.metadata if release.card else {}
    return " ".join([release.name, str(meta.get("model_name", ""))] + as_list(meta.get("tags"))).lower()


def tuned(release: Release, found: Collector, vocab: Vocabulary, pretrained: Evidence | None = None) -> bool:
    """The name, the tags or the card say the model was tuned (a chat or instruct model, a fine-tune). A card that
    says this model was pre-trained ("We pretrained DeepSeek-V2 on ...") and shows a chat format, under a name that
    is not a tuned one, shows its chat variant's format: that is no sign it was tuned itself."""
    if vocab.stages["tuned_name"].search(names(release)):
        return True
    hit = found.stage_hits.get("finetuning")
    return hit is not None and not (pretrained and hit is found.prompt_template)


def infer(release: Release, lineage: Lineage, found: Collector, vocab: Vocabulary) -> dict[str, Stage]:
    finetuning = _finetuning(release, lineage, found, vocab)
    hits = found.stage_hits
    return {
        "finetuning": finetuning,
        # a model made from a "-DPO" model went through that DPO step, as its own "-DPO" name would say
        "alignment": _alignment(" ".join([names(release), *lineage.bases]).lower(), hits, finetuning),
        "internal_benchmarks": Stage(True, hits["internal_benchmarks"], "The card reports internal benchmarks")
        if "internal_benchmarks" in hits else Stage(False, None, "No internal (non-public) benchmark is mentioned"),
        "evaluation": _evaluation(release, found),
        "safety_evaluation": _safety(found) if not _classifier(release, vocab) else
        Stage(False, None, "A safety classifier: its moderation benchmarks are its task evaluation, not a safety evaluation"),
    }


def _finetuning(release: Release, lineage: Lineage, found: Collector, vocab: Vocabulary) -> Stage:
    if lineage.kind in ("fine-tune", "merge", "adapter"):
        made = f" from {', '.join(lineage.bases[:3])}" if lineage.bases else ""
        return Stage(True, lineage.evidence, f"A {lineage.kind}{made}")
    if named := vocab.stages["tuned_name"].search(names(release)):
        return Stage(True, None, f"The model's name or tags say it is tuned ({named.group(0)!r})")
    if lineage.kind == "base" and lineage.source == "catalogue":
        # a known base model's card often describes its family's tuned variants; only its own name says it was tuned
        return Stage(False, None, f"{lineage.root} is a base model: its tuned variants are other releases")
    if lineage.kind == "base" and lineage.evidence is not None:
        # so does a card that says this model was trained from scratch ("we finetuned MPT-7B-StoryWriter" is another model)
        return Stage(False, lineage.evidence, f"{lineage.note}: its tuned variants are other releases")
    if lineage.kind == "quantisation":
        return _copied(lineage, found.stage_hits.get("finetuning"), vocab)
    if "finetuning" in found.stage_hits:
        return Stage(True, found.stage_hits["finetuning"], "The card describes a fine-tuning stage")
    return Stage(False, None, "No fine-tuning stage is mentioned: treated as a base model")


def _copied(lineage: Lineage, described: Evidence | None, vocab: Vocabulary) -> Stage:
    """A quantisation went through the fine-tuning of the model it copies: that of a model known to be a fine-tune,
    none of a root (the original card it quotes describes its family's tuned variants, which are other releases);
    otherwise what the card describes; for a copy of a model nothing identifies, it cannot be told; and a copy the
    card says it makes of a model it names only in prose (lineage.copy) went through that model's fine-tuning. With no
    base named, the catalogue entry or family the release's own name places it in says which it copies."""
    if lineage.made_from == "derivative":
        made = f"a fine-tune of {lineage.root or 'another model'}"
        said = f"{lineage.bases[0]}, {made}" if lineage.bases else f"{made}, as its id, name or tags place it in the catalogue"
        return Stage(True, lineage.evidence, f"A quantisation of {said}")
    if lineage.made_from == "root" and lineage.bases:
        return Stage(False, lineage.evidence, f"A quantisation of {lineage.bases[0]}, a base model: no fine-tuning stage")
    if described is not None:
        return Stage(True, described, "The card describes a fine-tuning stage")
    if not lineage.bases and lineage.root is None:
        # the training components are those of the model it copies, which nothing here identifies
        return Stage(False, lineage.evidence, "A quantisation of a model openlint cannot identify: whether it was fine-tuned is not "
                     "known; name it in `base_model`", unknown=True)
    if not lineage.bases and lineage.evidence is not None and vocab.lineage.copy.search(lineage.evidence.snippet.strip().lower()):
        # the card says it copies a model it names only in prose, in a known family ("a re-upload of Anything V3", an
        # SD 1.x model), and the catalogue knows no model of that name: not the root but a model made from it, whose
        # fine-tuning the copy went through
        return Stage(True, lineage.evidence, f"A copy of a model made from {lineage.root}: it went through that model's fine-tuning")
    if lineage.bases and not lineage.source:
        # a copy of a model named but known neither to the catalogue nor from its card: whether it was tuned is unknown
        base = lineage.bases[0]
        return Stage(False, lineage.evidence, f"A copy of {base}, which openlint could not assess: whether it was fine-tuned is not "
                     f"known{identity.check_hint(base)}", unknown=True)
    return Stage(False, lineage.evidence, "A quantisation of a base model: no fine-tuning stage")


def _alignment(names: str, hits: dict[str, Evidence], finetuning: Stage) -> Stage:
    if named := _ALIGNMENT_NAME.search(names):
        return Stage(True, None, f"The model's name, tags or base model name an alignment method ({named.group(0)!r})")
    if "alignment" in hits and finetuning.present:
        return Stage(True, hits["alignment"], "The card describes an alignment stage")
    if "alignment" in hits:
        # a copy of a model nothing identifies is no base model: what it copies is unknown (its fine-tuning is UNK)
        what = "nothing says what this copy was made from" if finetuning.unknown else "this looks like a base model"
        return Stage(False, hits["alignment"], f"The card mentions alignment methods but {what}; declare the component if it applies")
    return Stage(False, None, "No alignment stage (RLHF, DPO, ...) is mentioned: treated as absent")


def _evaluation(release: Release, found: Collector) -> Stage:
    card = release.card
    if found.evaluation:
        return Stage(True, found.evaluation[0], "The card reports evaluation results")
    if found.leaderboard:
        return Stage(True, found.leaderboard[0][0], "The card reports results from a public leaderboard")
    if card is not None and _has_results(card.metadata.get("model-index")):
        return Stage(True, Evidence(card.path, card.key_line("model-index"), "model-index: evaluation results in the metadata", "card-metadata"),
                     "The card's metadata reports evaluation results")
    return Stage(False, None, "No evaluation results are reported: the evaluation components do not apply")


def _safety(found: Collector) -> Stage:
    hit = found.stage_hits.get("safety_evaluation") or (found.safety_evaluation[0] if found.safety_evaluation else None)
    if hit is not None:
        return Stage(True, hit, "The card reports a safety evaluation by the publisher")
    return Stage(False, None, "No safety evaluation by the publisher is reported (leaderboard scores are not one)")


def _has_results(index: Any) -> bool:
    """A model-index that holds results (autogenerated cards write `results: []`)."""
    entries = index if isinstance(index, list) else [index] if isinstance(index, dict) else []
    return any(not isinstance(e, dict) or e.get("results") or "results" not in e for e in entries)


def _classifier(release: Release, vocab: Vocabulary) -> bool:
    """The top of the card says the model is a safety or moderation classifier."""
    card = release.card
    return card is not None and any(vocab.safety_classifier.search(b.text.lower()) for b in card.blocks[:INTRO_BLOCKS])
