"""Markdown for a job summary or a PR comment: grade, the component table, findings; under 1 MiB."""

from __future__ import annotations

from openlint.formats import RenderOptions, crosswalk_section
from openlint.report import Report

LIMIT = 1_000_000  # GitHub refuses step summaries over 1 MiB
ICONS = {"fully open": "\U0001F7E2", "semi-open": "\U0001F7E1", "fully closed": "\U0001F534", "not applicable": "\u26AA", "not assessed": "\u2754"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: Report, options: RenderOptions, limit: int = LIMIT) -> str:
    grade = report.grade
    release = report.release
    head = [f"## openlint: openness grade **{grade.letter}** ({grade.score:g}/100)", "",
            f"`{release.location}`" + (f" at `{release.revision}`" if release.revision else ""), ""]
    if grade.caps:
        head += [f"> Capped at {c['max_grade']}: {c['why']}" for c in grade.caps] + [""]
    head += ["| Component | Level | Category | Status | Licence |", "|---|---|---|---|---|"]
    for result in report.components.values():
        licence = report.licence_label(result)
        head.append(f"| {_cell(result.component.title)} | {result.label} | {ICONS[result.category]} {result.category} | "
                    f"{result.status.replace('-', ' ')} | {_cell(licence)} |")
    counts = report.counts()
    head += ["", f"**{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info**"
             + (f", {counts['waived']} acknowledged" if counts["waived"] else ""), ""]
    text = "\n".join(head) + "\n" + crosswalk_section.markdown(report) + "\n"
    findings = report.active
    if findings:
        text += "| | Rule | Where | Finding |\n|---|---|---|---|\n"
    for shown, finding in enumerate(findings):
        where = report.where(finding)
        quote = f"<br>> {_cell(finding.snippet)}" if finding.snippet else ""
        row = f"| {finding.severity} | `{finding.rule.code}` {finding.rule.name} | `{_cell(where)}` | {_cell(finding.message)}{quote} |\n"
        remaining = len(findings) - shown
        if len((text + row).encode()) + 100 > limit:
            text += f"\n*... and {remaining} more finding(s); see the full report (--format json or sarif).*\n"
            break
        text += row
    return text
