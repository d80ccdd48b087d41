"""Model card reader: the YAML front matter (the Hub's metadata) and the markdown body, parsed by a CommonMark
parser (pulldown-cmark, through pyromark) into sections (with their heading path), paragraphs, list items, tables,
code blocks (with their language), HTML blocks and links (with their anchor text and the block they sit in).

The parser gives the block structure, each element's span in the source, and the targets of reference links. A
block's links and plain text are then taken from its source text, as written, by bounded regular expressions, which
also find what CommonMark does not make a link (bare URLs, HTML anchors).

The structure is read for the first MAX_STRUCTURE_LINES lines and MAX_STRUCTURE_CHARS characters (3.7x the longest real
card seen), and up to the line where the characters of markup reach MAX_MARKUP: the parser's time and memory grow with
the number of elements, and dense markup ("*a_" repeated, two thousand table cells on one line) packs one into every
few characters. A longer card is reported and the rest of it is not read for structure.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from typing import Any

from openlint.errors import CardUnparsable, printable
from openlint.knowledge import patterns
from openlint.release.model import Block, Card, Link, Problem, Section
from openlint.support import yamlsafe

MAX_CARD_BYTES = 1_000_000  # 11x the largest real card in the corpus; a larger one is read up to here and reported
MAX_STRUCTURE_LINES = 10_000
MAX_LINKS = 5_000
MAX_SECTIONS = 2_000
MAX_STRUCTURE_CHARS = 300_000  # 3.6x the longest real card in the corpus (83,887 characters)
# characters that open or close an element (emphasis, links, code, HTML, table cells, quotes, list items, escapes):
# 4.2x the most in any real card (5,941 of 83,887); each costs the parser an event or more, ~1 KB and ~10 us
MAX_MARKUP = 25_000
_NOT_MARKUP = str.maketrans("", "", "*_[]<>|`\\&!~-+")
_ORDERED_MARKER = re.compile(r"\d[.)]")  # "1." opens a list item as "-" does
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
    text = "\n".join(lines[start + 1:end])
    for number in range(start + 1, end):  # a first guess, kept when the YAML does not load
        if match := _KEY.match(lines[number]):
            card.key_lines.setdefault(match.group(1), number + 1)
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlError as exc:
        problems.append(Problem("card.front-matter-invalid", card.path, exc.line + 1 if exc.line else 1, f"the front matter is not valid YAML: {exc}"))
        return
    if not isinstance(data, dict | None):
        problems.append(Problem("card.front-matter-invalid", card.path, 2, f"the front matter is a {type(data).__name__}, not a mapping of metadata fields"))
        return
    card.metadata = {str(k): v for k, v in (data or {}).items()}
    _field_lines(card, text, start + 1, problems)
    _field_shapes(card, problems)
    _bounded_lists(card, problems)


# the Hub's model-card metadata fields openlint reads, and whether each may be a list of strings as well as a string
# (huggingface_hub's ModelCardData); a value of another shape is ignored, and said
_FIELD_SHAPES = {"license": True, "license_name": False, "license_link": False, "base_model": True, "base_model_relation": False,
                 "datasets": True, "library_name": False, "pipeline_tag": False, "tags": True, "language": True, "model_name": False}


_SHAPE_NAMES = {"int": "a number", "float": "a number", "dict": "a mapping", "list": "a list",
                "date": "a date", "datetime": "a date"}


def _field_shapes(card: Card, problems: list[Problem]) -> None:
    for key, listable in _FIELD_SHAPES.items():
        value = card.metadata.get(key)
        # (true/false are words to the Hub's YAML 1.2 reader: Norwegian `no` in a language list, which YAML 1.1 reads as false)
        if value is None or isinstance(value, str | bool):
            continue
        expected = "a string or a list of strings" if listable else "a string"
        if listable and isinstance(value, list):
            odd = [str(index + 1) for index, item in enumerate(value) if not isinstance(item, str | bool)]
            if not odd:
                continue
            shown = ", ".join(odd[:5]) + (f" and {len(odd) - 5} more" if len(odd) > 5 else "")
            detail = f"item(s) {shown} of `{key}` are not strings; openlint reads only the strings ({expected} expected)"
        else:
            detail = f"`{key}` is {_SHAPE_NAMES.get(type(value).__name__, 'a ' + type(value).__name__)}, not {expected}; openlint ignores it"
        problems.append(Problem("card.front-matter-invalid", card.path, card.key_line(key) or 1, detail))


MAX_LABELS = 1_000  # tags or languages read per card (the Hub's own listing keeps 1 000 tags); real cards have tens
_LABEL_LISTS = ("tags", "language")  # lists every tag of which is matched against the vocabularies


def _bounded_lists(card: Card, problems: list[Problem]) -> None:
    """Tags and languages once each, and at most MAX_LABELS: every one is tried against each model family's
    pattern, so 240 000 tags in a card under 1 MB took ten seconds. (Ids, datasets and base models have their own
    limits where they are looked up.)"""
    for key in _LABEL_LISTS:
        value = card.metadata.get(key)
        if not isinstance(value, list) or len(value) <= 1:
            continue
        seen: set[str] = set()
        unique = [item for item in value if not ((k := item.lower() if isinstance(item, str) else repr(item)) in seen or seen.add(k))]
        if len(unique) > MAX_LABELS:
            problems.append(Problem("card.front-matter-invalid", card.path, card.key_line(key) or 1,
                                    f"`{key}` lists {len(unique)} different items; openlint reads the first {MAX_LABELS}"))
        card.metadata[key] = unique[:MAX_LABELS]


def _field_lines(card: Card, text: str, offset: int, problems: list[Problem]) -> None:
    """The line of each top-level field, from the parser (quoted keys too, never a line inside a value); a field set
    twice is a problem (PyYAML keeps the last silently, stricter readers refuse the card: either way the card says
    two things), and its line is the last one's, the one whose value is read."""
    seen: dict[str, int] = {}
    for key, line in yamlsafe.top_level_keys(text):
        line += offset
        if key in seen:
            problems.append(Problem("card.front-matter-duplicate-key", card.path, line,
                                    f"the front matter sets {printable(key, 60)!r} twice (lines {seen[key]} and {line}); "
                                    "openlint reads the last, and stricter YAML readers refuse the card"))
        seen[key] = line
    card.key_lines.update(seen)


