"""Human-readable terminal output: the component table, the configuration applied, the findings by severity, the
grade and its breakdown. Release text arrives sanitised (report/); colours are added here, after."""

from __future__ import annotations

from collections.abc import Callable

from openlint.formats import RenderOptions, crosswalk_section
from openlint.report import Report
from openlint.rules.engine import Finding

_COLORS = {"error": "red", "warning": "yellow", "info": "blue", "A": "green", "B": "green", "C": "yellow",
           "D": "yellow", "E": "red", "F": "red", "fully open": "green", "semi-open": "yellow", "fully closed": "red"}

Style = Callable[..., str]
ALSO = 5  # further locations of a finding listed without -v


def _styler(color: bool) -> Style:
    def style(text: str, key: str | None = None, bold: bool = False) -> str:
        if not color:
            return text
        import click

        return click.style(text, fg=_COLORS.get(key or text), bold=bold)
    return style


def render(report: Report, options: RenderOptions) -> str:
    style = _styler(options.color)
    verbosity = options.verbosity
    out: list[str] = _incomplete(report, style)
    if verbosity >= 0:
        out += _table(report, style, verbosity)
    out += _configuration(report, style)
    out += _findings(report, style, verbosity)
    out += _grade(report, style, verbosity)
    out += crosswalk_section.text_lines(report, verbosity)
    return "\n".join(out) + "\n"


def _incomplete(report: Report, style: Style) -> list[str]:
    """First, before anything else: a check that could not read everything says so (--partial)."""
    missing = report.release.missing
    if not missing:
        return []
    return [style(f"INCOMPLETE CHECK: {len(missing)} item(s) could not be read; components marked UNK were not assessed "
                  "and are left out of the grade", "error", bold=True)]


def _table(report: Report, style: Style, verbosity: int) -> list[str]:
    release = report.release
    where = release.location + (f" @ {release.revision}" if release.revision else "")
    out = [style(f"openlint: {release.name}", bold=True) + f"  ({release.source}: {where})", *([f"  lineage: {line}"] if (line := report.lineage_line()) else []), ""]
    width = max(len(r.component.title) for r in report.components.values())
    out.append(f"  {'component':<{width}}  level  {'category':<14}  {'status':<24}  {'licence':<24}  evidence")
    for result in report.components.values():
        evidence = next((e.place for e in result.evidence if e.file), None) or next((e.place for e in result.evidence), "-")
        out.append(f"  {result.component.title:<{width}}  {result.label:<5}  {style(f'{result.category:<14}', result.category)}  "
                   f"{result.status.replace('-', ' '):<24}  {report.licence_label(result)[:24]:<24}  {evidence}")
        if verbosity >= 1:
            if result.note:
                out.append(f"  {'':<{width}}  note: {result.note}")
            out += [f"  {'':<{width}}  {item.place}: {item.snippet}" for item in result.distinct_evidence[:3] if item.snippet]
    return out + _weights(report) + [""]


def _weights(report: Report) -> list[str]:
    summary = report.weights_summary()
    if not summary["files"]:
        return []
    params = (f"{summary['parameters']:,} parameter{'' if summary['parameters'] == 1 else 's'}" if summary["parameters"] is not None else "parameters unknown")
    dtypes = ", ".join(f"{k} {v:,}" for k, v in sorted(summary["dtypes"].items()))
    formats = ", ".join(f"{v} {k}" for k, v in sorted(summary["formats"].items()))
    return [f"  weights: {formats}; {params}" + (f" ({dtypes})" if dtypes else "")]


def _configuration(report: Report, style: Style) -> list[str]:
    lines = report.configuration_lines()
    if not lines:
        return []
    return [style("configuration", bold=True)] + [f"  {line}" for line in lines] + [""]


def _findings(report: Report, style: Style, verbosity: int) -> list[str]:
    out: list[str] = []
    for severity in ("error", "warning", "info"):
        group = [f for f in report.active if f.severity == severity]
        if not group or (verbosity < 0 and severity == "info"):
            continue
        out.append(style(f"{severity}s ({len(group)})", severity, bold=True))
        for finding in group:
            out.extend(_finding(finding, style, verbosity))
        out.append("")
    if report.waived and verbosity >= 0:
        out.append(style(f"acknowledged ({len(report.waived)})", bold=True))
        out += [f"  {Report.where(f)}: {f.rule.code} {f.rule.name}: waived: {f.waived}" for f in report.waived]
        out.append("")
    return out


def _finding(finding: Finding, style: Style, verbosity: int) -> list[str]:
    lines = [f"  {Report.where(finding)}: {style(finding.rule.code, finding.severity)} {finding.message} [{finding.rule.name}]"]
    others = finding.locations[1:]
    if others:
        shown = others if verbosity >= 1 else others[:ALSO]
        more = f" (and {len(others) - len(shown)} more; -v lists them)" if len(shown) < len(others) else ""
        lines.append(f"      also at: {', '.join(Report.where(place) for place in shown)}{more}")
    if verbosity >= 0 and finding.snippet:
        lines.append(f"      quote: {finding.snippet}")
    if verbosity >= 0:
        lines.append(f"      fix: {finding.rule.fix}")
    if verbosity >= 1:
        lines.append(f"      why: {finding.rule.recommendation}")
    return lines


def _grade(report: Report, style: Style, verbosity: int) -> list[str]:
    grade = report.grade
    if not report.graded:
        return [style(f"grade: {report.grade_label()}", "error", bold=True)]
    out = [style(f"grade {grade.letter}", grade.letter, bold=True) + f"  score {grade.score:g}/100" +
           (f" (capped from {grade.uncapped}: {'; '.join(c['name'] for c in grade.caps)})" if grade.caps else "") +
           (" (incomplete: see above)" if report.release.missing else "") +
           (f" (not assessed: {', '.join(unknown)})" if not report.release.missing and (unknown := report.not_assessed()) else "")]
    if verbosity < 0:
        return out
    parts = []
    for item in grade.breakdown:
        if item["level"] is not None:
            result = report.components[item["component"]]
            parts.append(f"{result.label} {result.component.title.lower()} {item['earned']:g}/{item['possible']}")
    out.append("  " + ", ".join(parts))
    out += [f"  cap {cap['name']}: at most {cap['max_grade']}. {cap['why']}" for cap in grade.caps]
    counts = report.counts()
    out.append(f"  {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info, {counts['waived']} acknowledged")
    return out
