"""Configuration and settings.

A configuration file is `.openlint.yaml` or `[tool.openlint]` in pyproject.toml, found from the target upward, or
named with --config; it is validated against schemas/config.schema.json, and an invalid one exits 2 naming the file
and the key path (never a value from it). Settings are what one run does: the command line's options merged with
the configuration, built once, with the rule policy resolved.

The release being checked is untrusted, and so is a configuration found inside it: in CI, a pull request can add
one. "Inside" means inside the checked tree: the release folder, or the git work tree that holds it. Such a
configuration may tune openlint, but it may not weaken a security rule (rules/*.yaml `security: true`): no
ignoring, deselecting, lowering, waiving or redefining one, and no `fail-on: never`. A configuration named with
--config, or found outside the checked tree, is the user's own and may. Rule files a configuration names must lie
in its own folder or below (symlinks resolved), so that a configuration cannot make openlint read, and print, any
other file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from openlint.support.record import Record, field, replace

from openlint.errors import DataFileError, OpenlintError, printable
from openlint.knowledge import taxonomy
from openlint.rules import ruleset
from openlint.rules.engine import Policy, Waiver
from openlint.support import files, schemas, yamlsafe

FILE_NAMES = (".openlint.yaml", ".openlint.yml")
NAMED = "named with --config"
OUTSIDE = "found outside the checked release and its repository"
INSIDE = "found in the checked release or its repository"


class Config(Record, frozen=True, eq=False):  # compared by identity
    """A configuration (.openlint.yaml or pyproject.toml): rule selection, severities, thresholds, waivers."""

    path: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    min_grade: str | None = None
    rules: tuple[str, ...] = ()  # extra rule files, resolved inside the config's folder
    catalogue: tuple[str, ...] = ()  # extra catalogue files (rules/catalogue/ format), resolved the same way
    waivers: tuple[dict[str, str], ...] = ()
    origin: str = NAMED  # NAMED, OUTSIDE or INSIDE
    waiver_lines: tuple[int | None, ...] = ()  # the line of each waiver, where it could be found
    kept: tuple[str, ...] = ()  # settings kept from a configuration this one displaced (_keep_stricter)
    # rules the displaced configuration defined or raised: the release may weaken them no more than a security rule
    protected: tuple[str, ...] = ()
    trusted_rules: tuple[str, ...] = ()  # the displaced configuration's rule files, kept: the user's, not the release's
    # a trusted configuration's rule files that lie in the checked tree, which a pull request can edit: they may not
    # redefine a security rule
    untrusted_rules: tuple[str, ...] = ()

    @property
    def trusted(self) -> bool:
        """May this configuration weaken security rules? Only when it does not come from the release."""
        return self.origin != INSIDE


def discover(start: Path) -> Path | None:
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        try:
            for name in FILE_NAMES:
                if (candidate / name).is_file():
                    return candidate / name
            pyproject = candidate / "pyproject.toml"
            if pyproject.is_file() and "[tool.openlint" in _bounded_text(pyproject, errors="replace"):
                return pyproject
        except OSError as exc:
            # a configuration that cannot be read is never skipped: it might select the rules
            where = f"{start}: the folder cannot be read" if candidate == folder else f"{candidate}: cannot look for a configuration there"
            raise OpenlintError(f"{where} ({exc.strerror or exc})") from None
    return None


def checked_tree(target: str) -> Path | None:
    """The tree a check treats as untrusted input: a local release folder, widened to the git work tree that holds
    it (a pull request controls the whole checkout), and past a submodule's to its superproject's. None for a Hub
    repository: nothing local comes from it."""
    path = Path(target)
    if not path.exists():
        return None
    folder = path.resolve()
    if not folder.is_dir():
        folder = folder.parent
    tree = folder
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").is_dir():
            return candidate
        if (candidate / ".git").exists():
            tree = candidate  # a submodule's (.git is a file): the superproject above it is the checkout, if there is one
    return tree


def _inside(path: Path, root: Path) -> bool:
    return os.path.commonpath([str(path), str(root)]) == str(root)


CONFIG_FILE_BYTES = 5_000_000  # a configuration of a few KB; a release may hold a 2 GB pyproject.toml


def _bounded_text(path: Path, errors: str = "strict") -> str:
    """A configuration file's text, read no further than CONFIG_FILE_BYTES: a larger one is an error, not memory."""
    raw = files.read_bounded(path, CONFIG_FILE_BYTES)  # a regular file only: checked on the descriptor, not by name
    if len(raw) > CONFIG_FILE_BYTES:
        raise DataFileError(str(path), f"larger than {CONFIG_FILE_BYTES} bytes, openlint's limit for a configuration file")
    return raw.decode("utf-8", errors=errors)


