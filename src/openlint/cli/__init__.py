"""The `openlint` command (click only: parsing, dispatch, printing and exit codes). `console` is the console script;
`main` runs a command line in whatever process calls it.

A plain `openlint check` command line, the pre-commit hook's, is parsed without importing click (cli/fast.py);
everything else goes through the click CLI (cli/app.py).
"""

from __future__ import annotations

import sys

__all__ = ["console", "main"]


def console() -> None:
    """The console script (`openlint`, `python -m openlint`): the process is openlint's own, so the garbage collector
    is paused for its start-up (cli/collector.py)."""
    from openlint.cli import collector

    with collector.paused():
        main()


def main(argv: list[str] | None = None) -> None:
    """The command line ARGV (default: sys.argv), in whatever process calls it."""
    from openlint.cli import collector, fast

    plain = fast.parse(sys.argv[1:] if argv is None else list(argv))
    if plain is None:
        from openlint.cli.app import main as click_main

        collector.started()
        click_main(argv)
    else:
        fast.run(*plain)
