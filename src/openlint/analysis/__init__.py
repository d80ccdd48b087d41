"""From a release to an assessment: what it discloses, under which licence, and each component's level.

`analyse` is a pure function of the release: it reads it, never changes it, and returns frozen results.

Precedence for each component: what could not be read is not assessed (unknown); then the releaser's declaration;
then, for a derivative, what it inherits from the root of its lineage; then the evidence the release shows.
"""

from __future__ import annotations

from types import MappingProxyType

from openlint.analysis import components, declared, disclosure
from openlint.analysis.licence import release_licence
from openlint.analysis.model import Assessment, ComponentResult, Disclosure, Lineage, ReleaseLicence
from openlint.knowledge import catalogue as catalogues
from openlint.knowledge import taxonomy
from openlint.knowledge.catalogue import Catalogue
from openlint.release.model import DeclaredComponent, Release


def analyse(release: Release, *, use_declaration: bool = True, catalogue: Catalogue | None = None) -> Assessment:
    """`use_declaration=False` assesses the release as found, as `openlint init` needs to write a declaration;
    `catalogue`: the artefacts openlint knows (the bundled catalogue, extended by the user's)."""
    known = catalogue or catalogues.bundled()

    def assess_root(root: Release) -> dict[str, ComponentResult]:
        return dict(analyse(root, use_declaration=False, catalogue=known).components)

    signals, lineage = disclosure.read(release, known, assess_root)
    own = release_licence(release)
    declaration = release.declaration if use_declaration else None
    results: dict[str, ComponentResult] = {}
    for cid, component in taxonomy.components().items():
        stated = declaration.components.get(cid) if declaration else None
        results[cid] = _result(release, component, stated, lineage, signals, own)
    found = declared.problems(release) if declaration is not None else []
    problems = tuple(release.problems) + signals.problems + tuple(found)
    return Assessment(release, signals, own, MappingProxyType(results), problems, lineage)


def _result(release: Release, component: taxonomy.Component, stated: DeclaredComponent | None, lineage: Lineage,
            signals: Disclosure, own: ReleaseLicence) -> ComponentResult:
    missing = [m for m in release.missing if "*" in m.roles or component.role in m.roles]
    if missing:
        return ComponentResult(component, "unknown", None, note="Not assessed: " + "; ".join(f"{m.what} could not be read ({m.reason})" for m in missing[:3]))
    if stated is not None and (result := declared.from_declaration(release, component, stated, own)) is not None:
        return result
    if component.id in lineage.inherited:  # from its root; or, for a catalogued base, its publisher's own facts
        return lineage.inherited[component.id]
    result = components.from_evidence(release, component, signals, own)
    if result.status in ("described", "undisclosed") and component.id in lineage.known:
        # a catalogued model's own evaluation, released where its card only describes it ("see the paper")
        return lineage.known[component.id]
    # a delta of a fine-tune or merge; an adapter's weights are its own (they need their base, as every adapter does)
    if component.role == "weights" and signals.weights_delta is not None and result.status == "released" and lineage.kind in ("fine-tune", "merge"):
        return components.delta_weights(result, component, signals.weights_delta, lineage)
    return result