def _document(path: Path) -> Any:
    file = str(path)
    try:
        text = _bounded_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(file, f"cannot be read ({'not UTF-8' if isinstance(exc, UnicodeDecodeError) else exc.strerror or type(exc).__name__})") from None
    if path.name == "pyproject.toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]

        try:
            return tomllib.loads(text).get("tool", {}).get("openlint", {}), text
        except tomllib.TOMLDecodeError as exc:
            raise DataFileError(file, f"invalid TOML: {exc}") from None
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlError as exc:
        raise DataFileError(file, f"invalid YAML: {exc}", f"line {exc.line}" if exc.line else "") from None
    return ({} if data is None else data), text


def _rule_file(entry: str, index: int, config: Path, key: str = "rules") -> str:
    """A rule or catalogue file named by a configuration: inside the configuration's own folder, symlinks resolved."""
    base = config.parent.resolve()
    resolved = (base / entry).resolve()
    if not _inside(resolved, base):
        raise DataFileError(str(config), f"a {'rule' if key == 'rules' else 'catalogue'} file must lie in the configuration's "
                            f"folder ({base}) or below; this entry leads outside it", f"{key}/{index}")
    return str(resolved)


def _catalogue_files(data: dict[str, Any], path: Path, origin: str) -> tuple[str, ...]:
    """Catalogue files extend what openlint knows of artefacts, and so the levels: a configuration inside the checked
    release may not name one, or a release could grade its own datasets by its own say."""
    entries = data.get("catalogue", ())
    if entries and origin == INSIDE:
        raise DataFileError(str(path), "a configuration inside the checked release cannot extend the catalogue (a release "
                            "would grade its own artefacts); name the configuration with --config", "catalogue")
    return tuple(_rule_file(entry, i, path, "catalogue") for i, entry in enumerate(entries))


def _waiver_lines(text: str, waivers: list[dict[str, str]]) -> tuple[int | None, ...]:
    lines, found, start = text.splitlines(), [], 0
    for waiver in waivers:
        code = waiver["rule"]
        number = next((n for n in range(start, len(lines)) if "rule" in lines[n] and code in lines[n]), None)
        found.append(None if number is None else number + 1)
        start = number + 1 if number is not None else start
    return tuple(found)


def load(path: Path, origin: str = NAMED) -> Config:
    data, text = _document(path)
    for where, message in schemas.errors("config", data)[:1]:
        raise DataFileError(str(path), message, where)
    waivers = list(data.get("waivers", ()))
    return Config(
        path=str(path), select=tuple(data.get("select", ())), ignore=tuple(data.get("ignore", ())), severity=data.get("severity", {}),
        fail_on=data.get("fail-on"), min_grade=data["min-grade"].upper() if "min-grade" in data else None,
        rules=tuple(_rule_file(entry, i, path) for i, entry in enumerate(data.get("rules", ()))), waivers=tuple(waivers),
        catalogue=_catalogue_files(data, path, origin),
        origin=origin, waiver_lines=_waiver_lines(text, waivers),
    )


# -- settings -------------------------------------------------------------------------------------------------------

class Options(Record, frozen=True):
    """What the command line says."""

    target: str = "."
    revision: str | None = None
    token: str | None = None
    offline: bool = False
    timeout: float = 10.0
    partial: bool = False  # report what could be read when something could not (else exit 2)
    hub_id: str | None = None  # the Hub repository a local checkout comes from (for its Git LFS pointers)
    # a local folder's name as a release, when the caller knows it better than the folder does (diff: an earlier
    # version of the same release, exported to a folder of another name)
    release_name: str | None = None
    progress: bool = True  # a Hub check's progress line on a terminal (off where the caller shows its own: audit)
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
    statistics: bool = False


