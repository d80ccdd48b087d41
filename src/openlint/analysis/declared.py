"""Levels from the releaser's own declaration, which takes precedence over what openlint reads; and the checks of
what a declaration claims, where the release can show it (a declared path that is not there, an unknown licence)."""

from __future__ import annotations

import re

from openlint.analysis.components import level
from openlint.analysis.licence import gated
from openlint.analysis.model import ComponentResult, Pointer, ReleaseLicence
from openlint.knowledge import licences, patterns, taxonomy
from openlint.knowledge.taxonomy import Component
from openlint.release.model import DeclaredComponent, Evidence, Problem, Release

_RE = patterns.Constants(__name__)
_SCHEME = _RE(r"^[a-z][a-z0-9+.-]*://")


def is_inside(location: str) -> bool:
    return not _SCHEME.match(location)


def pointer_kind(location: str) -> str:
    if location.startswith("hf://datasets/"):
        return "hub-dataset"
    if location.startswith("hf://"):
        return "hub-model"
    if re.match(r"^https?://", location):
        return "url"
    return "path"


_NOT_RELEASED = {
    "not-applicable": ("not-applicable", "Declared not applicable"),
    "not-released": ("not-released", "Declared not released"),
    "api-only": ("api-only", "Declared available only through an API"),
}


def _waved_away(component: Component, declared: DeclaredComponent) -> bool:
    """Declared not applicable, though every model has it (no exists_if: pre-training, inference code, weights)."""
    return declared.status == "not-applicable" and component.exists_if is None


def from_declaration(release: Release, component: Component, declared: DeclaredComponent, own: ReleaseLicence) -> ComponentResult | None:
    """The declared level; None when the release contradicts a declared release (what it points to is not there):
    then openlint's own reading stands, and the contradiction is a finding (problems())."""
    path = release.declaration.path if release.declaration else None
    stated = f"{component.id}: {declared.status}" + (f" ({declared.note})" if declared.note else "")
    evidence = Evidence(path, declared.line, stated, "declaration")
    if _waved_away(component, declared):
        return None  # a component every model has cannot be waved away (problems(): OLD007); the reading stands
    if declared.status in _NOT_RELEASED:
        status, default_note = _NOT_RELEASED[declared.status]
        value = {"not-applicable": None, "not-released": 1}.get(status, taxonomy.api_only_level(component.side))
        return ComponentResult(component, status, value, evidence=(evidence,), note=declared.note or default_note, declared=True)
    return _released(release, component, declared, own, evidence)


def _released(release: Release, component: Component, declared: DeclaredComponent, own: ReleaseLicence, evidence: Evidence) -> ComponentResult | None:
    if _absent(release, component, declared):
        return None  # a claim the release contradicts is no release
    raw = declared.licence
    licence = licences.lookup(raw) if raw else None
    inside = all(is_inside(location) for location in declared.locations)
    if raw is None and (component.covered_by_release_licence or inside):
        # the release's own licence covers what it ships
        licence, raw = own.licence, (own.claim.raw if own.claim else None)
    pointers = tuple(Pointer(pointer_kind(location), location, evidence, raw) for location in declared.locations)
    gate = gated(release) if inside else None
    value = level(component, licence if licence and licence.identified else None, gate is not None)
    shown = (evidence, gate) if gate is not None else (evidence,)
    return ComponentResult(component, "released", value, licence, raw, shown, pointers, note=declared.note or "", declared=True)


def _absent(release: Release, component: Component, declared: DeclaredComponent) -> bool:
    """Every declared location is shown not to exist (a path the release does not hold, a Hub repository the Hub
    says is missing). Weights declared inside the release are absent when it holds no usable weight file, and
    present when it holds one (a stale file name is a finding, not a missing release)."""
    path = release.declaration.path if release.declaration else ""
    locations = list(declared.locations)
    if not locations:
        return False
    if component.role == "weights" and all(is_inside(location) for location in locations):
        return not release.holds_weights
    return all(_missing(release, path, declared, location) for location in locations)


def problems(release: Release) -> list[Problem]:
    """Declared claims that the release contradicts."""
    declaration = release.declaration
    if declaration is None:
        return []
    found: list[Problem] = []
    components = taxonomy.components()
    for declared in declaration.components.values():
        if declared.status == "released":
            found.extend(_contradictions(release, declaration.path, declared))
        elif (component := components.get(declared.id)) is not None and _waved_away(component, declared):
            found.append(Problem("declaration.always-applies", declaration.path, declared.line,
                                 f"{declared.id} is declared not applicable, but every model has it: the declaration is ignored "
                                 "for it and the release is graded as read", {"component": declared.id}))
    return found


def _contradictions(release: Release, path: str, declared: DeclaredComponent) -> list[Problem]:
    found = [problem for location in declared.locations if (problem := _missing(release, path, declared, location))]
    cid, line = declared.id, declared.line
    licence = licences.lookup(declared.licence) if declared.licence else None
    if declared.licence and (licence is None or not licence.identified):
        # a licence written by name ("Apache 2.0") that openlint reads in a card: say its id
        named = licences.by_name(declared.licence)
        hint = f" (for {named.name}, write its id: {named.id})" if named is not None and named.identified else ""
        found.append(Problem("declaration.licence-unknown", path, line,
                             f"{cid} declares licence {declared.licence!r}, which openlint does not know{hint}", {"component": cid}))
    component = taxonomy.components().get(cid)
    if component is not None and component.role == "weights" and not release.holds_weights and all(is_inside(loc) for loc in declared.locations):
        found.append(Problem("declaration.weights-absent", path, line, "the weights are declared released in this release, but it holds no usable weight file", {"component": cid}))
    return found


def _missing(release: Release, path: str, declared: DeclaredComponent, location: str) -> Problem | None:
    """A declared location that the release, or the Hub, shows does not exist."""
    cid = declared.id
    if is_inside(location):
        target = location.strip("/").removeprefix("./")
        if target in ("", "."):  # the release itself
            return None
        if ".." in target.split("/") or not (release.has_file(target) or release.has_dir(target)):
            return Problem("declaration.path-missing", path, declared.line, f"{cid} is declared at {location!r}, which is not in the release", {"component": cid})
    elif location.startswith("hf://"):
        if release.missing_on_hub(location.removeprefix("hf://").removeprefix("datasets/")):
            return Problem("declaration.path-missing", path, declared.line, f"{cid} is declared at {location!r}, which does not exist on the Hub", {"component": cid})
    return None
