"""Configuration and settings.

A configuration file is `.openlint.yaml` or `[tool.openlint]` in pyproject.toml, found from the target upward, or
named with --config; it is validated against schemas/config.schema.json, and an invalid one exits 2 naming the file
and the key path. Settings are what one run does: the command line's options merged with the configuration, built
once, with the rule policy resolved.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openlint.errors import DataFileError, OpenlintError
from openlint.rules import ruleset
from openlint.rules.engine import Policy, Waiver
from openlint.support import schemas, yamlsafe

FILE_NAMES = (".openlint.yaml", ".openlint.yml")


@dataclass(frozen=True)
class Config:
    path: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    min_grade: str | None = None
    rules: tuple[str, ...] = ()  # extra rule files, resolved against the config's folder
    waivers: tuple[dict[str, str], ...] = ()


def discover(start: Path) -> Path | None:
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in FILE_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "[tool.openlint" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def _document(path: Path) -> Any:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(file, f"cannot be read: {exc}") from None
    if path.name == "pyproject.toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # the same parser, published as tomli before it joined the standard library
            import tomli as tomllib

        try:
            return tomllib.loads(text).get("tool", {}).get("openlint", {})
        except tomllib.TOMLDecodeError as exc:
            raise DataFileError(file, f"invalid TOML: {exc}") from None
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlError as exc:
        raise DataFileError(file, f"invalid YAML: {exc}", f"line {exc.line}" if exc.line else "") from None
    return {} if data is None else data


def load(path: Path) -> Config:
    data = _document(path)
    for where, message in schemas.errors("config", data)[:1]:
        raise DataFileError(str(path), message, where)
    base = path.parent
    return Config(
        path=str(path), select=tuple(data.get("select", ())), ignore=tuple(data.get("ignore", ())), severity=data.get("severity", {}),
        fail_on=data.get("fail-on"), min_grade=data.get("min-grade"),
        rules=tuple(str((base / r).resolve()) for r in data.get("rules", ())), waivers=tuple(data.get("waivers", ())),
    )


# -- settings -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Options:
    """What the command line says."""

    target: str = "."
    revision: str | None = None
    token: str | None = None
    offline: bool = False
    timeout: float = 10.0
    output_format: str = "text"
    outputs: tuple[tuple[str, Path], ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    min_grade: str | None = None
    config_path: Path | None = None
    no_config: bool = False
    rule_files: tuple[str, ...] = ()
    verbosity: int = 0
    color: bool = False
    quiet_on_success: bool = False  # print nothing when the exit status is 0 (the pre-commit hook)


@dataclass(frozen=True)
class Settings:
    """What one run does: the options, merged with the configuration file."""

    options: Options
    config: Config
    policy: Policy
    fail_on: str
    min_grade: str | None


def configuration(options: Options) -> Config:
    if options.no_config:
        return Config()
    if options.config_path is not None:
        if not options.config_path.is_file():
            raise OpenlintError(f"{options.config_path}: configuration file not found")
        return load(options.config_path)
    start = Path(options.target) if Path(options.target).exists() else Path.cwd()
    found = discover(start)
    return load(found) if found else Config()


def all_rules(extra_files: tuple[str, ...] | list[str]) -> list[ruleset.Rule]:
    rules = ruleset.load_bundled()
    for path in extra_files:
        rules = ruleset.merge(rules, ruleset.load_user_file(path))
    return rules


def policy(options: Options, config: Config) -> Policy:
    rules = all_rules(config.rules + options.rule_files)
    select = list(options.select or config.select)
    ignore = list(options.ignore + config.ignore)
    unknown = ruleset.unknown_selectors(rules, select + ignore)
    if unknown:
        raise OpenlintError(f"unknown rule selector(s): {', '.join(unknown)}; `openlint rules` lists the codes")
    severity = {}
    for code, level in config.severity.items():
        rule = ruleset.find(rules, code)
        if rule is None:
            raise OpenlintError(f"{config.path}: severity: no rule {code!r}")
        severity[rule.code] = level
    waivers = tuple(Waiver(w["rule"], w["reason"], w.get("component"), config.path or "") for w in config.waivers)
    for waiver in waivers:
        if ruleset.find(rules, waiver.rule) is None:
            raise OpenlintError(f"{config.path}: waivers: no rule {waiver.rule!r}")
    return Policy(tuple(ruleset.select(rules, select, ignore)), severity, waivers)


def settings(options: Options) -> Settings:
    config = configuration(options)
    return Settings(options, config, policy(options, config), options.fail_on or config.fail_on or "error",
                    options.min_grade or config.min_grade)
