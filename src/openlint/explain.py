"""`openlint explain`: a rule's documentation, from the rule data itself (ruff's sections)."""

from __future__ import annotations

from openlint import taxonomy
from openlint.checks import REGISTRY
from openlint.ruleset import Rule


def explain_rule(rule: Rule) -> str:
    components = [c for c in rule.components if c != "*"]
    titles = ", ".join(f"{taxonomy.components()[c].title} ({c})" for c in components) or ("every component" if "*" in rule.components else "the release as a whole")
    doc = (REGISTRY[rule.function].function.__doc__ or "").strip()
    lines = [
        f"{rule.name} ({rule.code})", "",
        f"Severity: {rule.severity}", f"Components: {titles}", "",
        "## What it does", rule.summary + (f" {doc}" if doc else ""), "",
        "## Why it matters", rule.recommendation,
    ]
    if rule.rationale:
        lines += ["", rule.rationale]
    lines += ["", "## How to fix it", rule.fix, "", "## Message", rule.message, "",
              f"Check: {rule.function} {rule.options if rule.options else ''}".rstrip(), f"Defined in: {rule.source}"]
    return "\n".join(lines)
