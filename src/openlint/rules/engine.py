"""Applying the rules to an assessment: each selected rule runs its check, at the severity and with the waivers the
user's policy gives, and every hit becomes a finding."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openlint.analysis.model import Assessment
from openlint.rules.checks import registry
from openlint.rules.registry import Hit
from openlint.rules.ruleset import Rule


@dataclass(frozen=True)
class Waiver:
    rule: str  # code or name
    reason: str
    component: str | None = None
    source: str = ""  # the file that states it

    def covers(self, rule: Rule, component: str | None) -> bool:
        named = self.rule.upper() == rule.code or self.rule.lower() == rule.name
        return named and (self.component is None or self.component == component)


@dataclass(frozen=True)
class Policy:
    """What the user asked for: which rules, at which severity, with which waivers."""

    rules: tuple[Rule, ...]
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity override
    waivers: tuple[Waiver, ...] = ()


@dataclass(frozen=True)
class Finding:
    rule: Rule
    severity: str
    message: str
    file: str | None
    line: int | None
    component: str | None = None
    snippet: str = ""
    key: str = ""
    waived: str | None = None  # the waiver's reason when acknowledged


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def message(template: str, values: dict[str, Any]) -> str:
    text = template.format_map(_Blank(values))
    text = re.sub(r"\s+\.(?=\s|$)", ".", text)  # an empty placeholder at a sentence end
    return re.sub(r"\.{2,}", ".", text).strip()


def apply(policy: Policy, assessment: Assessment) -> list[Finding]:
    checks = registry()
    findings = []
    for rule in policy.rules:
        for hit in checks[rule.function].function(assessment, rule.options):
            findings.append(_finding(policy, rule, hit))
    return findings


def _finding(policy: Policy, rule: Rule, hit: Hit) -> Finding:
    # a hit that names no component belongs to the rule's component, when the rule has exactly one
    component = hit.component or (rule.components[0] if len(rule.components) == 1 and rule.components[0] != "*" else None)
    waiver = next((w for w in policy.waivers if w.covers(rule, component)), None)
    return Finding(rule, policy.severity.get(rule.code, rule.severity), message(rule.message, hit.values), hit.file, hit.line,
                   component, hit.snippet, hit.key or rule.code, waiver.reason if waiver else None)
