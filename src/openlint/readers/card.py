"""Model card reader: the YAML front matter (the Hub's metadata) and the markdown body, parsed by a CommonMark
parser (markdown-it-py) into sections (with their heading path), paragraphs, list items, tables, code blocks (with
their language), HTML blocks and links (with their anchor text and the block they sit in).

Only the block structure comes from the parser: its inline rules can take time that grows faster than the input on
hostile text (nested brackets), so links and plain text are taken from each block by bounded regular expressions.
The structure is parsed for the first MAX_STRUCTURE_LINES lines (3.7x the longest real card seen), and up to the line
where the table cells reach MAX_TABLE_CELLS (each cell costs the parser and the reader tens of microseconds, and one
line can hold two thousand of them); a longer card is reported and the rest of it is not read for structure.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from openlint.knowledge import patterns
from openlint.release.model import Block, Card, Link, Problem, Section
from openlint.support import yamlsafe

MAX_CARD_BYTES = 1_000_000  # 11x the largest real card in the corpus; a larger one is read up to here and reported
MAX_STRUCTURE_LINES = 10_000
MAX_LINKS = 5_000
MAX_SECTIONS = 2_000
MAX_TABLE_CELLS = 20_000  # counted as '|' characters: 18x the most in any real card (1,114)
MAX_LINE_CHARS = 4_000  # longer lines (inline images, minified data) are truncated before any pattern runs
MAX_INLINE_CHARS = 20_000  # of one block's text searched for links and markup

_RE = patterns.Constants(__name__)
_KEY = _RE(r"^([A-Za-z0-9_.-]+)\s*:")
_IMAGE = _RE(r"!\[([^\]\n]{0,500})\]\(\s*<?[^)\s>]{0,2000}>?(?:\s+\"[^\"]{0,500}\")?\s*\)")
_MD_LINK = _RE(r"(?<!!)\[([^\]\n]{0,500})\]\(\s*<?([^)\s>]{1,2000})>?(?:\s+\"[^\"]{0,500}\")?\s*\)")
_REF_LINK = _RE(r"(?<![!\]])\[([^\]\n]{1,500})\](?:\[([^\]\n]{0,500})\])?(?![(:\[])")
_AUTOLINK = _RE(r"<(https?://[^\s<>]{1,2000})>")
_HTML_LINK = _RE(r"<a\s[^>]{0,500}?href=[\"']([^\"']{1,2000})[\"'][^>]{0,500}>([^<]{0,500})", re.IGNORECASE)
_BARE_URL = _RE(r"(?<![(<\[\"'=])\bhttps?://[^\s)<>\]\"'`]{1,2000}")
MAX_LEADING_BLANKS = 5
_COMMENT = _RE(r"<!--.*?(?:-->|$)", re.DOTALL)
# an HTML block that is one heading element ("<h3>Framework:</h3>") is a heading to a reader, as a markdown one is
_HTML_HEADING = _RE(r"<h([1-6])(?:\s[^<>]*)?>([^<>]{1,200})</h\1\s*>", re.IGNORECASE)
_TAG = _RE(r"<[^<>\n]{0,500}>")
# an HTML image reads as its alt text, as a markdown image does ("Built with Axolotl" badges are images in links)
_IMG_ALT = _RE(r"<img\s[^<>\n]{0,500}?\balt=[\"']([^\"'<>\n]{0,200})[\"'][^<>\n]{0,500}>", re.IGNORECASE)
_EMPHASIS = _RE(r"\*\*|__|`")
_LABEL = _RE(r"^\s{0,3}(?:[-*]\s+)?\*\*([^*\n]{2,80}?):?\*\*:?")
# each way a link is written: its pattern, the group holding its target, the group holding its anchor text (0: none)
_LINK_FORMS = ((_MD_LINK, 2, 1), (_REF_LINK, 1, 1), (_AUTOLINK, 1, 0), (_HTML_LINK, 1, 2), (_BARE_URL, 0, 0))


def decode(raw: bytes, path: str, problems: list[Problem], size: int | None = None) -> str:
    """Text of a card; `size` is the file's full size when only a prefix was read."""
    size = max(size or 0, len(raw))
    if size > MAX_CARD_BYTES:
        problems.append(Problem("card.too-large", path, 1, f"the card is {size} bytes; only the first {MAX_CARD_BYTES} were read", {"size": size}))
        raw = raw[:MAX_CARD_BYTES]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem("card.not-utf8", path, line, f"the card is not valid UTF-8 (first bad byte at offset {exc.start}); undecodable bytes were replaced"))
        return raw.decode("utf-8", errors="replace")


