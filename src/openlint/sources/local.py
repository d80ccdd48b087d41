"""A release folder on disk.

The folder is hostile until proven otherwise: symlinks are never followed outside it, only regular files are
opened (a FIFO named model.bin must not block us), reads are bounded, and weight files are read only as far as
their headers.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from openlint.errors import OpenlintError
from openlint.readers import card as card_reader
from openlint.readers import declaration as declaration_reader
from openlint.readers import weights as weight_reader
from openlint.release import FileEntry, Problem, Release
from openlint.sources import common

MAX_FILES = 500_000


class LocalSource:
    def __init__(self, root: str | os.PathLike[str], *, trusted: str | os.PathLike[str] | None = None) -> None:
        """`trusted`: a folder outside the release that symlinks may point into (the huggingface_hub cache)."""
        self.root = Path(root)
        if not self.root.exists():
            raise OpenlintError(f"{root}: no such file or directory")
        if not self.root.is_dir():
            raise OpenlintError(f"{root}: not a directory (openlint checks a release folder)")
        self.real_root = os.path.realpath(self.root)
        self.trusted = [self.real_root] + ([os.path.realpath(trusted)] if trusted else [])

    # -- opening files safely ------------------------------------------------------------------------------
    def _inside(self, real: str) -> bool:
        return any(real == root or real.startswith(root + os.sep) for root in self.trusted)

    @contextmanager
    def open(self, relative: str) -> Iterator[BinaryIO]:
        real = os.path.realpath(self.root / relative)
        if not self._inside(real):
            raise OSError(f"{relative} resolves outside the release folder")
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"{relative} is not a regular file")
            handle = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        with handle:
            yield handle

    def read_small(self, relative: str, limit: int = common.MAX_SMALL_FILE) -> bytes:
        with self.open(relative) as handle:
            return handle.read(limit)

    # -- inventory -----------------------------------------------------------------------------------------
    def inventory(self, problems: list[Problem]) -> dict[str, FileEntry]:
        files: dict[str, FileEntry] = {}
        pending = [""]
        while pending:
            folder = pending.pop()
            try:
                entries = list(os.scandir(self.root / folder if folder else self.root))
            except OSError as exc:
                problems.append(Problem("fs.unreadable", folder or ".", None, f"folder could not be listed: {exc.strerror or exc}"))
                continue
            for entry in sorted(entries, key=lambda e: e.name):
                relative = f"{folder}/{entry.name}" if folder else entry.name
                if len(files) >= MAX_FILES:
                    problems.append(Problem("fs.too-many-files", ".", None, f"more than {MAX_FILES} files; the rest were not inventoried"))
                    return files
                try:
                    if entry.is_symlink():
                        self._symlink(entry, relative, files, problems)
                    elif entry.is_dir(follow_symlinks=False):
                        if entry.name != ".git":
                            pending.append(relative)
                    elif entry.is_file(follow_symlinks=False):
                        files[relative] = FileEntry(relative, entry.stat(follow_symlinks=False).st_size)
                    else:
                        files[relative] = FileEntry(relative, 0, special="not a regular file")
                        problems.append(Problem("fs.special-file", relative, None, "not a regular file (FIFO, socket or device); not read"))
                except OSError as exc:
                    files[relative] = FileEntry(relative, 0, special="unreadable")
                    problems.append(Problem("fs.unreadable", relative, None, f"could not be read: {exc.strerror or exc}"))
        return files

    def _symlink(self, entry: os.DirEntry[str], relative: str, files: dict[str, FileEntry], problems: list[Problem]) -> None:
        real = os.path.realpath(entry.path)
        if not self._inside(real):
            files[relative] = FileEntry(relative, 0, special="symlink outside the release")
            problems.append(Problem("fs.symlink-outside", relative, None, "a symlink to a path outside the release folder; not followed"))
            return
        try:
            info = os.stat(real)
        except OSError as exc:
            files[relative] = FileEntry(relative, 0, special="broken symlink")
            problems.append(Problem("fs.broken-symlink", relative, None, f"a symlink that cannot be resolved ({exc.strerror or exc})"))
            return
        if stat.S_ISREG(info.st_mode):
            files[relative] = FileEntry(relative, info.st_size)
        # symlinked folders inside the release are not descended into: their files are inventoried at their target

    # -- the release ------------------------------------------------------------------------------------------
    def load(self) -> Release:
        release = Release(name=os.path.basename(self.real_root.rstrip(os.sep)) or self.real_root, source="local", location=str(self.root))
        problems = release.problems
        release.files = self.inventory(problems)
        self._read_card(release)
        self._read_config(release)
        self._read_licence_files(release)
        self._read_declaration(release)
        self._read_weights(release)
        return release

    def _top_level(self, release: Release, names: tuple[str, ...]) -> str | None:
        for name in names:
            entry = release.files.get(name)
            if entry is not None and not entry.special:
                return name
        return None

    def _read_card(self, release: Release) -> None:
        path = self._top_level(release, common.CARD_NAMES)
        if path is None:
            release.problems.append(Problem("card.missing", None, None, "the release has no model card (README.md)"))
            return
        try:
            raw = self.read_small(path, card_reader.MAX_CARD_BYTES + 1)
        except OSError as exc:
            release.problems.append(Problem("card.missing", path, None, f"the model card could not be read: {exc.strerror or exc}"))
            return
        common.add_card(release, path, raw, release.files[path].size)

    def _read_config(self, release: Release) -> None:
        if "config.json" not in release.files or release.files["config.json"].special:
            return
        try:
            raw = self.read_small("config.json", 5_000_000)
        except OSError:
            raw = b""
        common.add_config(release, raw)

    def _read_licence_files(self, release: Release) -> None:
        for path, entry in sorted(release.files.items()):
            if entry.special or not common.is_licence_file(path):
                continue
            try:
                text = self.read_small(path).decode("utf-8", errors="replace")
            except OSError:
                continue
            common.add_licence_file(release, path, text)

    def _read_declaration(self, release: Release) -> None:
        path = self._top_level(release, declaration_reader.FILE_NAMES)
        text = None
        if path is not None:
            try:
                text = self.read_small(path).decode("utf-8", errors="replace")
            except OSError as exc:
                release.problems.append(Problem("declaration.invalid", path, 1, f"could not be read: {exc.strerror or exc}"))
                return
        common.add_declaration(release, path, text)

    def _read_weights(self, release: Release) -> None:
        for path, entry in sorted(release.files.items()):
            if entry.special:
                if weight_reader.identify(path):
                    release.problems.append(Problem("weights.unreadable", path, None, f"a weight file that cannot be read ({entry.special})"))
                continue
            weight = weight_reader.inspect(path, entry.size, self.open, release.problems)
            if weight is not None:
                release.weights.append(weight)
                common.add_weight_licence(release, weight)
        weight_reader.check_indexes(release, self.open)
