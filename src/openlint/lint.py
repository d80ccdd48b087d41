"""One run: read the release, assess its components, apply the rules, grade it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openlint import assess, disclosure, grade
from openlint.checks import REGISTRY, Context
from openlint.release import Release
from openlint.report import Finding, Report
from openlint.ruleset import SEVERITY_RANK, Rule


@dataclass
class Waiver:
    rule: str  # code or name
    reason: str
    component: str | None = None


@dataclass
class Policy:
    """What the user asked for: which rules, at which severity, with which waivers."""

    rules: list[Rule]
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity override
    waivers: list[Waiver] = field(default_factory=list)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _message(template: str, values: dict[str, Any]) -> str:
    text = template.format_map(_Blank(values))
    text = re.sub(r"\s+\.(?=\s|$)", ".", text)  # an empty placeholder at a sentence end
    return re.sub(r"\.{2,}", ".", text).strip()


def run(release: Release, policy: Policy) -> Report:
    signals = disclosure.read(release)
    components = assess.assess(release, signals)
    context = Context(release, signals, components, assess.release_licence(release))
    findings: list[Finding] = []
    for rule in policy.rules:
        severity = policy.severity.get(rule.code, rule.severity)
        for hit in REGISTRY[rule.function].function(context, rule.options):
            finding = Finding(rule, severity, _message(rule.message, hit.values), hit.file, hit.line,
                              hit.component, hit.snippet, hit.key or rule.code)
            finding.waived = _waiver(policy.waivers, rule, hit.component)
            findings.append(finding)
    findings.sort(key=lambda f: (f.waived is not None, -SEVERITY_RANK[f.severity], f.rule.code, f.file or "", f.line or 0))
    return Report(release, signals, components, findings, grade.compute(components), policy.rules)


def _waiver(waivers: list[Waiver], rule: Rule, component: str | None) -> str | None:
    for waiver in waivers:
        if waiver.rule.upper() == rule.code or waiver.rule.lower() == rule.name:
            if waiver.component is None or waiver.component == component:
                return waiver.reason
    return None
