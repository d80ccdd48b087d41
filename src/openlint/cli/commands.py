"""What each command does once its options are parsed: run the pipeline, render, write, choose the exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openlint.support.record import replace

from openlint.config import Options
from openlint.errors import OpenlintError
from openlint.formats import RenderOptions, render
from openlint.support.files import write_atomic
from openlint.support.text import clean


def run_check(options: Options) -> int:
    """Check, render, write, and choose the exit status. A run that stops with an error still leaves a valid SARIF
    log (one error notification, executionSuccessful false) in every SARIF file asked for with -o, so that a CI step
    that uploads it always has a file; stdout stays empty, and the error itself is raised to the caller, which prints
    it (exit 2)."""
    try:
        return _check(options)
    except OpenlintError as exc:
        _write_failure(options, str(exc))
        raise
    except Exception as exc:  # an internal error: the same one line main() prints
        _write_failure(options, f"internal error: {type(exc).__name__}: {exc}")
        raise


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


def _write_failure(options: Options, message: str) -> None:
    from openlint.formats import sarif

    log = sarif.failure(message)
    for fmt, path in options.outputs:
        if fmt == "sarif":
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


def write_declaration(target: Path, *, force: bool, to_stdout: bool) -> str:
    from openlint import pipeline
    from openlint.formats import declaration
    from openlint.readers.declaration import FILE_NAMES
    from openlint.sources import is_local

    if not is_local(str(target)):
        raise OpenlintError(f"{target}: no such folder")
    # the declaration describes the release as found, so a previous declaration must not feed into it
    assessment = pipeline.assess(Options(target=str(target)), use_declaration=False)
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
    return f"wrote {path}: {filled} of 12 components filled in from the release; {rest}"


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
