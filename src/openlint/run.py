"""Builds a run from parsed options: config, rules, source, lint, outputs. Returns the exit code."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from openlint import config as config_module
from openlint import ruleset, sources
from openlint.errors import OpenlintError
from openlint.formats import render
from openlint.grade import at_least
from openlint.lint import Policy, Waiver, run
from openlint.report import Report


@dataclass
class CheckOptions:
    target: str = "."
    revision: str | None = None
    token: str | None = None
    offline: bool = False
    timeout: float = 10.0
    output_format: str = "text"
    outputs: list[tuple[str, Path]] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    min_grade: str | None = None
    config_path: Path | None = None
    no_config: bool = False
    rule_files: list[str] = field(default_factory=list)
    verbosity: int = 0
    color: bool = False


def all_rules(extra_files: list[str]) -> list[ruleset.Rule]:
    rules = ruleset.load_bundled()
    for path in extra_files:
        rules = ruleset.merge(rules, ruleset.load_user_file(path))
    return rules


def _config(options: CheckOptions) -> config_module.Config:
    if options.no_config:
        return config_module.Config()
    if options.config_path is not None:
        if not options.config_path.is_file():
            raise OpenlintError(f"{options.config_path}: configuration file not found")
        return config_module.load(options.config_path)
    start = Path(options.target) if Path(options.target).exists() else Path.cwd()
    found = config_module.discover(start)
    return config_module.load(found) if found else config_module.Config()


def _policy(options: CheckOptions, config: config_module.Config) -> Policy:
    rules = all_rules(config.rules + options.rule_files)
    select = options.select or config.select
    ignore = options.ignore + config.ignore
    unknown = ruleset.unknown_selectors(rules, select + ignore)
    if unknown:
        raise OpenlintError(f"unknown rule selector(s): {', '.join(unknown)}; `openlint rules` lists the codes")
    for code in config.severity:
        if ruleset.find(rules, code) is None:
            raise OpenlintError(f"{config.path}: severity: no rule {code!r}")
    severity = {ruleset.find(rules, code).code: level for code, level in config.severity.items()}
    waivers = [Waiver(w["rule"], w["reason"], w.get("component")) for w in config.waivers]
    for waiver in waivers:
        if ruleset.find(rules, waiver.rule) is None:
            raise OpenlintError(f"{config.path}: waivers: no rule {waiver.rule!r}")
    return Policy(ruleset.select(rules, select, ignore), severity, waivers)


def build_report(options: CheckOptions, config: config_module.Config | None = None) -> Report:
    config = config if config is not None else _config(options)
    policy = _policy(options, config)
    release = sources.load(options.target, revision=options.revision, token=options.token,
                           offline=options.offline, timeout=options.timeout)
    report = run(release, policy)
    if config.path:
        report.notes.append(f"configuration: {config.path}")
    return report


def execute(options: CheckOptions) -> int:
    config = _config(options)
    report = build_report(options, config)
    # render everything before writing anything: a failure must not leave half the outputs behind
    rendered = [(path, render(fmt, report)) for fmt, path in options.outputs]
    stdout = render(options.output_format, report, color=options.color and options.output_format == "text", verbosity=options.verbosity)
    for path, text in rendered:
        write_atomic(path, text)
    sys.stdout.write(stdout)
    sys.stdout.flush()
    fail_on = options.fail_on or config.fail_on or "error"
    min_grade = options.min_grade or config.min_grade
    failed = report.fails(fail_on)
    if min_grade and not at_least(report.grade.letter, min_grade):
        print(f"openlint: grade {report.grade.letter} is below the minimum {min_grade}", file=sys.stderr)
        failed = True
    return 1 if failed else 0


def write_atomic(path: Path, text: str) -> None:
    import tempfile

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OpenlintError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
