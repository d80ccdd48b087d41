"""Run an audit: the same pipeline as `openlint check`, one target at a time on a bounded pool of threads, each
outcome committed to the database as it arrives. A target that fails is recorded with its error; the audit goes on.

At most `2 x concurrency` targets are in flight, and no report is kept after it is written, so memory does not
grow with the number of targets.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TextIO

from openlint.support.record import Record, field
from openlint.support.record import replace

from openlint.audit import database
from openlint.audit import targets as targets_module
from openlint.audit.database import Outcome
from openlint.config import Settings
from openlint.errors import HubIncomplete, OpenlintError


def printable(text: str) -> str:
    """A name from the Hub or a file, safe on a terminal: no control characters (escape sequences)."""
    return "".join(c if c.isprintable() else "?" for c in text)


SHOWN_FAILURES = 5  # failed targets named in the summary; the database holds every one


class Progress(Record):
    """Counts, and one line on a terminal (stderr) rewritten as targets finish; nothing when not a terminal."""

    total: int
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # the first few (target, error), for the summary
    stream: TextIO | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.ok + self.failed

    def update(self, outcome: Outcome) -> None:
        if outcome.report is not None:
            self.ok += 1
        else:
            self.failed += 1
            if len(self.failures) < SHOWN_FAILURES:
                self.failures.append((outcome.target, outcome.error or ""))
        if self.stream is not None:
            elapsed = time.monotonic() - self.started
            line = (f"audit: {self.finished}/{self.total - self.skipped}  ok {self.ok}  failed {self.failed}  "
                    f"skipped {self.skipped}  {elapsed:.0f} s  {printable(outcome.target)[:60]}")
            self.stream.write("\r\033[K" + line)
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()


def grade_one(settings: Settings, target: str) -> Outcome:
    """One target through the pipeline; any failure becomes the outcome's error, never an exception."""
    from openlint import pipeline
    from openlint.report import serialise

    started = time.monotonic()
    revision = revision_for(settings, target)
    try:
        report = pipeline.check(replace(settings, options=replace(settings.options, target=target, revision=revision)))
        return Outcome(target, revision, serialise.report(report), seconds=time.monotonic() - started)
    except HubIncomplete as exc:
        error = exc.without_hint()  # the audit has no --partial
    except OpenlintError as exc:
        error = str(exc)
    except Exception as exc:  # a bug on one release must not stop the audit of the others
        error = f"internal error: {type(exc).__name__}: {exc}"
    return Outcome(target, revision, error=error[:2000], seconds=time.monotonic() - started)


def _forget_other_spellings(connection: sqlite3.Connection, pending: list[str], settings: Settings) -> None:
    """Rows of a target about to be graded under another spelling ("./t5" before, "t5" now): its new row replaces
    them, as a row of the same spelling would be replaced, so that a table counts the release once."""
    wanted = {(targets_module.identity(t), revision_for(settings, t) or ""): t for t in pending}
    stale = [(target, revision) for target, revision in database.every_target(connection)
             if wanted.get((targets_module.identity(target), revision), target) != target]
    if stale:
        database.forget(connection, stale)


def revision_for(settings: Settings, target: str) -> str | None:
    """--revision is a Hub target's; a folder in the same list is graded as it is."""
    from openlint.sources import is_local

    return None if is_local(target) else settings.options.revision


def _warm(targets: list[str]) -> None:
    """Load the bundled data, and huggingface_hub for Hub targets, before threads start: huggingface_hub imports its
    parts lazily, and two threads importing them at once can see a half-imported module."""
    import importlib

    from openlint.knowledge import catalogue, crosswalk, taxonomy
    from openlint.sources import is_local

    taxonomy.components()
    crosswalk.frameworks()
    catalogue.bundled()
    if any(not is_local(t) for t in targets):
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        hub = importlib.import_module("huggingface_hub")
        for name in ("constants", "errors", "hf_api", "file_download", "utils"):
            importlib.import_module(f"huggingface_hub.{name}")
        hub.HfApi  # noqa: B018 - resolves the lazy attribute now


def run(settings: Settings, targets: list[str], db: Path, *, concurrency: int = 8, progress: Progress | None = None,
        grade: Callable[[Settings, str], Outcome] = grade_one, again: bool = False) -> Progress:
    """`again`: grade every target, also those already graded in `db` (else the audit resumes, skipping them); a
    target that fails then records its failure in place of its grade (a release that openlint now fails on must not
    keep a grade it no longer earns; `audit merge` of an older database keeps the graded row)."""
    connection = database.connect(db)
    progress = progress or Progress(len(targets))
    try:
        # a target graded before under another spelling of the same folder or repository is done too
        graded = {(targets_module.identity(target), revision) for target, revision in database.done(connection)}
        pending = [t for t in targets if again or (targets_module.identity(t), revision_for(settings, t) or "") not in graded]
        _forget_other_spellings(connection, pending, settings)
        progress.skipped = len(targets) - len(pending)
        _warm(pending)
        _pool(settings, pending, connection, concurrency, progress, grade)
    finally:
        progress.close()
        connection.close()
    return progress


def _pool(settings: Settings, pending: list[str], connection: sqlite3.Connection, concurrency: int, progress: Progress,
          grade: Callable[[Settings, str], Outcome]) -> None:
    queue = iter(pending)
    running: set[Future[Outcome]] = set()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="openlint-audit") as pool:
        try:
            while True:
                while len(running) < 2 * concurrency and (target := next(queue, None)) is not None:
                    running.add(pool.submit(grade, settings, target))
                if not running:
                    return
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = future.result()
                    database.record(connection, outcome)
                    progress.update(outcome)
        except BaseException:
            for future in running:
                future.cancel()
            raise


def terminal() -> TextIO | None:
    return sys.stderr if sys.stderr.isatty() else None
