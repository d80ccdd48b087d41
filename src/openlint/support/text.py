"""Short quotes of release text, as evidence shows them."""

from __future__ import annotations

SNIPPET = 160


def snippet(text: str, limit: int = SNIPPET) -> str:
    """One line of at most `limit` characters, white space folded."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
