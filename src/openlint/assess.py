"""From evidence to a level for each of the 12 components.

Order of precedence for a component: the releaser's declaration; then concrete pointers found in the release
(released); then statements that it was withheld (not released); then prose describing it (described, not
released); otherwise undisclosed. Stages that do not exist are N/A and never lower a grade. A released
component's level follows from its licence's rubric points (licences.py); a licence that cannot be identified
earns no points, so the level is what the release can show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openlint import bundled, licences, taxonomy
from openlint.disclosure import Disclosure, Pointer
from openlint.release import Evidence, LicenceClaim, Problem, Release

STATUS_TEXT = {
    "released": "released",
    "api-only": "available only through a paid API",
    "described": "described, not released",
    "not-released": "declared not released",
    "undisclosed": "undisclosed",
    "not-applicable": "not applicable",
}
# which stage decides whether a component exists at all
_STAGE_OF = {
    "training.code.finetuning": "finetuning", "training.data.sft": "finetuning",
    "training.code.alignment": "alignment", "training.data.alignment": "alignment",
    "evaluation.data.utility": "internal_benchmarks",
}


@dataclass
class ReleaseLicence:
    licence: licences.Licence | None
    claim: LicenceClaim | None
    claims: list[LicenceClaim]


@dataclass
class ComponentResult:
    component: taxonomy.Component
    status: str
    level: int | None
    licence: licences.Licence | None = None
    licence_raw: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    pointers: list[Pointer] = field(default_factory=list)
    note: str = ""
    declared: bool = False

    @property
    def id(self) -> str:
        return self.component.id

    @property
    def label(self) -> str:
        return taxonomy.label(self.component.side, self.level)

    @property
    def category(self) -> str:
        return taxonomy.category(self.level)

    @property
    def points(self) -> int | None:
        if self.status != "released":
            return None
        return self.licence.points if self.licence else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.component.title, "stage": self.component.stage, "side": self.component.side,
            "status": self.status, "level": self.level, "label": self.label, "category": self.category,
            "licence": self.licence.id if self.licence else None,
            "licence_stated": self.licence_raw,
            "rubric": {"points": self.points, "grants": list(self.licence.grants) if self.licence else []} if self.status == "released" else None,
            "declared": self.declared, "note": self.note,
            "evidence": [e.to_dict() for e in self.evidence[:5]],
            "pointers": [p.to_dict() for p in self.pointers[:10]],
        }


def release_licence(release: Release) -> ReleaseLicence:
    """The release's own licence: card metadata first, then licence files, weight headers, card prose."""
    claims = [c for c in release.licences if c.scope == "release" or c.scope.startswith("file:")]
    order = {"card-metadata": 0, "licence-file": 1, "weights-header": 2, "hub": 3, "card-text": 4}
    ranked = sorted(claims, key=lambda c: order.get(c.evidence.source, 9))
    for claim in ranked:
        licence = licences.lookup(claim.licence_id)
        if licence and licence.identified:
            return ReleaseLicence(licence, claim, claims)
    return ReleaseLicence(None, ranked[0] if ranked else None, claims)


def assess(release: Release, disclosure: Disclosure) -> dict[str, ComponentResult]:
    own = release_licence(release)
    results: dict[str, ComponentResult] = {}
    declaration = release.declaration
    for cid, component in taxonomy.components().items():
        declared = declaration.components.get(cid) if declaration else None
        if declared is not None:
            results[cid] = _from_declaration(release, component, declared, own)
        else:
            results[cid] = _from_evidence(release, component, disclosure, own)
    return results


GATED_MAX = 4  # gated: public with limits on access, so semi-open whatever the licence (taxonomy.md, section 2)


def _level(component: taxonomy.Component, licence: licences.Licence | None, gated: bool = False) -> int:
    level = licences.level(component.side, licence.points if licence else 0)
    return min(level, GATED_MAX) if gated else level


