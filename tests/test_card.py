"""The model card reader on real and hostile input: findings or one-line errors, never a traceback or a hang."""

from __future__ import annotations

from conftest import WEIGHTS

import os

import pytest

from openlint.readers import card
from openlint.release.model import Problem


def parse(text: str) -> tuple[card.Card, list[Problem]]:
    problems: list[Problem] = []
    return card.parse(text, "README.md", problems), problems


def test_front_matter_sections_links_and_lines():
    parsed, problems = parse("---\nlicense: mit\ndatasets:\n  - a/b\n---\n# Title\n\n## Training data\nSee [data](https://huggingface.co/datasets/a/b).\n"
                             "```\n# not a heading\n```\nSetext\n------\nhttps://github.com/o/r\n")
    assert not problems
    assert parsed.metadata == {"license": "mit", "datasets": ["a/b"]}
    assert parsed.key_line("datasets") == 3
    assert [(s.title, s.level, s.line) for s in parsed.sections] == [("Title", 1, 6), ("Training data", 2, 8), ("Setext", 2, 13)]
    assert [(l.url, l.line) for l in parsed.links] == [("https://huggingface.co/datasets/a/b", 9), ("https://github.com/o/r", 15)]
    assert parsed.headings_at(9) == ["Title", "Training data"]


def test_front_matter_after_leading_blank_lines_is_read():
    """The Hub reads front matter that follows blank lines (a card saved with a leading CRLF)."""
    parsed, problems = parse("\r\n---\r\nlicense: openrail++\r\n---\r\n# Title\r\n")
    assert not problems
    assert parsed.metadata == {"license": "openrail++"} and parsed.key_line("license") == 3
    assert [s.title for s in parsed.sections] == ["Title"]


def test_html_comments_are_not_read():
    """Text in an HTML comment is not shown to a reader: template hints, or a snippet the author hid."""
    parsed, _ = parse("---\nlicense: mit\n---\n# T\n<!-- Run it with [vLLM](https://github.com/vllm-project/vllm)\n\n```\nfrom transformers import pipeline\n```-->\nShown [here](https://example.org).\n")
    assert "vllm" not in " ".join(b.text.lower() for b in parsed.blocks)
    assert [(l.url, l.line) for l in parsed.links] == [("https://example.org", 10)]


def test_an_html_block_that_is_one_heading_element_is_a_heading():
    """Cards written in HTML ("<h3>Framework:</h3>") have sections too; a block holding more than the heading stays HTML."""
    parsed, _ = parse("# Model\n\n<h3 align=\"left\">Framework:</h3>\n\n - https://github.com/o/r\n\n"
                      "<h2>Mixed</h2><p>text</p>\n")
    assert [(s.title, s.level) for s in parsed.sections] == [("Model", 1), ("Framework:", 3)]
    assert parsed.headings_at(5) == ["Model", "Framework:"]
    assert [b.kind for b in parsed.blocks] == ["heading", "heading", "item", "html"]


def test_a_field_set_twice_is_a_problem_and_the_last_is_read():
    parsed, problems = parse("---\nlicense: mit\ntags:\n  - license: x\ndescription: |\n  license: y\nlicense: cc-by-nc-4.0\n---\n# x\n")
    # nested and block-scalar lines are not fields of the card
    assert [(p.kind, p.line) for p in problems if p.kind.startswith("card.front-matter")] == [
        ("card.front-matter-duplicate-key", 7), ("card.front-matter-invalid", 3)]  # (a mapping in `tags` is no tag either)
    assert "sets 'license' twice (lines 2 and 7)" in problems[0].detail
    assert parsed.metadata["license"] == "cc-by-nc-4.0"


