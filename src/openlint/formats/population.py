"""A population of graded releases for the tables: JSON reports read from audit databases, report files or
folders of them, with the taxonomy's 12 components as columns and per-component counts by category."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openlint.support.record import Record

from openlint.errors import OpenlintError, printable
from openlint.support.text import cleaned

CATEGORIES = ("fully open", "semi-open", "fully closed", "not applicable", "not assessed")
FRAMEWORKS = (("mof", "MOF"), ("osaid", "OSAID"))


class Column(Record, frozen=True):
    id: str
    title: str
    stage: str
    side: str


class Population(Record, frozen=True):
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]  # JSON reports
    not_graded: int = 0  # targets of the audit databases that could not be graded: left out, and said so
    passed_over: tuple[str, ...] = ()  # .json files of a folder that are no readable openlint report: said, not counted

    def cell(self, row: dict[str, Any], column: Column) -> dict[str, Any] | None:
        return next((c for c in row["components"] if c["id"] == column.id), None)

    def labels(self) -> tuple[str, ...]:
        """Each row's name in a table, in order: the release's name, told apart from another row's of the same name by
        its location (two folders called "release") or its revision (two revisions of one Hub repository). The names
        are counted once, not per row: a population may hold many thousands."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[name(row)] = counts.get(name(row), 0) + 1
        return tuple(_label(row, counts[name(row)] > 1) for row in self.rows)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per component: how many releases fall in each category."""
        counts = {c.id: {name: 0 for name in CATEGORIES} for c in self.columns}
        for row in self.rows:
            for column in self.columns:
                cell = self.cell(row, column)
                if cell is not None:
                    counts[column.id][cell["category"]] = counts[column.id].get(cell["category"], 0) + 1
        return counts


def _from_database(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The graded reports, and how many targets could not be graded."""
    from openlint.audit import database

    connection = database.connect(path, create=False)
    try:
        failed = sum(n for status, n in database.counts(connection).items() if status != "ok")
        return list(database.reports(connection)), failed
    finally:
        connection.close()


def _from_folder(folder: Path, passed_over: list[str]) -> list[dict[str, Any]]:
    """The openlint reports among a folder's .json files. Anything else (a BOM, a statistics file, a cut or newer
    report) is passed over and named in `passed_over`, never silently (a file named on the command line must be a
    report)."""
    from openlint.report import serialise

    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(serialise.read(path))
        except OpenlintError:
            passed_over.append(str(path))
    return found


def _from_file(path: Path) -> list[dict[str, Any]]:
    from openlint.report import serialise

    if path.suffix.lower() in (".db", ".sqlite", ".sqlite3"):
        raise OpenlintError(f"{path}: not an audit database (no SQLite header) nor a JSON report")
    return [serialise.read(path)]


def _is_database(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def load(sources: list[Path]) -> Population:
    rows: list[dict[str, Any]] = []
    not_graded = 0
    passed_over: list[str] = []
    for source in sources:
        if source.is_dir():
            rows += _from_folder(source, passed_over)
            continue
        found, failed = _from_database(source) if _is_database(source) else (_from_file(source), 0)
        rows += found
        not_graded += failed
    if not rows:
        raise OpenlintError("no graded releases in " + ", ".join(str(s) for s in sources) + " (table reads audit databases, "
                            "JSON reports of `openlint check -f json`, and folders of such reports; not release folders)")
    from openlint.knowledge import taxonomy

    columns = tuple(Column(c.id, c.title, c.stage, c.side) for c in taxonomy.components().values())
    # a JSON report may be written by anyone: its text is sanitised as a check's own is, before any format
    return Population(columns, tuple(cleaned(rows)), not_graded, tuple(passed_over))


def left_out(population: Population) -> str:
    """What the counts do not cover, in one sentence ("" when nothing was left out)."""
    said = []
    if population.not_graded:
        said.append(f"{population.not_graded} target(s) of the audit database(s) could not be graded and are left out "
                    "(the audit's rows say why).")
    if population.passed_over:
        shown = ", ".join(printable(p, 120) for p in population.passed_over[:3])
        more = f" and {len(population.passed_over) - 3} more" if len(population.passed_over) > 3 else ""
        said.append(f"{len(population.passed_over)} .json file(s) in the folders are no openlint report it can read and are "
                    f"left out: {shown}{more}.")
    return " ".join(said)


def _label(row: dict[str, Any], shared: bool) -> str:
    own = name(row)
    if not shared:
        return own
    release = row["release"]
    where = release.get("location") if release.get("location") not in (None, own) else None
    return f"{own} ({where})" if where else f"{own}@{release.get('revision') or '?'}"


def name(row: dict[str, Any]) -> str:
    release = row["release"]
    return release["location"] if release["source"] == "hub" else release["name"]


def framework(row: dict[str, Any], framework_id: str) -> str:
    return next((f["verdict"] for f in row.get("crosswalk", []) if f["framework"] == framework_id), "-")
