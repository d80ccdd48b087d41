"""SARIF 2.1.0 for GitHub code scanning: every rule in tool.driver.rules (helpUri: the rule's page in docs/rules/),
results with stable fingerprints; a finding found in several places is one result with every location; the
configuration applied is in the run's properties. Release text arrives sanitised (report/); json.dumps escapes the
rest.

Paths are repository-relative. For a Hub repository they are relative to the Hub's file view of the checked
revision, named by `originalUriBaseIds` (%SRCROOT%), so results attach to the same files when the workflow runs in
a GitHub mirror of the model repository. A run that could not finish still yields a valid log (`failure`): one
error notification and `executionSuccessful: false`, so an `upload-sarif` step after it has a file to upload.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from openlint import __version__
from openlint.formats import RenderOptions, crosswalk_section
from openlint.report import Report
from openlint.rules.engine import Finding, Location
from openlint.rules.ruleset import Rule
from openlint.support.text import escape_json

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "%SRCROOT%"


def _driver(rules: list[Rule]) -> dict[str, Any]:
    from openlint.rules import docs

    driver: dict[str, Any] = {"name": "openlint", "version": __version__, "semanticVersion": __version__}
    repository = docs.repository_url()
    if repository:
        driver["informationUri"] = repository
    driver["rules"] = [_descriptor(rule, docs.help_uri(rule)) for rule in rules]
    return driver


def _descriptor(rule: Rule, help_uri: str | None) -> dict[str, Any]:
    tags = ["openness", *rule.tags, *(c for c in rule.components if c != "*")]
    properties = {"tags": tags[:10], "precision": "high", "problem.severity": PROBLEM_SEVERITY[rule.severity]}
    if rule.security_severity:
        properties["security-severity"] = rule.security_severity
    descriptor = {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.summary[:1024]},
        "fullDescription": {"text": rule.recommendation[:1024]},
        "help": {"text": f"{rule.fix}\n\nWhy: {rule.recommendation}",
                 "markdown": f"**{rule.code} {rule.name}**\n\n{rule.fix}\n\n*Why:* {rule.recommendation}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }
    if help_uri:
        descriptor["helpUri"] = help_uri
    return descriptor


def _result(report: Report, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    location = report.uri(finding.file)
    fingerprint = hashlib.sha256(f"{finding.rule.code}\0{location}\0{finding.key}".encode()).hexdigest()[:32]
    result: dict[str, Any] = {
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
    return result


def _outside_as_file_uri(uri: str) -> str:
    """A path that leaves the working directory ("../elsewhere/README.md") as an absolute file: URI: a SARIF viewer
    resolves relative URIs against the run's root, where "../" leads nowhere it can show."""
    return Path(uri).resolve().as_uri() if uri == ".." or uri.startswith("../") else uri


def _location(report: Report, place: Location, several: bool) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": place.line or 1}
    if place.line and place.column:
        region["startColumn"] = place.column
    if place.snippet:
        region["snippet"] = {"text": place.snippet}
    artifact: dict[str, Any] = {"uri": _outside_as_file_uri(report.uri(place.file))}
    if report.base_uri and report.in_release(place.file):
        artifact["uriBaseId"] = BASE_ID
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    if several and place.message:
        location["message"] = {"text": place.message}
    return location


def _notifications(report: Report) -> list[dict[str, Any]]:
    """What the run could not do (a scan that stopped short) and its notes, for the invocation."""
    notes = [{"level": "warning", "message": {"text": f"Not assessed: {missing.what}: {missing.reason}"}}
             for missing in report.release.missing]
    return notes + [{"level": "note", "message": {"text": note}} for note in report.notes]


def render(report: Report, options: RenderOptions) -> str:
    rules = sorted(report.rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    release = report.release
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications := _notifications(report):
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {"driver": _driver(rules)},
        "invocations": [invocation],
        "automationDetails": {"id": f"openlint/{release.name}/"},
    }
    if report.base_uri:
        run["originalUriBaseIds"] = {BASE_ID: {"uri": report.base_uri,
                                               "description": {"text": f"The Hugging Face Hub repository {release.location}"}}}
    run["results"] = [_result(report, finding, index) for finding in report.findings]
    run["properties"] = {"grade": report.grade.letter, "score": report.grade.score, "notAssessed": report.not_assessed(),
                         "revision": release.revision,
                         "crosswalk": crosswalk_section.properties(report), "configuration": report.configuration_lines()}
    return _dump(run)


def failure(message: str) -> str:
    """A valid log for a run that stopped with an error (exit 2): no results, one error notification."""
    run = {
        "tool": {"driver": {"name": "openlint", "version": __version__, "semanticVersion": __version__, "rules": []}},
        "invocations": [{"executionSuccessful": False, "exitCode": 2,
                         "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}]}],
        "results": [],
    }
    return _dump(run)


def _dump(run: dict[str, Any]) -> str:
    return escape_json(json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)) + "\n"
