"""Which imports a weight file's pickles may make: an allow-list, compared exactly, after the unpickler's own mapping.

A pickle runs the callables it imports. The only imports a weight file may make are the reviewed tensor-rebuild
callables of rules/pickle-globals.yaml (`allow`, each with the reason it is safe). Anything else is an error:
the deny-list (`dangerous`) only says how bad a non-allowed import is, it never decides that one is safe.

Names are compared the way the unpickler resolves them:
  * protocol 0-2 pickles go through `_compat_pickle` (fix_imports): `cPickle.loads` is `pickle.loads`,
    `__builtin__.eval` is `builtins.eval`, `copy_reg._reconstructor` is `copyreg._reconstructor`, ...;
  * the (module, name) pair must equal an allowed pair exactly. A dotted name (protocol 4 resolves
    `serialization.os.system` by a getattr walk from `torch`) is never matched by prefix, and a name whose
    module and attribute split differently from the allowed entry is not the same entry.
"""

from __future__ import annotations

import _compat_pickle
from functools import cache
from typing import Any

from openlint.support.record import Record

from openlint.knowledge import store as bundled

UNKNOWN = "unknown"  # a STACK_GLOBAL whose operands are computed at load time
EXTENSION = "<copyreg extension>"  # EXT1/EXT2/EXT4: the target lives in the loading process's registry

ALLOWED, DENIED, UNLISTED, UNRESOLVED = "allowed", "denied", "unlisted", "unresolved"


class Import(Record, frozen=True):
    """One import a pickle makes, as the unpickler would resolve it."""

    member: str  # file or archive member holding the pickle
    module: str | None  # None when it cannot be resolved statically (see `raw`)
    name: str | None
    opcode: str = "GLOBAL"  # GLOBAL, INST, STACK_GLOBAL, EXT1, EXT2, EXT4
    raw: str = ""  # the name as written, when fix_imports mapped it (or why it is unresolved)

    @property
    def qualified(self) -> str:
        if self.opcode.startswith("EXT"):
            return f"{EXTENSION} {self.raw}"
        if self.module is None or self.name is None:
            return UNKNOWN
        return f"{self.module}.{self.name}"

    @property
    def shown(self) -> str:
        """The name for a message: the resolved name, and what was written when the mapping changed it."""
        if self.raw and self.module is not None and not self.opcode.startswith("EXT"):
            return f"{self.qualified} (written {self.raw})"
        return self.qualified


def resolve(module: str, name: str, protocol: int) -> tuple[str, str]:
    """The (module, name) the unpickler imports for a GLOBAL/STACK_GLOBAL written as (module, name).

    Mirrors `Unpickler.find_class`: with fix_imports (the default) and a protocol below 3, Python 2 names are
    mapped through `_compat_pickle.NAME_MAPPING`, else the module through `IMPORT_MAPPING`."""
    if protocol < 3:
        if (module, name) in _compat_pickle.NAME_MAPPING:
            return _compat_pickle.NAME_MAPPING[(module, name)]
        if module in _compat_pickle.IMPORT_MAPPING:
            return _compat_pickle.IMPORT_MAPPING[module], name
    return module, name


@cache
def _lists() -> tuple[frozenset[tuple[str, str]], dict[str, Any]]:
    data = bundled.load("pickle-globals")
    allowed = frozenset((module, name) for module, names in data["allow"].items() for name in names)
    return allowed, data["dangerous"]


def allowed_entries() -> dict[str, dict[str, str]]:
    """The allow-list as written: module -> {name: why it is safe}."""
    return bundled.load("pickle-globals")["allow"]


def is_denied(module: str, name: str) -> bool:
    """On the deny-list: known to run code or reach the file system. Only grades a non-allowed import."""
    _, dangerous = _lists()
    parts = module.split(".")
    # the module or any package above it listed whole; or the name (or the first step of a dotted name) listed
    for depth in range(len(parts), 0, -1):
        listed = dangerous.get(".".join(parts[:depth]))
        if listed == "*":
            return True
        if depth == len(parts) and isinstance(listed, list) and (name in listed or name.split(".")[0] in listed):
            return True
    # a dotted name walks attributes: `torch` + `serialization.os.system` reaches the module `os`
    steps = name.split(".")
    for i in range(1, len(steps)):
        candidate = ".".join(steps[:i])
        if _denied_module(candidate) or _denied_module(steps[i - 1]):
            return True
    return False


def _denied_module(module: str) -> bool:
    _, dangerous = _lists()
    return dangerous.get(module) == "*"


def verdict(item: Import) -> str:
    """ALLOWED, DENIED (not allowed, and on the deny-list), UNLISTED (not allowed) or UNRESOLVED (no static name)."""
    if item.module is None or item.name is None or item.opcode.startswith("EXT"):
        return UNRESOLVED
    allowed, _ = _lists()
    if (item.module, item.name) in allowed:
        return ALLOWED
    return DENIED if is_denied(item.module, item.name) else UNLISTED


def classify(qualified: str) -> str:
    """'safe', 'dangerous' or 'suspicious' for a 'module.name' string (the module is everything before the last
    dot). 'suspicious' means not on the allow-list: an error all the same."""
    if qualified == UNKNOWN or qualified.startswith(EXTENSION):
        return "dangerous"
    module, _, name = qualified.rpartition(".")
    found = verdict(Import("", module, name))
    return {ALLOWED: "safe", DENIED: "dangerous"}.get(found, "suspicious")
