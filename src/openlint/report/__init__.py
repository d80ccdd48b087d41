"""The report: everything one run found, in one object that every output format reads.

The report owns what formats must agree on: the order of findings (worst first, acknowledged last), where a finding
is shown (a path for a person, a URI for a CI system), how a component's licence is named, and the counts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from openlint.analysis.model import Assessment, ComponentResult
from openlint.grading import Grade, at_least
from openlint.release.model import Release
from openlint.rules.engine import Finding
from openlint.rules.ruleset import Rule

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


def _order(finding: Finding) -> tuple[Any, ...]:
    return (finding.waived is not None, -SEVERITY_RANK[finding.severity], finding.rule.code, finding.file or "", finding.line or 0)


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    findings: tuple[Finding, ...]
    grade: Grade
    rules: tuple[Rule, ...]
    notes: tuple[str, ...] = ()
    configuration: str | None = None  # the configuration file applied, if any

    @classmethod
    def build(cls, assessment: Assessment, findings: list[Finding], grade: Grade, rules: tuple[Rule, ...],
              notes: tuple[str, ...] = (), configuration: str | None = None) -> Report:
        return cls(assessment, tuple(sorted(findings, key=_order)), grade, rules, notes, configuration)

    # -- what formats read ------------------------------------------------------------------------------------
    @property
    def release(self) -> Release:
        return self.assessment.release

    @property
    def components(self) -> Mapping[str, ComponentResult]:
        return self.assessment.components

    @cached_property
    def active(self) -> tuple[Finding, ...]:
        """Findings not acknowledged by a waiver, worst first."""
        return tuple(f for f in self.findings if f.waived is None)

    @cached_property
    def waived(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.waived is not None)

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

    def below(self, min_grade: str | None) -> bool:
        return bool(min_grade) and not at_least(self.grade.letter, min_grade)

    def min_grade_failure(self, min_grade: str | None) -> str | None:
        """Why the run fails --min-grade, in one sentence, or None when it does not."""
        if not self.below(min_grade):
            return None
        grade = self.grade
        return f"Openness grade {grade.letter} ({grade.score:g}/100) is below the minimum {min_grade} (--min-grade {min_grade})."

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

    # -- names and places ---------------------------------------------------------------------------------------
    @staticmethod
    def licence_label(result: ComponentResult) -> str:
        """The licence shown for a component: its identified id, what the release stated, or "-"."""
        if result.licence is not None:
            return result.licence.id
        return (result.licence_raw or "-") if result.status == "released" else "-"

    @staticmethod
    def where(finding: Finding) -> str:
        """A finding's place for a person: file:line, the file, or "release"."""
        if finding.file and finding.line:
            return f"{finding.file}:{finding.line}"
        return finding.file or "release"

    @property
    def base_uri(self) -> str | None:
        """What uri() paths are relative to when they are not relative to the working directory: the Hub
        repository's file view at the checked revision (SARIF originalUriBaseIds)."""
        release = self.release
        if release.source == "hub":
            return f"https://huggingface.co/{release.location}/blob/{release.revision or 'main'}/"
        return None

    def uri(self, file: str | None) -> str:
        """A finding's place for a CI system, as a path: relative to the working directory for a local release;
        relative to the repository root for a Hub repository (base_uri), so that annotations and code scanning
        attach to the same file when the checking workflow runs in a mirror of that repository."""
        release = self.release
        if file is None:
            file = release.card_path() or "."
        if release.source == "hub":
            return file
        full = Path(release.location) / file
        try:
            relative = os.path.relpath(os.path.abspath(full), os.path.abspath(Path.cwd()))
        except ValueError:  # another drive on Windows
            return full.as_posix()
        return Path(relative).as_posix()
