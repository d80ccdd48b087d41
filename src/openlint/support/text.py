"""Text from a release, made safe to show: short quotes, and the one sanitiser every output goes through.

A release is untrusted: its file names and card text may carry terminal escape sequences (ANSI colours, OSC
hyperlinks, clear-screen), bidirectional overrides that reorder what a reader sees, line breaks that start a line
with a CI workflow command (`::error`, `::stop-commands::`, `##[error]`, `##vso[`), or bytes that are not UTF-8
(file names decoded with surrogateescape). `clean` turns each such character into a visible escape (`\\x1b`,
`\\u202e`, `\\n`), so that what is shown is exactly what is there and nothing can act on the terminal or the log.
The report applies it to every string it hands to a format (report.safe); colours openlint adds come after.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from openlint.support.record import Record, fields, replace

SNIPPET = 160

# C0 and C1 controls and DEL (ESC, BEL, CR, LF, CSI ...), surrogates (non-UTF-8 bytes of file names), line and
# paragraph separators, bidirectional controls (Trojan Source), the invisible tag characters, and the characters that
# show as nothing (soft hyphen, zero-width space, word joiner, BOM, Hangul fillers...: a file name made to look like
# another). The zero-width joiners, which scripts and emoji need, are left.
_INVISIBLE = "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u3164\ufeff\uffa0"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
                     "\U000e0000-\U000e007f" + _INVISIBLE + "]")
# a line that starts (after blanks) with one of these is a command to a CI runner: GitHub Actions (`::cmd::`,
# the legacy `##[cmd]`) and Azure Pipelines (`##vso[`)
# what json.dumps(ensure_ascii=False) leaves raw: all of the above but C0 (which it escapes, and whose \n is its own
# layout)
_UNSAFE_IN_JSON_CHARS = ("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
                         "\U000e0000-\U000e007f" + _INVISIBLE + "]")
# "::cmd::" is a workflow command at a line's start; the older "##[cmd]" and "##vso[" forms anywhere in a line (the
# runner's fallback parser looks for "##[" at any position)
_COMMAND_START = re.compile(r"^(\s*)(:)(?=:)|()(#)(?=#\[|#vso\[)", re.IGNORECASE)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape: show the byte
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def clean(text: str) -> str:
    """One line of release text, safe for any terminal, log or document: every control character as a visible
    escape, and no CI workflow command in it ("::cmd::" at its start, "##[cmd]" anywhere)."""
    text = _UNSAFE.sub(_visible, text)
    return _COMMAND_START.sub(lambda m: f"{m.group(1) or ''}\\x{ord(m.group(2) or m.group(4)):02x}", text)


def is_clean(text: str) -> bool:
    return not _dirty(text)


def snippet(text: str, limit: int = SNIPPET) -> str:
    """One line of at most `limit` characters, white space folded."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def escape_json(encoded: str) -> str:
    """JSON text (json.dumps with ensure_ascii=False) with every unsafe character written as a \\u escape: the same
    data, and nothing in it that a terminal acts on."""
    return _unsafe_in_json().sub(lambda m: "".join(f"\\u{unit:04x}" for unit in _utf16(m.group())), encoded)


@cache
def _unsafe_in_json() -> re.Pattern[str]:
    return re.compile(_UNSAFE_IN_JSON_CHARS)  # compiled when JSON is first written (~1 ms: not on every run's path)


