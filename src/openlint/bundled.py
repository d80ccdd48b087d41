"""Loading of the data files bundled in rules/: trusted, so parsed with the fast C loader and cached."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from openlint.resources import rules_dir

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> dict[str, Any]:
    path = rules_dir() / f"{name}.yaml"
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


def rule_files() -> list[str]:
    """Names of the bundled rule files (those whose `kind` is `rules`), in a stable order."""
    names = []
    for path in sorted(rules_dir().glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            head = handle.read(4096)
        if "\nkind: rules" in f"\n{head}":
            names.append(path.stem)
    return names