# -- body -------------------------------------------------------------------------------------------------------------

@cache
def _markdown() -> tuple[Any, int]:
    import pyromark  # imported on first use: a compiled module, ~2 ms

    return pyromark.events_with_range, pyromark.Options.ENABLE_TABLES


def _read_body(card: Card, problems: list[Problem]) -> None:
    first = card.body_start - 1
    body = card.lines[first:]
    if len(body) > MAX_STRUCTURE_LINES:
        problems.append(Problem("card.too-large", card.path, card.body_start + MAX_STRUCTURE_LINES,
                                f"the card's body has {len(body)} lines; its structure was read for the first {MAX_STRUCTURE_LINES}"))
        body = body[:MAX_STRUCTURE_LINES]
    if (cut := _budget_end(body)) is not None:
        index, what = cut
        problems.append(Problem("card.too-large", card.path, card.body_start + index,
                                f"the card's body has more than {what}; its structure was read up to line {card.body_start + index}"))
        body = body[:index]
    # parsed without trailing spaces and tabs, which a reader does not see (a hard line break reads as a soft one here;
    # code keeps them, see _verbatim): a line that ends in tabs inside some lists makes pulldown-cmark 0.13 panic (its
    # issue 1129)
    text = "\n".join(line.rstrip(" \t") for line in body)
    _Walker(card, first, text.encode("utf-8")).walk(_events(text, card.path))
    card.enclosing = _enclosing(card)