class Settings(Record, frozen=True, eq=False):  # compared by identity
    """What one run does: the options, merged with the configuration file."""

    options: Options
    config: Config
    policy: Policy
    fail_on: str
    min_grade: str | None
    changes: tuple[str, ...] = ()  # what the configuration file changed, in words, for every report

    @property
    def min_grade_source(self) -> str | None:
        """Where the minimum grade was set, in the words a message quotes."""
        if self.options.min_grade:
            return f"--min-grade {self.options.min_grade}"
        if self.config.min_grade:
            return f"min-grade: {self.config.min_grade} in {Path(self.config.path).name if self.config.path else 'the configuration'}"
        return None

    def files(self) -> tuple[tuple[str, str], ...]:
        """The configuration files applied, each with its role; absolute, so that a report never shows a path typed
        relative to the working folder as if it were the release's ("c.yaml" is not "rel/c.yaml")."""
        files = [(self.config.path, f"configuration, {self.config.origin}")] if self.config.path else []
        files += [(path, "rule file, named by the configuration") for path in self.config.rules]
        files += [(path, "rule file, named with --rules") for path in self.options.rule_files]
        files += [(path, "catalogue file, named by the configuration") for path in self.config.catalogue]
        return tuple((os.path.abspath(path), role) for path, role in files)


def configuration(options: Options) -> Config:
    if options.no_config:
        return Config()
    if options.config_path is not None:
        if not options.config_path.is_file():
            raise OpenlintError(f"{options.config_path}: configuration file not found")
        return load(options.config_path, NAMED)
    from openlint.sources import is_local

    start = Path(options.target) if is_local(options.target) else Path.cwd()
    found = discover(start)
    if found is None:
        return Config()
    tree = checked_tree(options.target)
    # where the file was found decides, not where a symlink there leads: the release chose to put it in its tree
    if tree is None or not _inside(found, tree):
        outside = load(found, OUTSIDE)
        if tree is None:
            return outside
        in_tree = tuple(path for path in outside.rules if _inside(Path(path).resolve(), tree))
        _refuse_catalogue_in_tree(outside, tree)
        # what the user's own configuration adds or raises, the release's declaration may not waive
        trusted = tuple(path for path in outside.rules if path not in in_tree)
        return replace(outside, untrusted_rules=in_tree, protected=_added_or_raised(outside, trusted))
    inside = load(found, INSIDE)
    # a configuration in the release displaces the user's own above it; what that one made stricter stays
    outside = discover(tree.parent) if tree.parent != tree else None
    return _keep_stricter(inside, load(outside, OUTSIDE), tree) if outside is not None else inside


FAIL_ON_RANK = {"never": 0, "error": 1, "warning": 2, "info": 3}  # how much fails: more is stricter


def _refuse_catalogue_in_tree(config: Config, tree: Path) -> None:
    """A catalogue file of the user's inside the checked tree is the pull request's to edit, and a catalogue says how
    open what a release points to is: it is refused, as a release's own catalogue entries are."""
    inside = [path for path in config.catalogue if _inside(Path(path).resolve(), tree)]
    if inside:
        raise OpenlintError(f"{config.path}: catalogue: {inside[0]} lies in the checked release or its repository, which can "
                            "edit it; keep the catalogue files you trust outside it")


def _added_or_raised(config: Config, rule_files: tuple[str, ...]) -> tuple[str, ...]:
    """The rules a trusted configuration adds (its rule files) or raises above their own severity."""
    rules = all_rules(rule_files)
    house = [rule.code for path in rule_files for rule in ruleset.load_user_file(path)]
    raised = [rule.code for key, level in config.severity.items()
              if (rule := ruleset.find(rules, key)) is not None and ruleset.SEVERITY_RANK[level] > ruleset.SEVERITY_RANK[rule.severity]]
    return tuple(dict.fromkeys(house + raised))


def _kept_severities(inside: Config, outside: Config, rules: list[ruleset.Rule], kept: list[str]) -> dict[str, str]:
    """The release's severities, with any the user's configuration raised higher."""
    # one spelling per rule (its code): a release keying a rule by name and the user by code name the same rule
    severity = {(found.code if (found := ruleset.find(rules, key)) else key): level for key, level in inside.severity.items()}
    for key, level in outside.severity.items():
        rule = ruleset.find(rules, key)
        if rule is not None and ruleset.SEVERITY_RANK[level] > max(ruleset.SEVERITY_RANK[rule.severity],
                                                                   ruleset.SEVERITY_RANK[severity.get(rule.code, rule.severity)]):
            severity[rule.code] = level
            kept.append(f"severity {rule.code} {level} (kept from {outside.path})")
    return severity


