"""Versioned JSON (schemas/report.schema.json)."""

from __future__ import annotations

import json

from openlint.formats import RenderOptions
from openlint.report import Report
from openlint.report import serialise


def render(report: Report, options: RenderOptions) -> str:
    return json.dumps(serialise.report(report), indent=2, ensure_ascii=False) + "\n"