def gated(release: Release) -> Evidence | None:
    """Evidence that the release's own files are gated: the Hub's flag, or the card's extra_gated_* fields."""
    if release.hub is not None and release.hub.gated:
        return Evidence(None, None, f"gated on the Hub ({release.hub.gated})", "hub")
    card = release.card
    if card is not None:
        key = next((k for k in card.metadata if (k == "gated" and card.metadata[k]) or k.startswith("extra_gated")), None)
        if key is not None:
            return Evidence(card.path, card.key_line(key), f"{key}: access is gated", "card-metadata")
    return None


def _weakest(pointers: list[Pointer], fallback: licences.Licence | None) -> tuple[licences.Licence | None, str | None]:
    """A component made of several parts is as open as its most restrictive part."""
    weakest: licences.Licence | None = None
    raw = None
    for pointer in pointers:
        licence = licences.lookup(pointer.licence) if pointer.licence else (fallback if pointer.kind == "path" else None)
        if licence is None or not licence.identified:
            return None, pointer.licence
        if weakest is None or licence.points < weakest.points:
            weakest, raw = licence, pointer.licence or licence.id
    return weakest, raw


def _from_evidence(release: Release, component: taxonomy.Component, disclosure: Disclosure, own: ReleaseLicence) -> ComponentResult:
    cid = component.id
    signals = disclosure.components[cid]
    stage = _STAGE_OF.get(cid)
    if stage and not disclosure.stages[stage].present:
        info = disclosure.stages[stage]
        return ComponentResult(component, "not-applicable", None, evidence=[info.evidence] if info.evidence else [], note=info.note)

    if cid == "deployment.data.weights" and release.weights:
        # broken or LFS-pointer files still show the weights exist; their problems are findings of their own
        evidence = [Evidence(w.path, None, f"{w.format}, {w.size} bytes", "file") for w in release.weights[:5]]
        if own.claim:
            evidence.insert(0, own.claim.evidence)
        gate = gated(release)
        note = _licence_note(own)
        if gate is not None:
            evidence.append(gate)
            note += "; gated, so semi-open at most"
        level = _level(component, own.licence, gate is not None)
        return ComponentResult(component, "released", level, own.licence, own.claim.raw if own.claim else None, evidence,
                               note=note, pointers=[])
    if cid == "deployment.code.inference":
        paths = [p for p in signals.pointers if p.kind == "path"]
        library = [p for p in signals.pointers if p.kind == "library"]
        if paths or library:
            # custom modelling code ships under the release's licence and is needed alongside the library
            parts = library + paths
            licence, raw = _weakest(parts, own.licence)
            evidence = [p.evidence for p in parts[:5]]
            return ComponentResult(component, "released", _level(component, licence), licence, raw, evidence, parts,
                                   note="Inference runs on " + ", ".join(p.target for p in parts[:3]))

    if signals.pointers:
        licence, raw = _weakest(signals.pointers, own.licence)
        limited = any(p.gated for p in signals.pointers)
        note = "" if licence else "No licence could be identified for " + ", ".join(p.target for p in signals.pointers[:3] if not p.licence or not licences.lookup(p.licence))
        if licence is None and release.source == "local" and any(p.kind == "hub-dataset" and not p.licence for p in signals.pointers):
            note += " (Hub dataset licences are looked up only when checking a Hub repository)"
        if limited:
            note = (note + "; " if note else "") + "gated, so semi-open at most"
        return ComponentResult(component, "released", _level(component, licence, limited), licence, raw,
                               [p.evidence for p in signals.pointers[:5]], signals.pointers, note=note)
    if signals.withheld:
        return ComponentResult(component, "not-released", 1, evidence=signals.withheld[:5], note="The card says it was not released")
    if signals.described:
        return ComponentResult(component, "described", 1, evidence=signals.described[:5], note="Described in the card without a pointer to the artefact")
    return ComponentResult(component, "undisclosed", 1, note="The release says nothing about it")


