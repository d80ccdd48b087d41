"""The audit database: SQLite through the standard library, one row per target and revision, versioned.

Schema (version 1; docs/audit.md describes every column):
  meta(key, value)               schema_version, openlint_version, created
  results(target, requested_revision, ...)   one row per target and requested revision: the outcome ("ok" or
                                 "error" with the error), the grade, the crosswalk verdicts, every component as
                                 JSON and the full JSON report
  components(target, requested_revision, component, ...)   the same components, one row each, for SQL

Each target is committed on its own, so an interrupted audit loses at most the targets in flight.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from openlint.support.record import Record

from openlint import __version__
from openlint.errors import OpenlintError

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    target TEXT NOT NULL,
    requested_revision TEXT NOT NULL DEFAULT '',
    revision TEXT,
    source TEXT,
    name TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error TEXT,
    grade TEXT,
    score REAL,
    complete INTEGER,
    mof TEXT,
    osaid TEXT,
    osai_index TEXT,
    components TEXT,
    crosswalk TEXT,
    report TEXT,
    openlint_version TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    seconds REAL,
    PRIMARY KEY (target, requested_revision)
);
CREATE TABLE IF NOT EXISTS components (
    target TEXT NOT NULL,
    requested_revision TEXT NOT NULL DEFAULT '',
    component TEXT NOT NULL,
    label TEXT NOT NULL,
    level INTEGER,
    category TEXT,
    status TEXT NOT NULL,
    licence TEXT,
    evidence TEXT,
    PRIMARY KEY (target, requested_revision, component),
    FOREIGN KEY (target, requested_revision) REFERENCES results (target, requested_revision) ON DELETE CASCADE
);
"""

RESULT_COLUMNS = ("target", "requested_revision", "revision", "source", "name", "status", "error", "grade", "score",
                  "complete", "mof", "osaid", "osai_index", "components", "crosswalk", "report", "openlint_version",
                  "checked_at", "seconds")
COMPONENT_COLUMNS = ("target", "requested_revision", "component", "label", "level", "category", "status", "licence", "evidence")


class Outcome(Record, frozen=True):
    """One target's result: a JSON report, or the error that stopped its check."""

    target: str
    requested_revision: str | None
    report: dict[str, Any] | None = None
    error: str | None = None
    seconds: float = 0.0


def connect(path: Path | str, *, create: bool = True) -> sqlite3.Connection:
    path = Path(path)
    if not create and not path.is_file():
        raise OpenlintError(f"{path}: no such audit database")
    if create and not path.exists() and not path.parent.is_dir():
        raise OpenlintError(f"{path}: cannot create the audit database: no folder {path.parent}")
    try:
        connection = sqlite3.connect(str(path), timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        _prepare(connection, path, create)
    except sqlite3.DatabaseError as exc:
        raise OpenlintError(f"{path}: not an openlint audit database ({exc})") from None
    return connection


def _prepare(connection: sqlite3.Connection, path: Path, create: bool) -> None:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" in tables:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else None
        if version != SCHEMA_VERSION:
            raise OpenlintError(f"{path}: audit database schema version {version}, this openlint reads {SCHEMA_VERSION}")
        return
    if tables or not create:
        raise OpenlintError(f"{path}: not an openlint audit database")
    with connection:
        connection.executescript(SCHEMA)
        connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
            ("schema_version", str(SCHEMA_VERSION)), ("openlint_version", __version__),
            ("created", datetime.now(timezone.utc).isoformat(timespec="seconds"))])


def done(connection: sqlite3.Connection) -> set[tuple[str, str]]:
    """Targets already graded, as (target, requested revision): an audit that resumes skips them."""
    return set(connection.execute("SELECT target, requested_revision FROM results WHERE status = 'ok'"))


