"""Applying the rules to an assessment: each selected rule runs its check, at the severity and with the waivers the
user's policy gives, and every hit becomes a finding.

Hits of one rule that say the same thing about several places (the same pickle import in eight shards, the same
LFS pointer problem in every file) become ONE finding with every location. Waivers come from the configuration
and from the openness declaration (next to the component they concern); the engine alone sees every waiver and
every finding, so it also reports waivers that acknowledged nothing (as ruff reports unused `noqa`) and refuses
declaration waivers of security rules: a release cannot waive its own security checks.
"""

from __future__ import annotations

import os
import re
import string
from typing import Any

from openlint.support.record import Record, field

from openlint.analysis.model import Assessment
from openlint.release.model import Release
from openlint.rules.checks import registry
from openlint.rules.checks.waivers import REFUSED, UNUSED
from openlint.rules.registry import Hit
from openlint.errors import DataFileError
from openlint.rules import ruleset
from openlint.rules.ruleset import Rule, find

PLACE_KEYS = ("file", "line")  # message values that name the place a hit was found, not what was found


class Waiver(Record, frozen=True):
    """A rule waived, with the reason given and where it is stated."""

    rule: str  # code or name
    reason: str
    component: str | None = None
    source: str = ""  # the file that states it
    line: int | None = None
    origin: str = "configuration"  # "configuration" or "declaration"

    def names(self, rule: Rule) -> bool:
        return self.rule.strip().upper() == rule.code or self.rule.strip().lower() == rule.name

    def covers(self, rule: Rule, component: str | None) -> bool:
        return self.names(rule) and (self.component is None or self.component == component)


class Policy(Record, frozen=True, eq=False):  # compared by identity
    """What the user asked for: which rules, at which severity, with which waivers."""

    rules: tuple[Rule, ...]
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity override
    waivers: tuple[Waiver, ...] = ()
    known: tuple[Rule, ...] = ()  # every rule loaded, selected or not: what a waiver may name
    # rules the user's configuration added or raised: a release's declaration may not waive them, as a security rule
    protected: tuple[str, ...] = ()


class Location(Record, frozen=True):
    """A place a finding is shown at."""

    file: str | None
    line: int | None
    column: int | None = None
    snippet: str = ""
    message: str = ""  # the finding as said of this place alone (one line per place: concise, annotations)


class Finding(Record, frozen=True):
    """A rule's finding on the release: severity, message and locations."""

    rule: Rule
    severity: str
    message: str
    locations: tuple[Location, ...]  # at least one; the first is where the finding is shown first
    component: str | None = None
    key: str = ""
    waiver: Waiver | None = None  # the waiver that acknowledges it

    @property
    def file(self) -> str | None:
        return self.locations[0].file

    @property
    def line(self) -> int | None:
        return self.locations[0].line

    @property
    def column(self) -> int | None:
        return self.locations[0].column

    @property
    def snippet(self) -> str:
        return self.locations[0].snippet

    @property
    def waived(self) -> str | None:
        """The waiver's reason when acknowledged."""
        return self.waiver.reason if self.waiver else None


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _rendered(rule: Rule, values: dict[str, Any]) -> str:
    """A hit's message. A user's rule whose message asks for a value its check does not give is a broken rule file
    (exit 2, naming it), not a finding that says "?"."""
    if not ruleset.is_bundled(rule):
        missing = sorted({name for _, name, _, _ in string.Formatter().parse(rule.message) if name} - set(values))
        if missing:
            given = ", ".join(sorted(values)) or "none"
            raise DataFileError(rule.source, f"rule {rule.code}: its message uses {{{missing[0]}}}, which check {rule.function} "
                                f"does not give here (it gives: {given})")
    return message(rule.message, values)


def message(template: str, values: dict[str, Any]) -> str:
    detail = values.get("detail")
    if template.startswith("{detail}") and isinstance(detail, str) and re.match(r"[a-z]+ ", detail):
        # openlint's own detail opens the sentence ("the release has no model card"): a capital, as the rest;
        # a file name or a component id that opens one ("model.bin: ...") is left as written
        values = {**values, "detail": detail[:1].upper() + detail[1:]}
    text = template.format_map(_Blank(values))
    text = re.sub(r"\s+\.(?=\s|$)", ".", text)  # an empty placeholder at a sentence end
    # a sentence ending twice ("detail.." when a value already ends with one); a path's "../" is left alone
    return re.sub(r"\.{2,}(?=\s|$)", ".", text).strip()


# -- applying the rules ---------------------------------------------------------------------------------------------

def apply(policy: Policy, assessment: Assessment) -> list[Finding]:
    checks = registry()
    waivers = policy.waivers + declaration_waivers(assessment.release)
    usable = tuple(w for w in waivers if _refusal(policy, w) is None)
    findings = []
    for rule in policy.rules:
        if rule.function in (UNUSED, REFUSED):
            continue
        hits = list(checks[rule.function].function(assessment, rule.options))
        findings += [_finding(policy, rule, group, usable) for group in _grouped(rule, hits)]
    return findings + _about_waivers(policy, assessment.release, waivers, usable, findings)


