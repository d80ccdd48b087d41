"""Markdown for a job summary or a PR comment: grade (and why it fails --min-grade), the component table with each
component's share of the score, findings with their fixes; under 1 MiB."""

from __future__ import annotations

from openlint.formats import RenderOptions
from openlint.report import Report
from openlint.rules.engine import Finding

LIMIT = 1_000_000  # GitHub refuses step summaries over 1 MiB
ICONS = {"fully open": "\U0001F7E2", "semi-open": "\U0001F7E1", "fully closed": "\U0001F534", "not applicable": "\u26AA", "not assessed": "\u2754"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _points(item: dict | None) -> str:
    if item is None or item["level"] is None:
        return "-"
    return f"{item['earned']:g} / {item['possible']:g}"


def _head(report: Report, options: RenderOptions) -> list[str]:
    grade = report.grade
    release = report.release
    head = [f"## openlint: openness grade **{grade.letter}** ({grade.score:g}/100)", "",
            f"`{release.location}`" + (f" at `{release.revision}`" if release.revision else ""), ""]
    if reason := report.min_grade_failure(options.min_grade):
        head += [f"> **Failed:** {reason}", ""]
    if grade.caps:
        head += [f"> Capped at {c['max_grade']}: {c['why']}" for c in grade.caps] + [""]
    return head


def _components(report: Report) -> list[str]:
    """The component table; its Points column is the grade breakdown (weight x (level - 1) / 4 of the weight)."""
    breakdown = {item["component"]: item for item in report.grade.breakdown}
    lines = ["| Component | Level | Category | Status | Licence | Points |", "|---|---|---|---|---|---|"]
    for result in report.components.values():
        lines.append(f"| {_cell(result.component.title)} | {result.label} | {ICONS[result.category]} {result.category} | "
                     f"{result.status.replace('-', ' ')} | {_cell(report.licence_label(result))} | {_points(breakdown.get(result.id))} |")
    earned = sum(item["earned"] or 0 for item in report.grade.breakdown)
    possible = sum(item["possible"] for item in report.grade.breakdown)
    grade = report.grade
    lines += ["", f"Score: 100 x {earned:g} / {possible:g} points = **{grade.score:g}** (grade {grade.uncapped or grade.letter}"
              + (f", capped to {grade.letter}" if grade.caps else "") + "); not-applicable and unassessed components count on neither side.", ""]
    return lines


def _finding_row(report: Report, finding: Finding) -> str:
    quote = f"<br>> {_cell(finding.snippet)}" if finding.snippet else ""
    return (f"| {finding.severity} | `{finding.rule.code}` {finding.rule.name} | `{_cell(report.where(finding))}` | "
            f"{_cell(finding.message)}{quote} | {_cell(finding.rule.fix)} |\n")


def render(report: Report, options: RenderOptions, limit: int = LIMIT) -> str:
    counts = report.counts()
    lines = _head(report, options) + _components(report)
    lines += [f"**{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info**"
              + (f", {counts['waived']} acknowledged" if counts["waived"] else ""), ""]
    text = "\n".join(lines) + "\n"
    findings = report.active
    if findings:
        text += "| | Rule | Where | Finding | Fix |\n|---|---|---|---|---|\n"
    for shown, finding in enumerate(findings):
        row = _finding_row(report, finding)
        if len((text + row).encode()) + 100 > limit:
            text += f"\n*... and {len(findings) - shown} more finding(s); see the full report (--format json or sarif).*\n"
            break
        text += row
    return text
