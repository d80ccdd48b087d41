"""From evidence to a level for each component.

Order of precedence: concrete pointers (released); then statements that it was withheld (not released); then prose
describing it (described, not released); otherwise undisclosed. A component whose stage did not happen is N/A. A
released component's level follows from the licence of what was released; a licence that cannot be identified
earns no rubric points, so the level is what the release can show. (A declaration takes precedence over all of
this: declared.py.)
"""

from __future__ import annotations

from openlint.analysis.licence import gated
from openlint.analysis.model import ComponentResult, Disclosure, Lineage, Pointer, ReleaseLicence, Signals
from openlint.knowledge import licences
from openlint.knowledge.taxonomy import Component
from openlint.release.model import Evidence, Release
from openlint.support.record import replace

GATED_MAX = 4  # gated: public with limits on access, so semi-open whatever the licence (taxonomy.md, section 2)


def level(component: Component, licence: licences.Licence | None, limited: bool = False) -> int:
    value = licences.level(component.side, licence)
    return min(value, GATED_MAX) if limited else value


def weakest(pointers: tuple[Pointer, ...] | list[Pointer], fallback: licences.Licence | None) -> tuple[licences.Licence | None, str | None]:
    """A component made of several parts is as open as its most restrictive part."""
    result: licences.Licence | None = None
    raw = None
    for pointer in pointers:
        licence = licences.lookup(pointer.licence) if pointer.licence else (fallback if pointer.kind == "path" else None)
        if licence is None or not licence.identified:
            return None, pointer.licence
        if result is None or licence.points < result.points:
            result, raw = licence, pointer.licence or licence.id
    return result, raw


def from_evidence(release: Release, component: Component, disclosure: Disclosure, own: ReleaseLicence) -> ComponentResult:
    signals = disclosure.components[component.id]
    if (absent := _stage_absent(component, disclosure)) is not None:
        return absent
    if component.role == "weights" and release.weights:
        return _weights(release, component, own)
    if component.role == "inference-runtime" and signals.pointers:
        return _inference(component, signals.pointers, own)
    if signals.pointers and signals.withheld:
        # some parts named, another said to be withheld ("and internal data"): the stage cannot be reproduced
        return ComponentResult(component, "not-released", 1, evidence=signals.withheld[:3] + tuple(p.evidence for p in signals.pointers[:2]),
                               pointers=signals.pointers, note="Partly released: " + ", ".join(p.target for p in signals.pointers[:3]) + "; the rest is withheld")
    if signals.pointers:
        return _released(release, component, signals.pointers, own)
    return _not_released(component, signals, _stage_mention(component, disclosure))


def _stage_mention(component: Component, disclosure: Disclosure) -> Evidence | None:
    """Where the card shows the stage happened, when that mention describes the component itself (taxonomy
    `stage_describes`: a reported internal benchmark is that benchmark)."""
    stage = disclosure.stages[component.exists_if] if component.exists_if and component.stage_describes else None
    return stage.evidence if stage is not None and stage.present else None


def _stage_absent(component: Component, disclosure: Disclosure) -> ComponentResult | None:
    """A component of a stage that did not happen is not applicable; of one that cannot be told, not assessed."""
    stage = disclosure.stages[component.exists_if] if component.exists_if else None
    if stage is None or stage.present:  # a stage that cannot be told is not present either
        return None
    return ComponentResult(component, "unknown" if stage.unknown else "not-applicable", None,
                           evidence=(stage.evidence,) if stage.evidence else (), note=stage.note)


def _inference(component: Component, pointers: tuple[Pointer, ...], own: ReleaseLicence) -> ComponentResult:
    """Libraries and runtimes are alternatives (any one runs the model): the most open path counts. A library that
    needs the release's own remote code runs it only alongside that code, under the release's licence."""
    alternatives = [p for p in pointers if p.kind not in ("path", "remote-code")]
    own_code = [p for p in pointers if p.kind in ("path", "remote-code")][:1]
    stated = own.claim.raw if own.licence and own.claim else None
    own_parts = [Pointer(p.kind, p.target, p.evidence, stated) for p in own_code]

    def path(pointer: Pointer | None) -> list[Pointer]:
        # without a library, the release's own code is the whole path; remote code is needed by the libraries
        # disclosure marks, a script shipped in the release by every library
        needs = pointer is None or pointer.needs_own_code or any(p.kind == "path" for p in own_code)
        return ([pointer] if pointer else []) + (own_parts if needs else [])

    def path_level(pointer: Pointer) -> int:
        return level(component, weakest(path(pointer), own.licence)[0])

    best = max(alternatives, key=path_level, default=None)
    parts = path(best)
    licence, raw = weakest(parts, own.licence)
    others = tuple(p.evidence for p in alternatives if p is not best)[:3]
    shown = tuple(p.evidence for p in parts) + others
    return ComponentResult(component, "released", level(component, licence), licence, raw, shown, pointers,
                           note=_runs_on(alternatives, best, bool(own_parts) and own_parts[0] in parts))


