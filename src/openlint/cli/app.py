"""The `openlint` command: parses options, runs the pipeline, prints, picks the exit code. No domain logic here.

Exit codes: 0 clean; 1 findings at or above --fail-on, or a grade below --min-grade; 2 a usage, config, rule-file,
Hub or internal error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from openlint import __version__
from openlint.cli.options import FAIL_ON, GRADES, OFFLINE_HELP, TOKEN_HELP
from openlint.cli.params import FolderTarget, OutputSpec, RuleSelectors, Target
from openlint.errors import OpenlintError, printable
from openlint.formats import FORMATS
from openlint.support.text import clean


def _hub_options(function):  # type: ignore[no-untyped-def]
    """The options every command that may read a Hub repository takes."""
    for option in reversed([
        click.option("--revision", help="Hub revision (branch, tag or commit) to check."),
        click.option("--token", help=TOKEN_HELP),
        click.option("--offline", is_flag=True, help=OFFLINE_HELP),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Hub: seconds per request."),
        click.option("--partial", is_flag=True,
                     help="Hub: when something cannot be read, report the rest (complete: false, those components Unknown) instead of exit 2."),
        click.option("--hub-id", metavar="ORG/NAME",
                     help="A local checkout's Hub repository: the release's name, and where its Git LFS pointers' headers are read [default: a huggingface.co git remote]."),
    ]):
        function = option(function)
    return function


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="openlint")
def cli() -> None:
    """Grade a model release's openness and list what is missing.

    openlint reads a local release folder or a Hugging Face Hub repository, grades each of the 12 pipeline
    components of Eiras et al. (2024) from C1-C5 / D1-D5 (code / data) from what is released and under which
    licence, and reports every gap with the recommendation behind it.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on (or grade below --min-grade),
                2 usage, configuration, rule-file, Hub or internal error.
    """


@cli.command()
@click.argument("target", default=".", metavar="[TARGET]", type=Target(typo_here=False))
@_hub_options
@click.option("-f", "--format", "output_format", type=click.Choice(list(FORMATS)),
              help="Output format on stdout [default: github on GitHub Actions, else text].")
@click.option("-o", "--output", "outputs", multiple=True, type=OutputSpec(),
              help="Also write a report to FILE: FORMAT:FILE (e.g. sarif:out.txt), or the format from the extension (.json json, .sarif sarif, .md/.markdown markdown, .html html, .txt text, .log github: workflow annotations, .cdx.json cyclonedx). Repeatable.")
@click.option("--statistics", is_flag=True, help="Print how often each rule fired instead of the report (JSON with -f json).")
@click.option("--select", multiple=True, type=RuleSelectors(), help="Only these rules: codes, code prefixes (OLS) or names; comma-separated.")
@click.option("--ignore", multiple=True, type=RuleSelectors(), help="Skip these rules; comma-separated.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), help="Lowest severity that makes the exit status 1 [default: error].")
@click.option("--min-grade", type=click.Choice(GRADES, case_sensitive=False), help="Exit 1 when the grade is below this letter, counting components not assessed (UNK) at level 1.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file [default: .openlint.yaml or pyproject.toml [tool.openlint], searched from TARGET upward].")
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path), help="Extra rule file (YAML). Repeatable.")
@click.option("-q", "--quiet", count=True, help="Less output: findings (no info) and the grade only.")
@click.option("-v", "--verbose", count=True, help="More output: evidence quotes and the recommendation behind each finding.")
@click.option("--color/--no-color", default=None, help="Colour the text output [default: on a terminal, unless NO_COLOR is set].")
@click.option("--quiet-on-success", is_flag=True, help="Print nothing on stdout when the exit status is 0 (files given with -o are still written).")
def check(target: str, **given: object) -> None:
    """Check a release folder or Hub repository (TARGET, default ".").

    TARGET is a folder if one exists by that name; otherwise a Hub repository id (org/name), hf://org/name, or URL
    (https://huggingface.co/org/name/tree/REVISION). "releases/model" where the folder "releases" exists is taken
    for a mistyped folder: write hf://releases/model for the Hub repository.
    """
    from openlint.cli.commands import check_command

    sys.exit(check_command(target, given))


_rule_files = click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                           help="Include an extra rule file (as `check --rules`).")


@cli.command("rules")
@click.option("-f", "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_rule_files
@click.option("--write-docs", type=click.Path(file_okay=False, path_type=Path), metavar="FOLDER",
              help="Write one markdown page per rule and an index (README.md) to FOLDER, as in docs/rules/.")
def rules_command(output_format: str, rule_files: tuple[Path, ...], write_docs: Path | None) -> None:
    """List the rules: code, name, severity, components and summary."""
    from openlint.cli.commands import list_rules, write_rule_docs

    if write_docs is not None:
        click.echo(write_rule_docs(tuple(str(p) for p in rule_files), write_docs), err=True)
        return
    click.echo(list_rules(tuple(str(p) for p in rule_files), output_format), nl=False)


@cli.command()
@click.argument("code")
@_rule_files
def explain(code: str, rule_files: tuple[Path, ...]) -> None:
    """Print the documentation of a rule, by code (OLS001) or name; --rules for a rule of your own rule file."""
    from openlint.config import all_rules
    from openlint.rules import docs, ruleset

    rules = all_rules(tuple(str(p) for p in rule_files))
    rule = ruleset.find(rules, code)
    if rule is None:
        import difflib

        spelled = {**{r.name.lower(): r.name for r in rules}, **{r.code.lower(): r.code for r in rules}}
        close = [spelled[m] for m in difflib.get_close_matches(code.lower(), list(spelled), n=1, cutoff=0.8)]
        hint = (f"did you mean {close[0]}? " if close else "") + "`openlint rules` lists them" + \
            ("" if rule_files else "; a rule of your own rule file needs --rules FILE")
        raise OpenlintError(f"no rule {printable(code, 80)!r}; {hint}")
    # a rule file of a release's configuration is the release's text: never raw on a terminal
    click.echo("\n".join(clean(line) for line in docs.explain(rule).split("\n")))


@cli.command()
@click.argument("target", default=".", type=FolderTarget())
@click.option("--force", is_flag=True, help="Overwrite an existing openness.yaml.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the declaration instead of writing it.")
@click.option("--hub-id", metavar="ORG/NAME",
              help="The folder's Hub repository (as `check --hub-id`): the release's name, which is evidence of what it was made from.")
@click.option("--offline", is_flag=True, help=OFFLINE_HELP)
def init(target: Path, force: bool, to_stdout: bool, hub_id: str | None, offline: bool) -> None:
    """Write an openness declaration (openness.yaml) for a release folder, pre-filled with what openlint found.

    Review it: components openlint found no evidence for are left as commented templates for you to complete.
    """
    from openlint.cli.commands import write_declaration

    message = write_declaration(target, force=force, to_stdout=to_stdout, hub_id=hub_id, offline=offline)
    if message:
        click.echo(message, err=True)


@cli.command()
@click.argument("target", default=".", metavar="[TARGET]", type=Target())
@_hub_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("openness-badge.svg"), show_default=True,
              help="The SVG file to write (.svg).")
@click.option("--components", is_flag=True, help="Add a strip with the 12 component levels.")
def badge(target: str, output: Path, components: bool, **hub: object) -> None:
    """Write an SVG badge with the openness grade (and optionally the 12 component levels)."""
    from openlint.cli.commands import write_badge
    from openlint.config import Options
    from openlint.sources import mistyped_folder

    if output.suffix.lower() != ".svg" or str(output) == "-":
        raise click.UsageError(f"a badge is an SVG image: name the file .svg (not {str(output)!r})")
    if typo := mistyped_folder(target):
        raise OpenlintError(typo)
    options = Options(target=target, revision=hub["revision"], token=hub["token"], offline=hub["offline"], timeout=hub["timeout"],
                      partial=hub["partial"], hub_id=hub["hub_id"], no_config=True)
    click.echo(write_badge(options, output, components), err=True)


def _register_many() -> None:
    from openlint.cli.many import audit, diff, table

    for command in (audit, table, diff):
        cli.add_command(command)


_register_many()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    _handled(lambda: cli.main(args=argv, prog_name="openlint", standalone_mode=False), _command_named(args), args)


def _command_named(args: list[str]) -> str:
    """The command a usage error belongs to when click gives no context (an option missing its value): the first
    argument that names a subcommand."""
    name = next((arg for arg in args if arg in cli.commands), None)
    return f"openlint {name}" if name else "openlint"


def replay(exc: BaseException) -> None:
    """Handle an exception cli/fast.py met running a check exactly as if the click `check` command had raised it:
    through click's handling (an interrupt, a closed pipe) and then main()'s."""

    @click.command()
    def check() -> None:
        raise exc

    _handled(lambda: check.main(args=[], prog_name="openlint", standalone_mode=False), "openlint check")


def _handled(invoke: Callable[[], object], command_hint: str = "openlint", args: list[str] | None = None) -> None:
    try:
        invoke()
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        # a file name typed or globbed can hold escape sequences too; the whole message is cleaned once and shown as
        # it is (written back into `message`, a BadParameter would prefix its option twice). The help shown for no
        # arguments is openlint's own text, lines and all.
        own_help = getattr(click.exceptions, "NoArgsIsHelpError", ())
        if own_help and isinstance(exc, own_help):
            exc.show()
            sys.exit(2)
        # a usage error is one line, as every other exit-2 error: what is wrong, and where the help is
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else command_hint
        where = f" (see '{command} --help')" if isinstance(exc, click.UsageError) else ""
        message = clean(exc.format_message())
        line = message.rstrip('.') + where if where else message
        if args is not None and command_hint == "openlint check":
            from openlint.cli.commands import usage_failure

            usage_failure(cli.commands["check"], args, line)  # click stopped before the check: its SARIF outputs still record why
        click.echo(f"openlint: error: {line}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("openlint: aborted", err=True)
        sys.exit(130)
    except OpenlintError as exc:
        from openlint.sources.base import redact

        # the message may name files of the release (a configuration, a rule file): never raw on a terminal; a token
        # a server echoed back is masked
        click.echo(f"openlint: error: {clean(redact(str(exc)))}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("openlint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # an unexpected failure is a bug: one line, and a traceback only on request
        if os.environ.get("OPENLINT_DEBUG"):
            raise
        from openlint.sources.base import redact

        click.echo(f"openlint: internal error: {type(exc).__name__}: {clean(redact(str(exc)))} (set OPENLINT_DEBUG=1 for a traceback)", err=True)
        sys.exit(2)
    sys.exit(0)
