"""Every check function, grouped by what it looks at. Importing this package registers them all."""

from __future__ import annotations

from openlint.rules.checks import components, licences, release, waivers, weights  # noqa: F401  (importing registers them)
from openlint.rules.registry import Check, registered


def registry() -> dict[str, Check]:
    """Every check, by the name rules refer to."""
    return registered()