def _events(text: str, path: str) -> Any:
    events, options = _markdown()
    try:
        return events(text, options=options)
    except BaseException as exc:  # a panic in the parser: pyo3 raises PanicException, a BaseException
        if type(exc).__module__ != "pyo3_runtime":
            raise
        raise CardUnparsable(f"{path}: the card's markdown could not be parsed ({printable(str(exc), 80)}); "
                             "the release was not graded") from None


def _budget_end(body: list[str]) -> tuple[int, str] | None:
    """(index of the first line past a budget, what it was) when the body has more characters or markup than the
    reader takes, else None."""
    characters = markup = 0
    for index, line in enumerate(body):
        characters += len(line) + 1
        markup += len(line) - len(line.translate(_NOT_MARKUP)) + len(_ORDERED_MARKER.findall(line))
        if characters > MAX_STRUCTURE_CHARS:
            return index, f"{MAX_STRUCTURE_CHARS} characters"
        if markup > MAX_MARKUP:
            return index, f"{MAX_MARKUP} characters of markup"
    return None


# the parser's block-level events; any of them ends the text of a tight list item, which has no paragraph of its own
_BLOCKS = frozenset({"Paragraph", "Heading", "BlockQuote", "CodeBlock", "HtmlBlock", "List", "Item", "Table", "TableHead",
                     "TableRow", "TableCell", "FootnoteDefinition", "Rule"})
_LEAVES = frozenset({"Paragraph", "Heading", "CodeBlock", "HtmlBlock", "TableCell"})
_BREAKS = frozenset({"SoftBreak", "HardBreak"})
_REFERENCE_LINKS = frozenset({"Reference", "Collapsed", "Shortcut"})
_DELIMITER_CELL = re.compile(r"[ \t]*:?-+:?[ \t]*")


class _Leaf:
    """A block whose content is being read: its span, and where its first and last inline events are (for text, its
    inline markdown as written is the source between them)."""

    __slots__ = ("kind", "start", "end", "info", "quotes", "pieces", "first", "last")

    def __init__(self, kind: str, start: int, end: int, info: Any = None, quotes: int = 0) -> None:
        self.kind, self.start, self.end, self.info, self.quotes = kind, start, end, info, quotes
        self.pieces: list[str] = []  # code and HTML: the parser's text
        self.first = -1  # start of the first inline event
        self.last = start  # end of the last inline event


