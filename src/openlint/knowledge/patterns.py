"""The regular expressions of the bundled data (the card vocabulary, the catalogue's name patterns), compiled once.

Compiling them costs 50-100 ms at every start on CPython 3.10-3.13 (Python's re parses and assembles patterns in
Python), a third of the pre-commit hook's own time, while building a pattern from its compiled program is a
fraction of a millisecond. So the programs (flags, code, groups: what re hands its engine, _sre) are cached as JSON
with store.derived, keyed by the exact interpreter that produced them and a checksum of the pattern sources;
`Programs.compile` rebuilds a pattern from its program and falls back to re.compile on a miss or any failure.
A program's code (some 30,000 integers for the vocabulary) is stored as the hex of its machine words, one string:
JSON decodes that ~20 times faster than a list of integers (vocabulary and catalogue tables: ~10 ms -> ~1 ms).

Beside each program is stored what any match must contain: a few literal strings, one of which appears in every
text the pattern can match (`required_literals`). A LazyPattern tests for them with `in` before it runs the
engine: a vocabulary is an alternation of dozens of phrases, which Python's re tries at every position of the
text, while most sentences contain none of their words (a card is read ~2x faster).

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
        from re import _compiler, _constants, _parser
    else:  # pragma: no cover - Python 3.10
        import sre_compile as _compiler
        import sre_constants as _constants
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


# a program as stored: [flags, code, groups, groupindex, indexgroup, required literals (or None)]; the last at:
_LITERALS = 5


def program(source: str, flags: int = 0) -> list[Any]:
    """What re.compile hands the engine for this pattern (as in re._compiler.compile), as JSON, and the literals one
    of which every match contains (`required_literals`)."""
    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in parsed.state.groupdict.items():
        indexgroup[index] = name
    stored: list[int] | str = array(_WORD, code).tobytes().hex() if _WORD is not None else code
    literals = required_literals(parsed, flags)
    return [int(flags | parsed.state.flags), stored, parsed.state.groups - 1, parsed.state.groupdict, indexgroup,
            sorted(literals) if literals else None]


# a literal this short (in UTF-8 bytes: two CJK characters are six) is in most texts: testing for it saves nothing
_MIN_LITERAL_BYTES = 3
# re's opcodes of a repeat and of an atomic group (3.11+); empty where re's internals are not there
_REPEATS = tuple(getattr(_constants, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(_constants, name)) if INTERPRETER is not None else ()
_ATOMIC_GROUP = getattr(_constants, "ATOMIC_GROUP", None) if INTERPRETER is not None else None


def required_literals(parsed: Any, flags: int = 0) -> set[str] | None:
    """Literal strings one of which every match of a parsed pattern (re's parse tree) contains, or None when no such
    set is known: none for a pattern matched case-insensitively (`flags`, or an inline "(?i)")."""
    if (flags | parsed.state.flags) & re.IGNORECASE:
        return None
    return _required(parsed)


def _required(sequence: Any) -> set[str] | None:
    """The literals one of which every match of a sequence of opcodes contains. Only what a match consumes counts
    (never a lookaround's content, which may lie outside the searched text); a part matched case-insensitively, a
    backreference or a conditional group gives none."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, argument in sequence:
        if op is _constants.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        found = _required_in(op, argument)
        if found:
            candidates.append(found)
    if run:
        candidates.append({"".join(run)})
    useful = [c for c in candidates if _shortest(c) >= _MIN_LITERAL_BYTES]
    # the best: its shortest literal longest, then the fewest literals
    return max(useful, key=lambda c: (_shortest(c), -len(c))) if useful else None


def _shortest(literals: set[str]) -> int:
    return min(len(literal.encode("utf-8")) for literal in literals)


def _required_in(op: Any, argument: Any) -> set[str] | None:
    if op is _constants.SUBPATTERN:
        _, added, _, inner = argument
        return None if added & re.IGNORECASE else _required(inner)
    if op is _constants.BRANCH:
        each = [_required(branch) for branch in argument[1]]
        return _minimal(set().union(*each)) if all(each) else None  # type: ignore[arg-type]
    if op in _REPEATS and argument[0] >= 1:
        return _required(argument[2])
    if op is _ATOMIC_GROUP:
        return _required(argument)
    return None


def _minimal(literals: set[str]) -> set[str]:
    """Without the literals that contain another one: finding "tun" is enough where "tuned" would be."""
    return {x for x in literals if not any(y != x and y in x for y in literals)}


def rebuilt(source: str, compiled: list[Any]) -> re.Pattern[str] | None:
    """The pattern built from its program, or None when that fails (the engine checks the program it is given)."""
    try:
        flags, code, groups, groupindex, indexgroup = compiled[:_LITERALS]
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
        return self.compiled(source, flags)[0]

    def compiled(self, source: str, flags: int = 0) -> tuple[re.Pattern[str], tuple[str, ...] | None]:
        """The pattern, and the literals one of which every match contains when the table has them."""
        stored = self.table.get(_key(source, flags))
        pattern = rebuilt(source, stored) if stored is not None else None
        if pattern is None:
            return re.compile(source, flags), None
        literals = stored[_LITERALS] if len(stored) > _LITERALS else None  # a table written before they were stored
        valid = isinstance(literals, list) and literals and all(isinstance(x, str) and x for x in literals)
        return pattern, tuple(literals) if valid else None


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
    openlint uses. A text holding none of the pattern's required literals is answered without running the engine, as
    the engine would answer it (for `str` texts; a replacement template is checked by `sub` only when the engine runs)."""

    __slots__ = ("source", "flags", "_compiled", "_needs")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source, self.flags = source, flags
        self._compiled: re.Pattern[str] | None = None
        self._needs: tuple[str, ...] | None = None

    def _programs(self) -> Programs:
        return Programs({})

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled, self._needs = self._programs().compiled(self.source, self.flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self.source

    def _engine(self, text: str) -> re.Pattern[str] | None:
        """The compiled pattern, or None when the text cannot match: it holds none of the literals every match contains."""
        compiled = self.compiled
        needs = self._needs
        return None if needs is not None and not any(literal in text for literal in needs) else compiled

    def search(self, text: str, *bounds: int) -> re.Match[str] | None:
        engine = self._engine(text)
        return engine.search(text, *bounds) if engine is not None else None

    def match(self, text: str, *bounds: int) -> re.Match[str] | None:
        engine = self._engine(text)
        return engine.match(text, *bounds) if engine is not None else None

    def fullmatch(self, text: str, *bounds: int) -> re.Match[str] | None:
        engine = self._engine(text)
        return engine.fullmatch(text, *bounds) if engine is not None else None

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match[str]]:
        engine = self._engine(text)
        return engine.finditer(text, *bounds) if engine is not None else iter(())

    def findall(self, text: str, *bounds: int) -> list[Any]:
        engine = self._engine(text)
        return engine.findall(text, *bounds) if engine is not None else []

    def sub(self, replacement: Any, text: str, count: int = 0) -> str:
        engine = self._engine(text)
        return engine.sub(replacement, text, count) if engine is not None else text

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        engine = self._engine(text)
        return engine.split(text, maxsplit) if engine is not None else [text]


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
