"""Versioned JSON (schemas/report.schema.json). Release text arrives sanitised (report/); anything a terminal would
act on is written as a \\u escape all the same, so printing the JSON is safe."""

from __future__ import annotations

import json

from openlint.formats import RenderOptions
from openlint.report import Report
from openlint.report import serialise
from openlint.support.text import escape_json


def render(report: Report, options: RenderOptions) -> str:
    return escape_json(json.dumps(serialise.report(report), indent=2, ensure_ascii=False)) + "\n"
