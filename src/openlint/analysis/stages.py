"""Which training and evaluation stages a release went through: a component of a stage that did not happen is
not applicable and never lowers a grade."""

from __future__ import annotations

import re
from typing import Any

from openlint.analysis.model import Stage
from openlint.knowledge.vocabulary import Vocabulary
from openlint.release.model import Evidence, Release

_ALIGNMENT_NAME = re.compile(r"dpo|rlhf|orpo|kto", re.IGNORECASE)


def as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def infer(release: Release, base_models: list[str], hits: dict[str, Evidence], vocab: Vocabulary) -> dict[str, Stage]:
    meta = release.card.metadata if release.card else {}
    names = " ".join([release.name, str(meta.get("model_name", ""))] + as_list(meta.get("tags"))).lower()
    finetuning = _finetuning(release, names, base_models, hits, vocab)
    return {
        "finetuning": finetuning,
        "alignment": _alignment(names, hits, finetuning),
        "internal_benchmarks": Stage(True, hits["internal_benchmarks"], "The card reports internal benchmarks")
        if "internal_benchmarks" in hits else Stage(False, None, "No internal (non-public) benchmark is mentioned"),
    }


def _finetuning(release: Release, names: str, base_models: list[str], hits: dict[str, Evidence], vocab: Vocabulary) -> Stage:
    card = release.card
    if base_models:
        line = card.key_line("base_model") if card else None
        return Stage(True, Evidence(card.path if card else None, line, f"base_model: {', '.join(base_models)}", "card-metadata"), "Derived from a base model")
    if tuned_name := vocab.stages["tuned_name"].search(names):
        return Stage(True, None, f"The model's name or tags say it is tuned ({tuned_name.group(0)!r})")
    if "finetuning" in hits:
        return Stage(True, hits["finetuning"], "The card describes a fine-tuning stage")
    return Stage(False, None, "No fine-tuning stage is mentioned: treated as a base model")


def _alignment(names: str, hits: dict[str, Evidence], finetuning: Stage) -> Stage:
    if named := _ALIGNMENT_NAME.search(names):
        return Stage(True, None, f"The model's name or tags name an alignment method ({named.group(0)!r})")
    if "alignment" in hits and finetuning.present:
        return Stage(True, hits["alignment"], "The card describes an alignment stage")
    if "alignment" in hits:
        return Stage(False, hits["alignment"], "The card mentions alignment methods but this looks like a base model; declare the component if it applies")
    return Stage(False, None, "No alignment stage (RLHF, DPO, ...) is mentioned: treated as absent")
