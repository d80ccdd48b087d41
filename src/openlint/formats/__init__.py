"""Output formats: each one a pure function of the report. The registry feeds the CLI's --format choices."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry is imported by the CLI at start-up: it must stay light
    from openlint.report import Report

# name -> module holding `render(report, *, color, verbosity) -> str`; imported only when used
FORMATS: dict[str, str] = {
    "text": "openlint.formats.text",
    "json": "openlint.formats.json_format",
    "sarif": "openlint.formats.sarif",
    "github": "openlint.formats.github",
    "markdown": "openlint.formats.markdown",
}
EXTENSIONS = {".json": "json", ".sarif": "sarif", ".md": "markdown", ".txt": "text", ".log": "github"}


def renderer(name: str) -> Callable[..., str]:
    return import_module(FORMATS[name]).render


def render(name: str, report: Report, *, color: bool = False, verbosity: int = 0) -> str:
    return renderer(name)(report, color=color, verbosity=verbosity)