@pytest.mark.parametrize("front, duplicated, line", [
    ('description: "Weights.\nlicense: see LICENSE"\nlicense: apache-2.0\n', None, 4),  # a line inside a quoted value
    ('license: mit\n"license": cc-by-nc-4.0\n', "license", 3),  # a quoted key is the same key
    ("license: mit\ntags: [x]\nlicense: cc-by-nc-4.0\n", "license", 4),
])
def test_fields_set_twice_are_told_by_the_parser_and_the_line_is_the_one_read(front, duplicated, line):
    parsed, problems = parse(f"---\n{front}---\n# x\n")
    found = [p for p in problems if p.kind == "card.front-matter-duplicate-key"]
    assert [p.line for p in found] == ([line] if duplicated else [])
    assert parsed.key_line("license") == line  # the evidence points at the value that is read


def test_alias_bomb_is_refused():
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n---\n# x\n"
    parsed, problems = parse(bomb)
    assert parsed.metadata == {}
    assert problems[0].kind == "card.front-matter-invalid" and "aliases" in problems[0].detail
    assert problems[0].line == 3


def test_malformed_yaml_and_unclosed_front_matter():
    _, problems = parse("---\nlicense: [mit\n---\n# x\n")
    assert problems[0].kind == "card.front-matter-invalid"
    _, problems = parse("---\nlicense: mit\n# never closed\n")
    assert problems[0].kind == "card.front-matter-invalid" and "never closed" in problems[0].detail
    _, problems = parse("---\n- a list\n---\n")
    assert "not a mapping" in problems[0].detail


def test_metadata_fields_of_the_wrong_shape_are_said_and_ignored():
    card = "---\nlicense: [mit, 5, {a: b}]\nbase_model: 7\ndatasets: {x: 1}\ntags: [a, b]\nlibrary_name: [transformers]\nlanguage: [en, no]\n---\n# x\n"
    _, problems = parse(card)
    said = {(p.line, p.detail.split(";")[0]) for p in problems if p.kind == "card.front-matter-invalid"}
    assert said == {(2, "item(s) 2, 3 of `license` are not strings"), (3, "`base_model` is a number, not a string or a list of strings"),
                    (4, "`datasets` is a mapping, not a string or a list of strings"), (6, "`library_name` is a list, not a string")}
    # Norwegian `no` reads as false in YAML 1.1: a word to the Hub, so no finding for the language list


def test_blocks_keep_their_text_as_written_inside_containers():
    """Each block's text is its source without the markers that begin its continuation lines: a quote's "> ", a list
    item's indentation, the line break inside a link's text. Tight list items (no paragraph of their own) are items."""
    parsed, _ = parse("---\nlicense: mit\n---\n# T\n> Trained on [the Pile](https://pile.eleuther.ai) and\n"
                      "> [C4](https://huggingface.co/datasets/c4).\n\n- **Library:** [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)\n"
                      "  over two lines\n- read [the paper\n  ](https://arxiv.org/abs/1) \\* here\n\n1. loose\n\n   second paragraph\n"
                      "- \\*run:\n  ```\n  llama-cli -m x.gguf\n  ```\n  then chat\n")
    texts = [(b.kind, b.line, b.end, b.text) for b in parsed.blocks]
    assert texts == [("heading", 4, 4, "T"), ("paragraph", 5, 6, "Trained on the Pile and C4."),
                     ("item", 8, 9, "Library: GPT-NeoX over two lines"),
                     ("item", 10, 11, "read [the paper ](https://arxiv.org/abs/1) \\* here"),
                     ("item", 13, 13, "loose"), ("item", 15, 15, "second paragraph"),
                     ("item", 16, 16, "\\*run:"), ("code", 17, 19, "llama-cli -m x.gguf\n"), ("item", 20, 20, "then chat")]
    assert [(l.url, l.line) for l in parsed.links] == [
        ("https://pile.eleuther.ai", 5), ("https://huggingface.co/datasets/c4", 6), ("https://github.com/EleutherAI/gpt-neox", 8),
        ("https://arxiv.org/abs/1", 10)]  # a link whose anchor breaks across lines: from the parser
    assert parsed.labels == [("Library", 8)]