class _Walker:
    """Turns the parser's events into the card's sections, blocks and links, in one pass."""

    def __init__(self, card: Card, offset: int, source: bytes, nested: bool = False) -> None:
        self.card = card
        self.nested = nested  # reading a table found under a line of text (no second split)
        self.offset = offset  # lines before the body
        self.source = source  # the body as UTF-8: the parser's spans are byte offsets into it
        self.line_starts = _line_starts(source)
        self.references: dict[str, str] = {}  # labels of the reference links the parser resolved, to their targets
        self.open: list[int] = []  # indexes of the sections enclosing the current point
        self.in_item = 0
        self.quotes = 0  # block quotes around the current point
        # the block's inline links: (target, anchor text, line, the targets the patterns read in its source)
        self.parsed_links: list[tuple[str, str, int, list[str]]] = []
        self.anchors: list[tuple[str, int, list[str], list[str]]] = []  # the inline links open at this point
        self.leaf: _Leaf | None = None
        self.table: list[list[str]] | None = None
        self.table_start = 0

    def walk(self, events: Any) -> None:
        for event, span in events:
            if isinstance(event, str):  # SoftBreak, HardBreak, Rule
                kind, name, value = event, event, None
            else:
                ((kind, value),) = event.items()
                name = (value if isinstance(value, str) else next(iter(value))) if kind in ("Start", "End") else kind
            if name in _BLOCKS and self.leaf is not None and self.leaf.kind == "Implicit":
                self._finish(self.leaf)
            if kind == "Start" and name in _BLOCKS:
                self._start(name, value, span["start"], span["end"])
            elif kind == "End" and name in _BLOCKS:
                self._end(name, span["end"])
            elif name != "Rule":
                self._inline(kind, name, value, span["start"], span["end"])
        if self.leaf is not None:
            self._finish(self.leaf)
        last = len(self.card.lines)
        for section in self.open:
            self.card.sections[section].end = last

    def _start(self, name: str, value: Any, start: int, end: int) -> None:
        if name == "Item":
            self.in_item += 1
        elif name == "BlockQuote":
            self.quotes += 1
        elif name == "Table":
            self.table, self.table_start = [], self._line(start)
        elif name in ("TableHead", "TableRow") and self.table is not None:
            self.table.append([])
        elif name in _LEAVES:
            self.leaf = _Leaf(name, start, end, value[name] if isinstance(value, dict) else None, self.quotes)

    def _end(self, name: str, end: int) -> None:
        if name == "Item":
            self.in_item -= 1
        elif name == "BlockQuote":
            self.quotes -= 1
        elif name == "Table" and self.table is not None:
            self._table(self._line(end - 1))
        elif name in _LEAVES and self.leaf is not None:
            self._finish(self.leaf)

    def _inline(self, kind: str, name: str, value: Any, start: int, end: int) -> None:
        leaf = self.leaf
        if leaf is None:  # text straight inside a list item (a tight list): a paragraph to a reader
            leaf = self.leaf = _Leaf("Implicit", start, end, quotes=self.quotes)
        if leaf.kind in ("CodeBlock", "HtmlBlock"):
            if isinstance(value, str):
                leaf.pieces.append(value)
                leaf.first = start if leaf.first < 0 else leaf.first
            return
        if name in ("Link", "Image") or self.anchors:
            self._anchor(kind, name, value, start, end)
        if leaf.first < 0:
            # a text event starts after the backslash of an escape ("\*note"): the text as written keeps it
            leaf.first = start - 1 if start and self.source[start - 1:start] == b"\\" else start
        leaf.last = max(leaf.last, end)

    def _anchor(self, kind: str, name: str, value: Any, start: int, end: int) -> None:
        """Follows links and images: the targets of reference links; for an inline link, from its start to its end,
        its target and line, its anchor's text (what the parser read: text, code, images' alt text), and the targets
        the patterns would read in its source."""
        if kind == "Start":
            link = value.get(name) if isinstance(value, dict) else None
            link = link if isinstance(link, dict) else {}
            self._reference(link)
            if name == "Link":
                written = [m.group(2) for m in _MD_LINK.finditer(self.source[start:end].decode("utf-8", errors="replace"))]
                target = link.get("dest_url", "") if link.get("link_type") == "Inline" else ""
                self.anchors.append((target, self._line(start), written, []))
        elif kind == "End" and name == "Link" and self.anchors:
            url, line, written, text = self.anchors.pop()
            if url:
                self.parsed_links.append((url, "".join(text), line, written))
        elif kind in ("Text", "Code") and self.anchors and isinstance(value, str):
            self.anchors[-1][3].append(value)

    def _reference(self, link: dict[str, Any]) -> None:
        if link.get("link_type") in _REFERENCE_LINKS:
            self.references.setdefault(_label(link.get("id", "")), link.get("dest_url", ""))

    def _finish(self, leaf: _Leaf) -> None:
        self.leaf = None
        line = self._line(leaf.start)
        end = self._line(max(leaf.start, (leaf.last if leaf.kind == "Implicit" else leaf.end) - 1))
        if leaf.kind in ("CodeBlock", "HtmlBlock"):
            self._verbatim(leaf, line, end, "".join(leaf.pieces))
            return
        source = self.source[leaf.first:leaf.last] if leaf.first >= 0 else b""
        raw = _continuation(leaf.quotes).sub(b"\n", source).decode("utf-8", errors="replace")
        if leaf.kind == "Heading":
            self._heading(line, end, raw, int(leaf.info["level"][1:]))
        elif leaf.kind == "TableCell":
            if self.table:
                self.table[-1].append(raw.replace("\\|", "|"))  # GFM: an escaped pipe is a pipe inside a cell
        elif (split := None if self.nested else _table_start_in_text(raw)) is not None:
            self._table_under_text(line, end, raw, split)
        else:
            self._text_block("item" if self.in_item else "paragraph", line, end, raw)

    def _table_under_text(self, line: int, end: int, raw: str, split: int) -> None:
        """GFM lets a table start right under a line of text, as GitHub and the Hub render it; pulldown-cmark keeps it
        in the paragraph. The text above is the paragraph; the rest is parsed again, as the table it is."""
        lines = raw.split("\n")
        self.parsed_links = [link for link in self.parsed_links if link[2] < line + split]  # the table's are read again
        self._text_block("item" if self.in_item else "paragraph", line, line + split - 1, "\n".join(lines[:split]))
        # every line below the delimiter row is a row, as GFM reads it; a pipe first keeps an indented one a row
        table = "\n".join(lines[split:split + 2] + [row if row.lstrip().startswith("|") else "|" + row for row in lines[split + 2:]])
        walker = _Walker(self.card, line + split - 1, table.encode("utf-8"), nested=True)
        walker.open, walker.references, walker.in_item = self.open, self.references, self.in_item
        walker.walk(_events(table, self.card.path))

    def _verbatim(self, leaf: _Leaf, line: int, end: int, content: str) -> None:
        if leaf.kind == "CodeBlock":
            info = leaf.info.get("Fenced", "") if isinstance(leaf.info, dict) else ""
            lang = info.strip().split(maxsplit=1)[0].lower() if info.strip() else ""
            if leaf.first >= 0:
                content = self._trailing_blanks(content, self._line(leaf.first))
            self.card.blocks.append(Block("code", line, end, content[:MAX_INLINE_CHARS], self._section(), lang=lang))
        elif heading := _HTML_HEADING.fullmatch(content.strip()):
            self._heading(line, end, heading.group(2), int(heading.group(1)))
        else:
            self._text_block("html", line, end, content)

    def _trailing_blanks(self, content: str, line: int) -> str:
        """Code as written: each line with the trailing spaces and tabs the parser was not given (the code's line k is
        the card's line `line` + k)."""
        lines = content.split("\n")
        for index in range(len(lines) - content.endswith("\n")):
            if line - 1 + index < len(self.card.lines):
                written = self.card.lines[line - 1 + index]
                lines[index] += written[len(written.rstrip(" \t")):]
        return "\n".join(lines)

    def _line(self, offset: int) -> int:
        """The card's line (1-based) holding a byte of the body."""
        return self.offset + bisect_right(self.line_starts, offset)

    def _section(self) -> int:
        return self.open[-1] if self.open else -1

    def _heading(self, line: int, end: int, raw: str, level: int) -> None:
        sections = self.card.sections
        while self.open and sections[self.open[-1]].level >= level:
            sections[self.open.pop()].end = line - 1
        text = self._text(raw, line)
        if len(sections) < MAX_SECTIONS and text:
            sections.append(Section(title=text, level=level, line=line, end=len(self.card.lines), parent=self._section()))
            self.open.append(len(sections) - 1)
        self.card.blocks.append(Block("heading", line, end, text, self._section()))

    def _text_block(self, kind: str, line: int, end: int, raw: str) -> None:
        text = self._text(raw, line)
        self.card.blocks.append(Block(kind, line, end, text, self._section()))
        if kind != "html" and (label := _LABEL.match(raw)):
            self.card.labels.append((label.group(1).strip(), line))

    def _table(self, end: int) -> None:
        found = self._parsed_links(len(self.card.blocks))  # one set for all the cells: one block
        rows = tuple(tuple(self._text(cell, self.table_start, found=found) for cell in row) for row in self.table or [])
        text = "\n".join(" | ".join(row) for row in rows)
        self.card.blocks.append(Block("table", self.table_start, end, text, self._section(), rows=rows))
        self.table = None

    # -- inline: links and plain text, by bounded patterns --------------------------------------------------------
    def _text(self, raw: str, line: int, found: tuple[set[str], set[str]] | None = None) -> str:
        # an HTML comment is not shown to a reader: template hints, or text the author hid ("<!-- run it with ... -->");
        # its line breaks are kept so that links after it stay on their lines
        raw = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), raw[:MAX_INLINE_CHARS])
        block = len(self.card.blocks)
        taken, cut = self._parsed_links(block) if found is None else found
        for pattern, url, text in _LINK_FORMS:
            for match in pattern.finditer(raw):
                target = match.group(url)
                if pattern is _REF_LINK:
                    reference = self.references.get(_label(match.group(2) or match.group(1)))
                    target = reference or ""
                elif pattern is _BARE_URL:
                    target = target.rstrip(".,;:*_")
                elif target in cut:  # inside a link the parser read (see _parsed_links)
                    continue
                # a paragraph's text keeps its line breaks: the link is on the line it starts on
                self._link(target, _plain(match.group(text)) if text else "", line + raw.count("\n", 0, match.start()), block, taken)
        return _plain(raw)

    def _parsed_links(self, block: int) -> tuple[set[str], set[str]]:
        """The block's inline links as the parser read them, first: it also reads those the patterns cannot (brackets
        in the anchor, "[\\[GitHub\\]](...)", "FLUX.1 [dev]"; an anchor across lines; parentheses in the target) and
        gives each its own line in a table. (The targets taken, and what the patterns read in those links' source,
        which they must not read again: a target cut short at a ')', written with escapes, an image inside the anchor.)"""
        taken: set[str] = set()
        cut: set[str] = set()
        for url, anchor, line, written in self.parsed_links:
            self._link(url, " ".join(anchor.split()), line, block, taken)
            cut.update(written)
        self.parsed_links = []
        return taken, cut

    def _link(self, url: str, text: str, line: int, block: int, taken: set[str]) -> None:
        if url and url not in taken and len(self.card.links) < MAX_LINKS:
            taken.add(url)
            self.card.links.append(Link(url=url, text=text, line=line, block=block))


