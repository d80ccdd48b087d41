"""The report: everything one run found, in one object that every output format reads.

The report owns what formats must agree on: the order of findings (worst first, acknowledged last), where a finding
is shown (a path for a person, a URI for a CI system), how a component's licence is named, the counts and the
statistics, and which configuration was applied and what it changed.

Everything in a report that came from the release (file names, card text, licence names, Hub data) is untrusted.
`Report.build` passes all of it through the one sanitiser (support/text.py), so no format can print a control
character, a bidirectional override or a CI workflow command from a release; formats add their own escaping
(markdown, HTML, workflow-command properties) and colours on top.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openlint.support.record import Record

from openlint.analysis.model import Assessment, ComponentResult
from openlint.errors import printable
from openlint.grading import Grade, at_least
from openlint.release.model import Release
from openlint.rules.engine import Finding, Location, Waiver
from openlint.rules.ruleset import Rule
from openlint.support import text
from openlint.support.resources import rules_dir

if TYPE_CHECKING:
    from openlint.crosswalk.model import Crosswalk

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


def _order(finding: Finding) -> tuple[Any, ...]:
    return (finding.waived is not None, -SEVERITY_RANK[finding.severity], finding.rule.code, finding.file or "", finding.line or 0)


class Applied(Record, frozen=True, eq=False):  # compared by identity
    """The configuration one run applied: the files read, what they changed, the waivers stated."""

    files: tuple[tuple[str, str], ...] = ()  # (path, role): configuration file, rule files
    changes: tuple[str, ...] = ()  # in words: "ignore OLP005", "severity OLP001: warning -> error", ...
    waivers: tuple[Waiver, ...] = ()  # from the configuration and from the openness declaration
    refused: tuple[Waiver, ...] = ()  # declaration waivers of security rules, not applied


class Report(Record, frozen=True, eq=False, dict=True):  # compared by identity; dict: a __dict__ for the cached properties
    """The result of a check: the assessment, findings, grade and rules applied."""

    assessment: Assessment
    findings: tuple[Finding, ...]
    grade: Grade
    rules: tuple[Rule, ...]
    notes: tuple[str, ...] = ()
    applied: Applied = Applied()

    @classmethod
    def build(cls, assessment: Assessment, findings: list[Finding], grade: Grade, rules: tuple[Rule, ...],
              notes: tuple[str, ...] = (), applied: Applied | None = None) -> Report:
        # one walk: a waiver shared by a finding and the configuration stays one object; openlint's own rules are its
        # text, not the release's, and are left out of the walk
        bundled = str(rules_dir())
        memo: dict[int, Any] = {id(rule): rule for rule in rules if rule.source.startswith(bundled)}
        safe = text.cleaned((assessment, tuple(findings), rules, notes, applied or Applied()), memo)
        return cls(safe[0], tuple(sorted(safe[1], key=_order)), grade, safe[2], safe[3], safe[4])

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
    def crosswalk(self) -> Crosswalk:
        """What the release is under MOF, OSAID and the European Open Source AI Index (computed on first use)."""
        from openlint import crosswalk

        return crosswalk.evaluate(self.assessment)

    @cached_property
    def waived(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.waived is not None)

    @property
    def graded(self) -> bool:
        """Whether anything was assessed: a partial check that could read nothing has no grade (its F is no finding)."""
        return any(item["possible"] for item in self.grade.breakdown) or not self.release.missing

    def grade_label(self) -> str:
        """The grade as every format states it: "C (64.3/100)", marked when the check is incomplete (an incomplete
        check is never shown as an ordinary grade), or "not graded" when nothing could be assessed."""
        missing = len(self.release.missing)
        if not self.graded:
            return f"not graded (incomplete: {missing} item(s) could not be read, nothing was assessed)"
        label = f"{self.grade.letter} ({self.grade.score:g}/100)"
        return label + (f", incomplete: {missing} item(s) could not be read" if missing else "")

    def not_assessed(self) -> list[str]:
        """The components that could not be assessed (UNK), by title: they are left out of the grade, which says so."""
        return [result.component.title.lower() for result in self.components.values() if result.status == "unknown"]

    def grade_summary(self) -> str:
        """The grade label with what qualifies it, for one-line formats: a cap, and the components left out."""
        notes = []
        if self.graded and self.grade.caps:
            notes.append(f"capped from {self.grade.uncapped}: {'; '.join(c['name'] for c in self.grade.caps)}")
        if self.graded and not self.release.missing and (unknown := self.not_assessed()):  # else "incomplete" says why
            notes.append(f"not assessed: {', '.join(unknown)}")
        return self.grade_label() + (f" [{'; '.join(notes)}]" if notes else "")

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

    def min_grade_failure(self, min_grade: str | None, source: str | None = None) -> str | None:
        """Why the run fails the minimum grade, in one sentence, or None when it does not. `source`: where the
        minimum was set (default: the --min-grade option)."""
        grade, where = self.grade, source or f"--min-grade {min_grade}"
        if self.below(min_grade):
            return f"Openness grade {grade.letter} ({grade.score:g}/100) is below the minimum {min_grade} ({where})."
        if min_grade and grade.lowest and not at_least(grade.lowest, min_grade):
            # the gate cannot be decided on what was assessed: a check that could not finish is not a pass
            traced = self.assessment.lineage
            base = printable(traced.bases[0], 100) if traced is not None and traced.bases else "BASE"
            return (f"Openness grade {grade.letter} ({grade.score:g}/100) meets the minimum {min_grade} ({where}) only if what "
                    f"was not assessed ({', '.join(self.not_assessed())}) is open; at level 1 it would be {grade.lowest}. "
                    f"Check online (the base model's card is read from the Hub; `openlint check {base}` shows it), or declare "
                    "those components as the base model released them in openness.yaml.")
        return None
    def statistics(self) -> list[dict[str, Any]]:
        """Per rule, how often it fired (every location counts, as ruff counts every violation), most first;
        acknowledged findings are left out."""
        by_code: dict[str, dict[str, Any]] = {}
        for finding in self.active:
            entry = by_code.setdefault(finding.rule.code, {"code": finding.rule.code, "name": finding.rule.name,
                                                            "severity": finding.severity, "count": 0, "findings": 0})
            entry["count"] += len(finding.locations)
            entry["findings"] += 1
        return sorted(by_code.values(), key=lambda e: (-e["count"], e["code"]))

    def waiver_uses(self) -> list[tuple[Waiver, int]]:
        """Each waiver stated, with the number of findings it acknowledged."""
        return [(waiver, sum(1 for f in self.waived if f.waiver == waiver)) for waiver in self.applied.waivers]

    def lineage_line(self) -> str | None:
        """What kind of release it was read as, from what, and why: it decides which components are inherited."""
        traced = self.assessment.lineage
        if traced is None:
            return None
        bases = traced.bases
        made_from = (f" of {', '.join(bases[:3])}" + (" ..." if len(bases) > 3 else "")) if bases else ""
        where = f" ({traced.evidence.place})" if traced.evidence is not None and traced.evidence.file else ""
        return f"{traced.kind}{made_from}: {traced.note}{where}"

    def configuration_lines(self) -> list[str]:
        """What the configuration did, one line each: the files applied, then what they changed and waived."""
        lines = [f"{self.uri(path)} ({role})" for path, role in self.applied.files]
        lines += list(self.applied.changes)
        titles = {cid: result.component.title for cid, result in self.components.items()}
        for waiver, count in self.waiver_uses():
            on = f" on {titles.get(waiver.component, waiver.component)}" if waiver.component else ""
            if waiver in self.applied.refused:
                lines.append(f"waiver of {waiver.rule}{on} in {self.uri(waiver.source)} refused: a release cannot waive a security rule")
                continue
            place = f"{self.uri(waiver.source)}:{waiver.line}" if waiver.line else self.uri(waiver.source)
            lines.append(f"waiver of {waiver.rule}{on} ({place}): {count} finding{'' if count == 1 else 's'} acknowledged: {waiver.reason}")
        aside = self.release.set_aside
        if aside:  # said, so that nobody wonders why a file there was not checked
            shown = ", ".join(aside[:5]) + (f" and {len(aside) - 5} more" if len(aside) > 5 else "")
            lines.append(f"left out as no part of the release (environments git does not track): {shown}")
        return lines

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
    def where(place: Finding | Location) -> str:
        """A finding's (first) place, or one location, for a person: file:line, the file, or "release"."""
        if place.file and place.line:
            return f"{place.file}:{place.line}"
        return place.file or "release"

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
        attach to the same file when the checking workflow runs in a mirror of that repository. (A file outside the
        release, such as a configuration file, is a local path: see in_release.)"""
        release = self.release
        if file is None:
            file = release.card_path() or "."
        if os.path.isabs(file):
            return self._relative(Path(file))
        if release.source == "hub":
            return file
        return self._relative(Path(release.location) / file)

    @staticmethod
    def in_release(file: str | None) -> bool:
        """Whether uri(file) is a path of the release (relative to base_uri in Hub mode) rather than a local file."""
        return file is None or not os.path.isabs(file)

    @staticmethod
    def _relative(full: Path) -> str:
        try:
            relative = os.path.relpath(os.path.abspath(full), os.path.abspath(Path.cwd()))
        except ValueError:  # another drive on Windows
            return full.as_posix()
        return Path(relative).as_posix()
