"""The bundled patterns' compiled programs, cached between runs (knowledge/patterns.py): a pattern rebuilt from its
program is the pattern re.compile makes, and anything wrong with a program falls back to re.compile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openlint.knowledge import catalogue, patterns, store, vocabulary

CARDS = sorted((Path(__file__).parent / "data" / "corpus" / "cards").glob("*/README.md"))[:40]

pytestmark = pytest.mark.skipif(patterns.INTERPRETER is None, reason="not CPython's re")


def _bundled_patterns() -> list[tuple[str, int]]:
    found = {(p.source, p.flags) for p in vocabulary._patterns(vocabulary.vocabulary())}
    for name in store.names_of_kind("catalogue"):
        found |= {(p, 0) for entry in store.load(name)["entries"] for p in entry.get("name_patterns", ())}
    return sorted(found)


def test_a_pattern_rebuilt_from_its_program_is_the_compiled_pattern():
    texts = [path.read_text(encoding="utf-8", errors="replace").lower() for path in CARDS]
    assert len(texts) >= 10
    for source, flags in _bundled_patterns():
        expected = re.compile(source, flags)
        rebuilt = patterns.rebuilt(source, patterns.program(source, flags))
        assert rebuilt is not None, source
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == \
            (expected.pattern, expected.flags, expected.groups, expected.groupindex)
        for text in texts:
            assert [m.span() for m in rebuilt.finditer(text)] == [m.span() for m in expected.finditer(text)], source


def test_a_wrong_program_falls_back_to_re_compile():
    good = patterns.program("ab+c")
    table = {"0:ab+c": [good[0], [255, 255, 255], *good[2:]], "0:x(y)": "not a program", "0:z": good}
    programs = patterns.Programs(table)
    assert programs.compile("ab+c").search("xabbbc").span() == (1, 6)
    assert programs.compile("x(y)").groups == 1
    assert programs.compile("z").pattern == "z"  # the program of another pattern is never used
    assert programs.compile("z").search("ab+c") is None
    with pytest.raises(re.error):
        programs.compile("(unbalanced")


@pytest.fixture
def made(tmp_path, monkeypatch) -> list[str]:
    """The sources whose programs are computed (not taken from the cache), with an empty cache of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store._bundled.cache_clear()
    computed: list[str] = []
    original = patterns.program
    monkeypatch.setattr(patterns, "program", lambda source, flags=0: computed.append(source) or original(source, flags))
    return computed


def test_the_programs_are_cached_then_reused_and_not_without_a_cache(made, monkeypatch):
    sources = [("fine-?tun(ed|ing)", 0), ("a.b", re.DOTALL)]
    first = patterns.cached("test", sources)
    assert sorted(made) == ["a.b", "fine-?tun(ed|ing)"]
    again = patterns.cached("test", sources)
    assert len(made) == 2 and again.table == first.table  # from the cache
    assert again.compile("a.b", re.DOTALL).match("a\nb") and not again.compile("a.b").match("a\nb")
    patterns.cached("test", [*sources, ("other", 0)])  # other sources: computed again
    assert len(made) == 5
    monkeypatch.setenv("OPENLINT_NO_CACHE", "1")
    assert patterns.cached("test", sources).table == {}
    store._bundled.cache_clear()


def test_the_bundled_catalogue_and_vocabulary_use_the_cached_programs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store._bundled.cache_clear()
    catalogue.bundled.cache_clear()
    vocabulary._programs.cache_clear()
    assert vocabulary._programs().table and catalogue.bundled()._artefacts._programs.table
    vocabulary._programs.cache_clear()
    catalogue.bundled.cache_clear()
    monkeypatch.setattr(patterns, "program", lambda *_: pytest.fail("compiled again"))
    assert vocabulary._programs().table and catalogue.bundled()._artefacts._programs.table
    assert vocabulary.vocabulary().placeholders.search("license: [more information needed]") is not None
    assert catalogue.bundled().family("llama-2-7b-chat-finetune") is not None
    vocabulary._programs.cache_clear()
    catalogue.bundled.cache_clear()
    store._bundled.cache_clear()


