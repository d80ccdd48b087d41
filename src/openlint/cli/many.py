"""Commands over many releases or two of them: `audit` (and `audit merge`), `table` and `diff`. Click only; the
work is in openlint.audit, openlint.compare and the table formats."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from openlint.cli.options import OFFLINE_HELP, TOKEN_HELP, flatten
from openlint.cli.params import RuleSelectors, Target
from openlint.errors import OpenlintError


class ShardSpec(click.ParamType):
    """`I/N`: the I-th of N shares of the target list (1-based)."""

    name = "I/N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from openlint.audit.targets import Shard

        if isinstance(value, Shard):
            return value
        index, sep, count = str(value).partition("/")
        if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            self.fail(f"{value!r} is not I/N with 1 <= I <= N (e.g. 2/4)", param, ctx)
        return Shard(int(index), int(count))


class AuditGroup(click.Group):
    """`openlint audit TARGET...` runs an audit; `openlint audit merge OUT IN...` merges databases."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=AuditGroup)
def audit() -> None:
    """Grade many releases into a SQLite database: `openlint audit [run] TARGET...` or `openlint audit merge OUT IN...`.

    \b
    Targets: Hub ids or URLs, folders, --from FILE (one per line, # comments), or a Hub query (--author, --search,
    --tag, --limit). An interrupted audit resumes: targets already graded in --db at the same revision are skipped
    (--again grades them anew, e.g. folders or a branch that changed since). A failing target is recorded with its
    error and the audit goes on. Exit 0 when every target was graded (or already was), 1 when any failed (its row
    holds the error; the same command tries it again), 2 for a broken invocation.
    """


@audit.command("run")
@click.argument("targets", nargs=-1)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("openlint-audit.db"), show_default=True,
              help="SQLite database to write (created if missing; an existing one is resumed).")
@click.option("--from", "files", multiple=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="File of targets, one per line (# comments). Repeatable.")
@click.option("--author", help="Hub query: repositories of this user or organisation.")
@click.option("--search", help="Hub query: repositories whose id contains this text.")
@click.option("--tag", "tags", multiple=True, help="Hub query: repositories with this tag (e.g. license:mit). Repeatable.")
@click.option("--limit", type=click.IntRange(min=1), help="Hub query: at most this many repositories.")
@click.option("--shard", type=ShardSpec(), help="Grade only the I-th of N shares of the targets (stable hash).")
@click.option("-j", "--concurrency", type=click.IntRange(1, 64), default=8, show_default=True, help="Targets graded at once.")
@click.option("--revision", help="Hub revision to grade for every Hub target (folders are graded as they are).")
@click.option("--token", help=TOKEN_HELP)
@click.option("--offline", is_flag=True, help=OFFLINE_HELP)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Hub: seconds per request.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Configuration file applied to every target.")
@click.option("--again", is_flag=True, help="Grade targets already graded in --db too, replacing their rows (an audit otherwise resumes, "
              "and a folder or branch that changed since is not read again); one that fails then has its error recorded.")
def audit_run(targets: tuple[str, ...], **given: Any) -> None:
    """Grade TARGETS (and --from files, and a Hub query) into --db.

    Every target is graded under one configuration, --config's if given: a release's own .openlint.yaml is not
    read, so that every row of the database is graded alike.
    """
    from openlint.audit import runner, targets as target_lists
    from openlint.config import Options, settings

    from openlint.sources import mistyped_folder

    for target in targets:  # the command line's own; ids from --from files and queries are what they say
        if typo := mistyped_folder(target):
            raise OpenlintError(typo)
    query = target_lists.Query(given["author"], given["search"], tuple(given["tags"]), given["limit"])
    from openlint.sources.hub import is_offline

    if query.given and is_offline(given["offline"]):
        raise OpenlintError("--offline: a Hub query (--author, --search, --tag) needs the network; name the targets, or list them with --from FILE")
    found = target_lists.collect(targets, given["files"], query, token=given["token"], timeout=given["timeout"])
    mine = target_lists.shard(found, given["shard"])
    options = Options(target=".", revision=given["revision"], token=given["token"], offline=given["offline"],
                      timeout=given["timeout"], config_path=given["config_path"], no_config=given["config_path"] is None,
                      progress=False)  # the audit's own progress line; none per check
    progress = runner.Progress(len(mine), stream=runner.terminal())
    done = runner.run(settings(options), mine, given["db"], concurrency=given["concurrency"], progress=progress,
                      again=given["again"])
    shard = f" (shard {given['shard'].index}/{given['shard'].count} of {len(found)})" if given["shard"] else ""
    for target, error in done.failures:  # what failed and why, without a query of the database
        said = error.removeprefix(f"{target}: ")  # most errors start by naming their target: once is enough
        click.echo(f"openlint audit: failed: {runner.printable(target)[:120]}: {runner.printable(said)[:300]}", err=True)
    if done.failed > len(done.failures):
        click.echo(f"openlint audit: ... and {done.failed - len(done.failures)} more (SELECT target, error FROM results WHERE status = 'error')", err=True)
    click.echo(f"openlint audit: {len(mine)} target(s){shard}: {done.ok} graded, {done.failed} failed, "
               f"{done.skipped} already done; {given['db']}", err=True)
    # a script (a nightly audit) must see that some rows are errors; running the command again retries them
    sys.exit(1 if done.failed else 0)


