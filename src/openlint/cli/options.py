"""The check's Options from the command line's values, shared by the click CLI (cli/app.py) and the pre-commit
hook's fast path (cli/fast.py); no click here."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openlint.config import Options

GRADES = ("A", "B", "C", "D", "E", "F")
TOKEN_HELP = "Hub token (default: HF_TOKEN or the huggingface-cli login). Never printed."
OFFLINE_HELP = ("Hub: no network; reproduce the last online report of the same revision from openlint's cache "
                "($XDG_CACHE_HOME/openlint/hub), or exit 2 naming what is not cached.")
FAIL_ON = ("error", "warning", "info", "never")


def color(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()  # no-color.org: set and not empty


def check_options(target: str, given: dict[str, Any]) -> Options:
    """The check's Options from what the command line gave (click's parameter names and values)."""
    from openlint.config import Options

    from openlint.errors import OpenlintError
    from openlint.sources import mistyped_folder

    if given["statistics"] and given["output_format"] not in (None, "text", "json"):
        raise OpenlintError(f"--statistics prints text, or JSON with -f json; -f {given['output_format']} has no statistics form")
    if given["config_path"] is not None and given["no_config"]:
        raise OpenlintError(f"--config {given['config_path']} and --no-config contradict each other: give one")
    if given["quiet"] and given["verbose"]:  # netting them out silently would print what neither asked for
        raise OpenlintError("-q/--quiet and -v/--verbose contradict each other: give one")
    if typo := mistyped_folder(target):
        raise OpenlintError(typo)
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
