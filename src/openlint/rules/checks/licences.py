"""Checks on the release's own licence."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openlint.analysis.model import Assessment
from openlint.knowledge import licences, taxonomy
from openlint.rules.registry import Hit, anchor, check


def _weights() -> str:
    return taxonomy.by_role("weights").id


@check("licence-missing")
def licence_missing(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    if not assessment.licence.claims:
        file, line = anchor(assessment)
        yield Hit({}, file, line, _weights())


@check("licence-unidentified")
def licence_unidentified(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    own = assessment.licence
    if own.claims and own.licence is None and own.claim is not None:
        evidence = own.claim.evidence
        yield Hit({"licence": own.claim.raw, "source": evidence.source}, evidence.file, evidence.line, _weights(), evidence.snippet)


@check("licence-conflict")
def licence_conflict(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    claims = [c for c in assessment.licence.claims if (known := licences.lookup(c.licence_id)) is not None and known.identified]
    weights = assessment.components[_weights()]
    if weights.declared and weights.licence and weights.licence.identified:
        claims += [c for c in assessment.release.licences if c.scope == weights.id]
    if len({c.licence_id for c in claims}) > 1:
        first = claims[0].evidence
        sources = "; ".join(f"{c.licence_id} in {c.evidence.file or 'the release'}" + (f":{c.evidence.line}" if c.evidence.line else "") for c in claims)
        yield Hit({"sources": sources}, first.file, first.line, weights.id, first.snippet)