def _keep_stricter(inside: Config, outside: Config, tree: Path) -> Config:
    """The release's configuration, keeping what the user's displaced configuration made stricter: its rule files
    (house rules) and catalogue, a raised severity of any rule, a fail-on that fails on more, a higher min-grade.
    A release cannot undo them by shipping its own: the rules the user added or raised are protected as security
    rules are (policy: refuse_weakening); and the output says the user's configuration was displaced."""
    # a rule file of the user's that lies in the checked tree, the pull request can edit: checked as the release's
    trusted = tuple(path for path in outside.rules if not _inside(Path(path).resolve(), tree))
    _refuse_catalogue_in_tree(outside, tree)
    kept = [f"the release's configuration displaces {outside.path}"]
    kept += [f"catalogue {path} (kept from {outside.path})" for path in outside.catalogue]
    severity = _kept_severities(inside, outside, all_rules(trusted), kept)
    fail_on = inside.fail_on
    if outside.fail_on and FAIL_ON_RANK[outside.fail_on] > FAIL_ON_RANK[inside.fail_on or "error"]:
        fail_on = outside.fail_on
        kept.append(f"fail-on {fail_on} (kept from {outside.path})")
    min_grade = inside.min_grade
    if outside.min_grade and (min_grade is None or outside.min_grade < min_grade):  # "A" < "C": A asks for more
        min_grade = outside.min_grade
        kept.append(f"min-grade {min_grade} (kept from {outside.path})")
    return replace(inside, severity=severity, fail_on=fail_on, min_grade=min_grade, kept=tuple(kept),
                   rules=(*outside.rules, *inside.rules), catalogue=(*outside.catalogue, *inside.catalogue),
                   protected=_added_or_raised(outside, trusted), trusted_rules=trusted)


def all_rules(extra_files: tuple[str, ...] | list[str]) -> list[ruleset.Rule]:
    rules = ruleset.load_bundled()
    for path in extra_files:
        rules = ruleset.merge(rules, ruleset.load_user_file(path))
    return rules


def _refuse_untrusted(options: Options, config: Config) -> None:
    """A configuration from the release may not weaken what it is checked against; a trusted one's rule files in the
    checked tree (editable by the pull request) may not redefine a security rule."""
    trusted_rules = all_rules(config.trusted_rules + options.rule_files)
    if not config.trusted:
        refuse_weakening(config, trusted_rules)
    elif config.untrusted_rules and (found := _weakening_rule_files(config, [r for r in trusted_rules if r.security])):
        raise OpenlintError(f"{config.path}: names rule files in the checked release or its repository, which it can edit, and "
                            f"such a file may not redefine a security rule ({'; '.join(found)})")


def policy(options: Options, config: Config) -> Policy:
    _refuse_untrusted(options, config)
    rules = all_rules(config.rules + options.rule_files)
    select = list(options.select or config.select)
    ignore = list(options.ignore + config.ignore)
    for key, configured in (("select", config.select), ("ignore", config.ignore)):  # a file's own selectors: name it
        unknown = ruleset.unknown_selectors(rules, list(configured))
        if unknown and config.path:
            raise OpenlintError(f"{config.path}: {key}: unknown rule selector(s): {', '.join(unknown)}; `openlint rules` lists the codes")
    unknown = ruleset.unknown_selectors(rules, select + ignore)
    if unknown:
        raise OpenlintError(f"unknown rule selector(s): {', '.join(unknown)}; `openlint rules` lists the codes")
    severity = _severities(config, rules)
    source = os.path.abspath(config.path) if config.path else ""
    lines = config.waiver_lines or (None,) * len(config.waivers)
    waivers = tuple(Waiver(w["rule"], w["reason"], w.get("component"), source, line) for w, line in zip(config.waivers, lines))
    components = taxonomy.components()
    for waiver in waivers:
        if ruleset.find(rules, waiver.rule) is None:
            raise OpenlintError(f"{config.path}: waivers: no rule {waiver.rule!r}")
        if waiver.component is not None and waiver.component not in components:
            raise OpenlintError(f"{config.path}: waivers: no component {printable(waiver.component, 80)!r} "
                                f"(the components are {', '.join(components)})")
    return Policy(tuple(ruleset.select(rules, select, ignore)), severity, waivers, tuple(rules), config.protected)


def settings(options: Options) -> Settings:
    config = configuration(options)
    chosen = policy(options, config)
    return Settings(options, config, chosen, options.fail_on or config.fail_on or "error", options.min_grade or config.min_grade,
                    changes(options, config, list(chosen.known)))


# -- what a configuration changes -----------------------------------------------------------------------------------

def weakening(config: Config, rules: list[ruleset.Rule]) -> list[str]:
    """Every entry of a configuration that would weaken a security rule, or a rule the user's displaced
    configuration added or raised, in words."""
    security = [rule for rule in rules if rule.security or rule.code in config.protected]
    return [*_weakening_selection(config, security), *_weakening_levels(config, security),
            *[f"waiver of {w['rule']}" for w in config.waivers if ruleset.find(security, w["rule"]) is not None],
            *_weakening_rule_files(config, security)]


