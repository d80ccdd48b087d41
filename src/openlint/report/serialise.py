"""The one serialiser of openlint's JSON: the report (schemas/report.schema.json, versioned) and the rule list.

Every field of the JSON output is written here and nowhere else; formats that need plain data call these.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openlint import __version__
from openlint.errors import OpenlintError
from openlint.analysis.model import ComponentResult, Pointer
from openlint.crosswalk.model import Crosswalk
from openlint.release.model import Evidence, Release, WeightFile
from openlint.report import Report
from openlint.rules.engine import Finding, Waiver
from openlint.rules.ruleset import Rule

# 1.1: "complete", "missing", the "unknown" status (UNK); 1.2: "lineage"
# 1.3: "configuration" (files applied, what they changed, waivers); per finding "locations", "column" and "waiver"
# 1.4: "crosswalk" (MOF, OSAID, European Open Source AI Index verdicts with reasons and sources)
REPORT_VERSION = "1.4"
MAX_EVIDENCE = 5
MAX_POINTERS = 10


def report(value: Report) -> dict[str, Any]:
    release = value.release
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "openlint", "version": __version__},
        "complete": not release.missing,
        "missing": [{"what": m.what, "reason": m.reason, "components": list(m.roles)} for m in release.missing],
        "release": _release(release),
        "grade": grade(value),
        "components": [component(result) for result in value.components.values()],
        "stages": {name: {"present": s.present, "note": s.note, "evidence": evidence(s.evidence) if s.evidence else None}
                   for name, s in value.assessment.disclosure.stages.items()},
        "lineage": lineage(value),
        "weights": [weight(w) for w in release.weights],
        "weights_summary": value.weights_summary(),
        "findings": [finding(f) for f in value.findings],
        "summary": value.counts(),
        "configuration": configuration(value),
        "notes": list(value.notes),
        "crosswalk": crosswalk(value.crosswalk),
    }


def configuration(value: Report) -> dict[str, Any]:
    applied = value.applied
    return {
        "files": [{"path": path, "role": role} for path, role in applied.files],
        "changes": list(applied.changes),
        "waivers": [{**waiver_of(waiver), "findings": count, "refused": waiver in applied.refused}
                    for waiver, count in value.waiver_uses()],
    }


def waiver_of(item: Waiver) -> dict[str, Any]:
    return {"rule": item.rule, "reason": item.reason, "component": item.component, "source": item.source,
            "line": item.line, "origin": item.origin}


def lineage(value: Report) -> dict[str, Any] | None:
    traced = value.assessment.lineage
    if traced is None:
        return None
    return {"kind": traced.kind, "note": traced.note, "bases": list(traced.bases), "root": traced.root,
            "source": traced.source or None, "evidence": evidence(traced.evidence) if traced.evidence else None}


def grade(value: Report) -> dict[str, Any]:
    result = value.grade
    return {"grade": result.letter, "score": result.score, "uncapped_grade": result.uncapped, "lowest_grade": result.lowest or result.letter,
            "caps": list(result.caps),
            "breakdown": list(result.breakdown)}


def _release(release: Release) -> dict[str, Any]:
    return {
        "name": release.name, "source": release.source, "location": release.location,
        "revision": release.revision, "requested_revision": release.hub.requested_revision if release.hub else None,
        "card": release.card_path(), "declaration": release.declaration.path if release.declaration else None,
        "hub": _hub(release), "set_aside": list(release.set_aside),
    }


def _hub(release: Release) -> dict[str, Any] | None:
    hub = release.hub
    if hub is None:
        return None
    return {
        "repo_id": hub.repo_id, "gated": hub.gated, "private": hub.private, "disabled": hub.disabled,
        "licence_tags": hub.licence_tags, "parameters": hub.parameters, "security": hub.security,
        "unreadable_files": hub.unreadable_files,
        "linked": [{"repo_id": r.repo_id, "kind": r.kind, "exists": r.exists, "gated": r.gated, "licence": r.licence}
                   for r in release.linked.values()],
    }


def crosswalk(value: Crosswalk) -> list[dict[str, Any]]:
    return [{
        "framework": f.id, "name": f.name, "version": f.version, "source": f.source, "verdict": f.verdict,
        "reason": f.reason, "classes": dict(f.classes) if f.classes else None,
        "items": [{"id": i.id, "name": i.name, "verdict": i.verdict, "reason": i.reason, "source": i.source,
                   "class": i.klass, "required": i.required, "licence": i.licence} for i in f.items],
    } for f in value.frameworks]


def evidence(item: Evidence) -> dict[str, Any]:
    return {"file": item.file, "line": item.line, "snippet": item.snippet, "source": item.source}


def pointer(item: Pointer) -> dict[str, Any]:
    return {"kind": item.kind, "target": item.target, "licence": item.licence, "gated": item.gated, **evidence(item.evidence)}


def component(result: ComponentResult) -> dict[str, Any]:
    released = result.status == "released"
    return {
        "id": result.id, "title": result.component.title, "stage": result.component.stage, "side": result.component.side,
        "status": result.status, "level": result.level, "label": result.label, "category": result.category,
        "licence": result.licence.id if result.licence else None,
        "licence_stated": result.licence_raw,
        "rubric": {"points": result.points, "grants": list(result.licence.grants) if result.licence else []} if released and result.points is not None else None,
        "declared": result.declared, "note": result.note,
        "evidence": [evidence(e) for e in result.distinct_evidence[:MAX_EVIDENCE]],
        "pointers": [pointer(p) for p in result.pointers[:MAX_POINTERS]],
    }


def weight(item: WeightFile) -> dict[str, Any]:
    return {
        "path": item.path, "format": item.format, "loads": item.loads, "size": item.size, "safety": item.safety,
        "parameters": item.parameters, "dtypes": item.dtypes, "imports": item.imports, "detail": item.detail,
        "metadata": {k: v for k, v in item.metadata.items() if isinstance(v, (str, int, float, bool))},
    }


def finding(item: Finding) -> dict[str, Any]:
    return {
        "code": item.rule.code, "name": item.rule.name, "severity": item.severity, "message": item.message,
        "file": item.file, "line": item.line, "column": item.column, "component": item.component, "snippet": item.snippet,
        "locations": [{"file": place.file, "line": place.line, "column": place.column, "snippet": place.snippet,
                       "message": place.message} for place in item.locations],
        "recommendation": item.rule.recommendation, "fix": item.rule.fix,
        "waived": item.waived is not None, "waiver_reason": item.waived,
        "waiver": waiver_of(item.waiver) if item.waiver else None,
    }


def rule(item: Rule) -> dict[str, Any]:
    return {
        "code": item.code, "name": item.name, "severity": item.severity, "summary": item.summary,
        "components": item.components, "message": item.message, "rationale": item.rationale,
        "recommendation": item.recommendation, "fix": item.fix, "url": item.url, "example": item.example,
        "check": {"function": item.function, "options": item.options},
    }


def read(path: Path) -> dict[str, Any]:
    """A JSON report written earlier (by `-f json`), checked to be one of this major version."""
    try:
        with path.open("rb") as handle:
            if handle.read(16) == b"SQLite format 3\x00":
                raise OpenlintError(f"{path}: an audit database, not a JSON report (`openlint table` reads databases)")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise OpenlintError(f"{path}: not a JSON report ({exc})") from None
    version = str(data.get("report_version", "")) if isinstance(data, dict) else ""
    if not version.startswith("1.") or not isinstance(data.get("components"), list):
        raise OpenlintError(f"{path}: not an openlint JSON report (report_version 1.x)")
    return data
