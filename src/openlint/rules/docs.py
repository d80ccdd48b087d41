"""A rule's documentation, from the rule data itself (ruff's sections): for `openlint explain` and the docs."""

from __future__ import annotations

from openlint.knowledge import taxonomy
from openlint.rules.checks import registry
from openlint.rules.ruleset import Rule


def components_text(rule: Rule) -> str:
    named = [c for c in rule.components if c != "*"]
    titles = taxonomy.components()
    if named:
        return ", ".join(f"{titles[c].title} ({c})" for c in named)
    return "every component" if "*" in rule.components else "the release as a whole"


def explain(rule: Rule) -> str:
    doc = (registry()[rule.function].function.__doc__ or "").strip()
    lines = [
        f"{rule.name} ({rule.code})", "",
        f"Severity: {rule.severity}", f"Components: {components_text(rule)}", "",
        "## What it does", rule.summary + (f" {doc}" if doc else ""), "",
        "## Why it matters", rule.recommendation,
    ]
    if rule.rationale:
        lines += ["", rule.rationale]
    lines += ["", "## How to fix it", rule.fix, "", "## Message", rule.message, "",
              f"Check: {rule.function} {rule.options if rule.options else ''}".rstrip(), f"Defined in: {rule.source}"]
    return "\n".join(lines)
