"""The one sanitiser (support/text.py) that every release-derived string goes through before any format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import MappingProxyType

import pytest

from openlint.support.record import Record
from openlint.support.record import field as record_field
from openlint.support.text import clean, cleaned, escape_json, is_clean


@pytest.mark.parametrize("raw, shown", [
    ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),                 # CSI: clear screen, colour
    ("\x1b]8;;https://e\x07link\x1b]8;;\x07", "\\x1b]8;;https://e\\x07link\\x1b]8;;\\x07"),  # OSC 8 hyperlink
    ("\x9b31m", "\\x9b31m"),                                         # the 8-bit CSI (C1)
    ("a\nb\rc\td", "a\\nb\\rc\\td"),
    ("\x7f\x00", "\\x7f\\x00"),
    ("invoice\u202egnp.exe", "invoice\\u202egnp.exe"),               # right-to-left override
    ("\u2066x\u2069\u200e\u200f\u061c", "\\u2066x\\u2069\\u200e\\u200f\\u061c"),
    ("a\u2028b\u2029", "a\\u2028b\\u2029"),                          # line and paragraph separators
    ("bad\udcff\udcfename", "bad\\xff\\xfename"),                    # non-UTF-8 bytes kept by surrogateescape
    ("tag\U000e0041", "tag\\U000e0041"),                             # invisible tag characters
    # characters that show as nothing, so that a name looks like another (a review's find)
    ("model\u200b.bin \u00ad\u034f\u115f\u2060\ufeff\u3164", "model\\u200b.bin \\xad\\u034f\\u115f\\u2060\\ufeff\\u3164"),
    ("::error::x", "\\x3a:error::x"),                                # a workflow command at the start
    ("  ::stop-commands::t", "  \\x3a:stop-commands::t"),
    ("##[error]x", "\\x23#[error]x"),
    ("##VSO[task.setvariable]x", "\\x23#VSO[task.setvariable]x"),
    ("w ##[stop-commands]pwn.bin", "w \\x23#[stop-commands]pwn.bin"),   # the runner finds "##[" anywhere in a line
    ("a ##vso[task.setvariable]x", "a \\x23#vso[task.setvariable]x"),
])
def test_clean_shows_every_control_as_a_visible_escape(raw, shown):
    assert clean(raw) == shown
    assert is_clean(shown) and not is_clean(raw)
    assert clean(shown) == shown  # cleaning twice changes nothing


@pytest.mark.parametrize("text", ["## Training data", "a :: b", "Ünïcödé 模型 🙂 text", "x::y", "# heading", ": x", "\u200dzwj"])
def test_clean_leaves_ordinary_text_alone(text):
    assert clean(text) == text and is_clean(text)


def test_escape_json_keeps_the_data_and_hides_it_from_terminals():
    value = {"name": "a\x85b\u202ec\x7f", "fine": "模型"}
    encoded = escape_json(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(encoded) == value and "模型" in encoded
    assert not any(ch in encoded for ch in "\x85\u202e\x7f")


# openlint's own records are Records; a library's dataclass is walked the same way
class Leaf(Record, frozen=True):
    name: str
    size: int = 0


class Tree(Record):
    title: str
    leaves: list[Leaf] = record_field(default_factory=list)
    index: dict[str, Leaf] = record_field(default_factory=dict)
    shared: tuple[Leaf, ...] = ()
    view: MappingProxyType = record_field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class DataLeaf:
    name: str
    size: int = 0


@dataclass
class DataTree:
    title: str
    leaves: list[DataLeaf] = field(default_factory=list)
    index: dict[str, DataLeaf] = field(default_factory=dict)
    shared: tuple[DataLeaf, ...] = ()
    view: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


@pytest.mark.parametrize("Leaf, Tree", [(Leaf, Tree), (DataLeaf, DataTree)], ids=["struct", "dataclass"])
def test_cleaned_walks_everything_copies_only_what_changes_and_keeps_sharing(Leaf, Tree):
    dirty, tidy = Leaf("a\x1bb", 1), Leaf("fine", 2)
    tree = Tree("title", [dirty, tidy], {"a\nkey": dirty, "k": tidy}, (dirty, dirty), MappingProxyType({"v": dirty}))
    safe = cleaned(tree)
    assert safe is not tree and tree.leaves[0].name == "a\x1bb"  # the original is untouched
    assert safe.leaves[0] == Leaf("a\\x1bb", 1) and safe.leaves[1] is tidy
    assert safe.index == {"a\\nkey": safe.leaves[0], "k": tidy}
    assert safe.shared[0] is safe.shared[1] is safe.leaves[0]  # one object reached three ways, cleaned once
    assert isinstance(safe.view, MappingProxyType) and safe.view["v"] is safe.leaves[0]
    clean_tree = Tree("t", [Leaf(f"file-{n}") for n in range(1000)])
    assert cleaned(clean_tree) is clean_tree  # nothing to change: no copy at all