@audit.command("merge")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def audit_merge(output: Path, inputs: tuple[Path, ...]) -> None:
    """Merge audit databases (e.g. the shards of one audit) INPUTS into OUTPUT."""
    from openlint.audit import database

    if output.resolve() in {p.resolve() for p in inputs}:
        raise OpenlintError("the output database cannot also be an input")
    counts = database.merge(output, list(inputs))
    click.echo(f"openlint audit merge: {counts['rows']} row(s) from {len(inputs)} database(s); {output} holds "
               f"{counts.get('ok', 0)} graded, {counts.get('error', 0)} failed", err=True)


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-f", "--format", "output_format", type=click.Choice(["markdown", "csv", "html"]),
              help="Output format [default: from the -o file's extension (.md .csv .html), else markdown].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
def table(sources: tuple[Path, ...], output_format: str | None, output: Path | None) -> None:
    """The paper's table for a population: releases as rows, the 12 components as columns, and per component how
    many releases are open, semi-open and closed. SOURCES: audit databases, JSON reports, or folders of JSON reports."""
    from openlint.formats import table as tables
    from openlint.support.files import write_atomic

    output_format = output_format or _by_extension(output, {".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".html": "html",
                                                            ".htm": "html"}, "markdown")
    population = tables.load(list(sources))
    text = tables.render(output_format, population)
    if population.not_graded or population.passed_over:  # every format, CSV too: the counts are not over every target
        from openlint.formats.population import left_out

        click.echo(f"openlint: {left_out(population)}", err=True)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        click.echo(f"{output}: {output_format} table", err=True)


@click.command()
@click.argument("old", type=Target())
@click.argument("new", type=Target())
@click.option("-f", "--format", "output_format", type=click.Choice(["text", "markdown", "json"]),
              help="Output format [default: from the -o file's extension (.md .json), else text].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the diff to FILE.")
@click.option("--token", help=TOKEN_HELP)
@click.option("--offline", is_flag=True, help=OFFLINE_HELP)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Hub: seconds per request.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration for the releases checked here (not JSON reports); by default each its own, as `check` finds it.")
@click.option("--select", multiple=True, type=RuleSelectors(), help="As `check --select`, for the releases checked here (not JSON reports).")
@click.option("--ignore", multiple=True, type=RuleSelectors(), help="As `check --ignore`, for the releases checked here.")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="As `check --rules`, for the releases checked here. Repeatable.")
@click.option("--hub-id", metavar="ORG/NAME",
              help="The Hub repository both folders are versions of (as `check --hub-id`): their name, and where their Git LFS pointers' headers are read.")
@click.option("--old-name", metavar="NAME", help="What to call OLD in the output (a tag, say) [default: its location].")
@click.option("--new-name", metavar="NAME", help="What to call NEW in the output [default: its location].")
def diff(old: str, new: str, output_format: str | None, output: Path | None, old_name: str | None, new_name: str | None,
         select: tuple[tuple[str, ...], ...], ignore: tuple[tuple[str, ...], ...], rule_files: tuple[Path, ...], **hub: Any) -> None:
    """Compare two releases: OLD and NEW are JSON reports, folders, or Hub repositories (org/name@REVISION).

    Both are taken as versions of one release: a folder is checked under the other side's release name (an earlier
    version exported to ../previous is still the same model), unless it is a checkout of a Hub repository, whose
    name it keeps. To compare two different releases, compare their JSON reports (check -f json).

    Exit 1 when openness went down (the grade's score, any component's level, including one that can no longer be
    assessed or no longer applies, or the rubric points of a component's licence at the same level), 0 when it did not, 2 when a side could not be read or checked.
    """
    from openlint import compare
    from openlint.support.files import write_atomic

    if output is not None:
        from openlint.cli.commands import refuse_overwriting_the_release

        for side in (old, new):
            refuse_overwriting_the_release(side, (("text", output),))
    # hub: the Hub options and --config; a side checked here is checked as `check` would with these options
    selection = {"select": flatten(select), "ignore": flatten(ignore), "rule_files": tuple(str(p) for p in rule_files)}
    before, after = compare.load_pair(old, new, **hub, **selection)
    change = compare.compare(before, after, names=(old_name, new_name))
    if output is not None:  # -f, else the file's extension, as `check -o`; stdout has -f, else text
        written = output_format or _by_extension(output, {".md": "markdown", ".markdown": "markdown", ".json": "json"}, "text")
        write_atomic(output, compare.render(change, written))
    sys.stdout.write(compare.render(change, output_format or "text"))
    sys.exit(1 if change.worse else 0)


def _by_extension(output: Path | None, formats: dict[str, str], default: str) -> str:
    """The format an output file's extension names (as `check -o` reads one), else the command's default."""
    return formats.get(output.suffix.lower(), default) if output is not None else default
