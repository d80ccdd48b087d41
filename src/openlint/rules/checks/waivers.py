"""The checks on waivers. The rule engine raises their findings itself: only it sees every waiver (from the
configuration and from the openness declaration) and every finding they could acknowledge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openlint.analysis.model import Assessment
from openlint.rules.registry import Hit, check

UNUSED = "unused-waiver"
REFUSED = "security-waiver-refused"


@check(UNUSED)
def unused_waiver(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    """Raised by the rule engine: the waiver's rule no longer fires there, is not selected, or does not exist."""
    return iter(())


@check(REFUSED)
def security_waiver_refused(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    """Raised by the rule engine: the declaration is part of the release, which cannot waive its security rules."""
    return iter(())