def _table_start_in_text(raw: str) -> int | None:
    """Index of the line that starts a GFM table inside a paragraph's text (a header row with text above it and a
    delimiter row with as many cells below it), else None."""
    if "|" not in raw or "-" not in raw:
        return None
    lines = raw.split("\n")
    for index in range(2, len(lines)):
        delimiter = _delimiter_cells(lines[index])
        if delimiter and "|" in lines[index - 1] and len(_cells(lines[index - 1])) == delimiter:
            return index - 1
    return None


def _delimiter_cells(line: str) -> int:
    """The number of cells of a GFM delimiter row ("|:--|--:|"), 0 for any other line. String checks, not one
    regular expression: its optional blanks and pipes side by side took time growing with the square of the line."""
    row = line.strip()
    if "|" not in row or "-" not in row or row.strip("|:- \t"):
        return 0
    cells = _between_pipes(row).split("|")
    return len(cells) if all(_DELIMITER_CELL.fullmatch(cell) for cell in cells) else 0


def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", _between_pipes(row.strip()))


def _between_pipes(row: str) -> str:
    """A table row without the pipes that may begin and end it."""
    return row[1 if row.startswith("|") else 0:-1 if row.endswith("|") and len(row) > 1 else None]


@cache
def _continuation(quotes: int) -> re.Pattern[bytes]:
    """What begins a text's continuation line inside its containers: an item's indentation, and as many quote markers
    as there are quotes around it ("> > ")."""
    return re.compile(rb"\n(?:[ \t]*>){0,%d}[ \t]*" % min(quotes, 100))


def _label(text: str) -> str:
    """A reference link's label as CommonMark matches it: case and runs of white space do not count."""
    return " ".join(text.split()).casefold()


def _line_starts(source: bytes) -> list[int]:
    starts = [0]
    index = source.find(b"\n")
    while index >= 0:
        starts.append(index + 1)
        index = source.find(b"\n", index + 1)
    return starts


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
