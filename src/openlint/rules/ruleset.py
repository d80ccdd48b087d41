"""Rules as data: loading rules/*.yaml (and user rule files), validating them, selecting them.

The bundled rule files are validated against schemas/rules.schema.json whenever the bundled-data cache is rebuilt
(knowledge/store.py), and get a cheap structural check on every load, so that a broken edit exits 2 with the file
and the path inside it. A user's rule file is validated in full, its check options against the check function's
own schema.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

from openlint.support.record import Record, field

from openlint.errors import DataFileError
from openlint.knowledge import store
from openlint.rules.checks import registry
from openlint.support import files, yamlsafe

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
RULE_FILE_BYTES = 5_000_000  # as a configuration file (config.CONFIG_FILE_BYTES): a rule file is a few KB


class Rule(Record, frozen=True):
    """A rule of the rule set: code, name, severity, messages and the check it runs. Frozen: the bundled rules are
    built once per process and shared by every check it runs."""

    code: str
    name: str
    severity: str
    summary: str
    message: str
    recommendation: str
    fix: str
    function: str
    options: dict[str, Any] = field(default_factory=dict)
    components: list[str] = field(default_factory=list)
    rationale: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    security_severity: str = ""
    source: str = ""
    example: str = ""  # a card fragment that passes the rule (documentation)
    # a security rule guards against code execution, or the weights' presence and integrity (a pull request that
    # deletes or breaks them): a configuration or declaration inside the checked release cannot ignore, deselect,
    # lower, waive or redefine it
    security: bool = False


def _rule(entry: Any, index: int, file: str) -> Rule:
    where = f"rules[{index}]"
    if not isinstance(entry, dict):
        raise DataFileError(file, "a rule must be a mapping", where)
    for key in ("code", "name", "severity", "summary", "message", "recommendation", "fix", "check"):
        if key not in entry:
            raise DataFileError(file, f"missing required key {key!r}", where)
    if entry["severity"] not in SEVERITIES:
        raise DataFileError(file, f"severity must be one of {', '.join(SEVERITIES)}", f"{where}.severity")
    check = entry["check"]
    if not isinstance(check, dict) or check.get("function") not in registry():
        known = ", ".join(sorted(registry()))
        raise DataFileError(file, f"unknown check function (known: {known})", f"{where}.check.function")
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(entry["message"]) if name]
    except ValueError as exc:
        raise DataFileError(file, f"malformed message template: {exc}", f"{where}.message") from None
    del fields  # the names are filled by the check; parsing them is the validation
    return Rule(
        code=entry["code"], name=entry["name"], severity=entry["severity"], summary=entry["summary"],
        message=entry["message"], recommendation=entry["recommendation"], fix=entry["fix"],
        function=check["function"], options=check.get("options") or {}, components=entry.get("components", []),
        rationale=entry.get("rationale", ""), url=entry.get("url", ""), tags=entry.get("tags", []),
        security_severity=entry.get("security-severity", ""), source=file, example=entry.get("example", ""),
        security=bool(entry.get("security", False)) or "security" in entry.get("tags", []),
    )


def _rules_of(document: Any, file: str) -> list[Rule]:
    if not isinstance(document, dict) or document.get("kind") != "rules" or not isinstance(document.get("rules"), list):
        raise DataFileError(file, "not a rule file (expected `kind: rules` and a `rules:` list)")
    return [_rule(entry, index, file) for index, entry in enumerate(document["rules"])]


def load_bundled() -> list[Rule]:
    return list(_bundled())


def is_bundled(rule: Rule) -> bool:
    """Whether a rule is one openlint ships (as shipped), not one of a user's rule files."""
    shipped = _bundled_by_code().get(rule.code)  # asked once per finding's place: one comparison, not one per rule
    return shipped is not None and (shipped is rule or shipped == rule)


@cache
def _bundled_by_code() -> dict[str, Rule]:
    return {rule.code: rule for rule in _bundled()}


