"""One line per finding, `path:line:col: CODE message`, as ruff's concise output (what editors and terminals turn
into links), then the grade line. The pre-commit hook's output: short enough to read in a failing commit."""

from __future__ import annotations

from openlint.formats import RenderOptions
from openlint.report import Report


def _printable(text: str) -> str:
    """Release text (file names, quotes) never reaches a terminal raw: control characters are shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def render(report: Report, options: RenderOptions) -> str:
    lines = []
    for finding in report.active:
        if options.verbosity < 0 and finding.severity == "info":
            continue
        path = _printable(report.uri(finding.file))
        lines.append(f"{path}:{finding.line or 1}:1: {finding.rule.code} {_printable(finding.message)}")
    if options.verbosity >= 0:
        lines.append(_summary(report))
    return "".join(line + "\n" for line in lines)


def _summary(report: Report) -> str:
    grade = report.grade
    counts = report.counts()
    found = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info") if counts[s])
    waived = f", {counts['waived']} acknowledged" if counts["waived"] else ""
    return f"grade {grade.letter} ({grade.score:g}/100): {found or 'no findings'}{waived}"