def _weakening_selection(config: Config, security: list[ruleset.Rule]) -> list[str]:
    found = [f"ignore {s}" for s in config.ignore if any(ruleset.matches(rule, s) for rule in security)]
    left_out = [rule.code for rule in security if not any(ruleset.matches(rule, s) for s in config.select)]
    if config.select and left_out:
        found.append(f"select {', '.join(config.select)} (leaves out {', '.join(left_out)})")
    return found


def _weakening_levels(config: Config, security: list[ruleset.Rule]) -> list[str]:
    found = ["fail-on never"] if config.fail_on == "never" else []
    for key, level in config.severity.items():
        rule = ruleset.find(security, key)
        if rule is not None and ruleset.SEVERITY_RANK[level] < ruleset.SEVERITY_RANK[rule.severity]:
            found.append(f"severity {rule.code} {level}")
    return found


def _weakening_rule_files(config: Config, security: list[ruleset.Rule]) -> list[str]:
    found = []
    for path in config.untrusted_rules or config.rules:
        if path in config.trusted_rules:
            continue
        redefined = sorted({r.code for r in ruleset.load_user_file(path)} & {r.code for r in security})
        if redefined:
            found.append(f"rule file {path} redefines {', '.join(redefined)}")
    return found


def refuse_weakening(config: Config, rules: list[ruleset.Rule]) -> None:
    found = weakening(config, rules)
    if found:
        raise OpenlintError(
            f"{config.path}: this configuration was {INSIDE}, so it may not weaken security rules, nor rules a configuration above it added or raised ({'; '.join(found)}); "
            "a release cannot configure away its own security checks. Name a configuration you trust with --config, "
            "or remove these entries")


def changes(options: Options, config: Config, rules: list[ruleset.Rule]) -> tuple[str, ...]:
    """What the configuration file changes, in words (the command line's own options are not listed; where they
    override the file, the file's entry is not listed either)."""
    # settings kept from a displaced configuration are said once, with where they came from; the command line's
    # own --fail-on and --min-grade override them as they override any configuration
    kept = [item for item in config.kept
            if not (options.fail_on and item.startswith("fail-on ")) and not (options.min_grade and item.startswith("min-grade "))]
    found = _selection_changes(options, config, rules) + _level_changes(options, config, rules, " ".join(kept))
    bundled = {rule.code for rule in ruleset.load_bundled()}
    found += [f"{rule.code}: the bundled rule is replaced by the one in {rule.source}" for rule in rules
              if rule.code in bundled and not ruleset.is_bundled(rule)]
    return tuple(found + [f"rules from {path}" for path in config.rules] + kept)


def _level_changes(options: Options, config: Config, rules: list[ruleset.Rule], kept: str) -> list[str]:
    """Severities, fail-on and min-grade the file sets, but for those a displaced configuration's `kept` says."""
    defaults = {rule.code: rule.severity for rule in rules}
    found = [f"severity {code}: {defaults[code]} -> {level}" for code, level in _severities(config, rules).items()
             if f"severity {code} {level} (kept" not in kept]
    if config.fail_on and not options.fail_on and f"fail-on {config.fail_on} (kept" not in kept:
        found.append(f"fail-on {config.fail_on}")
    if config.min_grade and not options.min_grade and f"min-grade {config.min_grade} (kept" not in kept:
        found.append(f"min-grade {config.min_grade}")
    return found


def _selection_changes(options: Options, config: Config, rules: list[ruleset.Rule]) -> list[str]:
    found = []
    if config.select and not options.select:
        off = [r.code for r in rules if not any(ruleset.matches(r, s) for s in config.select)]
        found.append(f"select {', '.join(config.select)}: {len(off)} rule(s) off")
    for selector in dict.fromkeys(config.ignore):  # a selector written twice is said once
        matched = [r.code for r in rules if ruleset.matches(r, selector)]
        found.append(f"ignore {selector}" + (f" ({', '.join(matched)})" if matched != [selector.upper()] else ""))
    return found


def _severities(config: Config, rules: list[ruleset.Rule]) -> dict[str, str]:
    found = {}
    for key, level in config.severity.items():
        rule = ruleset.find(rules, key)
        if rule is None:
            raise OpenlintError(f"{config.path}: severity: no rule {key!r}")
        found[rule.code] = level
    return found
