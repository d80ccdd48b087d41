"""The European Open Source AI Index: open / partial / closed on the dimensions openlint's evidence speaks to, as the
index defines them, and "cannot tell" with the reason on the others. The index has no overall class; the verdict
counts the dimensions."""

from __future__ import annotations

from openlint.analysis.model import Assessment, ComponentResult
from openlint.crosswalk import evidence
from openlint.crosswalk.licence import component_licence, gated
from openlint.crosswalk.model import CANNOT_TELL, FrameworkVerdict, ItemVerdict
from openlint.knowledge import taxonomy
from openlint.knowledge.crosswalk import Framework, Item, in_sets

OPEN, PARTIAL, CLOSED = "open", "partial", "closed"


def _freely(assessment: Assessment, item: Item, result: ComponentResult) -> bool:
    licence = component_licence(result)
    return licence is not None and in_sets(licence, item.licences) and not gated(assessment, result)


def _availability(assessment: Assessment, item: Item) -> tuple[str, str]:
    found = evidence.parts(assessment, item.evidence)
    if found.empty:
        return CANNOT_TELL, "no openlint component applies"
    if found.unknown:
        return CANNOT_TELL, "not assessed: " + evidence.names(found.unknown)
    if found.released and not found.withheld and all(_freely(assessment, item, r) for r in found.released):
        return OPEN, "freely available under an open licence: " + evidence.names(found.released)
    if found.released or any(r.status == "described" for r in found.results):
        return PARTIAL, "partly shared, restricted, gated or only described: " + evidence.names(found.results)
    return CLOSED, "not made available: " + evidence.names(found.results)


def _base_weights(assessment: Assessment, item: Item) -> tuple[str, str]:
    bases = assessment.disclosure.base_models or tuple(a.repo_id for a in assessment.release.lineage)
    if bases:
        return CANNOT_TELL, f"the base model ({', '.join(bases[:3])}) decides, and openlint grades only this release's weights"
    verdict, reason = _availability(assessment, item)
    return verdict, "no base model named, so the end model's entry is mirrored: " + reason


def _group(result: ComponentResult) -> str:
    return "weights" if result.component.role == taxonomy.by_role("weights").role else result.component.side


def _open_groups(item: Item, found: evidence.Parts) -> tuple[list[str], int]:
    """The groups (weights, code, data) whose every applicable component is released under an open licence."""
    groups: dict[str, bool] = {}
    for result in found.results:
        ok = result.status == "released" and in_sets(component_licence(result) or "", item.licences)
        groups[_group(result)] = groups.get(_group(result), True) and ok
    return sorted(name for name, ok in groups.items() if ok), len(groups)


def _licences(assessment: Assessment, item: Item) -> tuple[str, str]:
    found = evidence.parts(assessment, item.evidence)
    if found.unknown:
        return CANNOT_TELL, "not assessed: " + evidence.names(found.unknown)
    unidentified = tuple(r for r in found.released if component_licence(r) is None)
    if unidentified:
        return CANNOT_TELL, "licence not identified: " + evidence.names(unidentified)
    open_groups, count = _open_groups(item, found)
    if open_groups and len(open_groups) == count:
        return OPEN, "every component is released under an open licence"
    listed = ", ".join(open_groups) or "none"
    if len(open_groups) >= 2:
        return PARTIAL, f"openly licensed: {listed}; not: " + evidence.names(tuple(r for r in found.results if _group(r) not in open_groups))
    return CLOSED, f"openly licensed: {listed} (fewer than two of weights, code and data)"


def _model_card(assessment: Assessment, item: Item) -> tuple[str, str]:
    if evidence.card_unread(assessment):
        return CANNOT_TELL, "the model card could not be read (an incomplete check)"
    if not evidence.has_card(assessment):
        return CLOSED, "no model card"
    seen = {name: evidence.practice(assessment, name) for name in item.evidence.practice}
    if any(value is None for value in seen.values()):
        return CANNOT_TELL, "openlint's vocabulary does not know " + ", ".join(k for k, v in seen.items() if v is None)
    lacking = [name for name, value in seen.items() if not value]
    if lacking:
        return PARTIAL, "the card lacks " + ", ".join(lacking)
    return OPEN, "the card has " + ", ".join(seen)


RULES = {"availability": _availability, "base-weights": _base_weights, "licences": _licences, "model-card": _model_card}


def _verdict(assessment: Assessment, item: Item) -> ItemVerdict:
    verdict, reason = RULES[item.rule](assessment, item) if item.rule else (CANNOT_TELL, item.evidence.reason)
    return ItemVerdict(item.id, item.name, verdict, reason, item.source)


def evaluate(assessment: Assessment, framework: Framework) -> FrameworkVerdict:
    items = tuple(_verdict(assessment, item) for item in framework.items)
    counts = {v: sum(1 for i in items if i.verdict == v) for v in (OPEN, PARTIAL, CLOSED, CANNOT_TELL)}
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    grouped = "; ".join(f"{v}: " + ", ".join(i.id for i in items if i.verdict == v) for v in (OPEN, PARTIAL, CLOSED) if counts[v])
    return FrameworkVerdict(framework.id, framework.name, framework.version, framework.source, summary,
                            grouped or "no dimension openlint can speak to", items)
