"""From a release to an assessment: what it discloses, under which licence, and each component's level.

`analyse` is a pure function of the release: it reads it, never changes it, and returns frozen results.
"""

from __future__ import annotations

from types import MappingProxyType

from openlint.analysis import components, declared, disclosure
from openlint.analysis.licence import release_licence
from openlint.analysis.model import Assessment, ComponentResult
from openlint.knowledge import taxonomy
from openlint.release.model import Release


def analyse(release: Release, *, use_declaration: bool = True) -> Assessment:
    """`use_declaration=False` assesses the release as found, as `openlint init` needs to write a declaration."""
    signals = disclosure.read(release)
    own = release_licence(release)
    declaration = release.declaration if use_declaration else None
    results: dict[str, ComponentResult] = {}
    for cid, component in taxonomy.components().items():
        stated = declaration.components.get(cid) if declaration else None
        missing = [m for m in release.missing if "*" in m.roles or component.role in m.roles]
        if missing:
            results[cid] = ComponentResult(component, "unknown", None, note="Not assessed: " + "; ".join(f"{m.what} could not be read ({m.reason})" for m in missing[:3]))
        elif stated is not None:
            results[cid] = declared.from_declaration(release, component, stated, own)
        else:
            results[cid] = components.from_evidence(release, component, signals, own)
    found = declared.problems(release) if declaration is not None else []
    return Assessment(release, signals, own, MappingProxyType(results), tuple(release.problems) + tuple(found))
