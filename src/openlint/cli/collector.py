"""The garbage collector around one run of the console script.

openlint is one short process: what its start-up builds (modules, rule tables, vocabularies) lives until it exits,
so the cyclic collector gains nothing by scanning it, while it is built or once more at exit. The console script
pauses the collector for start-up (`paused`), and once the command's code is imported (`started`) freezes what was
built out of the collector's reach (gc.freeze, the documented tool for long-lived objects) and collects as usual
from there on; at exit, everything is frozen. ~40 ms of the pre-commit hook's ~0.35 s (bench/hook.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_paused = False


@contextmanager
def paused() -> Iterator[None]:
    """One run of the console script (`openlint.cli.console`), never `main` in a caller's process: freezing would keep
    the caller's own garbage from ever being collected."""
    global _paused
    gc.disable()
    _paused = True
    try:
        yield
    finally:
        _paused = False
        gc.freeze()
        gc.enable()


def started() -> None:
    """The command's code is imported: from here on, collect garbage as usual, leaving out what start-up built."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
