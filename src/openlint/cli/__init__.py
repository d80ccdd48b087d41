"""The `openlint` command (click only: parsing, dispatch, printing and exit codes). `main` is the console script.

A plain `openlint check` command line, the pre-commit hook's, is parsed without importing click (cli/fast.py);
everything else goes through the click CLI (cli/app.py).
"""

from __future__ import annotations

import gc
import sys

__all__ = ["main", "started"]

_collector_paused = False


def main(argv: list[str] | None = None) -> None:
    """The console script (no ARGV: the process is openlint's own), or the command line ARGV in a caller's process."""
    # openlint is one short process: what its start-up builds (modules, rule tables, vocabularies) lives until it
    # exits, so the cyclic garbage collector gains nothing by scanning it while it is built (`started` turns the
    # collector back on) or once more at exit: it is frozen out of the collector's reach (~40 ms of the pre-commit
    # hook's ~0.35 s, bench/hook.py). Not in a caller's process, whose objects are the caller's.
    global _collector_paused
    own_process = argv is None
    if own_process:
        gc.disable()
        _collector_paused = True
    try:
        from openlint.cli import fast

        plain = fast.parse(sys.argv[1:] if argv is None else list(argv))
        if plain is None:
            from openlint.cli.app import main as click_main

            started()
            click_main(argv)
        else:
            fast.run(*plain)
    finally:
        if own_process:
            _collector_paused = False
            gc.freeze()
            gc.enable()


def started() -> None:
    """The command's code is imported: from here on, collect garbage as usual, leaving out what start-up built."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()
