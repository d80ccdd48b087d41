"""The `openlint` command (click only: parsing, dispatch, printing and exit codes). `main` is the console script."""

from openlint.cli.main import main

__all__ = ["main"]
