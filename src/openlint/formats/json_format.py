"""Versioned JSON (schemas/report.schema.json)."""

from __future__ import annotations

import json

from openlint.report import Report


def render(report: Report, *, color: bool = False, verbosity: int = 0) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