def _module_constants() -> list[patterns.Constants]:
    import importlib

    import openlint

    root = Path(openlint.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        name = ".".join(("openlint", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        if name.startswith(("openlint.cli", "openlint.__main__")):
            continue
        found += [value for value in vars(importlib.import_module(name)).values() if isinstance(value, patterns.Constants)]
    return found


def test_the_constant_patterns_of_openlint_s_modules_rebuild_as_compiled():
    constants = _module_constants()
    assert {c.module for c in constants} >= {"openlint.readers.card", "openlint.analysis.card_text", "openlint.sources.ids"}
    for source, flags in (pair for c in constants for pair in c.sources):
        expected = re.compile(source, flags)
        rebuilt = patterns.rebuilt(source, patterns.program(source, flags))
        assert rebuilt is not None, source
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == \
            (expected.pattern, expected.flags, expected.groups, expected.groupindex)


def test_a_module_s_constant_patterns_are_compiled_on_first_use_from_cached_programs(made):
    constants = patterns.Constants("test-module")
    word, digits = constants(r"\w+"), constants(r"(?P<n>\d+)", re.ASCII)
    assert made == [] and word._compiled is None  # nothing compiled before a pattern is used
    assert digits.search("ab 12").group("n") == "12" and digits.pattern == r"(?P<n>\d+)"
    assert sorted(made) == [r"(?P<n>\d+)", r"\w+"]  # the module's programs, computed once
    assert word.findall("a b") == ["a", "b"] and word.sub("x", "a b") == "x x" and word.fullmatch("ab")
    again = patterns.Constants("test-module")  # the same module in the next run
    word, digits = again(r"\w+"), again(r"(?P<n>\d+)", re.ASCII)
    assert word.split("a b") == ["", " ", ""] and len(made) == 2  # from the cache
    store._bundled.cache_clear()


# what every match of a pattern contains one of (None: nothing known), as stored beside its program
REQUIRED_LITERALS = [
    (r"fine-?tun\w* on top of", 0, {" on top of"}),  # the longest run that every match consumes
    (r"(fine-?tuned|finetuned) version of", 0, {" version of"}),
    (r"(abc|cde)e", 0, {"abc", "cde"}),  # an alternation: one literal per branch
    (r"reward model|\bppo\b|\borpo\b", 0, {"reward model", "ppo", "orpo"}),
    (r"(abc|c*)", 0, None),  # a branch that may match nothing requires nothing
    (r"x*|abcd", 0, None),
    (r"(?:abc)+", 0, {"abc"}),
    (r"(?:abcd)?efg", 0, {"efg"}),  # an optional part is never required
    (r"(?<=foobar)baz", 0, {"baz"}),  # a lookbehind's text may lie before the searched span: never required
    (r"abc(?=defg)", 0, {"abc"}),
    (r"(?i)abcd", 0, None),  # case-insensitive: no literal is exact
    (r"abcd", re.IGNORECASE, None),
    (r"a(?i:bcde)fgh", 0, {"fgh"}),
    (r"[ab]cd", 0, None),  # too short to be worth testing for first
    (r"训练(脚本|代码)", 0, {"训练"}),  # two CJK characters are six bytes: worth testing for
    (r"(abc)\1", 0, {"abc"}),  # a backreference repeats what was found: the group's literal is required
    (r"(?P<x>abc)?(?(x)def|ghi)", 0, None),  # a conditional group: either branch, known to neither
    (r"(?:(?i:abc)|def)", 0, None),  # a case-insensitive branch gives nothing, so the alternation gives nothing
    (r"(?:abcd)*?efg", 0, {"efg"}),  # a lazy repeat of zero or more is optional
    (r"(?:abcd)+?", 0, {"abcd"}),
]


@pytest.mark.parametrize("source, flags, expected", REQUIRED_LITERALS)
def test_the_literals_every_match_contains(source, flags, expected):
    stored = patterns.program(source, flags)[5]
    assert (set(stored) if stored else None) == expected


def test_required_literals_read_the_pattern_s_own_flags():
    assert patterns.required_literals(patterns._parser.parse("(?i)abcd")) is None
    assert patterns.required_literals(patterns._parser.parse("abcd"), re.IGNORECASE) is None
    assert patterns.required_literals(patterns._parser.parse("abcd")) == {"abcd"}


def test_every_match_of_a_bundled_pattern_contains_one_of_its_required_literals():
    """Testing for the literals first never changes an answer: on each line of real cards, as written and lower-cased,
    a line the engine matches holds one of them (the vocabulary's patterns and the constant patterns of the modules)."""
    raw = {line.strip() for path in CARDS[:20] for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()}
    lines = sorted(raw | {line.lower() for line in raw})
    sources = {(p.source, p.flags) for p in vocabulary._patterns(vocabulary.vocabulary())}
    sources |= {pair for constants in _module_constants() for pair in constants.sources}
    checked = 0
    for source, flags in sorted(sources):
        literals = patterns.program(source, flags)[5]
        if not literals:
            continue
        engine = re.compile(source, flags)
        for line in lines:
            if engine.search(line):
                checked += 1
                assert any(literal in line for literal in literals), (source, line)
    assert checked > 1000


def test_nearly_every_vocabulary_pattern_is_tested_for_its_literals_first():
    """What keeps reading a card fast: a vocabulary edit that leaves a pattern without required literals (a bare
    two-letter word in one branch) makes the engine run on every sentence again."""
    found = list(vocabulary._patterns(vocabulary.vocabulary()))
    without = [p.source[:60] for p in found if not patterns.program(p.source, p.flags)[5]]
    assert len(without) <= len(found) // 10, without


class _Stored(patterns.LazyPattern):
    """A pattern whose programs come from the given table."""

    __slots__ = ("table",)

    def __init__(self, source: str, table: dict) -> None:
        super().__init__(source)
        self.table = table

    def _programs(self) -> patterns.Programs:
        return patterns.Programs(self.table)


def test_a_text_without_the_required_literals_gets_re_s_own_answers():
    source = r"(re(ward)? model)|\bppo\b"
    lazy, engine = _Stored(source, {"0:" + source: patterns.program(source)}), re.compile(source)
    for text in ("nothing here", "a reward model and ppo", "", "rem odel", "ppo"):
        assert bool(lazy.search(text)) == bool(engine.search(text)) and bool(lazy.match(text)) == bool(engine.match(text))
        assert bool(lazy.fullmatch(text)) == bool(engine.fullmatch(text))
        assert lazy.findall(text) == engine.findall(text) and lazy.sub("X", text) == engine.sub("X", text)
        assert lazy.split(text) == engine.split(text) and [m.span() for m in lazy.finditer(text)] == [m.span() for m in engine.finditer(text)]
    assert set(lazy._needs or ()) == {" model", "ppo"}


def test_a_program_stored_without_literals_still_compiles_and_answers():
    """A cache written before the literals were stored beside each program: the pattern runs without them."""
    lazy = _Stored("abc", {"0:abc": patterns.program("abc")[:5]})
    assert lazy.search("xabcx").span() == (1, 4) and lazy._needs is None
