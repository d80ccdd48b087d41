"""The check functions rules refer to by name, each with the JSON Schema of its options.

A check reads the release, its disclosure and the component assessment, and yields hits: the values that fill
its rule's message and the place (file, line) that shows the problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openlint import licences
from openlint.assess import STATUS_TEXT, ComponentResult, ReleaseLicence
from openlint.disclosure import Disclosure
from openlint.release import Evidence, Release


@dataclass
class Context:
    release: Release
    disclosure: Disclosure
    components: dict[str, ComponentResult]
    licence: ReleaseLicence

    def anchor(self) -> tuple[str | None, int | None]:
        """Where a finding about the release as a whole is shown: the card, else the declaration."""
        if self.release.card is not None:
            return self.release.card.path, 1
        if self.release.declaration is not None:
            return self.release.declaration.path, 1
        return None, None


@dataclass
class Hit:
    values: dict[str, Any]
    file: str | None
    line: int | None
    component: str | None = None
    snippet: str = ""
    key: str = ""  # distinguishes several hits of one rule (for fingerprints)


@dataclass
class Check:
    function: Callable[[Context, dict[str, Any]], Iterator[Hit]]
    options: dict[str, Any] = field(default_factory=lambda: {"type": "object", "additionalProperties": False})


REGISTRY: dict[str, Check] = {}


def check(name: str, options: dict[str, Any] | None = None) -> Callable[[Callable[..., Iterator[Hit]]], Callable[..., Iterator[Hit]]]:
    def register(function: Callable[..., Iterator[Hit]]) -> Callable[..., Iterator[Hit]]:
        REGISTRY[name] = Check(function, options or {"type": "object", "additionalProperties": False})
        return function
    return register


def _where(ctx: Context, evidence: list[Evidence]) -> tuple[str | None, int | None, str]:
    for item in evidence:
        if item.file:
            return item.file, item.line, item.snippet
    file, line = ctx.anchor()
    return file, line, ""


def _statuses() -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "items": {"enum": list(STATUS_TEXT)}}


@check("component-status", {
    "type": "object", "required": ["component", "statuses"], "additionalProperties": False,
    "properties": {"component": {"type": "string", "pattern": r"^(training|evaluation|deployment)\.(code|data)\.[a-z]+$"}, "statuses": _statuses()},
})
def component_status(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    result = ctx.components[options["component"]]
    if result.status in options["statuses"]:
        file, line, quote = _where(ctx, result.evidence)
        yield Hit({"component": result.component.title, "status": STATUS_TEXT[result.status], "label": result.label, "note": result.note},
                  file, line, result.id, quote, result.id)


@check("restrictive-licence", {
    "type": "object", "additionalProperties": False, "properties": {"below": {"type": "integer", "minimum": 2, "maximum": 5}},
})
def restrictive_licence(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    below = options.get("below", 5)
    for result in ctx.components.values():
        if result.status == "released" and result.level is not None and result.level < below:
            missing = [g for g in licences.RUBRIC if not result.licence or g not in result.licence.grants]
            file, line, quote = _where(ctx, result.evidence)
            name = result.licence.id if result.licence else (result.licence_raw or "no identified licence")
            yield Hit({"component": result.component.title, "label": result.label, "licence": name, "points": result.points or 0,
                       "missing": ", ".join(missing)}, file, line, result.id, quote, result.id)


@check("problem", {
    "type": "object", "required": ["kinds"], "additionalProperties": False,
    "properties": {"kinds": {"type": "array", "minItems": 1, "items": {"type": "string"}}},
})
def problem(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    kinds = set(options["kinds"])
    for item in ctx.release.problems:
        if item.kind in kinds:
            file, line = (item.file, item.line) if item.file else ctx.anchor()
            component = item.data.get("component")
            if item.kind.startswith("weights."):
                component = "deployment.data.weights"
            yield Hit({"file": item.file or "the release", "detail": item.detail, **item.data}, file, line, component,
                      key=f"{item.kind}:{item.file}:{item.detail}")


@check("licence-missing")
def licence_missing(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    if not ctx.licence.claims:
        file, line = ctx.anchor()
        yield Hit({}, file, line, "deployment.data.weights")


@check("licence-unidentified")
def licence_unidentified(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    if ctx.licence.claims and ctx.licence.licence is None:
        claim = ctx.licence.claim
        assert claim is not None
        yield Hit({"licence": claim.raw, "source": claim.evidence.source}, claim.evidence.file, claim.evidence.line,
                  "deployment.data.weights", claim.evidence.snippet)


@check("licence-conflict")
def licence_conflict(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    claims = [c for c in ctx.licence.claims if (known := licences.lookup(c.licence_id)) is not None and known.identified]
    declared = ctx.components["deployment.data.weights"]
    if declared.declared and declared.licence and declared.licence.identified:
        claims = claims + [c for c in ctx.release.licences if c.scope == "deployment.data.weights"]
    distinct = {c.licence_id for c in claims}
    if len(distinct) > 1:
        first = claims[0].evidence
        sources = "; ".join(f"{c.licence_id} in {c.evidence.file or 'the release'}" + (f":{c.evidence.line}" if c.evidence.line else "") for c in claims)
        yield Hit({"sources": sources}, first.file, first.line, "deployment.data.weights", first.snippet)


@check("pickle-without-safetensors")
def pickle_without_safetensors(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    """One finding per folder holding pickled weights and no safetensors file."""
    safe_dirs = {w.path.rsplit("/", 1)[0] if "/" in w.path else "" for w in ctx.release.weights if w.format == "safetensors"}
    by_folder: dict[str, list[Any]] = {}
    for weight in ctx.release.weights:
        if weight.loads == "pickle" and weight.format != "numpy":
            by_folder.setdefault(weight.path.rsplit("/", 1)[0] if "/" in weight.path else "", []).append(weight)
    for folder, weights in sorted(by_folder.items()):
        if folder in safe_dirs:
            continue
        names = ", ".join(w.path for w in weights[:3]) + (f" and {len(weights) - 3} more" if len(weights) > 3 else "")
        yield Hit({"files": names, "count": len(weights), "folder": folder or "the release root", "format": weights[0].format},
                  weights[0].path, None, "deployment.data.weights", key=folder)


@check("weights-safety", {
    "type": "object", "required": ["safety"], "additionalProperties": False,
    "properties": {"safety": {"type": "array", "minItems": 1, "items": {"enum": ["may-execute", "suspicious", "dangerous", "invalid", "unchecked"]}}},
})
def weights_safety(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    for weight in ctx.release.weights:
        if weight.safety in options["safety"]:
            yield Hit({"file": weight.path, "format": weight.format, "detail": weight.detail}, weight.path, None, "deployment.data.weights", key=weight.path)


@check("remote-code")
def remote_code(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    from openlint.readers.weights import is_code

    files = [p for p in ctx.release.files if is_code(p)]
    auto_map = ctx.release.config.get("auto_map")
    if files and (auto_map or any(p.rsplit("/", 1)[-1].startswith(("modeling_", "modelling_", "configuration_", "tokenization_")) for p in files)):
        listed = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        yield Hit({"files": listed, "count": len(files)}, "config.json" if auto_map else files[0], None, "deployment.code.inference")


@check("practice", {
    "type": "object", "required": ["item"], "additionalProperties": False,
    "properties": {"item": {"enum": ["intended-use", "out-of-scope-use", "limitations", "contact", "citation", "checkpoints", "training-logs"]}},
})
def practice(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    if ctx.release.card is None:
        return
    if ctx.disclosure.practice.get(options["item"]) is None:
        file, line = ctx.anchor()
        yield Hit({"item": options["item"].replace("-", " ")}, file, line)


@check("placeholders")
def placeholders(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    found = ctx.disclosure.placeholders
    if found:
        first = found[0]
        yield Hit({"count": len(found), "line": first.line}, first.file, first.line, snippet=first.snippet)


@check("open-washing", {
    "type": "object", "additionalProperties": False, "properties": {"core": {"type": "array", "items": {"type": "string"}}},
})
def open_washing(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    claims = ctx.disclosure.open_claims
    if not claims:
        return
    weights = ctx.components["deployment.data.weights"]
    core = options.get("core", ["training.data.pretraining", "training.code.pretraining"])
    closed = [ctx.components[c].component.title.lower() for c in core if ctx.components[c].level == 1]
    reasons = []
    if weights.level is not None and weights.level < 5:
        reasons.append(f"the weights are {weights.label} ({weights.licence.id if weights.licence else 'no identified licence'})")
    if closed:
        reasons.append(f"{' and '.join(closed)} {'are' if len(closed) > 1 else 'is'} closed")
    if reasons:
        claim = claims[0]
        yield Hit({"claim": claim.snippet, "reasons": "; ".join(reasons)}, claim.file, claim.line, "deployment.data.weights", claim.snippet)


@check("declaration-missing")
def declaration_missing(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    if ctx.release.declaration is None and not any(p.kind.startswith("declaration.") for p in ctx.release.problems):
        file, line = ctx.anchor()
        yield Hit({}, file, line)


@check("safety-results", {"type": "object", "additionalProperties": False})
def safety_results(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    """A safety evaluation is claimed, but no number is reported with it."""
    card = ctx.release.card
    signals = ctx.disclosure.components["evaluation.code.safety"]
    if card is None or not signals.described:
        return
    number = re.compile(r"\d+(\.\d+)?\s*%|\b0?\.\d+\b|\|\s*\d+(\.\d+)?\s*\|")
    for evidence in signals.described:
        if evidence.line is None:
            continue
        section = card.section_at(evidence.line)
        start, end = (section.line, min(section.end, section.line + 80)) if section else (evidence.line, evidence.line + 5)
        if any(number.search(card.line(n)) for n in range(start, end + 1)):
            return
    # quote the sentence that makes the claim rather than a section heading
    first = next((e for e in signals.described if not e.snippet.startswith("#")), signals.described[0])
    yield Hit({}, first.file, first.line, "evaluation.code.safety", first.snippet)
