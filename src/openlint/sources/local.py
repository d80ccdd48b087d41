"""A release folder on disk.

The folder is hostile until proven otherwise: symlinks are never followed outside it, only regular files are
opened (a FIFO named model.bin must not block us), reads are bounded, and weight files are read only as far as
their headers.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from openlint import licences
from openlint.errors import OpenlintError
from openlint.readers import card as card_reader
from openlint.readers import declaration as declaration_reader
from openlint.readers import weights as weight_reader
from openlint.release import Evidence, FileEntry, LicenceClaim, Problem, Release

MAX_FILES = 500_000
MAX_SMALL_FILE = 1_000_000  # licence texts, configs, declarations: read up to this many bytes
CARD_NAMES = ("README.md", "MODEL_CARD.md", "README.MD", "readme.md", "ModelCard.md", "model_card.md")
LICENCE_PREFIXES = ("license", "licence", "copying", "use_policy", "notice")


class LocalSource:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        if not self.root.exists():
            raise OpenlintError(f"{root}: no such file or directory")
        if not self.root.is_dir():
            raise OpenlintError(f"{root}: not a directory (openlint checks a release folder)")
        self.real_root = os.path.realpath(self.root)

    # -- opening files safely ------------------------------------------------------------------------------
    def _inside(self, real: str) -> bool:
        return real == self.real_root or real.startswith(self.real_root + os.sep)

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

    def read_small(self, relative: str, limit: int = MAX_SMALL_FILE) -> bytes:
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
        path = self._top_level(release, CARD_NAMES)
        if path is None:
            release.problems.append(Problem("card.missing", None, None, "the release has no model card (README.md)"))
            return
        try:
            with self.open(path) as handle:
                raw = handle.read(card_reader.MAX_CARD_BYTES + 1)
        except OSError as exc:
            release.problems.append(Problem("card.missing", path, None, f"the model card could not be read: {exc.strerror or exc}"))
            return
        text = card_reader.decode(raw, path, release.problems, size=release.files[path].size)
        release.card = card_reader.parse(text, path, release.problems)
        meta = release.card.metadata
        for claim in card_licence_claims(release.card, meta):
            release.licences.append(claim)

    def _read_config(self, release: Release) -> None:
        if "config.json" not in release.files or release.files["config.json"].special:
            return
        try:
            data = json.loads(self.read_small("config.json", 5_000_000))
        except (OSError, ValueError, RecursionError):
            release.problems.append(Problem("config.invalid", "config.json", 1, "config.json is not valid JSON"))
            return
        if isinstance(data, dict):
            release.config = data

    def _read_licence_files(self, release: Release) -> None:
        for path, entry in sorted(release.files.items()):
            name = path.lower()
            if "/" in path or entry.special or not name.startswith(LICENCE_PREFIXES):
                continue
            if name.endswith((".pdf", ".png", ".jpg")):
                continue
            try:
                text = self.read_small(path).decode("utf-8", errors="replace")
            except OSError:
                continue
            release.texts[path] = text
            if name.startswith(("use_policy", "notice")):
                continue
            licence = licences.identify_text(text)
            first = next((line.strip() for line in text.splitlines() if line.strip()), "")
            release.licences.append(LicenceClaim(licence.id if licence else first[:80], licence.id if licence else None,
                                                 Evidence(path, 1, first[:120], "licence-file")))

    def _read_declaration(self, release: Release) -> None:
        path = self._top_level(release, declaration_reader.FILE_NAMES)
        in_card = release.card is not None and declaration_reader.CARD_KEY in release.card.metadata
        if path is not None:
            try:
                text = self.read_small(path).decode("utf-8", errors="replace")
            except OSError as exc:
                release.problems.append(Problem("declaration.invalid", path, 1, f"could not be read: {exc.strerror or exc}"))
                return
            release.declaration = declaration_reader.read_file(text, path, release.problems)
            if in_card:
                release.problems.append(Problem("declaration.duplicate", release.card.path, release.card.key_line("openness"),
                                                f"the card's front matter also has an `openness:` block; {path} takes precedence"))
        elif in_card:
            card = release.card
            release.declaration = declaration_reader.parse(card.metadata["openness"], card.path, card.lines, card.key_line("openness"), release.problems)
        for declared in (release.declaration.components.values() if release.declaration else ()):
            if declared.licence:
                licence = licences.lookup(declared.licence)
                release.licences.append(LicenceClaim(declared.licence, licence.id if licence else None,
                                                     Evidence(release.declaration.path, declared.line, f"license: {declared.licence}", "declaration"), scope=declared.id))

    def _read_weights(self, release: Release) -> None:
        for path, entry in sorted(release.files.items()):
            if entry.special:
                if weight_reader.identify(path):
                    release.problems.append(Problem("weights.unreadable", path, None, f"a weight file that cannot be read ({entry.special})"))
                continue
            weight = weight_reader.inspect(path, entry.size, self.open, release.problems)
            if weight is None:
                continue
            release.weights.append(weight)
            licence = weight.metadata.get("general.license") if weight.format == "gguf" else weight.metadata.get("license")
            if isinstance(licence, str) and licence.strip():
                known = licences.lookup(licence)
                release.licences.append(LicenceClaim(licence, known.id if known else None,
                                                     Evidence(path, None, f"{'general.license' if weight.format == 'gguf' else 'license'}: {licence}", "weights-header"), scope=f"file:{path}"))
        weight_reader.check_indexes(release, self.open)


def card_licence_claims(card: card_reader.Card, meta: dict) -> list[LicenceClaim]:
    """Licence statements in the card: the `license` metadata (with `license_name` for `other`), and a
    licence section in the prose whose text names a known licence."""
    claims: list[LicenceClaim] = []
    raw = meta.get("license")
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    line = card.key_line("license")
    for value in values:
        value = str(value)
        licence = licences.lookup(value)
        if licence is not None and licence.id == "other" and isinstance(meta.get("license_name"), str):
            named = licences.lookup(meta["license_name"])
            claims.append(LicenceClaim(meta["license_name"], named.id if named else None,
                                       Evidence(card.path, card.key_line("license_name"), f"license_name: {meta['license_name']}", "card-metadata")))
            continue
        claims.append(LicenceClaim(value, licence.id if licence else None, Evidence(card.path, line, f"license: {value}", "card-metadata")))
    for section in card.sections:
        if "licen" in section.title.lower():
            text = "\n".join(card.line(n) for n in range(section.line, min(section.end, section.line + 30) + 1))
            licence = licences.identify_text(text)
            if licence is not None:
                claims.append(LicenceClaim(licence.id, licence.id, Evidence(card.path, section.line, section.title, "card-text")))
    return claims
