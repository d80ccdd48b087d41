"""The `openlint` command (click only: parsing, dispatch, printing and exit codes). `main` is the console script.

A plain `openlint check` command line, the pre-commit hook's, is parsed without importing click (cli/fast.py);
everything else goes through the click CLI (cli/app.py).
"""

from __future__ import annotations

import sys
from contextlib import nullcontext

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """The console script (no ARGV: the process is openlint's own), or the command line ARGV in a caller's process."""
    from openlint.cli import collector, fast

    with collector.paused() if argv is None else nullcontext():
        plain = fast.parse(sys.argv[1:] if argv is None else list(argv))
        if plain is None:
            from openlint.cli.app import main as click_main

            collector.started()
            click_main(argv)
        else:
            fast.run(*plain)