def _component(rule: Rule, hit: Hit) -> str | None:
    # a hit that names no component belongs to the rule's component, when the rule has exactly one
    return hit.component or (rule.components[0] if len(rule.components) == 1 and rule.components[0] != "*" else None)


def _grouped(rule: Rule, hits: list[Hit]) -> list[list[Hit]]:
    """Hits that differ only in their place, grouped, in the order their first member came. A hit's own file name
    inside its other values ("imports os.system (in a.bin)") counts as its place too."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        what = sorted((k, _unplaced(v, hit.file)) for k, v in hit.values.items() if k not in PLACE_KEYS)
        groups.setdefault(repr((_component(rule, hit), what)), []).append(hit)
    return list(groups.values())


def _unplaced(value: Any, file: str | None) -> Any:
    return value.replace(file, "\0") if file and isinstance(value, str) else value


def _finding(policy: Policy, rule: Rule, group: list[Hit], waivers: tuple[Waiver, ...]) -> Finding:
    first = group[0]
    component = _component(rule, first)
    locations = tuple(dict.fromkeys(Location(hit.file, hit.line, hit.column, hit.snippet, _rendered(rule, hit.values))
                                    for hit in group))
    text, key = locations[0].message, first.key or rule.code
    if len(locations) > 1:
        files = len({place.file for place in locations})
        text += (f" (The same in {files - 1} other file{'s' if files > 2 else ''}.)" if files > 1
                 else f" (The same at {len(locations) - 1} other line{'s' if len(locations) > 2 else ''}.)")
        key = "|".join(sorted({hit.key or rule.code for hit in group}))
    waiver = next((w for w in waivers if w.covers(rule, component)), None)
    return Finding(rule, policy.severity.get(rule.code, rule.severity), text, locations, component, key, waiver)


# -- waivers --------------------------------------------------------------------------------------------------------

def declaration_waivers(release: Release) -> tuple[Waiver, ...]:
    """The waivers the openness declaration states next to the components they concern."""
    declaration = release.declaration
    if declaration is None:
        return ()
    return tuple(Waiver(w.rule, w.reason, cid, declaration.path, w.line, "declaration")
                 for cid, entry in declaration.components.items() for w in entry.waivers)


def refused(policy: Policy, waivers: tuple[Waiver, ...]) -> tuple[Waiver, ...]:
    """The declaration waivers not applied because they name a security rule."""
    return tuple(w for w in waivers if _refusal(policy, w) == "security")


def _refusal(policy: Policy, waiver: Waiver) -> str | None:
    """Why a declaration waiver is not applied; None when it is. (A configuration's waivers were checked when the
    configuration was loaded: a bad one stops the run there.)"""
    if waiver.origin != "declaration":
        return None
    rule = find(list(policy.known), waiver.rule)
    if rule is None:
        return "names no rule"
    if any(known.security or known.code in policy.protected for known in policy.known if waiver.names(known)):  # every rule it would cover
        return "security"
    # a finding about what the declaration itself claims (OLD003-OLD007) is not the declaration's to acknowledge
    kinds = rule.options.get("kinds", []) if rule.function == "problem" else []
    return "security" if kinds and all(str(kind).startswith("declaration.") for kind in kinds) else None


def _about_waivers(policy: Policy, release: Release, waivers: tuple[Waiver, ...], usable: tuple[Waiver, ...],
                   findings: list[Finding]) -> list[Finding]:
    used = {id(f.waiver) for f in findings if f.waiver is not None}
    selected = {rule.code for rule in policy.rules}
    by_function = {rule.function: rule for rule in policy.rules if rule.function in (UNUSED, REFUSED)}
    hits: dict[str, list[Hit]] = {UNUSED: [], REFUSED: []}
    for waiver in waivers:
        refusal = _refusal(policy, waiver)
        place = _place(waiver.source, release)
        values = {"rule": waiver.rule, "source": place, "origin": waiver.origin}
        if refusal == "security":
            hits[REFUSED].append(Hit(values, place, waiver.line, waiver.component, waiver.reason, f"{place}:{waiver.rule}"))
        elif id(waiver) not in used and not (refusal is None and _waives_engine_rule(policy, waiver)):
            rule = find(list(policy.known), waiver.rule)
            why = "names no rule" if rule is None else ("matches no finding: the rule is not selected" if rule.code not in selected
                                                        else "matches no finding")
            hits[UNUSED].append(Hit({**values, "why": why}, place, waiver.line, waiver.component, waiver.reason,
                                    f"{place}:{waiver.rule}:{waiver.component}"))
    found = []
    for function, rule in by_function.items():
        found += [_finding(policy, rule, [hit], usable) for hit in hits[function]]
    return found


def _waives_engine_rule(policy: Policy, waiver: Waiver) -> bool:
    """A waiver of the waiver rules themselves is judged with their findings, not before them."""
    rule = find(list(policy.known), waiver.rule)
    return rule is not None and rule.function in (UNUSED, REFUSED)


def _place(path: str, release: Release) -> str:
    """A waiver's file as findings name files: relative to a local release when it lies inside it."""
    if not path or release.source != "local" or not os.path.isabs(path):
        return path
    root = os.path.abspath(release.location)
    inside = os.path.commonpath([root, os.path.abspath(path)]) == root
    return os.path.relpath(path, root).replace(os.sep, "/") if inside else path