def test_quote_markers_are_removed_only_inside_quotes():
    parsed, _ = parse("---\nlicense: mit\n---\nExample:\n    >>> import x\n\n> > quoted `code\n> > span` and [a](\n> > https://x.org)\n")
    assert [b.text for b in parsed.blocks] == ["Example: >>> import x", "quoted code span and a"]
    assert [(l.url, l.line) for l in parsed.links] == [("https://x.org", 8)]


def test_a_table_right_under_text_is_a_table():
    """GFM (GitHub, the Hub) starts a table under a line of text; pulldown-cmark keeps it in the paragraph."""
    parsed, _ = parse("---\nlicense: mit\n---\n# Model\nHow it works:\nTask | Score\n:--|--:\n[MMLU](https://x.org) | 60.1\n"
                      "    # not a heading\n\n## Next\nIntro\nScores\n|---|\n")
    assert [(s.title, s.line) for s in parsed.sections] == [("Model", 4), ("Next", 11)]
    assert [(b.kind, b.line, b.end, b.text) for b in parsed.blocks] == [
        ("heading", 4, 4, "Model"), ("paragraph", 5, 5, "How it works:"),
        ("table", 6, 9, "Task | Score\nMMLU | 60.1\n# not a heading | "), ("heading", 11, 11, "Next"),
        ("paragraph", 12, 14, "Intro Scores |---|")]  # a header row needs a pipe for pulldown-cmark
    assert [(l.url, l.line, l.block) for l in parsed.links] == [("https://x.org", 8, 2)]


def test_links_the_patterns_miss_come_from_the_parser():
    """Brackets inside the anchor and parentheses inside the target defeat the bounded patterns, not CommonMark."""
    parsed, _ = parse("---\nlicense: mit\n---\n[\\[📂 GitHub\\]](https://github.com/OpenGVLab/InternVL) "
                      "[\\[📜 Paper\\]](https://arxiv.org/abs/2312.14238)\n\nUnder the [FLUX.1 [dev] licence](https://x.org/LICENSE.md);"
                      " see [Foo](https://en.wikipedia.org/wiki/Foo_(bar)).\n")
    assert [(l.url, l.text, l.line, l.block) for l in parsed.links] == [
        ("https://github.com/OpenGVLab/InternVL", "[📂 GitHub]", 4, 0), ("https://arxiv.org/abs/2312.14238", "[📜 Paper]", 4, 0),
        ("https://x.org/LICENSE.md", "FLUX.1 [dev] licence", 6, 1), ("https://en.wikipedia.org/wiki/Foo_(bar)", "Foo", 6, 1)]


def test_a_link_is_read_once_as_the_parser_decodes_it():
    """Entities and escapes in a target, an image inside an anchor, a title with brackets: the patterns read the
    source as written and would add a second, wrong link (or the image's target as a link)."""
    parsed, _ = parse("---\nlicense: mit\n---\n[a](https://x.org/?a=1&amp;b=2) [b](https://x.org/a\\_b) "
                      "[![License](https://img.shields.io/badge/x.svg)](https://opensource.org/licenses/MIT) "
                      "[c](https://y.org \"see [d](e)\") ![img](https://i.org/p.png)\n")
    assert [(l.url, l.text) for l in parsed.links] == [
        ("https://x.org/?a=1&b=2", "a"), ("https://x.org/a_b", "b"), ("https://opensource.org/licenses/MIT", "License"),
        ("https://y.org", "c")]


def test_reference_links_resolve_to_their_definitions():
    parsed, _ = parse("---\nlicense: mit\n---\nCode: [our repo][Repo], data: [The  Stack][], docs: [docs].\n\n"
                      "[repo]: https://github.com/o/r\n[the stack]: https://huggingface.co/datasets/bigcode/the-stack\n"
                      "[docs]: <https://example.org/docs> \"Docs\"\n")
    assert [(l.url, l.text) for l in parsed.links] == [
        ("https://github.com/o/r", "our repo"), ("https://huggingface.co/datasets/bigcode/the-stack", "The Stack"),
        ("https://example.org/docs", "docs")]


