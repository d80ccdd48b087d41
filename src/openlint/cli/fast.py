"""`openlint check` without click, for the pre-commit hook (issue 14): importing click and building the command
tree costs 20-35 ms of a start-up the hook pays at every commit.

Only plain command lines are parsed here: `check`, at most one TARGET, and the options below, each written out in
full (`--format concise`, `--format=concise`, `-f concise`) with a valid value. Anything else (another command,
help, a value click would refuse, clustered short options, `--`, shell completion, and Windows, where click expands
wildcards itself) goes to the click CLI, which also prints the usage errors. The values are those click would pass
to the `check` command, and both run it with `commands.check_command`; an exception is handed to click's
own handling (cli/app.py: `replay`), so the output and exit status are the same either way (tests/test_cli_fast.py).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from openlint.cli.options import FAIL_ON, GRADES
from openlint.formats import FORMATS

# what click passes to `check` when an option is not given
DEFAULTS: dict[str, Any] = {
    "revision": None, "token": None, "offline": False, "timeout": 10.0, "partial": False, "hub_id": None,
    "output_format": None, "outputs": (), "statistics": False, "select": (), "ignore": (), "fail_on": None,
    "min_grade": None, "config_path": None, "no_config": False, "rule_files": (), "quiet": 0, "verbose": 0,
    "color": None, "quiet_on_success": False,
}
FLAGS = {"--offline": ("offline", True), "--partial": ("partial", True), "--statistics": ("statistics", True),
         "--no-config": ("no_config", True), "--color": ("color", True), "--no-color": ("color", False),
         "--quiet-on-success": ("quiet_on_success", True)}
COUNTS = {"-q": "quiet", "--quiet": "quiet", "-v": "verbose", "--verbose": "verbose"}
CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "-f": ("output_format", tuple(FORMATS)), "--format": ("output_format", tuple(FORMATS)),
    "--fail-on": ("fail_on", FAIL_ON), "--min-grade": ("min_grade", GRADES),
}


def _option(arg: str, rest: list[str]) -> tuple[str, Any, int] | None:
    """(parameter, value, arguments used) of one option, or None when it is not one this parser takes as is."""
    if arg in FLAGS:
        return FLAGS[arg][0], FLAGS[arg][1], 1
    name, equals, attached = arg.partition("=")
    if equals and name.startswith("--") and name in CHOICES:
        value, used = attached, 1
    elif arg in CHOICES and rest:
        name, value, used = arg, rest[0], 2
    else:
        return None
    parameter, choices = CHOICES[name]
    value = value.upper() if parameter == "min_grade" else value  # as click's Choice(case_sensitive=False)
    return (parameter, value, used) if value in choices else None


def parse(args: list[str]) -> tuple[str, dict[str, Any]] | None:
    """(TARGET, the values click would give `check`) for a plain `openlint check` command line, else None."""
    # click expands wildcards in the arguments itself on Windows, and answers shell completion requests
    if not args or args[0] != "check" or os.name == "nt" or "_OPENLINT_COMPLETE" in os.environ:
        return None
    given = dict(DEFAULTS)
    target: str | None = None
    index = 1
    while index < len(args):
        arg = args[index]
        if arg in COUNTS:
            given[COUNTS[arg]] += 1
            index += 1
            continue
        if not arg.startswith("-"):
            if target is not None or not arg.strip():  # an empty TARGET is click's usage error
                return None
            target, index = arg, index + 1
            continue
        option = _option(arg, args[index + 1:])
        if option is None:
            return None
        parameter, value, used = option
        given[parameter] = value
        index += used
    return (target if target is not None else "."), given


def run(target: str, given: dict[str, Any]) -> None:
    """Run the check as the click command would, and exit with its status."""
    try:
        from openlint.cli.collector import started
        from openlint.cli.commands import check_command

        started()
        status = check_command(target, given)
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - click's handling and main()'s, exactly as on the click path
        from openlint.cli.app import replay

        replay(exc)
    sys.exit(status)
