"""Human-readable terminal output: the component table, the findings by severity, the grade and its breakdown."""

from __future__ import annotations

from openlint.report import Finding, Report

_COLORS = {"error": "red", "warning": "yellow", "info": "blue", "A": "green", "B": "green", "C": "yellow",
           "D": "yellow", "E": "red", "F": "red", "fully open": "green", "semi-open": "yellow", "fully closed": "red"}


def render(report: Report, *, color: bool = False, verbosity: int = 0) -> str:
    def style(text: str, key: str | None = None, bold: bool = False) -> str:
        if not color:
            return text
        import click

        return click.style(text, fg=_COLORS.get(key or text), bold=bold)

    release = report.release
    out: list[str] = []
    grade = report.grade
    if verbosity >= 0:
        where = release.location + (f" @ {release.revision}" if release.revision else "")
        out.append(style(f"openlint: {release.name}", bold=True) + f"  ({release.source}: {where})")
        out.append("")
        width = max(len(r.component.title) for r in report.components.values())
        out.append(f"  {'component':<{width}}  level  {'category':<14}  {'status':<24}  {'licence':<24}  evidence")
        for result in report.components.values():
            licence = result.licence.id if result.licence else (result.licence_raw or "-") if result.status == "released" else "-"
            evidence = next((f"{e.file}:{e.line}" if e.line else e.file for e in result.evidence if e.file), "-")
            status = result.status.replace("-", " ")
            out.append(f"  {result.component.title:<{width}}  {result.label:<5}  {style(f'{result.category:<14}', result.category)}  "
                       f"{status:<24}  {licence[:24]:<24}  {evidence}")
            if verbosity >= 1:
                if result.note:
                    out.append(f"  {'':<{width}}  note: {result.note}")
                for item in result.evidence[:3]:
                    if item.snippet:
                        out.append(f"  {'':<{width}}  {item.file}:{item.line or '-'}: {item.snippet}")
        summary = report.weights_summary()
        if summary["files"]:
            params = f"{summary['parameters']:,} parameters" if summary["parameters"] is not None else "parameters unknown"
            dtypes = ", ".join(f"{k} {v:,}" for k, v in sorted(summary["dtypes"].items()))
            formats = ", ".join(f"{v} {k}" for k, v in sorted(summary["formats"].items()))
            out.append(f"  weights: {formats}; {params}" + (f" ({dtypes})" if dtypes else ""))
        out.append("")
    active = report.active
    for severity in ("error", "warning", "info"):
        group = [f for f in active if f.severity == severity]
        if not group or (verbosity < 0 and severity == "info"):
            continue
        out.append(style(f"{severity}s ({len(group)})", severity, bold=True))
        for finding in group:
            out.extend(_finding(finding, style, verbosity))
        out.append("")
    waived = [f for f in report.findings if f.waived is not None]
    if waived and verbosity >= 0:
        out.append(style(f"acknowledged ({len(waived)})", bold=True))
        for finding in waived:
            out.append(f"  {finding.rule.code} {finding.rule.name}: waived: {finding.waived}")
        out.append("")
    out.append(style(f"grade {grade.letter}", grade.letter, bold=True) + f"  score {grade.score:g}/100" +
               (f" (capped from {grade.uncapped}: {'; '.join(c['name'] for c in grade.caps)})" if grade.caps else ""))
    if verbosity >= 0:
        parts = []
        for item in grade.breakdown:
            result = report.components[item["component"]]
            if item["level"] is not None:
                parts.append(f"{result.label} {result.component.title.lower()} {item['earned']:g}/{item['possible']}")
        out.append("  " + ", ".join(parts))
        for cap in grade.caps:
            out.append(f"  cap {cap['name']}: at most {cap['max_grade']}. {cap['why']}")
        counts = report.counts()
        out.append(f"  {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info, {counts['waived']} acknowledged")
    return "\n".join(out) + "\n"


def _finding(finding: Finding, style, verbosity: int) -> list[str]:
    where = f"{finding.file}:{finding.line}" if finding.file and finding.line else (finding.file or "release")
    lines = [f"  {where}: {style(finding.rule.code, finding.severity)} {finding.message} [{finding.rule.name}]"]
    if verbosity >= 0 and finding.snippet:
        lines.append(f"      quote: {finding.snippet}")
    if verbosity >= 0:
        lines.append(f"      fix: {finding.rule.fix}")
    if verbosity >= 1:
        lines.append(f"      why: {finding.rule.recommendation}")
    return lines