def _utf16(char: str) -> tuple[int, ...]:
    code = ord(char)
    if code <= 0xFFFF:
        return (code,)
    code -= 0x10000
    return (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


# -- whole structures -------------------------------------------------------------------------------------------

# every unsafe character but the line feed: for many strings joined by line feeds
_UNSAFE_LINES = re.compile(_UNSAFE.pattern.replace(chr(0) + "-" + chr(0x1f), chr(0) + "-" + chr(9) + chr(0x0b) + "-" + chr(0x1f)))
_COMMAND_LINES = re.compile(_COMMAND_START.pattern, re.IGNORECASE | re.MULTILINE)


def _dirty(text: str) -> bool:
    # a character class alone is the regex engine's fastest scan; commands are rare enough to test for "::" first
    return _UNSAFE.search(text) is not None or (("::" in text or "##" in text) and _COMMAND_START.search(text) is not None)


_ATOMS = (int, float, bool, bytes, type(None))
_PLAIN = {str, *_ATOMS}
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # per class: its fields (a Record, a dataclass), or None


def cleaned(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A copy of `value` with every string in it cleaned: Records, dataclasses, mappings, lists, tuples and sets,
    walked deeply. Parts that need no change are returned as they are (no copy), and a part reached twice is cleaned
    once, so a clean release costs one walk and a shared structure stays shared."""
    return _cleaned(value, {} if memo is None else memo)


def _cleaned(value: Any, memo: dict[int, Any]) -> Any:
    if type(value) is str:
        return clean(value) if _dirty(value) else value
    if isinstance(value, _ATOMS):
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    memo[key] = value  # a cycle back to this value sees the original (openlint's data has none)
    result = _container(value, memo)
    memo[key] = result
    return result


def _fields(kind: type) -> tuple[str, ...] | None:
    if kind not in _FIELDS:
        _FIELDS[kind] = _field_names(kind)
    return _FIELDS[kind]


def _field_names(kind: type) -> tuple[str, ...] | None:
    if issubclass(kind, Record):
        return fields(kind)
    if hasattr(kind, "__dataclass_fields__"):  # a library's dataclass (openlint's own classes are Records)
        import dataclasses

        return tuple(f.name for f in dataclasses.fields(kind))
    return None


def _all_clean(strings: Any) -> bool:
    """Whether every string is clean, in one regex pass: joined by line feeds, none of which may be their own."""
    joined = "\n".join(strings)
    if joined.count("\n") != max(len(strings) - 1, 0) or _UNSAFE_LINES.search(joined) is not None:
        return False
    return not (("::" in joined or "##" in joined) and _COMMAND_LINES.search(joined) is not None)


def _container(value: Any, memo: dict[int, Any]) -> Any:
    names = _fields(type(value))
    if names is not None:
        return _record(value, names, memo)
    if isinstance(value, Mapping):
        return _mapping(value, memo)
    if isinstance(value, (list, tuple, set, frozenset)):
        if _plain_and_clean(value):
            return value
        items = [_cleaned(item, memo) for item in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    return value


def _plain_and_clean(items: Any) -> bool:
    """The fast path for the bulk of a release (its file list, its card's lines): many strings, or many Records
    of one class holding only strings and numbers, checked a column at a time. False means: walk them."""
    kinds = {type(item) for item in items}
    if kinds <= {str}:
        return _all_clean(items)
    names = _fields(kinds.pop()) if len(kinds) == 1 else None
    if names is None:
        return False
    for name in names:
        column = [getattr(item, name) for item in items]
        if not {type(v) for v in column} <= _PLAIN:
            return False  # something nested: walk it
        strings = [v for v in column if type(v) is str]
        if strings and not _all_clean(strings):
            return False
    return True


def _mapping(value: Mapping[Any, Any], memo: dict[int, Any]) -> Any:
    if _plain_and_clean(list(value.keys())) and _plain_and_clean(list(value.values())):
        return value
    pairs = [(_cleaned(k, memo), _cleaned(v, memo)) for k, v in value.items()]
    if all(k is ok and v is ov for (k, v), (ok, ov) in zip(pairs, value.items())):
        return value
    return MappingProxyType(dict(pairs)) if isinstance(value, MappingProxyType) else dict(pairs)


def _record(value: Any, names: tuple[str, ...], memo: dict[int, Any]) -> Any:
    """A Record or a dataclass with its fields cleaned: itself when none changes, else a twin."""
    changes = {}
    for name in names:
        old = getattr(value, name)
        new = _cleaned(old, memo)
        if new is not old:
            changes[name] = new
    if not changes:
        return value
    if isinstance(value, Record):
        return replace(value, **changes)  # frozen Records too
    twin = copy.copy(value)
    for name, new in changes.items():
        object.__setattr__(twin, name, new)  # frozen dataclasses too: the twin is new and not yet shared
    return twin