def parse(text: str, path: str, problems: list[Problem]) -> Card:
    lines = [line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] for line in text.splitlines()]
    card = Card(path=path, lines=lines)
    _read_front_matter(card, problems)
    _read_body(card, problems)
    return card


# -- front matter ---------------------------------------------------------------------------------------------------

def _read_front_matter(card: Card, problems: list[Problem]) -> None:
    lines = card.lines
    # the Hub reads front matter after leading blank lines too
    start = next((i for i, line in enumerate(lines[:MAX_LEADING_BLANKS + 1]) if line.strip()), 0)
    if not lines or lines[start].strip() != "---":
        problems.append(Problem("card.front-matter-missing", card.path, 1, "the card has no YAML front matter (a block between '---' lines at the top)"))
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        problems.append(Problem("card.front-matter-invalid", card.path, 1, "the front matter is never closed by a '---' line"))
        return
    card.has_front_matter = True
    card.body_start = end + 2
    for number in range(start + 1, end):
        if match := _KEY.match(lines[number]):
            card.key_lines.setdefault(match.group(1), number + 1)
    try:
        data = yamlsafe.load("\n".join(lines[start + 1:end]))
    except yamlsafe.YamlError as exc:
        problems.append(Problem("card.front-matter-invalid", card.path, exc.line + 1 if exc.line else 1, f"the front matter is not valid YAML: {exc}"))
        return
    if not isinstance(data, dict | None):
        problems.append(Problem("card.front-matter-invalid", card.path, 2, f"the front matter is a {type(data).__name__}, not a mapping of metadata fields"))
        return
    card.metadata = {str(k): v for k, v in (data or {}).items()}


# -- body -------------------------------------------------------------------------------------------------------------

@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": 20}).enable("table")
    parser.disable(["inline", "text_join"])  # block structure only: see the module's docstring
    return parser


def _read_body(card: Card, problems: list[Problem]) -> None:
    first = card.body_start - 1
    body = card.lines[first:]
    if len(body) > MAX_STRUCTURE_LINES:
        problems.append(Problem("card.too-large", card.path, card.body_start + MAX_STRUCTURE_LINES,
                                f"the card's body has {len(body)} lines; its structure was read for the first {MAX_STRUCTURE_LINES}"))
        body = body[:MAX_STRUCTURE_LINES]
    if (cut := _cells_end(body)) is not None:
        problems.append(Problem("card.too-large", card.path, card.body_start + cut,
                                f"the card's tables have more than {MAX_TABLE_CELLS} cells; its structure was read up to line {card.body_start + cut}"))
        body = body[:cut]
    env: dict[str, Any] = {}
    tokens = _parser().parse("\n".join(body), env)
    _Walker(card, first, env.get("references", {})).walk(tokens)
    card.enclosing = _enclosing(card)


def _cells_end(body: list[str]) -> int | None:
    """Index of the first line at which the '|' characters so far exceed MAX_TABLE_CELLS, None if they never do."""
    cells = 0
    for index, line in enumerate(body):
        cells += line.count("|")
        if cells > MAX_TABLE_CELLS:
            return index
    return None


