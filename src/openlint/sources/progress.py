"""A one-line progress indicator on stderr for a Hub check that takes a while: what is being read, n of m.

Shown only on a terminal, never with -q, and only once the check has taken longer than DELAY (a fast check prints
nothing). The line is rewritten in place and erased at the end, so the report that follows is unchanged.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from openlint.errors import printable

DELAY = 0.5  # seconds before the first line: a check that finishes sooner shows nothing
INTERVAL = 0.1  # at most ten updates a second
WIDTH = 100


class Progress:
    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not quiet and callable(isatty) and bool(isatty())
        self.started = time.monotonic()
        self.done = 0
        self.total = 0
        self.shown = False
        self.last = 0.0
        self.lock = threading.Lock()

    def add(self, count: int) -> None:
        with self.lock:
            self.total += count

    def step(self, what: str) -> None:
        """One more of the planned reads finished; `what` names it (untrusted text: escaped and cut)."""
        with self.lock:
            self.done += 1
            self._show(what)

    def _show(self, what: str) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < DELAY or (now - self.last < INTERVAL and self.done < self.total):
            return
        self.last = now
        line = printable(f"openlint: reading {what}", WIDTH - 12) + f" ({self.done} of {self.total})"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        with self.lock:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self.shown = False