def every_target(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every row's (target, requested revision), graded or failed."""
    return list(connection.execute("SELECT target, requested_revision FROM results"))


def forget(connection: sqlite3.Connection, rows: list[tuple[str, str]]) -> None:
    """Remove these rows (their components and verdicts go with them: ON DELETE CASCADE)."""
    with connection:
        connection.executemany("DELETE FROM results WHERE target = ? AND requested_revision = ?", rows)


def _component_rows(outcome: Outcome, revision: str) -> list[tuple[Any, ...]]:
    report = outcome.report or {}
    return [(outcome.target, revision, c["id"], c["label"], c["level"], c["category"], c["status"], c["licence"],
             json.dumps(c["evidence"], ensure_ascii=False)) for c in report.get("components", [])]


def _verdict(report: dict[str, Any], framework: str) -> str | None:
    return next((f["verdict"] for f in report.get("crosswalk", []) if f["framework"] == framework), None)


def result_row(outcome: Outcome) -> tuple[Any, ...]:
    report = outcome.report
    checked = datetime.now(timezone.utc).isoformat(timespec="seconds")
    revision = outcome.requested_revision or ""
    if report is None:
        return (outcome.target, revision, None, None, None, "error", outcome.error, None, None, None, None, None, None,
                None, None, None, __version__, checked, outcome.seconds)
    release = report["release"]
    components = [{k: c[k] for k in ("id", "label", "level", "category", "status", "licence")} for c in report["components"]]
    return (outcome.target, revision, release["revision"], release["source"], release["name"], "ok", None,
            report["grade"]["grade"], report["grade"]["score"], int(report["complete"]), _verdict(report, "mof"),
            _verdict(report, "osaid"), _verdict(report, "osai-index"), json.dumps(components),
            json.dumps(report.get("crosswalk", []), ensure_ascii=False), json.dumps(report, ensure_ascii=False),
            report["tool"]["version"], checked, outcome.seconds)


def record(connection: sqlite3.Connection, outcome: Outcome) -> None:
    """Write one target's outcome and commit: replaces an earlier row for the same target and revision."""
    row = result_row(outcome)
    with connection:
        _write(connection, row, _component_rows(outcome, row[1]))


def _write(connection: sqlite3.Connection, row: tuple[Any, ...], components: list[tuple[Any, ...]]) -> None:
    connection.execute("DELETE FROM components WHERE target = ? AND requested_revision = ?", row[:2])
    connection.execute(f"INSERT OR REPLACE INTO results ({', '.join(RESULT_COLUMNS)}) VALUES ({', '.join('?' * len(RESULT_COLUMNS))})", row)
    connection.executemany(f"INSERT INTO components ({', '.join(COMPONENT_COLUMNS)}) VALUES ({', '.join('?' * len(COMPONENT_COLUMNS))})", components)


def reports(connection: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """The JSON report of every graded target, in target order."""
    for (text,) in connection.execute("SELECT report FROM results WHERE status = 'ok' ORDER BY target, requested_revision"):
        yield json.loads(text)


def counts(connection: sqlite3.Connection) -> dict[str, int]:
    return dict(connection.execute("SELECT status, COUNT(*) FROM results GROUP BY status").fetchall())


def merge(output: Path, inputs: list[Path]) -> dict[str, int]:
    """Combine audit databases (shards) into one; for a target in several, a graded row wins over an error, and
    the later check wins between two of the same kind. Every input is opened (and so checked to be an audit
    database) before the output is touched, and an output this merge created is removed if it fails."""
    for path in inputs:
        connect(path, create=False).close()
    created = not output.exists()
    try:
        return _merge_into(output, inputs)
    except BaseException:
        if created:
            output.unlink(missing_ok=True)
        raise


def _merge_into(output: Path, inputs: list[Path]) -> dict[str, int]:
    target = connect(output)
    merged = 0
    try:
        for path in inputs:
            source = connect(path, create=False)
            try:
                merged += _merge_one(target, source)
            finally:
                source.close()
        return {"rows": merged, **counts(target)}
    finally:
        target.close()


def _merge_one(target: sqlite3.Connection, source: sqlite3.Connection) -> int:
    merged = 0
    columns = ", ".join(RESULT_COLUMNS)
    for row in source.execute(f"SELECT {columns} FROM results"):
        existing = target.execute("SELECT status, checked_at FROM results WHERE target = ? AND requested_revision = ?", row[:2]).fetchone()
        # "ok" sorts after "error": a graded row beats an error, then the later check wins
        if existing is not None and tuple(existing) > (row[5], row[17]):
            continue
        parts = source.execute(f"SELECT {', '.join(COMPONENT_COLUMNS)} FROM components WHERE target = ? AND requested_revision = ?", row[:2]).fetchall()
        with target:
            _write(target, row, parts)
        merged += 1
    return merged
