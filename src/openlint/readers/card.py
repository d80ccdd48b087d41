"""Model card reader: YAML front matter (the Hub's metadata) and the markdown body as sections, links and lines.

Everything is linear in the card's size: one pass over the lines, one regex scan per line, bounded counts.
"""

from __future__ import annotations

import re
from openlint.release.model import Card, Link, Problem, Section
from openlint.support import yamlsafe

MAX_CARD_BYTES = 1_000_000  # 30x the largest real card in the corpus; a larger one is read up to here and reported
MAX_LINKS = 5_000
MAX_SECTIONS = 2_000
MAX_LINE_CHARS = 4_000  # longer lines (inline images, minified data) are truncated before any regex runs

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\]\(\s*<?([^)\s>]{1,2000})>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"(?<![(<\[\"'=])\bhttps?://[^\s)<>\]\"'`]{1,2000}")
_LABEL = re.compile(r"^\s{0,3}(?:[-*]\s+)?\*\*([^*\n]{2,80}?):?\*\*:?")
_HTML_LINK = re.compile(r"href=[\"']([^\"']{1,2000})[\"']", re.IGNORECASE)


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
    _read_body(card)
    return card


def _read_front_matter(card: Card, problems: list[Problem]) -> None:
    lines = card.lines
    if not lines or lines[0].strip() != "---":
        problems.append(Problem("card.front-matter-missing", card.path, 1, "the card has no YAML front matter (a block between '---' lines at the top)"))
        return
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        problems.append(Problem("card.front-matter-invalid", card.path, 1, "the front matter is never closed by a '---' line"))
        return
    card.has_front_matter = True
    card.body_start = end + 2
    for number in range(1, end):
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*:", lines[number])
        if match:
            card.key_lines.setdefault(match.group(1), number + 1)
    try:
        data = yamlsafe.load("\n".join(lines[1:end]))
    except yamlsafe.YamlError as exc:
        line = exc.line + 1 if exc.line else 1
        problems.append(Problem("card.front-matter-invalid", card.path, line, f"the front matter is not valid YAML: {exc}"))
        return
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem("card.front-matter-invalid", card.path, 2, f"the front matter is a {type(data).__name__}, not a mapping of metadata fields"))
        return
    card.metadata = {str(k): v for k, v in data.items()}


def _read_body(card: Card) -> None:
    lines = card.lines
    open_sections: list[Section] = []
    card.enclosing = [()] * len(lines)
    current: tuple[Section, ...] = ()
    fence: str | None = None
    previous = ""
    for number in card.body_lines():
        text = lines[number - 1]
        card.enclosing[number - 1] = current
        fence_match = _FENCE.match(text)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            previous = ""
            continue
        if fence_match:
            fence = fence_match.group(1)
            previous = ""
            continue
        heading = _HEADING.match(text)
        level = 0
        title = ""
        line = number
        if heading:
            level, title = len(heading.group(1)), heading.group(2).strip()
        elif previous.strip() and _SETEXT.match(text) and not previous.lstrip().startswith(("-", "*", "|", ">")):
            level, title, line = (1 if text.strip()[0] == "=" else 2), previous.strip(), number - 1
        if level and title and len(card.sections) < MAX_SECTIONS:
            while open_sections and open_sections[-1].level >= level:
                open_sections.pop().end = line - 1
            section = Section(title=_plain(title), level=level, line=line, end=len(lines))
            card.sections.append(section)
            open_sections.append(section)
            current = tuple(open_sections)
            card.enclosing[line - 1] = current
            card.enclosing[number - 1] = current
        if text.lstrip().startswith(("**", "- **", "* **")) and len(card.labels) < MAX_SECTIONS and (label := _LABEL.match(text)):
            card.labels.append((label.group(1).strip(), number))
        if len(card.links) < MAX_LINKS and ("http" in text or "](" in text or "href" in text):
            _collect_links(card, text, number)
        previous = text


def _collect_links(card: Card, text: str, number: int) -> None:
    seen: set[str] = set()
    for match in _MD_LINK.finditer(text):
        url = match.group(2)
        seen.add(url)
        card.links.append(Link(url=url, text=_plain(match.group(1)), line=number))
    for match in _HTML_LINK.finditer(text):
        if match.group(1) not in seen:
            seen.add(match.group(1))
            card.links.append(Link(url=match.group(1), text="", line=number))
    for match in _BARE_URL.finditer(text):
        url = match.group(0).rstrip(".,;:*_")
        if url not in seen:
            card.links.append(Link(url=url, text="", line=number))


def _plain(text: str) -> str:
    """Strip the markdown decoration from a heading or link text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]{0,200}>", "", text)
    return text.replace("**", "").replace("__", "").replace("`", "").strip()
