"""The model card reader on real and hostile input: findings or one-line errors, never a traceback or a hang."""

from __future__ import annotations

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
    """One line can hold two thousand cells, and each costs the parser and the reader tens of microseconds (an 800 KB
    card of tables took 15 s): past MAX_TABLE_CELLS the structure is not read, and that is reported."""
    small = "## Results\n\n| Model | MMLU |\n|---|---|\n| ours | 60.1 |\n\n"
    row = "|" + "|".join("1" for _ in range(1000)) + "|\n"
    huge = "## Appendix\n\n|" + "|".join("h" for _ in range(1000)) + "|\n|" + "-|" * 1000 + "\n" + row * 400
    parsed, problems = parse("---\nlicense: mit\n---\n# T\n" + small + huge + "\n## After\n")
    assert [s.title for s in parsed.sections] == ["T", "Results", "Appendix"]
    assert [b.rows for b in parsed.blocks if b.kind == "table"][0] == (("Model", "MMLU"), ("ours", "60.1"))
    assert sum(len(row) for b in parsed.blocks for row in b.rows) <= card.MAX_TABLE_CELLS
    (too_large,) = [p for p in problems if p.kind == "card.too-large"]
    # 9 cells in the first table and 1001 in each line of the second: its 18th row (line 32) passes 20,000
    assert "cells" in too_large.detail and too_large.line == 32


def test_huge_card_is_read_up_to_the_cap(run, release):
    folder = release({"README.md": "---\nlicense: mit\n---\n# big\n" + ("lorem ipsum " * 10 + "\n") * 420_000})
    assert os.path.getsize(folder / "README.md") > 50_000_000
    report = run("check", str(folder), "-f", "json").json()
    assert any(f["code"] == "OLC004" and "only the first" in f["message"] for f in report["findings"])


@pytest.mark.parametrize("files, code", [
    ({"model.safetensors": b""}, "OLC001"),
    ({"README.md": "# no front matter\n"}, "OLC002"),
    ({"README.md": "---\nlicense: [\n---\n"}, "OLC003"),
    ({"README.md": "---\nlicense: mit\n---\n## Training Data\n[More Information Needed]\n"}, "OLC005"),
])
def test_broken_cards_become_findings(run, release, files, code):
    result = run("check", str(release(files)), "-f", "json")
    assert result.code == 1
    assert code in {f["code"] for f in result.json()["findings"]}
