"""`--statistics`: how often each rule fired, most first, like `ruff check --statistics`."""

from __future__ import annotations

import json

from openlint.formats import RenderOptions
from openlint.report import Report


def render(report: Report, options: RenderOptions) -> str:
    rows = report.statistics()
    if options.as_json:
        return json.dumps(rows, indent=2) + "\n"
    if not rows:
        return "no findings\n"  # said, as the other text formats say it: an empty output reads as a failure to run
    width = max(len(str(row["count"])) for row in rows)
    return "".join(f"{row['count']:>{width}}\t{row['code']}\t{row['severity']:<7}\t{row['name']}\n" for row in rows)
