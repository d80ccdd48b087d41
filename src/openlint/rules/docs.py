"""A rule's documentation, from the rule data itself (ruff's sections): one markdown page per rule, the same text
for `openlint explain` and for docs/rules/<CODE>.md, so the two cannot drift; SARIF's helpUri points at the page.

The pages are generated (`openlint rules --write-docs docs/rules`); a test regenerates them and fails when the
committed pages are stale.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from openlint.knowledge import taxonomy
from openlint.rules.checks import registry
from openlint.rules.ruleset import Rule
from openlint.support.resources import rules_dir

DEFAULT_BRANCH = "main"
DOCS_PATH = "docs/rules"  # where the pages live in the repository
INDEX = "README.md"  # the folder's page on GitHub
PAGE_NAME = re.compile(r"^[A-Z]{2,4}[0-9]{3}\.md$")


@cache
def repository_url() -> str | None:
    """The project's repository, from [project.urls] in pyproject.toml (the one place it is written), as installed."""
    from importlib import metadata

    try:
        urls = metadata.metadata("openlint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository":
            return url.strip().rstrip("/")
    return None


def anchor(rule: Rule) -> str:
    """The page title's anchor as GitHub renders it ("# OLW003 dangerous-pickle-import" -> olw003-dangerous-pickle-import):
    stable because codes and names are."""
    return f"{rule.code.lower()}-{rule.name}"


def is_bundled(rule: Rule) -> bool:
    return Path(rule.source).parent == rules_dir()


def help_uri(rule: Rule) -> str | None:
    """Where a rule is documented: its own `url`, else its page on the default branch (bundled rules only)."""
    if rule.url:
        return rule.url
    repository = repository_url()
    if repository is None or not is_bundled(rule):
        return None
    return f"{repository}/blob/{DEFAULT_BRANCH}/{DOCS_PATH}/{rule.code}.md#{anchor(rule)}"


def components_text(rule: Rule) -> str:
    named = [c for c in rule.components if c != "*"]
    titles = taxonomy.components()
    if named:
        return ", ".join(f"{titles[c].title} (`{c}`)" for c in named)
    return "every component" if "*" in rule.components else "the release as a whole"


def defined_in(rule: Rule) -> str:
    return f"rules/{Path(rule.source).name}" if is_bundled(rule) else rule.source


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in the text, so an example holding a fence stays one block."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def page(rule: Rule) -> str:
    """The rule's documentation as markdown: `openlint explain` prints it, docs/rules/<CODE>.md is it."""
    doc = " ".join((registry()[rule.function].function.__doc__ or "").split())
    tags = ", ".join(rule.tags) + (f" (security-severity {rule.security_severity})" if rule.security_severity else "")
    lines = [
        f"# {rule.code} {rule.name}", "",
        f"- **Severity:** {rule.severity}",
        f"- **Components:** {components_text(rule)}",
        *([f"- **Tags:** {tags}"] if rule.tags else []),
        f"- **Defined in:** `{defined_in(rule)}`", "",
        "## What it does", "", rule.summary + (f" {doc}" if doc else ""), "",
        "## Why it matters", "", rule.recommendation, "",
    ]
    if rule.rationale:
        lines += [rule.rationale, ""]
    lines += ["## How to fix it", "", rule.fix, ""]
    if rule.example:
        fence = _fence(rule.example)
        lines += ["## Example", "", "A model card (README.md) that passes this rule, in a release that also holds a weight file "
                  "(model.safetensors):", "",
                  f"{fence}markdown", rule.example.rstrip("\n"), fence, ""]
    lines += ["## Message", "", f"`{rule.message}`", "", "## Check", "", f"`{rule.function}`"
              + (f" with options `{json.dumps(rule.options, sort_keys=True)}`" if rule.options else " (no options)"), ""]
    return "\n".join(lines)


def explain(rule: Rule) -> str:
    return page(rule).rstrip("\n")


def index(rules: list[Rule]) -> str:
    lines = [
        "# openlint rules", "",
        "One page per rule, generated from the rule data in `rules/*.yaml` by `openlint rules --write-docs docs/rules`",
        "(do not edit by hand; a test fails when these pages are stale). `openlint explain CODE` prints the same page.", "",
        "| Code | Name | Severity | Components | Summary |", "|---|---|---|---|---|",
    ]
    for rule in sorted(rules, key=lambda r: r.code):
        components = ", ".join(f"`{c}`" for c in rule.components) or "release"
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| [{rule.code}]({rule.code}.md#{anchor(rule)}) | {rule.name} | {rule.severity} | {components} | {summary} |")
    return "\n".join(lines) + "\n"


def write(rules: list[Rule], folder: Path) -> list[Path]:
    """Write every rule's page and the index; remove pages of rules that no longer exist. Returns what was written."""
    from openlint.support.files import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{rule.code}.md": page(rule) for rule in rules}
    wanted[INDEX] = index(rules)
    for stale in folder.iterdir():
        if PAGE_NAME.match(stale.name) and stale.name not in wanted:
            stale.unlink()
    written = []
    for name, text in sorted(wanted.items()):
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text)
            written.append(path)
    return written
