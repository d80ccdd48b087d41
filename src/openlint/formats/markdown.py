"""Markdown for a job summary or a PR comment: grade (and why it fails --min-grade), the component table with each
component's points (the grade breakdown), the configuration applied, findings with their fixes; under 1 MiB.

A job summary and a PR comment render HTML and GitHub's references, so release text (card quotes, licence names,
file names) is escaped here on top of the report's sanitising: HTML entities for < > &, a backslash before each
markdown metacharacter (no links, images, emphasis or table breaks), and @mentions broken with a zero-width
joiner so that a card cannot notify anyone. Paths are code spans, fenced so that no backtick can end them.
"""

from __future__ import annotations

import re

from openlint.formats import RenderOptions, crosswalk_section
from openlint.report import Report
from openlint.rules.engine import Finding

LIMIT = 1_000_000  # GitHub refuses step summaries over 1 MiB
ICONS = {"fully open": "\U0001F7E2", "semi-open": "\U0001F7E1", "fully closed": "\U0001F534", "not applicable": "\u26AA", "not assessed": "\u2754"}
PLACES = 5  # locations listed per finding
_METACHARACTERS = re.compile(r"([\\`*_{}\[\]()#+!|~:])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def text(value: str) -> str:
    """Release text as inert markdown: shown as written, never as markup, a link or a mention."""
    value = _METACHARACTERS.sub(r"\\\1", value.replace("\n", " "))
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@\u200d", value)


def code(value: str) -> str:
    """A path or an id as a code span: a fence longer than any run of backticks in it, pipes escaped for tables."""
    value = value.replace("\n", " ").replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def render(report: Report, options: RenderOptions, limit: int = LIMIT) -> str:
    frameworks = crosswalk_section.markdown(report, text)  # last, after the findings; its size is reserved
    text_ = "\n".join(_head(report, options)) + "\n"
    findings = report.active
    if findings:
        text_ += "| | Rule | Where | Finding | Fix |\n|---|---|---|---|---|\n"
    for shown, finding in enumerate(findings):
        row = _row(report, finding)
        if len((text_ + row).encode()) + len(frameworks.encode()) + 100 > limit:
            text_ += f"\n*... and {len(findings) - shown} more finding(s); see the full report (--format json or sarif).*\n"
            break
        text_ += row
    return text_ + "\n" + frameworks


def _points(item: dict | None) -> str:
    if item is None or item["level"] is None:
        return "-"
    return f"{item['earned']:g} / {item['possible']:g}"


def _head(report: Report, options: RenderOptions) -> list[str]:
    grade = report.grade
    release = report.release
    title = f"openness grade **{grade.letter}** ({grade.score:g}/100)" if report.graded else "not graded"
    head = [f"## openlint: {title}", "",
            # the release's name, and where it was read when that says more ("." in CI said nothing)
            f"Release {code(release.name)}" + (f" ({code(release.location)})" if release.location != release.name else "")
            + (f" at {code(release.revision)}" if release.revision else ""), ""]
    if release.missing:
        head += [f"> **Incomplete check:** {text(report.grade_label())}; components marked UNK were not assessed and are "
                 "left out of the grade.", ""]
    if reason := report.min_grade_failure(options.min_grade, options.min_grade_source):
        head += [f"> **Failed:** {reason}", ""]
    if grade.caps:
        head += [f"> Capped at {c['max_grade']}: {text(c['why'])}" for c in grade.caps] + [""]
    if not release.missing and (unknown := report.not_assessed()):
        head += [f"> Not assessed, so left out of the grade: {text(', '.join(unknown))}", ""]
    if line := report.lineage_line():
        head += [f"Read as: {text(line)} (release {code(release.name)})", ""]
    head += _components(report)
    configuration = report.configuration_lines()
    if configuration:
        head += ["", "**Configuration applied**", ""] + [f"- {text(line)}" for line in configuration]
    counts = report.counts()
    head += ["", f"**{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info**"
             + (f", {counts['waived']} acknowledged" if counts["waived"] else ""), ""]
    return head


def _components(report: Report) -> list[str]:
    """The component table; its Points column is the grade breakdown (each component earns (level - 1) / 4 of its
    weight), followed by the score it adds up to."""
    breakdown = {item["component"]: item for item in report.grade.breakdown}
    lines = ["| Component | Level | Category | Status | Licence | Points |", "|---|---|---|---|---|---|"]
    for result in report.components.values():
        lines.append(f"| {text(result.component.title)} | {result.label} | {ICONS[result.category]} {result.category} | "
                     f"{result.status.replace('-', ' ')} | {text(report.licence_label(result))} | {_points(breakdown.get(result.id))} |")
    grade = report.grade
    earned = sum(item["earned"] or 0 for item in grade.breakdown)
    possible = sum(item["possible"] for item in grade.breakdown)
    capped = f", capped to {grade.letter}" if grade.caps else ""
    if not report.graded:
        return lines + ["", "No component could be assessed: no score."]
    lines += ["", f"Score: 100 x {earned:g} / {possible:g} points = **{grade.score:g}** (grade {grade.uncapped or grade.letter}{capped}); "
              "not-applicable and unassessed components count on neither side."]
    return lines


def _row(report: Report, finding: Finding) -> str:
    places = [code(report.where(place)) for place in finding.locations[:PLACES]]
    if len(finding.locations) > PLACES:
        places.append(f"and {len(finding.locations) - PLACES} more")
    quote = f"<br>&gt; {text(finding.snippet)}" if finding.snippet else ""
    return (f"| {finding.severity} | `{finding.rule.code}` {text(finding.rule.name)} | {'<br>'.join(places)} | "
            f"{text(finding.message)}{quote} | {text(finding.rule.fix)} |\n")
