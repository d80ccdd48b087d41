"""The OSI Open Source AI Definition 1.0: a verdict on each element of the preferred form to make modifications
(data information, code, parameters) with its reason, and on the whole: it meets only when every element does."""

from __future__ import annotations

from openlint.analysis.model import Assessment
from openlint.crosswalk import evidence
from openlint.crosswalk.licence import component_licence, gated
from openlint.crosswalk.model import CANNOT_TELL, FrameworkVerdict, ItemVerdict
from openlint.knowledge.crosswalk import Framework, Item, in_sets

MEETS, FAILS = "meets", "does not meet"


def _data_information(assessment: Assessment, item: Item) -> tuple[str, str]:
    found = evidence.parts(assessment, item.evidence)
    if found.empty:
        return CANNOT_TELL, "no training-data component applies"
    silent = tuple(r for r in found.results if r.status == "undisclosed")
    if silent:
        return FAILS, "the release says nothing about " + evidence.names(silent)
    if found.unknown:
        return CANNOT_TELL, "not assessed: " + evidence.names(found.unknown)
    if found.withheld:
        return CANNOT_TELL, ("not released: " + evidence.names(found.withheld) + "; OSAID asks for data information, and "
                             "whether what the release says lets a skilled person build a substantially equivalent system is beyond openlint")
    return MEETS, "training data released: " + evidence.names(found.released)


def _licence_problems(assessment: Assessment, item: Item, found: evidence.Parts) -> tuple[list[str], list[str]]:
    """Components under terms that fail the element, and those openlint cannot rule on."""
    failing, unsure = [], []
    for result in found.released:
        licence = component_licence(result)
        if licence is None:
            unsure.append(f"{result.component.title}: licence not identified")
        elif in_sets(licence, item.undecided_licences):
            unsure.append(f"{result.component.title}: {licence} is not a software licence and OSI has not said whether it counts as OSI-approved terms")
        elif not in_sets(licence, item.licences):
            failing.append(f"{result.component.title}: {licence} is not OSI-approved")
        elif gated(assessment, result):
            unsure.append(f"{result.component.title}: downloads are gated (access is asked for), which may not grant use 'without having to ask for permission'")
    return failing, unsure


def _osi_licensed(assessment: Assessment, item: Item) -> tuple[str, str]:
    found = evidence.parts(assessment, item.evidence)
    if found.empty:
        return CANNOT_TELL, "no component applies"
    if found.withheld:
        return FAILS, "not released: " + evidence.names(found.withheld)
    failing, unsure = _licence_problems(assessment, item, found)
    if failing:
        return FAILS, "; ".join(failing)
    if found.unknown:
        return CANNOT_TELL, "not assessed: " + evidence.names(found.unknown)
    if unsure:
        return CANNOT_TELL, "; ".join(unsure)
    return MEETS, "released under OSI-approved licences: " + evidence.names(found.released)


RULES = {"data-information": _data_information, "osi-licensed": _osi_licensed}


def evaluate(assessment: Assessment, framework: Framework) -> FrameworkVerdict:
    items = []
    for item in framework.items:
        verdict, reason = RULES[item.rule or "osi-licensed"](assessment, item)
        items.append(ItemVerdict(item.id, item.name, verdict, reason, item.source))
    verdicts = [i.verdict for i in items]
    overall = FAILS if FAILS in verdicts else CANNOT_TELL if CANNOT_TELL in verdicts else MEETS
    deciding = [i for i in items if i.verdict == overall] if overall != MEETS else items
    reason = "; ".join(f"{i.name}: {i.verdict}" for i in deciding)
    return FrameworkVerdict(framework.id, framework.name, framework.version, framework.source, overall, reason, tuple(items))
