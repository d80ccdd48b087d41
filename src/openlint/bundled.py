"""Loading of the data files bundled in rules/: trusted, parsed once and cached.

Parsing all bundled YAML costs ~40 ms per run; a pre-commit hook runs often, so the parsed data is cached as
JSON (which cannot run code) in the user's cache folder, keyed by each file's size and modification time. An
unwritable cache is skipped silently: it is only an optimisation.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from openlint import __version__
from openlint.resources import rules_dir


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "openlint"


def _parse(path: Path) -> Any:
    import yaml

    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _all() -> dict[str, Any]:
    """Every bundled file, by name, from the cache when it matches the files on disk."""
    paths = sorted(rules_dir().glob("*.yaml"))
    stamp = {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in paths}
    key = {"version": __version__, "dir": str(rules_dir()), "files": stamp}
    cache_file = _cache_dir() / "bundled.json"
    if os.environ.get("OPENLINT_NO_CACHE") is None:
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return cached["data"]
        except (OSError, ValueError, AttributeError):
            pass
    data = {p.stem: _parse(p) for p in paths}
    if os.environ.get("OPENLINT_NO_CACHE") is None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"key": key, "data": data}), encoding="utf-8")
            os.replace(temporary, cache_file)
        except OSError:
            pass
    return data


def load(name: str) -> dict[str, Any]:
    try:
        return _all()[name]
    except KeyError:
        raise FileNotFoundError(f"no bundled data file {name}.yaml in {rules_dir()}") from None


def rule_files() -> list[str]:
    """Names of the bundled rule files (those whose `kind` is `rules`), in a stable order."""
    return [name for name, data in sorted(_all().items()) if isinstance(data, dict) and data.get("kind") == "rules"]
