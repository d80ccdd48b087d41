"""The release's own licence, and whether the release is gated."""

from __future__ import annotations

from openlint.analysis.model import ReleaseLicence
from openlint.knowledge import licences
from openlint.readers import licence as licence_reader
from openlint.release.model import Evidence, Release

# card metadata first, then licence files, weight headers, the Hub's tag, card prose
PRECEDENCE = {"card-metadata": 0, "licence-file": 1, "weights-header": 2, "hub": 3, "card-text": 4, licence_reader.FIELD_SOURCE: 5}


def release_licence(release: Release) -> ReleaseLicence:
    """The first identified licence by precedence; when none is identified, the claim that comes first. A plain
    "License:" line of the card counts only when nothing else states a licence (it may be about something else)."""
    claims = tuple(c for c in release.licences if c.scope == "release" or c.scope.startswith("file:"))
    stated = tuple(c for c in claims if c.evidence.source != licence_reader.FIELD_SOURCE and not _names_none(c.raw))
    claims = tuple(c for c in claims if c.evidence.source != licence_reader.FIELD_SOURCE) if stated else claims
    ranked = sorted(claims, key=lambda c: PRECEDENCE.get(c.evidence.source, 9))
    for claim in ranked:
        licence = licences.lookup(claim.licence_id)
        if licence and licence.identified:
            return ReleaseLicence(licence, claim, claims)
    return ReleaseLicence(None, ranked[0] if ranked else None, claims)


def _names_none(raw: str) -> bool:
    """`license: other` (or `unknown`, `cc`) says the licence is some other one, not which."""
    known = licences.lookup(raw)
    return known is not None and not known.identified


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
