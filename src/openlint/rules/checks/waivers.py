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
    """A waiver acknowledged no finding: its rule no longer fires there, is not selected, or does not exist. An
    unused waiver would silently acknowledge the problem if it came back."""
    return iter(())


@check(REFUSED)
def security_waiver_refused(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    """The openness declaration, which is part of the release, waives a security rule. It is not applied: a
    release cannot acknowledge its own security findings; only a configuration from outside the release can."""
    return iter(())
