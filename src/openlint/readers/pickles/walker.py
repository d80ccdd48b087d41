"""One pickle's opcodes, walked statically: the imports it makes, with STACK_GLOBAL's operands followed through the memo.

The opcode stream is walked with the standard library's ``pickletools.genops``; nothing is ever unpickled.
``STACK_GLOBAL`` takes its module and name from the two values pushed before it, which may come through the
memo (``MEMOIZE``/``PUT`` then ``GET``); a global that cannot be resolved that way is reported as unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from openlint.readers.pickles import limits
from openlint.readers.pickles.limits import LimitHit
from openlint.readers.pickles.policy import Import, resolve
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source

_STRING_OPS = {"STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"}
_INT_OPS = {"INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4"}
_GET_OPS = {"GET", "BINGET", "LONG_BINGET"}
_PUT_OPS = {"PUT", "BINPUT", "LONG_BINPUT"}
_EXT_OPS = {"EXT1", "EXT2", "EXT4"}


_TOOLS: tuple[Callable[[Any], Iterator[tuple[Any, Any, Any]]], frozenset[int]] | None = None


def _tools() -> tuple[Callable[[Any], Iterator[tuple[Any, Any, Any]]], frozenset[int]]:
    """(pickletools.genops, the first byte of every opcode). pickletools is imported on first use and then kept:
    an import statement in walk would cost about a microsecond for every pickle of a stream."""
    global _TOOLS
    if _TOOLS is None:
        import pickletools
        _TOOLS = (pickletools.genops, frozenset(ord(op.code) for op in pickletools.opcodes))
    return _TOOLS


class _Memo:
    """The string values the memo holds, as far as they matter: candidates for STACK_GLOBAL's operands.

    MEMOIZE stores at index len(memo), the number of distinct keys, so the keys are tracked (densely while they
    are); when hostile PUTs make that count unknowable, remembered strings are forgotten rather than guessed."""

    def __init__(self) -> None:
        self.strings: dict[int, str] = {}
        self.dense = 0  # keys 0..dense-1 are all set
        self.extra: set[int] = set()  # keys set beyond the dense run
        self.confused = False

    def _add_key(self, key: int) -> None:
        if key < self.dense or key in self.extra:
            return
        if key == self.dense:
            self.dense += 1
            while self.dense in self.extra:
                self.extra.discard(self.dense)
                self.dense += 1
        else:
            self.extra.add(key)
            if len(self.extra) > 10_000:
                self.confused, self.extra = True, set()

    def put(self, key: int | None, value: str | None) -> None:
        if key is None:  # MEMOIZE
            if self.confused:
                self.strings.clear()
                return
            key = self.dense + len(self.extra)
        self._add_key(key)
        if value is not None and len(value) <= limits.MAX_MEMO_STRING and len(self.strings) < limits.MAX_MEMO_STRINGS:
            self.strings[key] = value
        else:
            self.strings.pop(key, None)

    def get(self, key: int) -> str | None:
        return self.strings.get(key)


def _text(arg: object) -> str | None:
    if isinstance(arg, str):
        return arg
    if isinstance(arg, bytes):
        return arg.decode("latin-1")  # the unpickler's encoding="latin1"; non-ASCII never matches a name
    return None


_GLOBAL, _STACK_GLOBAL, _EXT, _PROTO, _MEMOIZE, _PUT, _GET, _STRING, _STOP, _SKIP = range(10)
_KIND = {"GLOBAL": _GLOBAL, "INST": _GLOBAL, "STACK_GLOBAL": _STACK_GLOBAL, "PROTO": _PROTO, "MEMOIZE": _MEMOIZE,
         "STOP": _STOP, "FRAME": _SKIP, **{op: _EXT for op in _EXT_OPS}, **{op: _PUT for op in _PUT_OPS},
         **{op: _GET for op in _GET_OPS}, **{op: _STRING for op in _STRING_OPS}}


def walk(source: Source, member: str, result: ScanResult, index: int = 0) -> tuple[str, int | None]:
    """Scan one pickle. Returns (outcome, value): outcome is 'eof' (nothing left), 'not-pickle' (the next byte is
    no opcode, so an unpickler fails at once), 'ok' or 'broken' (the pickle started, then genops failed: noted as
    unverified); value is the pickle's integer when it holds a single one (torch's magic number, counts)."""
    genops, opcode_bytes = _tools()
    head = source.peek(1)
    if not head:
        return "eof", None
    if head[0] not in opcode_bytes:
        return "not-pickle", None
    source.budget.pickle()
    label = f"{member}: pickle {index + 1}" if index else member
    try:
        values, first = _walk_opcodes(genops(source), source, member, label, result)
    except LimitHit:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever genops raises, the real unpickler may have gone on
        result.unverified.append(f"{label}: malformed pickle ({type(exc).__name__}: {exc}); the unpickler may read "
                                 "it differently, so the rest cannot be verified")
        result.broken += 1
        return "broken", None
    result.pickles += 1
    if values == 1 and first is not None and first[0] in _INT_OPS and isinstance(first[1], int):
        return "ok", first[1]
    return "ok", None


def _walk_opcodes(opcodes: Iterable[tuple[Any, Any, Any]], source: Source, member: str, label: str,
                  result: ScanResult) -> tuple[int, tuple[str, object] | None]:
    """Follow the opcodes up to STOP. Returns how many values they pushed and the first of them (opcode, argument).

    Kept in one loop over local variables: this runs for every opcode of every pickle, so only the rare opcodes
    that import something leave it."""
    budget = source.budget
    memo = _Memo()
    # the string values of the last two stack pushes (None when not a string), resolved when pushed
    second: str | None = None
    top: str | None = None
    protocol = 0
    count = 0
    values = 0
    first: tuple[str, object] | None = None
    kinds = _KIND
    for opcode, arg, _pos in opcodes:
        count += 1
        if not count & 4095:
            budget.opcode(4096)
        kind = kinds.get(opcode.name)
        if kind is None:  # any other opcode pushes or pops a value that is not a name
            second, top = top, None
        elif kind == _STRING:
            second, top = top, _text(arg)
        elif kind == _GET:
            second, top = top, memo.get(int(arg))
        elif kind == _MEMOIZE:
            memo.put(None, top)
            continue
        elif kind == _PUT:
            memo.put(int(arg), top)
            continue
        elif kind == _STOP:
            break
        elif kind == _PROTO:
            protocol = int(arg)
            continue
        elif kind == _SKIP:
            continue
        else:
            second, top = _record_import(kind, opcode.name, arg, (second, top), source, member, label, protocol, result)
        values += 1
        if values == 1:
            first = (opcode.name, arg)
    budget.opcode(count & 4095)
    return values, first


def _record_import(kind: int, opcode: str, arg: Any, pushed: tuple[str | None, str | None], source: Source,
                   member: str, label: str, protocol: int, result: ScanResult) -> tuple[str | None, str | None]:
    """Note the import a GLOBAL, INST, STACK_GLOBAL or EXT opcode makes; returns the last two pushes after it."""
    second, top = pushed
    if kind == _GLOBAL:
        module, _, attr = str(arg).partition(" ")
        written = [line[:-1] for line in source.lines]
        if len(written) == 2 and [w.decode("utf-8", "replace") for w in written] != [module, attr]:
            # genops unescapes; the unpickler takes the bytes as UTF-8 text: judge what it imports
            module, attr = (w.decode("utf-8", "replace") for w in written)
        result.imports.append(_import(member, module, attr, protocol, opcode))
        return top, None
    if kind == _STACK_GLOBAL:
        if second is None or top is None:
            result.imports.append(Import(member, None, None, opcode, "operands computed at load time"))
        else:
            result.imports.append(_import(member, second, top, protocol, opcode))
        return None, None
    # EXT1, EXT2, EXT4
    result.imports.append(Import(member, None, None, opcode, f"code {arg}"))
    result.unverified.append(f"{label}: {opcode} imports extension code {arg} from the loading "
                             "process's copyreg registry; the file does not name what it calls")
    return top, None


def _import(member: str, module: str, name: str, protocol: int, opcode: str) -> Import:
    mapped = resolve(module, name, protocol)
    raw = f"{module}.{name}" if mapped != (module, name) else ""
    return Import(member, mapped[0], mapped[1], opcode, raw)
