"""GitHub Actions workflow commands: one annotation per place a finding was found, worst first, with the documented
escaping; then the configuration applied and the grade as notices.

Release text arrives sanitised (no line breaks, no escape characters, see report/), so nothing from the release
can end a command early or start a new one; the escaping below is the workflow-command syntax's own."""

from __future__ import annotations

from openlint.formats import RenderOptions, crosswalk_section
from openlint.report import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, options: RenderOptions) -> str:
    lines = []
    for finding in report.active:
        title = f"title={escape_property(f'{finding.rule.code} {finding.rule.name}')}"
        for place in finding.locations:
            properties = [f"file={escape_property(report.uri(place.file))}"]
            if place.line:
                properties.append(f"line={place.line}")
                if place.column:
                    properties.append(f"col={place.column}")
            quote = f'\nquote: "{place.snippet}"' if place.snippet else ""
            said = place.message or finding.message
            lines.append(f"::{COMMANDS[finding.severity]} {','.join([*properties, title])}::{escape_data(said + quote)}")
    lines.append(f"::notice title={escape_property('openlint frameworks')}::{escape_data(crosswalk_section.summary(report))}")
    configuration = report.configuration_lines()
    if configuration:
        lines.append(f"::notice title={escape_property('openlint configuration')}::{escape_data(chr(10).join(configuration))}")
    if reason := report.min_grade_failure(options.min_grade, options.min_grade_source):
        lines.append(f"::error title={escape_property('openlint min-grade')}::{escape_data(reason)}")
    lines.append(f"::notice title={escape_property('openlint grade')}::{escape_data(f'Openness grade {report.grade_summary()} for {report.release.name}')}")
    return "\n".join(lines) + "\n"
