"""What each command does once its options are parsed: run the pipeline, render, write, choose the exit code."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from openlint.support.record import replace

from openlint.config import Options
from openlint.errors import OpenlintError
from openlint.formats import RenderOptions, render
from openlint.support.files import write_atomic
from openlint.support.text import clean


def check_command(target: str, given: dict[str, Any]) -> int:
    """`openlint check` from its command-line values: options that contradict each other (or a mistyped folder)
    stop it as any other error does, SARIF failure log included."""
    from openlint.cli.options import check_options

    try:
        options = check_options(target, given)
    except Exception as exc:
        write_failure(target, tuple(given.get("outputs") or ()), _failure(exc))
        raise
    return run_check(options)


def run_check(options: Options) -> int:
    """Check, render, write, and choose the exit status. A run that stops with an error still leaves a valid SARIF
    log (one error notification, executionSuccessful false) in every SARIF file asked for with -o, so that a CI step
    that uploads it always has a file; stdout stays empty, and the error itself is raised to the caller, which prints
    it (exit 2)."""
    try:
        refuse_overwriting_the_release(options.target, options.outputs)
        return _check(options)
    except Exception as exc:
        write_failure(options.target, options.outputs, _failure(exc))
        raise


def _failure(exc: Exception) -> str:
    """The one line main() prints for an error: openlint's own message, or an internal error's type and text."""
    return str(exc) if isinstance(exc, OpenlintError) else f"internal error: {type(exc).__name__}: {exc}"


def refuse_overwriting_the_release(target: str, outputs: tuple[tuple[str, Path], ...]) -> None:
    """`-o README.md` in the release folder would replace the card with the report (and the next check would grade
    the report): an output may not overwrite a file the check reads."""
    for _, path in outputs:
        name = _release_file(target, path)
        if name is not None:
            raise OpenlintError(f"-o {clean(str(path))} would overwrite {clean(name)}, a file of the checked release that openlint "
                                "reads; write the report elsewhere")
        link = _link_in_release(target, path)
        if link is not None:
            raise OpenlintError(f"-o {clean(str(path))} goes through {clean(link)}, a symbolic link in the checked release: the "
                                "release would choose where the report is written; write it elsewhere")


def _writable(target: str, path: Path) -> bool:
    """Neither a file of the release openlint reads, nor reached through a link the release holds."""
    return _release_file(target, path) is None and _link_in_release(target, path) is None


def _link_in_release(target: str, path: Path) -> str | None:
    """A folder of the output's path that is a symbolic link at or inside the release folder (a pull request can make
    `reports/`, or the release folder itself, a link to anywhere); None when there is none. The path is walked as
    written, so that `link/../x` is seen going through `link`, as the system goes. Folders above the release folder
    the user chose."""
    try:
        if not os.path.isdir(target):
            return None
        root = os.path.normpath(os.path.abspath(target))
        given = path if path.is_absolute() else Path.cwd() / path
        current = Path(given.anchor)
        for part in given.parent.parts[1:]:
            current = current / part
            lexical = os.path.normpath(current)
            if (lexical == root or lexical.startswith(root.rstrip(os.sep) + os.sep)) and os.path.islink(current):
                return os.path.basename(root) if lexical == root else os.path.relpath(lexical, root)
    except (OSError, ValueError):
        return None
    return None


def _release_file(target: str, path: Path) -> str | None:
    """The name in the release of the file `path` would write, when the check reads a file of that name (card,
    licence, declaration, configuration, weights, code), whether or not it exists yet (written, it would be read
    next time); None for anything else (a report, a badge). Names are compared case-blind (macOS, Windows)."""
    from openlint import config
    from openlint.assemble import CARD_NAMES
    from openlint.readers import declaration, licence, shards, weights
    from openlint.release.model import ADAPTER_CONFIG, CODE_MAP_FILES, MODEL_INDEX

    try:
        root = os.path.realpath(target)
        if not os.path.isdir(root):
            return None
        # the folder it lands in, symlinks resolved; the last part as given (the write replaces a symlink, never
        # writes through it)
        where = Path(os.path.realpath(path.parent if str(path.parent) else ".")) / path.name
        name = where.relative_to(root).as_posix()
    except (ValueError, OSError):
        return None
    read = {n.casefold() for n in (*CARD_NAMES, "config.json", ADAPTER_CONFIG, MODEL_INDEX, *CODE_MAP_FILES, *declaration.FILE_NAMES,
                                   *config.FILE_NAMES, "pyproject.toml")}
    folded = name.casefold()
    hit = (folded in read or licence.is_licence_file(name) or licence.is_licence_file(folded) or shards.is_index(folded)
           or weights.identify(folded) is not None or weights.is_code(folded))
    return name if hit else None


def _check(options: Options) -> int:
    from openlint import config, pipeline
    from openlint.sources.base import redact

    settings = config.settings(options)
    report = pipeline.check(settings)
    base = RenderOptions(min_grade=settings.min_grade, min_grade_source=settings.min_grade_source)
    # render everything before writing anything: a failure must not leave half the outputs behind; a token a server
    # echoed back into a file is masked in every output
    rendered = [(path, redact(render(fmt, report, base))) for fmt, path in options.outputs]
    if options.statistics:
        shown = render("statistics", report, replace(base, as_json=options.output_format == "json"))
    else:
        shown = render(options.output_format, report, replace(base, color=options.color and options.output_format == "text",
                                                              verbosity=options.verbosity))
    shown = redact(shown)
    for path, text in rendered:
        write_atomic(path, text)
    reason = report.min_grade_failure(settings.min_grade, settings.min_grade_source)
    failed = report.fails(settings.fail_on) or reason is not None
    incomplete = bool(report.release.missing)  # --partial: an incomplete check is never a pass, whatever --fail-on says
    if failed or incomplete or not options.quiet_on_success:
        sys.stdout.write(shown)
        sys.stdout.flush()
    if incomplete:
        print(f"openlint: the check is incomplete: {len(report.release.missing)} item(s) could not be read", file=sys.stderr)
    if reason:
        print(f"openlint: {reason}", file=sys.stderr)
    failed = failed or incomplete
    return 1 if failed else 0


def usage_failure(command: Any, args: list[str], message: str) -> None:
    """A usage error click stopped `check` with: the SARIF files it was asked for still get the failure log, as after
    any other exit-2 error. The outputs are the ones click's own parser finds (not any "-o" in the line: a token's
    value, the target), leniently (an unknown option or a refused value elsewhere still leaves them); best effort,
    never an error of its own. `command`: the click `check` command."""
    try:
        rest = args[args.index("check") + 1:]
        ctx = command.make_context("check", rest, resilient_parsing=True, ignore_unknown_options=True)
        outputs = tuple(ctx.params.get("outputs") or ())
        target = ctx.params.get("target") or "."
        # the target is not known for sure: this folder's files are kept from being overwritten too
        outputs = tuple((fmt, path) for fmt, path in outputs if _writable(".", path))
        write_failure(str(target), outputs, message)
    except Exception:  # noqa: BLE001 - the usage error is the one to report
        return


def write_failure(target: str, outputs: tuple[tuple[str, Path], ...], message: str) -> None:
    from openlint.formats import sarif

    log = sarif.failure(message)
    for fmt, path in outputs:
        if fmt == "sarif" and _writable(target, path):
            try:
                write_atomic(path, log)
            except OpenlintError:
                pass  # the original error is the one to report


def list_rules(rule_files: tuple[str, ...], output_format: str) -> str:
    from openlint.config import all_rules
    from openlint.report import serialise
    from openlint.rules import docs

    rules = all_rules(rule_files)
    if output_format == "json":
        # the url a reader follows: the rule's own, else its page (as SARIF's helpUri)
        return json.dumps([dict(serialise.rule(r), url=docs.help_uri(r) or "") for r in rules], indent=2) + "\n"
    lines = []
    for rule in rules:
        components = ",".join(c.split(".", 1)[1] if c != "*" else "all" for c in rule.components) or "release"
        lines.append(clean(f"{rule.code}  {rule.name:<36} {rule.severity:<8} {components:<28} {rule.summary}"))
    return "\n".join(lines) + "\n"


def write_rule_docs(rule_files: tuple[str, ...], folder: Path) -> str:
    from openlint.config import all_rules
    from openlint.rules import docs

    rules = all_rules(rule_files)
    written = docs.write(rules, folder)
    return f"{folder}: {len(rules)} rule page(s) and the index, {len(written)} changed"


def write_declaration(target: Path, *, force: bool, to_stdout: bool, hub_id: str | None = None, offline: bool = False) -> str:
    from openlint import pipeline
    from openlint.formats import declaration
    from openlint.readers.declaration import FILE_NAMES
    from openlint.sources import is_local

    if not is_local(str(target)):
        raise OpenlintError(f"{target}: no such folder")
    # the declaration describes the release as found, so a previous declaration must not feed into it
    assessment = pipeline.assess(Options(target=str(target), hub_id=hub_id, offline=offline), use_declaration=False)
    text = declaration.render(assessment)
    if to_stdout:
        sys.stdout.write(text)
        return ""
    existing = next((target / name for name in FILE_NAMES if (target / name).exists()), None)
    if existing is not None and not force:
        raise OpenlintError(f"{existing} exists; use --force to overwrite it")
    path = existing or target / FILE_NAMES[0]
    write_atomic(path, text)
    filled = declaration.filled(assessment)
    rest = "review them" if filled == 12 else "complete the commented ones"
    # without a card, openlint had nothing to fill the declaration from: say so rather than leave the user guessing
    bare = "; the release has no model card, so every entry is for you to write" if assessment.release.card is None else ""
    return f"wrote {path}: {filled} of 12 components filled in from the release; {rest}{bare}"


def write_badge(options: Options, output: Path, components: bool) -> str:
    from openlint import config, pipeline
    from openlint.sources.base import redact

    report = pipeline.check(config.settings(options))
    if report.release.missing:
        # a badge is published: it shows a grade only from a check that read everything (never an incomplete one)
        raise OpenlintError(f"{report.release.name}: no badge written: the check is incomplete ({len(report.release.missing)} item(s) "
                            "could not be read); a badge needs a complete check")
    write_atomic(output, redact(render("badge", report, RenderOptions(badge_components=components))))
    return f"{output}: openness {report.grade.letter}"
