"""Errors that stop a run (exit 2): a broken invocation, config or rule file, or an unreachable Hub.

A broken *release* is never an error: readers record problems that rules turn into findings.
"""

from __future__ import annotations


class OpenlintError(Exception):
    """A user-facing error, printed as one line on stderr; the run exits with status 2."""


class DataFileError(OpenlintError):
    """A rule, config, schema or declaration file that cannot be used; names the file and the path inside it."""

    def __init__(self, file: str, message: str, where: str = "") -> None:
        self.file = file
        self.where = where
        location = f"{file}: {where}" if where else file
        super().__init__(f"{location}: {message}")
