"""Output formats: each a pure function of the report, `render(report, options) -> str`. The registry feeds the
CLI's --format choices, so the CLI and the formats cannot drift.

Every string a format takes from the report has already been sanitised (report/__init__.py, support/text.py): no
control character from the release reaches an output. Formats add the escaping of their own syntax on top
(markdown and HTML metacharacters, workflow-command properties), and colour last."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from openlint.support.record import Record

if TYPE_CHECKING:  # the registry is imported by the CLI at start-up: it must stay light
    from openlint.report import Report


class RenderOptions(Record, frozen=True, eq=False):  # compared by identity
    """How a report is rendered: colour, verbosity and what some formats add."""

    color: bool = False
    verbosity: int = 0  # -1 quiet, 0 normal, 1+ verbose
    badge_components: bool = False  # the badge's strip of 12 component levels
    min_grade: str | None = None  # the run's minimum grade: CI formats say when the grade falls below it
    min_grade_source: str | None = None  # where it was set ("--min-grade B", "min-grade: B in .openlint.yaml")
    as_json: bool = False  # statistics: JSON rather than text


# name -> module holding `render(report, options) -> str`; imported only when used
FORMATS: dict[str, str] = {
    "text": "openlint.formats.text",
    "concise": "openlint.formats.concise",
    "json": "openlint.formats.json_format",
    "sarif": "openlint.formats.sarif",
    "github": "openlint.formats.github",
    "markdown": "openlint.formats.markdown",
    "cyclonedx": "openlint.formats.cyclonedx",
    "html": "openlint.formats.html",
}
# formats written by their own commands, not offered by --format
OTHER_FORMATS: dict[str, str] = {"badge": "openlint.formats.badge", "statistics": "openlint.formats.statistics"}
EXTENSIONS = {".cdx.json": "cyclonedx", ".json": "json", ".sarif": "sarif", ".sarif.json": "sarif", ".md": "markdown",
              ".markdown": "markdown", ".txt": "text", ".log": "github", ".html": "html", ".htm": "html"}


def format_of(name: str) -> str | None:
    """The format a file name's extension names; the longest matching one ("x.cdx.json" is CycloneDX, not JSON)."""
    lower = name.lower()
    return next((EXTENSIONS[ext] for ext in sorted(EXTENSIONS, key=len, reverse=True) if lower.endswith(ext)), None)


def renderer(name: str) -> Callable[..., str]:
    return import_module(FORMATS.get(name) or OTHER_FORMATS[name]).render


def render(name: str, report: Report, options: RenderOptions | None = None) -> str:
    return renderer(name)(report, options or RenderOptions())