def _licence_note(own: ReleaseLicence) -> str:
    if own.licence:
        return f"Licence {own.licence.id} from {own.claim.evidence.source if own.claim else 'the release'}"
    if own.claim:
        return f"Licence {own.claim.raw!r} could not be identified: no rubric points"
    return "No licence found: no rubric points"


def _from_declaration(release: Release, component: taxonomy.Component, declared: Any, own: ReleaseLicence) -> ComponentResult:
    declaration = release.declaration
    assert declaration is not None
    evidence = [Evidence(declaration.path, declared.line, f"{component.id}: {declared.status}" + (f" ({declared.note})" if declared.note else ""), "declaration")]
    status = declared.status
    if status == "not-applicable":
        return ComponentResult(component, "not-applicable", None, evidence=evidence, note=declared.note or "Declared not applicable", declared=True)
    if status == "not-released":
        return ComponentResult(component, "not-released", 1, evidence=evidence, note=declared.note or "Declared not released", declared=True)
    if status == "api-only":
        level = int(bundled.load("taxonomy")["levels"]["api_only"].get(component.side, 1))
        return ComponentResult(component, "api-only", level, evidence=evidence, note=declared.note or "Declared available only through an API", declared=True)
    raw = declared.licence
    licence = licences.lookup(raw) if raw else None
    if raw is None and (component.id in ("deployment.data.weights", "deployment.code.inference")
                        or all(_is_inside(release, loc) for loc in declared.locations)):
        # the release's own licence covers what it ships
        licence, raw = own.licence, (own.claim.raw if own.claim else None)
    pointers = [Pointer(_pointer_kind(release, loc), loc, evidence[0], raw) for loc in declared.locations]
    _check_declared(release, component, declared, licence)
    gate = gated(release) if all(_is_inside(release, loc) for loc in declared.locations) else None
    if gate is not None:
        evidence.append(gate)
    level = _level(component, licence if licence and licence.identified else None, gate is not None)
    return ComponentResult(component, "released", level, licence, raw, evidence, pointers, note=declared.note or "", declared=True)


def _is_inside(release: Release, location: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*://", location)


def _pointer_kind(release: Release, location: str) -> str:
    if location.startswith("hf://datasets/"):
        return "hub-dataset"
    if location.startswith("hf://"):
        return "hub-model"
    if re.match(r"^https?://", location):
        return "url"
    return "path"


def _check_declared(release: Release, component: taxonomy.Component, declared: Any, licence: licences.Licence | None) -> None:
    """Declared claims are checked where the release can show them."""
    declaration = release.declaration
    assert declaration is not None
    problems = release.problems
    for location in declared.locations:
        if _is_inside(release, location):
            path = location.strip("/").removeprefix("./")
            if ".." in path.split("/") or not (release.has_file(path) or release.has_dir(path)):
                problems.append(Problem("declaration.path-missing", declaration.path, declared.line,
                                        f"{component.id} is declared at {location!r}, which is not in the release", {"component": component.id}))
        elif location.startswith("hf://"):
            repo = location.removeprefix("hf://").removeprefix("datasets/")
            linked = release.linked.get(repo)
            if linked is not None and linked.exists is False:
                problems.append(Problem("declaration.path-missing", declaration.path, declared.line,
                                        f"{component.id} is declared at {location!r}, which does not exist on the Hub", {"component": component.id}))
    if declared.licence and (licence is None or not licence.identified):
        problems.append(Problem("declaration.licence-unknown", declaration.path, declared.line,
                                f"{component.id} declares licence {declared.licence!r}, which openlint does not know", {"component": component.id}))
    if component.id == "deployment.data.weights" and not release.weights and all(_is_inside(release, loc) for loc in declared.locations):
        problems.append(Problem("declaration.weights-absent", declaration.path, declared.line,
                                "the weights are declared released in this release, but it holds no weight file", {"component": component.id}))