class _Walker:
    """Turns the parser's tokens into the card's sections, blocks and links, in one pass."""

    def __init__(self, card: Card, offset: int, references: dict[str, Any]) -> None:
        self.card = card
        self.offset = offset  # lines before the body
        self.references = references
        self.open: list[int] = []  # indexes of the sections enclosing the current point
        self.in_item = 0
        self.table: list[list[str]] | None = None
        self.table_start = 0

    def walk(self, tokens: list[Any]) -> None:
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "heading_open":
                self._heading(token, tokens[index + 1].content)
            elif kind == "paragraph_open":
                self._text_block("item" if self.in_item else "paragraph", token, tokens[index + 1].content)
            elif kind in ("fence", "code_block"):
                self._code(token)
            elif kind == "html_block" and (heading := _HTML_HEADING.fullmatch(token.content.strip())):
                self._heading(token, heading.group(2), int(heading.group(1)))
            elif kind == "html_block":
                self._text_block("html", token, token.content)
            else:
                self._container(token, tokens, index)
        last = len(self.card.lines)
        for section in self.open:
            self.card.sections[section].end = last

    def _container(self, token: Any, tokens: list[Any], index: int) -> None:
        kind = token.type
        if kind == "list_item_open":
            self.in_item += 1
        elif kind == "list_item_close":
            self.in_item -= 1
        elif kind == "table_open":
            self.table, self.table_start = [], self._lines(token)[0]
        elif kind == "tr_open" and self.table is not None:
            self.table.append([])
        elif kind in ("th_open", "td_open") and self.table is not None and self.table:
            self.table[-1].append(tokens[index + 1].content)
        elif kind == "table_close" and self.table is not None:
            self._table(token)

    def _lines(self, token: Any) -> tuple[int, int]:
        start, end = token.map or (0, 1)
        return self.offset + start + 1, self.offset + max(start + 1, end)

    def _section(self) -> int:
        return self.open[-1] if self.open else -1

    def _heading(self, token: Any, raw: str, level: int | None = None) -> None:
        level = level or int(token.tag[1])
        line, end = self._lines(token)
        sections = self.card.sections
        while self.open and sections[self.open[-1]].level >= level:
            sections[self.open.pop()].end = line - 1
        text = self._inline(raw, line)
        if len(sections) < MAX_SECTIONS and text:
            sections.append(Section(title=text, level=level, line=line, end=len(self.card.lines), parent=self._section()))
            self.open.append(len(sections) - 1)
        self.card.blocks.append(Block("heading", line, end, text, self._section()))

    def _text_block(self, kind: str, token: Any, raw: str) -> None:
        line, end = self._lines(token)
        text = self._inline(raw, line, html=kind == "html")
        self.card.blocks.append(Block(kind, line, end, text, self._section()))
        if kind != "html" and (label := _LABEL.match(raw)):
            self.card.labels.append((label.group(1).strip(), line))

    def _code(self, token: Any) -> None:
        line, end = self._lines(token)
        lang = token.info.strip().split(maxsplit=1)[0].lower() if token.type == "fence" and token.info.strip() else ""
        self.card.blocks.append(Block("code", line, end, token.content[:MAX_INLINE_CHARS], self._section(), lang=lang))

    def _table(self, token: Any) -> None:
        rows = tuple(tuple(self._inline(cell, self.table_start) for cell in row) for row in self.table or [])
        end = self._lines(token)[1]
        text = "\n".join(" | ".join(row) for row in rows)
        self.card.blocks.append(Block("table", self.table_start, end, text, self._section(), rows=rows))
        self.table = None

    # -- inline: links and plain text, by bounded patterns --------------------------------------------------------
    def _inline(self, raw: str, line: int, html: bool = False) -> str:
        # an HTML comment is not shown to a reader: template hints, or text the author hid ("<!-- run it with ... -->");
        # its line breaks are kept so that links after it stay on their lines
        raw = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), raw[:MAX_INLINE_CHARS])
        block = len(self.card.blocks)
        taken: set[str] = set()
        for pattern, url, text in _LINK_FORMS:
            for match in pattern.finditer(raw):
                found = match.group(url)
                if pattern is _REF_LINK:
                    reference = self.references.get((match.group(2) or match.group(1)).strip().upper())
                    found = reference.get("href", "") if reference else ""
                elif pattern is _BARE_URL:
                    found = found.rstrip(".,;:*_")
                # a paragraph's text keeps its line breaks: the link is on the line it starts on
                self._link(found, _plain(match.group(text)) if text else "", line + raw.count("\n", 0, match.start()), block, taken)
        return _plain(raw)

    def _link(self, url: str, text: str, line: int, block: int, taken: set[str]) -> None:
        if url and url not in taken and len(self.card.links) < MAX_LINKS:
            taken.add(url)
            self.card.links.append(Link(url=url, text=text, line=line, block=block))


def _plain(text: str) -> str:
    """A block's text without its markup: images dropped, links as their anchor text, tags and emphasis removed."""
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _IMG_ALT.sub(lambda m: f" {m.group(1)} ", text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", text)
    return " ".join(_EMPHASIS.sub("", text).split())


def _enclosing(card: Card) -> list[tuple[Section, ...]]:
    """The sections enclosing each line, outermost first (one shared tuple per run of lines)."""
    enclosing: list[tuple[Section, ...]] = [()] * len(card.lines)
    for index, section in enumerate(card.sections):
        stack = tuple(card.sections[i] for i in _chain(card, index))
        for number in range(section.line, min(section.end, len(card.lines)) + 1):
            if len(enclosing[number - 1]) < len(stack):
                enclosing[number - 1] = stack
    return enclosing


def _chain(card: Card, index: int) -> list[int]:
    chain = []
    while index >= 0 and len(chain) < 8:
        chain.append(index)
        index = card.sections[index].parent
    return chain[::-1]
