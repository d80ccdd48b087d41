"""The paper's table for any population of releases: releases as rows, the 12 components as columns (levels), the
grade and the crosswalk verdicts; and per component how many releases are open, semi-open and closed (the paper's
headline finding, recomputed). Read from audit databases or JSON reports; written as markdown, CSV or HTML/SVG."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openlint.errors import OpenlintError

CATEGORIES = ("fully open", "semi-open", "fully closed", "not applicable", "not assessed")
FRAMEWORKS = (("mof", "MOF"), ("osaid", "OSAID"))


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    stage: str
    side: str


@dataclass(frozen=True)
class Population:
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]  # JSON reports

    def cell(self, row: dict[str, Any], column: Column) -> dict[str, Any] | None:
        return next((c for c in row["components"] if c["id"] == column.id), None)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per component: how many releases fall in each category."""
        counts = {c.id: {name: 0 for name in CATEGORIES} for c in self.columns}
        for row in self.rows:
            for column in self.columns:
                cell = self.cell(row, column)
                if cell is not None:
                    counts[column.id][cell["category"]] = counts[column.id].get(cell["category"], 0) + 1
        return counts


def _from_database(path: Path) -> list[dict[str, Any]]:
    from openlint.audit import database

    connection = database.connect(path, create=False)
    try:
        return list(database.reports(connection))
    finally:
        connection.close()


def _from_file(path: Path) -> list[dict[str, Any]]:
    from openlint.compare import _read_report

    return [_read_report(path)]


def _is_database(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def load(sources: list[Path]) -> Population:
    rows: list[dict[str, Any]] = []
    for source in sources:
        files = sorted(source.glob("*.json")) if source.is_dir() else [source]
        for path in files:
            rows += _from_database(path) if _is_database(path) else _from_file(path)
    if not rows:
        raise OpenlintError("no graded releases in " + ", ".join(str(s) for s in sources))
    from openlint.knowledge import taxonomy

    columns = tuple(Column(c.id, c.title, c.stage, c.side) for c in taxonomy.components().values())
    return Population(columns, tuple(rows))


def name(row: dict[str, Any]) -> str:
    release = row["release"]
    return release["location"] if release["source"] == "hub" else release["name"]


def framework(row: dict[str, Any], framework_id: str) -> str:
    return next((f["verdict"] for f in row.get("crosswalk", []) if f["framework"] == framework_id), "-")


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
    for row in population.rows:
        cells = [(population.cell(row, c) or {}).get("label", "-") for c in population.columns]
        verdicts = [framework(row, fid) for fid, _ in FRAMEWORKS]
        out.append("| " + " | ".join(_cell(x) for x in [name(row), *cells, row["grade"]["grade"], *verdicts]) + " |")
    out += ["", f"Per component, over {len(population.rows)} release(s):", "",
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
    for row in population.rows:
        cells = [(population.cell(row, c) or {}).get("label", "") for c in population.columns]
        crosswalk = {f["framework"]: f["verdict"] for f in row.get("crosswalk", [])}
        writer.writerow([name(row), row["release"]["source"], row["release"].get("revision") or "", *cells,
                         row["grade"]["grade"], row["grade"]["score"], *(framework(row, fid) for fid, _ in FRAMEWORKS),
                         json.dumps(crosswalk, ensure_ascii=False)])
    return buffer.getvalue()
