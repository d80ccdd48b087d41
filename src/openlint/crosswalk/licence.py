"""Licence facts the frameworks test: the release's own licence (documents fall back to it) and gating."""

from __future__ import annotations

from openlint.analysis.model import Assessment, ComponentResult


def release_licence(assessment: Assessment) -> tuple[str | None, str]:
    """The release's own licence id, or None with why: "unstated" (no licence anywhere) or "unidentified"."""
    own = assessment.licence
    if own.licence is not None and own.licence.identified:
        return own.licence.id, ""
    if own.claim is None and not own.claims:
        return None, "unstated"
    raw = own.claim.raw if own.claim is not None else own.claims[0].raw
    return None, f"unidentified ({raw[:60]})"


def component_licence(result: ComponentResult) -> str | None:
    if result.licence is not None and result.licence.identified:
        return result.licence.id
    return None


def gated(assessment: Assessment, result: ComponentResult) -> bool:
    """Public with limits on access: a gated pointer, or what the release ships when the repository is gated."""
    if any(p.gated for p in result.pointers):
        return True
    hub = assessment.release.hub
    return bool(hub and hub.gated) and result.component.covered_by_release_licence