def _runs_on(alternatives: list[Pointer], best: Pointer | None, with_own_code: bool) -> str:
    names = ", ".join(dict.fromkeys(p.target.rsplit("/", 1)[-1] for p in alternatives[:4]))
    note = f"Runs on {names}" if names else ""
    if with_own_code:
        note += ("; " if note else "") + "with the release's own code, under its licence"
    elif best is not None and any(p.needs_own_code for p in alternatives):
        note += f"; {best.target.rsplit('/', 1)[-1]} runs it without the release's own code"
    return note


def _licence_of(pointer: Pointer) -> licences.Licence | None:
    found = licences.lookup(pointer.licence) if pointer.licence else None
    return found if found is not None and found.identified else None


def _not_released(component: Component, signals: Signals, mention: Evidence | None = None) -> ComponentResult:
    if signals.withheld:
        derived = all(e.snippet.startswith("derived from ") for e in signals.withheld)
        note = ("Trained on a derivative of a named dataset (a translation) that the card does not publish" if derived
                else "The card says it was not released")
        return ComponentResult(component, "not-released", 1, evidence=signals.withheld[:5], note=note)
    if signals.described or mention is not None:
        return ComponentResult(component, "described", 1, evidence=signals.described[:5] or (mention,),
                               note="Described in the card without a pointer to the artefact")
    return ComponentResult(component, "undisclosed", 1, note="The release says nothing about it")


def _weights(release: Release, component: Component, own: ReleaseLicence) -> ComponentResult:
    # LFS pointers, unverified and dangerous files still show the weights exist (their problems are findings of their
    # own); files that are not weights at all (empty, garbage, no readable header) do not
    evidence = [Evidence(w.path, None, f"{w.format}, {w.size} bytes", "file") for w in release.weights[:5]]
    if not release.holds_weights:
        return ComponentResult(component, "undisclosed", 1, evidence=tuple(evidence),
                               note="The release's weight files are not valid weights (see their findings): no weights are released")
    if own.claim:
        evidence.insert(0, own.claim.evidence)
    gate = gated(release)
    note = licence_note(own)
    if gate is not None:
        evidence.append(gate)
        note += "; gated, so semi-open at most"
    return ComponentResult(component, "released", level(component, own.licence, gate is not None), own.licence,
                           own.claim.raw if own.claim else None, tuple(evidence), note=note)


def _released(release: Release, component: Component, pointers: tuple[Pointer, ...], own: ReleaseLicence) -> ComponentResult:
    licence, raw = weakest(pointers, own.licence)
    limited = any(p.gated for p in pointers)
    note = ""
    if licence is None:
        unknown = [p.target for p in pointers if _licence_of(p) is None][:3]
        note = "No licence could be identified for " + ", ".join(unknown)
        if release.source == "local" and any(p.kind == "hub-dataset" and not p.licence for p in pointers):
            note += " (Hub dataset licences are looked up only when checking a Hub repository)"
    if limited:
        note = (note + "; " if note else "") + "gated, so semi-open at most"
    return ComponentResult(component, "released", level(component, licence, limited), licence, raw,
                           tuple(p.evidence for p in pointers[:5]), pointers, note=note)


def delta_weights(result: ComponentResult, component: Component, said: Evidence, lineage: Lineage) -> ComponentResult:
    """Weights published as a delta (or XOR) to apply to the base model's weights are usable only with those: as open
    as the weaker of the release's licence and its root's. A root openlint does not know, or whose licence it cannot
    identify, leaves the usable weights' licence unidentified: no rubric points."""
    base = licences.lookup(lineage.root_licence) if lineage.root_licence else None
    evidence = (*result.evidence, said)
    if lineage.root is None or base is None or not base.identified:
        return replace(result, level=level(component, None), licence=None, evidence=evidence,
                       note=f"A delta to apply to its base model's weights ({lineage.root or 'not identified'}), whose licence openlint "
                            "cannot identify: no rubric points")
    if result.level is not None and result.level <= level(component, base):
        return replace(result, evidence=evidence, note=f"{result.note}; a delta to apply to {lineage.root}'s weights ({base.id})")
    return replace(result, level=level(component, base), licence=base, licence_raw=lineage.root_licence, evidence=evidence,
                   note=f"A delta to apply to {lineage.root}'s weights: usable only under their licence ({base.id})")


def licence_note(own: ReleaseLicence) -> str:
    if own.licence:
        return f"Licence {own.licence.id} from {own.claim.evidence.source if own.claim else 'the release'}"
    if own.claim:
        return f"Licence {own.claim.raw!r} could not be identified: no rubric points"
    return "No licence found: no rubric points"
