"""Command-line parameter types: they turn what the user typed into values, or fail with a usage error (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from openlint.formats import EXTENSIONS, FORMATS


class RuleSelectors(click.ParamType):
    """Comma-separated rule codes, code prefixes (OLS) or names; repeatable."""

    name = "CODES"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        items = tuple(item.strip() for item in str(value).split(",") if item.strip())
        if not items:
            self.fail("expected rule codes, code prefixes or names, comma-separated", param, ctx)
        return items


class OutputSpec(click.ParamType):
    """`FORMAT:FILE`, or a FILE whose extension names the format."""

    name = "[FORMAT:]FILE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, Path]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        prefix, sep, rest = text.partition(":")
        if sep and prefix in FORMATS:
            if not rest:
                self.fail(f"{text!r} names no file after the format", param, ctx)
            return prefix, Path(rest)
        fmt = EXTENSIONS.get(Path(text).suffix.lower())
        if fmt is None:
            self.fail(f"cannot tell the format of {text!r}; write FORMAT:FILE (formats: {', '.join(FORMATS)})", param, ctx)
        return fmt, Path(text)

