"""The report: everything one run found, in one object that every output format reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openlint import __version__
from openlint.assess import ComponentResult
from openlint.disclosure import Disclosure
from openlint.grade import Grade
from openlint.release import Release
from openlint.ruleset import SEVERITY_RANK, Rule

REPORT_VERSION = "1.0"


@dataclass
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.rule.code, "name": self.rule.name, "severity": self.severity, "message": self.message,
            "file": self.file, "line": self.line, "component": self.component, "snippet": self.snippet,
            "recommendation": self.rule.recommendation, "fix": self.rule.fix,
            "waived": self.waived is not None, "waiver_reason": self.waived,
        }


@dataclass
class Report:
    release: Release
    disclosure: Disclosure
    components: dict[str, ComponentResult]
    findings: list[Finding]
    grade: Grade
    rules: list[Rule]
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.waived is None]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0, "waived": 0}
        for finding in self.findings:
            counts["waived" if finding.waived is not None else finding.severity] += 1
        return counts

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        threshold = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] >= threshold for f in self.active)

    def weights_summary(self) -> dict[str, Any]:
        """Files, parameters and dtypes over every weight file whose header was read."""
        dtypes: dict[str, int] = {}
        formats: dict[str, int] = {}
        for weight in self.release.weights:
            formats[weight.format] = formats.get(weight.format, 0) + 1
            for dtype, count in weight.dtypes.items():
                dtypes[dtype] = dtypes.get(dtype, 0) + count
        counted = [w.parameters for w in self.release.weights if w.parameters is not None]
        return {"files": len(self.release.weights), "formats": formats,
                "parameters": sum(counted) if counted else None, "dtypes": dtypes}

    def to_dict(self) -> dict[str, Any]:
        release = self.release
        return {
            "report_version": REPORT_VERSION,
            "tool": {"name": "openlint", "version": __version__},
            "release": {
                "name": release.name, "source": release.source, "location": release.location,
                "revision": release.revision, "requested_revision": release.hub.requested_revision if release.hub else None,
                "card": release.card_path(), "declaration": release.declaration.path if release.declaration else None,
                "hub": _hub(release),
            },
            "grade": self.grade.to_dict(),
            "components": [result.to_dict() for result in self.components.values()],
            "stages": {name: {"present": s.present, "note": s.note, "evidence": s.evidence.to_dict() if s.evidence else None}
                       for name, s in self.disclosure.stages.items()},
            "weights": [w.to_dict() for w in release.weights],
            "weights_summary": self.weights_summary(),
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.counts(),
            "notes": self.notes,
        }


def _hub(release: Release) -> dict[str, Any] | None:
    hub = release.hub
    if hub is None:
        return None
    return {
        "repo_id": hub.repo_id, "gated": hub.gated, "private": hub.private, "disabled": hub.disabled,
        "licence_tags": hub.licence_tags, "parameters": hub.parameters, "security": hub.security,
        "unreadable_files": hub.unreadable_files,
        "linked": [{"repo_id": l.repo_id, "kind": l.kind, "exists": l.exists, "gated": l.gated, "licence": l.licence} for l in release.linked.values()],
    }