@cache
def _bundled() -> tuple[Rule, ...]:
    # a check asks twice (the rules a configuration may not weaken, then the rules it runs); an audit once per release
    rules = []
    for name in store.names_of_kind("rules"):
        rules.extend(_rules_of(store.load(name), store.path_of(name)))
    return tuple(rules)


def load_user_file(path: str | Path) -> list[Rule]:
    """A rule file given by the user: validated in full, check options included."""
    from openlint.support import schemas

    file = str(path)
    text = _bounded_text(file)
    try:
        document = yamlsafe.load(text)
    except yamlsafe.YamlError as exc:
        raise DataFileError(file, f"invalid YAML: {exc}", f"line {exc.line}" if exc.line else "") from None
    for where, message in schemas.errors("rules", document)[:1]:
        raise DataFileError(file, message, where)
    rules = _rules_of(document, file)
    validate_options(rules)
    return rules


def _bounded_text(file: str) -> str:
    """A user rule file's text, read no further than RULE_FILE_BYTES: a larger one (or a FIFO, a device) is a one-line
    error naming the file, not gigabytes of memory."""
    try:
        raw = files.read_bounded(file, RULE_FILE_BYTES)
        if len(raw) > RULE_FILE_BYTES:
            raise DataFileError(file, f"larger than {RULE_FILE_BYTES} bytes, openlint's limit for a rule file")
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(file, f"cannot be read ({'not UTF-8' if isinstance(exc, UnicodeDecodeError) else exc.strerror or type(exc).__name__})") from None


def validate_options(rules: list[Rule]) -> None:
    import jsonschema

    for rule in rules:
        schema = registry()[rule.function].options
        error = jsonschema.exceptions.best_match(jsonschema.validators.validator_for(schema)(schema).iter_errors(rule.options))
        if error is not None:
            path = "/".join(str(p) for p in error.absolute_path)
            raise DataFileError(rule.source, f"options of {rule.function}: {error.message}", f"rule {rule.code}.check.options{'/' + path if path else ''}")


def merge(base: list[Rule], extra: list[Rule]) -> list[Rule]:
    """Rules of later files replace bundled rules with the same code. A name is a rule's other key (selectors,
    waivers), so a rule may not take another code's name: a house rule named like a security rule would let a waiver
    of that name through the security check and then cover the security rule too."""
    by_code = {rule.code: rule for rule in base}
    for rule in extra:
        by_code[rule.code] = rule
    later = {id(rule) for rule in extra}
    codes = {code.lower(): rule for code, rule in by_code.items()}
    owners: dict[str, Rule] = {}
    for rule in sorted(by_code.values(), key=lambda r: (id(r) in later, r.code)):  # bundled names are claimed first
        other = owners.setdefault(rule.name, rule)
        other = other if other is not rule else codes.get(rule.name.lower(), rule)
        if other is not rule:
            raise DataFileError(rule.source, f"rule {rule.code} is named {rule.name!r}, the name of rule {other.code}", f"rule {rule.code}.name")
    return sorted(by_code.values(), key=lambda r: r.code)


def matches(rule: Rule, selector: str) -> bool:
    """A selector is a code (OLW001), a code prefix (OLW, ALL) or a rule name."""
    selector = selector.strip()
    return selector.upper() == "ALL" or rule.code.startswith(selector.upper()) or rule.name == selector.lower()


def select(rules: list[Rule], select: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    chosen = [r for r in rules if not select or any(matches(r, s) for s in select)]
    return [r for r in chosen if not ignore or not any(matches(r, s) for s in ignore)]


def unknown_selectors(rules: list[Rule], selectors: list[str]) -> list[str]:
    return [s for s in selectors if not any(matches(r, s) for r in rules)]


def find(rules: list[Rule], key: str) -> Rule | None:
    key = key.strip()
    return next((r for r in rules if r.code == key.upper() or r.name == key.lower()), None)
