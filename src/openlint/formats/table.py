"""The paper's table for any population of releases: releases as rows, the 12 components as columns (levels), the
grade and the crosswalk verdicts; and per component how many releases are open, semi-open and closed (the paper's
headline finding, recomputed). Read from audit databases or JSON reports; written as markdown, CSV or HTML/SVG."""

from __future__ import annotations

import csv
import io
import json

from openlint.formats import markdown
from openlint.formats.population import CATEGORIES, FRAMEWORKS, Population, framework, left_out, load

__all__ = ["load", "render"]


def render(output_format: str, population: Population) -> str:
    if output_format == "csv":
        return _csv(population)
    if output_format == "html":
        from openlint.formats import table_html

        return table_html.render(population)
    return _markdown(population)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(population: Population) -> str:
    head = ["Release", *(c.title for c in population.columns), "Grade", *(label for _, label in FRAMEWORKS)]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row, shown in zip(population.rows, population.labels()):
        cells = [(population.cell(row, c) or {}).get("label", "-") for c in population.columns]
        verdicts = [framework(row, fid) for fid, _ in FRAMEWORKS]
        # a release's name (and, from a JSON report anyone may write, every value) as inert markdown: no HTML, link or @mention
        out.append("| " + " | ".join([markdown.code(shown), *(markdown.text(str(x)) for x in [*cells, row["grade"]["grade"], *verdicts])]) + " |")
    note = left_out(population)
    out += ["", f"Per component, over {len(population.rows)} release(s):" + (f" {note}" if note else ""), "",
            "| Component | " + " | ".join(CATEGORIES) + " |", "|---|" + "---|" * len(CATEGORIES)]
    summary = population.summary()
    for column in population.columns:
        out.append(f"| {_cell(column.title)} | " + " | ".join(str(summary[column.id][c]) for c in CATEGORIES) + " |")
    return "\n".join(out) + "\n"


def _csv(population: Population) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["release", "source", "revision", *(c.id for c in population.columns), "grade", "score",
                     *(fid for fid, _ in FRAMEWORKS), "crosswalk"])
    for row, shown in zip(population.rows, population.labels()):
        cells = [(population.cell(row, c) or {}).get("label", "") for c in population.columns]
        crosswalk = {f["framework"]: f["verdict"] for f in row.get("crosswalk", [])}
        writer.writerow([_inert(x) for x in [shown, row["release"]["source"], row["release"].get("revision") or "", *cells,
                         row["grade"]["grade"], row["grade"]["score"], *(framework(row, fid) for fid, _ in FRAMEWORKS),
                         json.dumps(crosswalk, ensure_ascii=False)]])
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    """A CSV cell a spreadsheet shows as text, never runs as a formula (=HYPERLINK(...) in a release's name): one that
    starts like a formula gets a leading apostrophe (OWASP, CSV injection). A number stays a number; the lone "-"
    that stands for no verdict is no formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and value != "-":
        return "'" + value
    return value
