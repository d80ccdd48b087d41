"""Checks on the release as a whole: problems found while reading it, practice, placeholders, claims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openlint.analysis.model import Assessment
from openlint.knowledge import patterns, taxonomy
from openlint.rules.registry import Hit, anchor, check

# each number tried once from its first digit (the lookbehind): from every digit of a long run it was quadratic
_RE = patterns.Constants(__name__)
_NUMBER = _RE(r"(?<!\d)\d+(\.\d+)?\s*%|\b0?\.\d+\b|\|\s*\d+(\.\d+)?\s*\|")
SECTION_READ = 80  # lines of a safety section searched for a reported number


@check("problem", {
    "type": "object", "required": ["kinds"], "additionalProperties": False,
    "properties": {"kinds": {"type": "array", "minItems": 1, "items": {"type": "string"}}},
})
def problem(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    kinds = set(options["kinds"])
    for item in assessment.problems:
        if item.kind in kinds:
            file, line = (item.file, item.line) if item.file else anchor(assessment)
            yield Hit({"file": item.file or "the release", "detail": item.detail, **item.data}, file, line,
                      item.data.get("component"), key=f"{item.kind}:{item.file}:{item.detail}")


_ITEM_NAMES = {"out-of-scope-use": "out-of-scope use"}  # the rest read as their words


@check("practice", {
    "type": "object", "required": ["item"], "additionalProperties": False,
    "properties": {"item": {"enum": ["intended-use", "out-of-scope-use", "limitations", "contact", "citation", "checkpoints", "training-logs"]}},
})
def practice(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    card = assessment.release.card
    # a card that could not be read (a partial check) is not a card without the section
    if card is not None and not assessment.release.unread(card.path) and assessment.disclosure.practice.get(options["item"]) is None:
        file, line = anchor(assessment)
        yield Hit({"item": _ITEM_NAMES.get(options["item"], options["item"].replace("-", " "))}, file, line)


@check("placeholders")
def placeholders(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    found = assessment.disclosure.placeholders
    if found:
        first = found[0]
        yield Hit({"count": len(found), "line": first.line}, first.file, first.line, snippet=first.snippet)


@check("open-washing", {
    "type": "object", "required": ["core"], "additionalProperties": False,
    "properties": {"core": {"type": "array", "minItems": 1, "items": {"type": "string"}}},
})
def open_washing(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    claims = assessment.disclosure.open_claims
    if not claims:
        return
    components = assessment.components
    weights = components[taxonomy.by_role("weights").id]
    closed = [components[c].component.title.lower() for c in options["core"] if components[c].level == 1]
    reasons = []
    if weights.level is not None and weights.level < 5:
        reasons.append(f"the weights are {weights.label} ({_weights_why(weights)})")
    if closed:
        reasons.append(f"{' and '.join(closed)} {'are' if len(closed) > 1 else 'is'} closed")
    if reasons:
        claim = claims[0]
        yield Hit({"claim": claim.snippet, "reasons": "; ".join(reasons)}, claim.file, claim.line, weights.id, claim.snippet)


def _weights_why(weights: Any) -> str:
    # weights that are not there are not released, whatever the release's licence says
    if weights.status != "released":
        return "not released" if weights.status in ("not-released", "undisclosed") else weights.status.replace("-", " ")
    return weights.licence.id if weights.licence else "no identified licence"


@check("declaration-missing")
def declaration_missing(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    release = assessment.release
    unread = release.card is not None and release.unread(release.card.path)  # the card may hold the declaration
    if release.declaration is None and not unread and not any(p.kind.startswith("declaration.") for p in assessment.problems):
        file, line = anchor(assessment)
        yield Hit({}, file, line)


@check("safety-results")
def safety_results(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    """A safety evaluation is claimed, but no number is reported with it."""
    card = assessment.release.card
    code = taxonomy.by_role("safety-evaluation-code").id
    described = assessment.disclosure.components[code].described
    if card is None or not described:
        return
    for evidence in described:
        if evidence.line is None:
            continue
        section = card.section_at(evidence.line)
        start, end = (section.line, min(section.end, section.line + SECTION_READ)) if section else (evidence.line, evidence.line + 5)
        if any(_NUMBER.search(card.line(n)) for n in range(start, end + 1)):
            return
    # quote the sentence that makes the claim rather than a section heading
    first = next((e for e in described if not e.snippet.startswith("#")), described[0])
    yield Hit({}, first.file, first.line, code, first.snippet)
