"""The card vocabulary runs on hostile text: no pattern may start with an unbounded repeat of a character class
without a lookbehind (`\\d+%`, `\\w+pipeline`), or a run of 4000 such characters costs a search per character, each
scanning the rest of the run (quadratic: a 1 MB card of digit runs took minutes). bench/hostile.py times the cases."""

from __future__ import annotations

import sys

import pytest

from openlint.knowledge import vocabulary

if sys.version_info >= (3, 11):
    from re import _constants as constants, _parser as parser
else:  # Python 3.10
    import sre_constants as constants
    import sre_parse as parser

REPEATS = (constants.MAX_REPEAT, constants.MIN_REPEAT)
SINGLE_CHARACTER = (constants.IN, constants.ANY, constants.CATEGORY, constants.NOT_LITERAL)


def _starts(items) -> list:
    """The first item of each way the pattern can begin (through alternations and groups)."""
    items = list(items)
    if not items:
        return []
    op, value = items[0]
    if op is constants.BRANCH:
        return [first for branch in value[1] for first in _starts(branch)]
    if op is constants.SUBPATTERN:
        return _starts(value[-1])
    return [items[0]]


def _unguarded(source: str, flags: int) -> bool:
    for op, value in _starts(parser.parse(source, flags)):
        if op in REPEATS and value[1] == constants.MAXREPEAT:
            body = list(value[2])
            if len(body) == 1 and body[0][0] in SINGLE_CHARACTER:
                return True
    return False


def test_the_check_finds_an_unguarded_start():
    assert _unguarded(r"(?:a)|(?:\d+(\.\d+)?\s*% on)", 0)
    assert _unguarded(r"\w+pipeline", 0)
    assert not _unguarded(r"(?<!\d)\d+(\.\d+)?\s*% on", 0)
    assert not _unguarded(r"score \d+", 0)


@pytest.mark.parametrize("pattern", sorted({(p.source, p.flags) for p in vocabulary._patterns(vocabulary.vocabulary())}),
                         ids=lambda p: p[0][:40])
def test_no_vocabulary_pattern_starts_with_an_unbounded_run(pattern):
    assert not _unguarded(*pattern), pattern[0]
