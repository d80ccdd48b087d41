"""SARIF 2.1.0 for GitHub code scanning: every rule in tool.driver.rules, results with stable fingerprints; a finding
found in several places is one result with every location; the configuration applied is in the run's properties.
Release text arrives sanitised (report/); json.dumps escapes the rest."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from openlint import __version__
from openlint.formats import RenderOptions, crosswalk_section
from openlint.report import Report
from openlint.rules.engine import Location
from openlint.support.text import escape_json

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
HELP_URI = "https://github.com/openlint/openlint#rules"


def render(report: Report, options: RenderOptions) -> str:
    rules = sorted(report.rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    descriptors = []
    for rule in rules:
        tags = ["openness", *rule.tags, *(c for c in rule.components if c != "*")]
        properties = {"tags": tags[:10], "precision": "high", "problem.severity": PROBLEM_SEVERITY[rule.severity]}
        if rule.security_severity:
            properties["security-severity"] = rule.security_severity
        descriptors.append({
            "id": rule.code,
            "name": "".join(part.capitalize() for part in rule.name.split("-")),
            "shortDescription": {"text": rule.summary[:1024]},
            "fullDescription": {"text": rule.recommendation[:1024]},
            "help": {"text": f"{rule.fix}\n\nWhy: {rule.recommendation}",
                     "markdown": f"**{rule.code} {rule.name}**\n\n{rule.fix}\n\n*Why:* {rule.recommendation}"},
            "helpUri": rule.url or f"{HELP_URI}-{rule.code.lower()}",
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": properties,
        })
    results = []
    for finding in report.findings:
        location = report.uri(finding.file)
        fingerprint = hashlib.sha256(f"{finding.rule.code}\0{location}\0{finding.key}".encode()).hexdigest()[:32]
        result = {
            "ruleId": finding.rule.code,
            "ruleIndex": index[finding.rule.code],
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [_location(report, place, len(finding.locations) > 1) for place in finding.locations],
            "partialFingerprints": {"primaryLocationLineHash": f"{fingerprint}:1"},
            "properties": {"component": finding.component} if finding.component else {},
        }
        if finding.waived is not None:
            result["suppressions"] = [{"kind": "external", "justification": finding.waived}]
        results.append(result)
    release = report.release
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "openlint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/openlint/openlint", "rules": descriptors}},
            "automationDetails": {"id": f"openlint/{release.name}/"},
            "results": results,
            "properties": {"grade": report.grade.letter, "score": report.grade.score, "revision": release.revision,
                           "crosswalk": crosswalk_section.properties(report),
                           "configuration": report.configuration_lines()},
        }],
    }
    return escape_json(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _location(report: Report, place: Location, several: bool) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": place.line or 1}
    if place.line and place.column:
        region["startColumn"] = place.column
    if place.snippet:
        region["snippet"] = {"text": place.snippet}
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": report.uri(place.file)}, "region": region}}
    if several and place.message:
        location["message"] = {"text": place.message}
    return location
