"""One line per finding, `path:line:col: CODE message`, as ruff's concise output: what editors and terminals turn
into links. A finding found in several places has a line for each. Then the grade (unless quiet) and the
configuration applied (quiet: only when there is a finding to show, so that a clean quiet run prints nothing)."""

from __future__ import annotations

from openlint.formats import RenderOptions
from openlint.report import Report
from openlint.support.text import clean


def render(report: Report, options: RenderOptions) -> str:
    lines = []
    for finding in report.active:
        if options.verbosity < 0 and finding.severity == "info":
            continue
        for place in finding.locations:
            # clean() again: the path a CI log sees starts the line, so it must not read as a workflow command
            path = clean(report.uri(place.file))
            lines.append(f"{path}:{place.line or 1}:{place.column or 1}: {finding.rule.code} {place.message or finding.message}")
    if options.verbosity >= 0:
        lines.append(_summary(report))
    if options.verbosity >= 0 or lines:  # quiet and clean prints nothing; quiet with findings says what was configured
        lines += [f"configuration: {line}" for line in report.configuration_lines()]
    return "".join(line + "\n" for line in lines)


def _summary(report: Report) -> str:
    counts = report.counts()
    found = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info") if counts[s])
    waived = f", {counts['waived']} acknowledged" if counts["waived"] else ""
    # a finding in several places has a line for each: say so, or the lines above outnumber the count
    places = sum(len(f.locations) for f in report.active)
    spread = f" (in {places} places)" if places > len(report.active) else ""
    grade = f"grade {report.grade_summary()}" if report.graded else report.grade_summary()  # never "grade not graded"
    return f"{grade}: {found or 'no findings'}{spread}{waived}"
