"""GitHub Actions workflow commands: one annotation per finding, worst first, with the documented escaping."""

from __future__ import annotations

from openlint.formats import RenderOptions
from openlint.report import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, options: RenderOptions) -> str:
    lines = []
    for finding in report.active:
        properties = [f"file={escape_property(report.uri(finding.file))}"]
        if finding.line:
            properties.append(f"line={finding.line}")
        properties.append(f"title={escape_property(f'{finding.rule.code} {finding.rule.name}')}")
        quote = f'\nquote: "{finding.snippet}"' if finding.snippet else ""
        lines.append(f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(finding.message + quote)}")
    grade = report.grade
    if reason := report.min_grade_failure(options.min_grade):
        lines.append(f"::error title={escape_property('openlint min-grade')}::{escape_data(reason)}")
    lines.append(f"::notice title={escape_property('openlint grade')}::{escape_data(f'Openness grade {grade.letter} ({grade.score:g}/100) for {report.release.name}')}")
    return "\n".join(lines) + "\n"