def test_code_blocks_tables_and_html_headings():
    parsed, _ = parse("---\nlicense: mit\n---\n<h3>Framework:</h3>\n\n```Python title=x\nfrom transformers import pipeline\n```\n\n"
                      "    indented = True\n\n| Task | Score |\n|:--|--:|\n| `a\\|b` | 1.0 |\n| [MMLU](https://x.org) |  |\n")
    assert [(s.title, s.level, s.line) for s in parsed.sections] == [("Framework:", 3, 4)]
    assert [(b.kind, b.line, b.end, b.lang, b.text) for b in parsed.blocks[1:3]] == [
        ("code", 6, 8, "python", "from transformers import pipeline\n"), ("code", 10, 10, "", "indented = True\n")]
    (table,) = [b for b in parsed.blocks if b.kind == "table"]
    assert (table.line, table.end, table.rows) == (12, 15, (("Task", "Score"), ("a|b", "1.0"), ("MMLU", "")))
    assert [(l.url, l.line) for l in parsed.links] == [("https://x.org", 15)]  # on its row's line


PANICS = "# Model\n\n- [paper]: https://arxiv.org/abs/2401.00001\n\t\t\n## Citation\n"  # pulldown-cmark issue 1129


def test_a_card_that_makes_the_parser_panic_is_read_or_refused(monkeypatch):
    """pulldown-cmark 0.13 panics on a whitespace line with tabs after some list items. The reader parses lines
    without trailing blanks, which avoids it; a panic that still happens stops the check (exit 2), since an unread
    card must not be graded as an empty one, and pyo3's PanicException is no Exception that a caller would catch."""
    import pyromark

    with pytest.raises(BaseException) as raised:
        pyromark.events_with_range(PANICS, options=pyromark.Options.ENABLE_TABLES)
    assert type(raised.value).__module__ == "pyo3_runtime"
    parsed, problems = parse("---\nlicense: mit\n---\n" + PANICS)
    assert [s.title for s in parsed.sections] == ["Model", "Citation"] and not problems

    monkeypatch.setattr(card, "_markdown", lambda: (lambda text, options: pyromark.events_with_range(PANICS, options=options), 0))
    with pytest.raises(card.CardUnparsable, match="README.md: the card's markdown could not be parsed"):
        parse("---\nlicense: mit\n---\n# Model\n")


def test_long_body_is_read_up_to_a_character_budget():
    parsed, problems = parse("---\nlicense: mit\n---\n# T\n" + ("lorem ipsum " * 333 + "\n") * 100 + "\n## After\n")
    (too_large,) = [p for p in problems if p.kind == "card.too-large"]
    assert str(card.MAX_STRUCTURE_CHARS) in too_large.detail
    # "# T" (line 4, 4 characters with its line break), then lines of 3,997: the first that does not fit is read no more
    assert too_large.line == 4 + 1 + (card.MAX_STRUCTURE_CHARS - 4) // 3997
    assert [s.title for s in parsed.sections] == ["T"]


def test_non_utf8_bytes_are_reported_and_replaced():
    problems: list[Problem] = []
    text = card.decode(b"---\nlicense: mit\n---\n# caf\xe9\n", "README.md", problems)
    assert problems[0].kind == "card.not-utf8" and problems[0].line == 4
    assert "\ufffd" in text


def test_pathological_markdown_stays_linear():
    headings = "".join(f"{'#' * (1 + i % 6)} heading {i}\n- item https://example.com/{i}\n" for i in range(10_000))
    nested = "".join("  " * i + "- deep\n" for i in range(2_000))
    long_line = "x" * 5_000_000 + "\n"
    parsed, _ = parse("---\nlicense: mit\n---\n" + headings + nested + long_line)
    assert len(parsed.sections) == card.MAX_SECTIONS
    assert len(parsed.links) == card.MAX_LINKS
    assert len(parsed.lines[-1]) == card.MAX_LINE_CHARS


