"""The regular expressions of the bundled data (the card vocabulary, the catalogue's name patterns), compiled once.

Compiling them costs 50-100 ms at every start on CPython 3.10-3.13 (Python's re parses and assembles patterns in
Python), a third of the pre-commit hook's own time, while building a pattern from its compiled program is a
fraction of a millisecond. So the programs (flags, code, groups: what re hands its engine, _sre) are cached as JSON
with store.derived, keyed by the exact interpreter that produced them and a checksum of the pattern sources;
`Programs.compile` rebuilds a pattern from its program and falls back to re.compile on a miss or any failure.
A program's code (some 30,000 integers for the vocabulary) is stored as the hex of its machine words, one string:
JSON decodes that ~20 times faster than a list of integers (vocabulary and catalogue tables: ~10 ms -> ~1 ms).

This uses re's internal interface (re._compiler and re._parser, sre_compile and sre_parse on 3.10, and
_sre.compile), the same from 3.10 to 3.13; if it changes, `INTERPRETER` is None or rebuilding fails, and openlint
compiles as before. Only ever for openlint's own patterns (the bundled data's, and the constant patterns of its
modules: `Constants`): never one a release or a user supplies.
"""

from __future__ import annotations

import re
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from openlint.knowledge import store

try:
    import _sre

    if sys.version_info >= (3, 11):
        from re import _compiler, _parser
    else:  # pragma: no cover - Python 3.10
        import sre_compile as _compiler
        import sre_parse as _parser
    # the compiled program is only valid for the engine that assembled it
    INTERPRETER: list[Any] | None = [sys.implementation.name, sys.version, sys.implementation.cache_tag, _sre.MAGIC,
                                     _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS, sys.maxunicode, sys.byteorder]
    # the array type of the engine's code words (CODESIZE bytes each), for storing a program's code as one string
    _WORD: str | None = next((code for code in "IL" if array(code).itemsize == _sre.CODESIZE), None)
    if sys.implementation.name != "cpython":  # pragma: no cover
        INTERPRETER = None
except (ImportError, AttributeError):  # pragma: no cover - not CPython's re
    INTERPRETER, _WORD = None, None


def _key(source: str, flags: int) -> str:
    return f"{int(flags)}:{source}"


def program(source: str, flags: int = 0) -> list[Any]:
    """What re.compile hands the engine for this pattern (as in re._compiler.compile), as JSON."""
    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in parsed.state.groupdict.items():
        indexgroup[index] = name
    stored: list[int] | str = array(_WORD, code).tobytes().hex() if _WORD is not None else code
    return [int(flags | parsed.state.flags), stored, parsed.state.groups - 1, parsed.state.groupdict, indexgroup]


def rebuilt(source: str, compiled: list[Any]) -> re.Pattern[str] | None:
    """The pattern built from its program, or None when that fails (the engine checks the program it is given)."""
    try:
        flags, code, groups, groupindex, indexgroup = compiled
        if isinstance(code, str):  # the machine words, as hex (`program`)
            code = array(_WORD, bytes.fromhex(code)).tolist()  # type: ignore[arg-type]
        pattern = _sre.compile(source, flags, code, groups, groupindex, tuple(indexgroup))
    except Exception:  # noqa: BLE001 - any failure means: compile it the usual way
        return None
    return pattern if isinstance(pattern, re.Pattern) and pattern.pattern == source else None


class Programs:
    """Compiled programs by pattern: `compile` uses one when it has it, re.compile otherwise."""

    def __init__(self, table: dict[str, list[Any]]) -> None:
        self.table = table

    def compile(self, source: str, flags: int = 0) -> re.Pattern[str]:
        compiled = self.table.get(_key(source, flags))
        pattern = rebuilt(source, compiled) if compiled is not None else None
        return pattern if pattern is not None else re.compile(source, flags)


def cached(name: str, sources: Iterable[tuple[str, int]]) -> Programs:
    """The programs of these bundled patterns ((source, flags) pairs), from the cache when it has them; computing
    them (once per interpreter and version of the data) compiles every pattern. Without a cache, none: each
    pattern is then compiled when it is used, as it would be anyway."""
    if INTERPRETER is None or not store.caching():
        return Programs({})
    wanted = sorted(set(sources))
    # which sources the table was computed for: a table for others only misses (each program is found by its exact
    # source), so a checksum is enough to know when to compute it again
    text = "\0".join(_key(source, flags) for source, flags in wanted).encode("utf-8", "surrogatepass")
    digest = [len(text), zlib.crc32(text)]
    table = store.derived(f"{name}-regex", lambda: _programs(wanted), extra=[INTERPRETER, digest])
    return Programs(table if isinstance(table, dict) else {})


def _programs(wanted: list[tuple[str, int]]) -> dict[str, list[Any]]:
    table = {}
    for source, flags in wanted:
        try:
            table[_key(source, flags)] = program(source, flags)
        except Exception:  # noqa: BLE001 - an invalid pattern is reported where it is compiled, by re.compile
            continue
    return table


class LazyPattern:
    """A regular expression compiled on its first use, from the programs `_programs` gives; the methods of re.Pattern
    openlint uses."""

    __slots__ = ("source", "flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source, self.flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def _programs(self) -> Programs:
        return Programs({})

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = self._programs().compile(self.source, self.flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self.source

    def search(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.compiled.search(text, *bounds)

    def match(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.compiled.match(text, *bounds)

    def fullmatch(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.compiled.fullmatch(text, *bounds)

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, *bounds)

    def findall(self, text: str, *bounds: int) -> list[Any]:
        return self.compiled.findall(text, *bounds)

    def sub(self, replacement: Any, text: str, count: int = 0) -> str:
        return self.compiled.sub(replacement, text, count)

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        return self.compiled.split(text, maxsplit)


class Constants:
    """The constant patterns of one of openlint's modules (`_RE = Constants(__name__)`, then `_WORD = _RE(r"...")`):
    each is compiled when first used, from the programs cached for the module's patterns, so a run pays neither
    for parsing the patterns it uses nor for compiling those it does not."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.sources: list[tuple[str, int]] = []
        self._table: Programs | None = None

    def __call__(self, source: str, flags: int = 0) -> LazyPattern:
        self.sources.append((source, int(flags)))
        return _Constant(source, int(flags), self)

    def programs(self) -> Programs:
        if self._table is None:
            self._table = cached(f"code-{self.module}", self.sources)
        return self._table


class _Constant(LazyPattern):
    __slots__ = ("_constants",)

    def __init__(self, source: str, flags: int, constants: Constants) -> None:
        super().__init__(source, flags)
        self._constants = constants

    def _programs(self) -> Programs:
        return self._constants.programs()
