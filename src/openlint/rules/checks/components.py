"""Checks on the components' status and level."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openlint.analysis.model import STATUS_TEXT, Assessment, ComponentResult
from openlint.knowledge.licences import RUBRIC, lookup
from openlint.release.model import Evidence
from openlint.rules.registry import Hit, check, where

_STATUSES = {"type": "array", "minItems": 1, "items": {"enum": list(STATUS_TEXT)}}
_COMPONENT = {"type": "string", "pattern": r"^(training|evaluation|deployment)\.(code|data)\.[a-z]+$"}


@check("component-status", {
    "type": "object", "required": ["component", "statuses"], "additionalProperties": False,
    "properties": {"component": _COMPONENT, "statuses": _STATUSES},
})
def component_status(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    result = assessment.components[options["component"]]
    if result.status in options["statuses"]:
        file, line, quote = where(assessment, result.evidence)
        yield Hit({"component": result.component.title, "status": STATUS_TEXT[result.status], "label": result.label, "note": result.note},
                  file, line, result.id, quote, result.id)


@check("restrictive-licence", {
    "type": "object", "additionalProperties": False, "properties": {"below": {"type": "integer", "minimum": 2, "maximum": 5}},
})
def restrictive_licence(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    below = options.get("below", 5)
    for result in assessment.components.values():
        # a level that follows from no one licence (a catalogued root's mix of parts) is not "under" a licence:
        # the component's note says why it is what it is
        if result.status == "released" and result.level is not None and result.level < below and result.points is not None:
            missing = [g for g in RUBRIC if not result.licence or g not in result.licence.grants]
            if not missing:
                continue  # the licence grants everything: what limits it is the gate (gated-access)
            file, line, quote = where(assessment, _setting_the_licence(result))
            name = result.licence.id if result.licence else (result.licence_raw or "no identified licence")
            yield Hit({"component": result.component.title, "label": result.label, "licence": name, "points": result.points or 0,
                       "missing": ", ".join(missing)}, file, line, result.id, quote, result.id)


def _setting_the_licence(result: ComponentResult) -> tuple[Evidence, ...]:
    """The evidence of the part whose licence sets the level (the most restrictive of several datasets), so that the
    finding points at what to fix; the component's evidence when no one part's can be told."""
    def sets(licence: str | None) -> bool:
        found = lookup(licence) if licence else None
        if result.licence is not None:
            return found is not None and found.id == result.licence.id
        return licence is not None and (licence == result.licence_raw or found is None or not found.identified)

    return tuple(p.evidence for p in result.pointers if sets(p.licence)) or result.evidence


@check("gated-access", {"type": "object", "additionalProperties": False, "properties": {}})
def gated_access(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    """A released component below level 5 although its licence grants every rubric point: access is gated."""
    for result in assessment.components.values():
        if result.status == "released" and result.level is not None and result.level < 5 and result.licence is not None \
                and all(g in result.licence.grants for g in RUBRIC):
            # pointed at the gate (the card's extra_gated_* field, a gated dataset), not at the licence
            gate = tuple(e for e in result.evidence if "gated" in e.snippet) or result.evidence
            file, line, quote = where(assessment, gate)
            yield Hit({"component": result.component.title, "label": result.label, "licence": result.licence.id}, file, line, result.id, quote, result.id)
