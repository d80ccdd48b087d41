"""The Model Openness Framework v1.0: which of its 17 components openlint's evidence shows, under an open licence of
the right kind, and the class (III open model, II open tooling, I open science) that follows.

A component passes with an open licence that suits its content type, passes conditionally with an open licence of
another type, and fails when it is not included, unlicensed, or under a licence that is not open (custom model
licences such as Llama's or RAIL). A class is met when every required component of it and of the classes below it
passes; one component openlint cannot tell about leaves the class "cannot tell", never met.
"""

from __future__ import annotations

from openlint.analysis.model import Assessment
from openlint.crosswalk import evidence
from openlint.crosswalk.licence import component_licence, release_licence
from openlint.crosswalk.model import CANNOT_TELL, FrameworkVerdict, ItemVerdict
from openlint.knowledge.crosswalk import Framework, Item, in_sets

OPEN, CONDITIONAL, NOT_OPEN, NOT_INCLUDED = "open", "open (conditional)", "not open", "not included"
PASSES = (OPEN, CONDITIONAL)
RANK = {NOT_INCLUDED: 4, NOT_OPEN: 3, CANNOT_TELL: 2, CONDITIONAL: 1, OPEN: 0}
CLASSES = ((3, "III"), (2, "II"), (1, "I"))


def judge_licence(framework: Framework, item: Item, licence: str | None, missing: str = "") -> tuple[str, str]:
    """A verdict and its reason for one licence applied to one component."""
    if licence is None:
        if missing == "unstated":
            return NOT_OPEN, "no licence is stated; the MOF counts an unlicensed component as failing"
        return CANNOT_TELL, f"licence {missing or 'not identified'}"
    if any(in_sets(licence, framework.suits(kind)) for kind in item.content_types):
        return OPEN, f"{licence} is open and suits {'/'.join(item.content_types)}"
    every = tuple(s for kind in ("code", "data", "document") for s in framework.suits(kind))
    if in_sets(licence, every):
        return CONDITIONAL, f"{licence} is open but not meant for {'/'.join(item.content_types)} (a conditional pass)"
    return NOT_OPEN, f"{licence} is not an OSI-approved, FSF-libre or open-data licence"


def _worst(verdicts: list[tuple[str, str]]) -> tuple[str, str]:
    verdict = max((v for v, _ in verdicts), key=RANK.__getitem__)
    return verdict, "; ".join(reason for v, reason in verdicts if v == verdict)


def _components(assessment: Assessment, framework: Framework, item: Item) -> tuple[str, str, str | None]:
    found = evidence.parts(assessment, item.evidence)
    if found.empty:
        return CANNOT_TELL, "every openlint component behind it is not applicable to this release", None
    if found.withheld:
        return NOT_INCLUDED, "openlint found no release of " + evidence.names(found.withheld), None
    if found.unknown:
        return CANNOT_TELL, "not assessed: " + evidence.names(found.unknown), None
    judged = []
    for result in found.released:
        verdict, why = judge_licence(framework, item, component_licence(result), "not identified")
        judged.append((verdict, f"{result.component.title}: {why}"))
    verdict, reason = _worst(judged)
    licences = sorted({component_licence(r) or "?" for r in found.released})
    return verdict, reason, ",".join(licences)


def _documented(assessment: Assessment, item: Item) -> tuple[bool | None, str]:
    found = evidence.parts(assessment, item.evidence)
    if found.empty or found.unknown:
        return None, "the training data could not be assessed"
    shown = all(r.status in evidence.DOCUMENTED for r in found.results)
    return shown, "the card's description of " + evidence.names(found.results)


def _section(assessment: Assessment, item: Item) -> tuple[bool | None, str]:
    where = evidence.card_section(assessment, item.evidence)
    return (True, where) if where else (None, "no evaluation results in the card; they may be in a paper")


def _practice(assessment: Assessment, item: Item) -> tuple[bool | None, str]:
    names = ", ".join(item.evidence.practice)
    if all(evidence.practice(assessment, name) for name in item.evidence.practice):
        return True, f"the card mentions {names}"
    return None, f"the card does not mention {names}"


def _link(assessment: Assessment, item: Item) -> tuple[bool | None, str]:
    url = evidence.link(assessment, item.evidence)
    return (True, f"the card links {url}") if url else (None, "the card links no paper or report (one may exist elsewhere)")


def _card(assessment: Assessment, item: Item) -> tuple[bool | None, str]:
    return evidence.has_card(assessment), "the model card"


# whether a document-like component is there (None: cannot tell), and what shows it
PRESENCE = {"card": _card, "documented": _documented, "card-section": _section, "practice": _practice, "link": _link}


def _document(assessment: Assessment, framework: Framework, item: Item) -> tuple[str, str, str | None]:
    if evidence.card_unread(assessment):  # every document item is read from the card
        return CANNOT_TELL, "the model card could not be read (an incomplete check)", None
    present, shown = PRESENCE[item.evidence.kind](assessment, item)
    if present is None:
        return CANNOT_TELL, shown, None
    if not present:
        return NOT_INCLUDED, f"not found ({shown})", None
    licence, missing = release_licence(assessment)
    verdict, why = judge_licence(framework, item, licence, missing)
    return verdict, f"{shown}, under the release's licence: {why}", licence


def _item(assessment: Assessment, framework: Framework, item: Item) -> ItemVerdict:
    if item.evidence.kind == "none":
        verdict, reason, licence = CANNOT_TELL, item.evidence.reason, None
    elif item.evidence.kind == "components":
        verdict, reason, licence = _components(assessment, framework, item)
    else:
        verdict, reason, licence = _document(assessment, framework, item)
    return ItemVerdict(item.id, item.name, verdict, reason, item.source, item.klass, item.required, licence)


def _class_state(items: tuple[ItemVerdict, ...], klass: int) -> str:
    needed = [i for i in items if i.required and (i.klass or 0) >= klass]
    if all(i.verdict in PASSES for i in needed):
        return "met"
    if any(i.verdict in (NOT_OPEN, NOT_INCLUDED) for i in needed):
        return "not met"
    return CANNOT_TELL


def _reason(items: tuple[ItemVerdict, ...], states: tuple[tuple[str, str], ...]) -> str:
    passed = sum(1 for i in items if i.verdict in PASSES)
    reason = f"{passed} of {len(items)} components pass"
    unmet = next(((number, name) for (number, name), (_, state) in zip(CLASSES, states) if state != "met"), None)
    if unmet is None:
        return reason
    blocking = [i for i in items if i.required and (i.klass or 0) >= unmet[0] and i.verdict not in PASSES]
    return reason + f"; Class {unmet[1]} needs " + "; ".join(f"{i.name} ({i.verdict}: {i.reason})" for i in blocking[:4])


def evaluate(assessment: Assessment, framework: Framework) -> FrameworkVerdict:
    items = tuple(_item(assessment, framework, item) for item in framework.items)
    states = tuple((name, _class_state(items, number)) for number, name in CLASSES)
    met = [name for name, state in states if state == "met"]
    if met:
        verdict = f"Class {met[-1]}"
    else:
        verdict = "not met" if states[0][1] == "not met" else CANNOT_TELL
    return FrameworkVerdict(framework.id, framework.name, framework.version, framework.source, verdict,
                            _reason(items, states), items, states)
