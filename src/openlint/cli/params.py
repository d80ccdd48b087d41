"""Command-line parameter types: they turn what the user typed into values, or fail with a usage error (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from openlint.errors import OpenlintError
from openlint.formats import FORMATS, format_of

_FORMAT_NAME = re.compile(r"[A-Za-z]{2,}")  # letters only ("run-12:00.json" is a file), two at least ("C:\\x.json" is a path)


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


class Target(click.ParamType):
    """A release folder, or a Hub repository id (org/name) or URL: never empty (an empty argument, from an unset
    shell variable, would otherwise check the current folder)."""

    name = "TARGET"

    def __init__(self, *, typo_here: bool = True) -> None:
        # `check` says a mistyped folder itself, before any lookup, where its SARIF outputs record the error too
        self.typo_here = typo_here

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if not text.strip():
            self.fail("TARGET is empty: name a release folder, or a Hub repository (org/name) or URL", param, ctx)
        from openlint.sources import mistyped_folder

        if self.typo_here and (typo := mistyped_folder(text)):  # said at once, never after a Hub lookup
            raise OpenlintError(typo)
        return text


class FolderTarget(click.Path):
    """A release folder (not a Hub repository), never empty."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("the folder is empty: name a release folder", param, ctx)
        return super().convert(value, param, ctx)


class OutputSpec(click.ParamType):
    """`FORMAT:FILE`, or a FILE whose extension names the format."""

    name = "[FORMAT:]FILE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, Path]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        prefix, sep, rest = text.partition(":")
        if sep and prefix.lower() in FORMATS:
            if not rest:
                self.fail(f"{text!r} names no file after the format", param, ctx)
            return prefix.lower(), self._file(Path(rest), param, ctx)
        if sep and rest and _FORMAT_NAME.fullmatch(prefix):
            # a word before the colon names a format ("foo:report.json"); a file named so is written ./foo:report.json
            self.fail(f"unknown format {prefix!r} (formats: {', '.join(FORMATS)}); for a file of that name write ./{text}", param, ctx)
        path = self._file(Path(text), param, ctx)  # '-' or a directory is said first: no format would make it a file
        fmt = format_of(path.name)
        if fmt is None:
            self.fail(f"cannot tell the format of {text!r}; write FORMAT:FILE (formats: {', '.join(FORMATS)})", param, ctx)
        return fmt, path

    def _file(self, path: Path, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        # said before the check runs: with several -o, no output is written if one of them cannot be
        if str(path) == "-":
            self.fail("'-' is not a file: the report in --format goes to stdout; -o writes files", param, ctx)
        if path.is_dir():
            self.fail(f"{str(path)!r} is a directory; give a file name", param, ctx)
        return path

