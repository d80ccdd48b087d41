"""The crosswalk as each output format shows it: one line per framework (and per item when verbose) for a terminal,
a table for markdown, plain properties for SARIF and annotations. Every item names the source of its mapping."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openlint.report import Report

SHORT = {"mof": "MOF", "osaid": "OSAID", "osai-index": "OSAI index"}


def title(framework_id: str, name: str, version: str) -> str:
    return f"{SHORT.get(framework_id, name)} {version}"


def text_lines(report: Report, verbosity: int) -> list[str]:
    if verbosity < 0:
        return []
    out = ["frameworks (openlint's evidence read as each framework's terms; \"cannot tell\" where it cannot):"]
    for framework in report.crosswalk.frameworks:
        out.append(f"  {title(framework.id, framework.name, framework.version)}: {framework.verdict}. {framework.reason}")
        if verbosity >= 1:
            out += [f"    {item.name}: {item.verdict}. {item.reason} [{item.source}]" for item in framework.items]
    return out


def markdown(report: Report, escape: Callable[[str], str]) -> str:
    """A table of verdicts and, folded, each item; `escape` makes release text (in reasons) inert markdown."""
    # sources as code spans, not links: a job summary shows no link at all, so none can be forged by a release
    lines = ["### Other frameworks", "", "| Framework | Verdict | Why | Source |", "|---|---|---|---|"]
    details = []
    for framework in report.crosswalk.frameworks:
        name = f"{framework.name} {framework.version}"
        lines.append(f"| {name} | **{escape(framework.verdict)}** | {escape(framework.reason)} | `{framework.source}` |")
        rows = "\n".join(f"| {escape(i.name)} | {escape(i.verdict)} | {escape(i.reason)} | `{i.source}` |" for i in framework.items)
        details.append(f"<details><summary>{framework.name}: each item</summary>\n\n| Item | Verdict | Why | Source |\n"
                       f"|---|---|---|---|\n{rows}\n\n</details>")
    return "\n".join(lines) + "\n\n" + "\n\n".join(details) + "\n"


def properties(report: Report) -> dict[str, dict[str, object]]:
    """Plain data for formats that carry properties (SARIF): framework -> verdict, source and item verdicts."""
    return {f.id: {"verdict": f.verdict, "source": f.source, "items": {i.id: i.verdict for i in f.items}}
            for f in report.crosswalk.frameworks}


def summary(report: Report) -> str:
    return "; ".join(f"{title(f.id, f.name, f.version)}: {f.verdict}" for f in report.crosswalk.frameworks)
