"""Paths of findings as a CI system wants them: relative to the repository (the working directory) for a local
release, a Hub URL for a Hub repository."""

from __future__ import annotations

import os
from pathlib import Path

from openlint.report import Finding, Report


def uri(report: Report, file: str | None) -> str:
    release = report.release
    if file is None:
        file = release.card_path() or "."
    if release.source == "hub":
        revision = release.revision or "main"
        return f"https://huggingface.co/{release.location}/blob/{revision}/{file}"
    full = Path(release.location) / file
    try:
        relative = os.path.relpath(full.resolve(), Path.cwd().resolve())
    except ValueError:  # another drive on Windows
        return full.as_posix()
    return Path(relative).as_posix()


def worst_first(report: Report) -> list[Finding]:
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(report.active, key=lambda f: (order[f.severity], f.rule.code, f.file or "", f.line or 0))
