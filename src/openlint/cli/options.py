"""The check's Options from the command line's values, shared by the click CLI (cli/app.py) and the pre-commit
hook's fast path (cli/fast.py); no click here."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openlint.config import Options

GRADES = ("A", "B", "C", "D", "E", "F")
FAIL_ON = ("error", "warning", "info", "never")


def color(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def check_options(target: str, given: dict[str, Any]) -> Options:
    """The check's Options from what the command line gave (click's parameter names and values)."""
    from openlint.config import Options

    output_format = given["output_format"] or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    return Options(
        target=target, revision=given["revision"], token=given["token"], offline=given["offline"], timeout=given["timeout"],
        partial=given["partial"], hub_id=given["hub_id"], output_format=output_format, outputs=tuple(given["outputs"]),
        select=flatten(given["select"]), ignore=flatten(given["ignore"]), fail_on=given["fail_on"], min_grade=given["min_grade"],
        config_path=given["config_path"], no_config=given["no_config"], rule_files=tuple(str(p) for p in given["rule_files"]),
        verbosity=given["verbose"] - given["quiet"], color=color(given["color"]), statistics=given["statistics"],
        quiet_on_success=given["quiet_on_success"],
    )


def flatten(groups: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    return tuple(item for group in groups for item in group)
