"""Locate the bundled rules/ and schemas/ directories.

A wheel carries them inside the package (``openlint/data/``); a source checkout or an editable install finds
them at the repository's top level, where they are maintained.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the openlint package


@cache
def bundled_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    raise FileNotFoundError(f"openlint is installed without its {name}/ directory")


def rules_dir() -> Path:
    return bundled_dir("rules")


def schemas_dir() -> Path:
    return bundled_dir("schemas")