def test_table_cells_are_read_up_to_a_budget():
    """One line can hold two thousand cells, and each costs the parser and the reader time and memory (an 800 KB
    card of tables took 15 s): past MAX_MARKUP characters of markup the structure is not read, and that is reported."""
    small = "## Results\n\n| Model | MMLU |\n|---|---|\n| ours | 60.1 |\n\n"
    row = "|" + "|".join("1" for _ in range(1000)) + "|\n"
    huge = "## Appendix\n\n|" + "|".join("h" for _ in range(1000)) + "|\n|" + "-|" * 1000 + "\n" + row * 400
    parsed, problems = parse("---\nlicense: mit\n---\n# T\n" + small + huge + "\n## After\n")
    assert [s.title for s in parsed.sections] == ["T", "Results", "Appendix"]
    assert [b.rows for b in parsed.blocks if b.kind == "table"][0] == (("Model", "MMLU"), ("ours", "60.1"))
    assert sum(len(row) for b in parsed.blocks for row in b.rows) <= card.MAX_MARKUP
    (too_large,) = [p for p in problems if p.kind == "card.too-large"]
    assert "markup" in too_large.detail and 15 < too_large.line < 15 + 400  # inside the second table


@pytest.mark.parametrize("unit, per_unit", [("*a_", 2), ("+ ", 1), ("1. ", 1), ("> - ", 2)])
def test_dense_markup_is_read_up_to_a_budget(unit, per_unit):
    """Every element costs the parser an event (~1 KB, ~10 us): "*a_" repeated packs two into every three
    characters (300,000 of them took 4.8 s and 250 MB), "+ " a nested list item into every two (600 MB)."""
    line = unit * (3000 // len(unit))
    parsed, problems = parse("---\nlicense: mit\n---\n# T\n\n" + (line + "\n") * 80 + "\n## After\n")
    (too_large,) = [p for p in problems if p.kind == "card.too-large"]
    assert str(card.MAX_MARKUP) in too_large.detail
    # the line that passes the budget is the first not read
    assert too_large.line == 6 + card.MAX_MARKUP // (per_unit * (3000 // len(unit)))
    assert [s.title for s in parsed.sections] == ["T"]


def test_huge_card_is_read_up_to_the_cap(run, release):
    folder = release({"README.md": "---\nlicense: mit\n---\n# big\n" + ("lorem ipsum " * 10 + "\n") * 420_000})
    assert os.path.getsize(folder / "README.md") > 50_000_000
    report = run("check", str(folder), "-f", "json").json()
    assert any(f["code"] == "OLC004" and "only the first" in f["message"] for f in report["findings"])


@pytest.mark.parametrize("files, code", [
    ({"model.safetensors": WEIGHTS}, "OLC001"),
    ({"README.md": "# no front matter\n"}, "OLC002"),
    ({"README.md": "---\nlicense: [\n---\n"}, "OLC003"),
    ({"README.md": "---\nlicense: mit\n---\n## Training Data\n[More Information Needed]\n"}, "OLC005"),
])
def test_broken_cards_become_findings(run, release, files, code):
    result = run("check", str(release(files)), "-f", "json")
    assert result.code == 1
    assert code in {f["code"] for f in result.json()["findings"]}


def test_tags_are_read_once_each_and_at_most_a_thousand():
    from openlint.readers.card import MAX_LABELS, parse

    problems: list = []
    tags = "".join(f"- Tag{i % 1500}\n- tag{i % 1500}\n" for i in range(3000))  # 1500 different, each four times
    card = parse(f"---\nlicense: mit\ntags:\n{tags}language: [en, EN, fr]\n---\n# m\n", "README.md", problems)
    assert card.metadata["tags"] == [f"Tag{i}" for i in range(MAX_LABELS)] and card.metadata["language"] == ["en", "fr"]
    (said,) = [p.detail for p in problems]
    assert "`tags` lists 1500 different items; openlint reads the first 1000" in said
