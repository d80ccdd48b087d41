"""A release folder on disk.

The folder is hostile until proven otherwise: symlinks are never followed outside it, only regular files are
opened (a FIFO named model.bin must not block us), reads are bounded.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from openlint.errors import OpenlintError
from openlint.release import limits
from openlint.release.model import FileEntry, HubFacts, Problem
from openlint.sources.base import Fetch, Fetched, Listing, Opener, Unreadable

MAX_FILES = 500_000


class LocalSource:
    def __init__(self, root: str | os.PathLike[str], *, trusted: str | os.PathLike[str] | None = None,
                 as_hub: HubFacts | None = None, name: str | None = None) -> None:
        """`trusted`: a folder outside the release that symlinks may point into (the huggingface_hub cache);
        `as_hub`: the folder is a cached snapshot of this Hub repository; `name`: the release's name when it is
        known (the Hub repository a checkout comes from), else the folder's."""
        self.name = name
        self.root = Path(root)
        if not self.root.exists():
            raise OpenlintError(f"{root}: no such file or directory")
        if not self.root.is_dir():
            raise OpenlintError(f"{root}: not a directory (openlint checks a release folder)")
        try:
            os.scandir(self.root).close()
        except OSError as exc:
            raise OpenlintError(f"{root}: the folder cannot be read ({exc.strerror or exc})") from None
        self.real_root = os.path.realpath(self.root)
        self.trusted = [self.real_root] + ([os.path.realpath(trusted)] if trusted else [])
        self.as_hub = as_hub

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

    @property
    def opener(self) -> Opener:
        return self.open

    # -- the listing ---------------------------------------------------------------------------------------
    def listing(self) -> Listing:
        problems: list[Problem] = []
        set_aside: list[str] = []
        submodules: list[str] = []
        self._folder_links: dict[str, str] = {}
        files = self._inventory(problems, set_aside, submodules)
        _links_into_hidden(self.root, self._folder_links, set_aside, problems)
        if self.as_hub is not None:
            return Listing(self.as_hub.repo_id, "hub", self.as_hub.repo_id, files, problems, self.as_hub)
        name = self.name or os.path.basename(self.real_root.rstrip(os.sep)) or self.real_root
        return Listing(name, "local", str(self.root), files, problems, set_aside=sorted(set_aside), submodules=sorted(submodules),
                       folder_links=dict(self._folder_links))

    def _inventory(self, problems: list[Problem], set_aside: list[str], submodules: list[str]) -> dict[str, FileEntry]:
        """The release's files; `set_aside` and `submodules` are filled with a checkout's environments left out and its
        submodule folders."""
        files: dict[str, FileEntry] = {}
        holding = _tracked_folders(self.root)
        submodules.extend(holding.submodules if holding is not None else ())
        pending = [""]
        while pending:
            folder = pending.pop()
            try:
                entries = sorted(os.scandir(self.root / folder if folder else self.root), key=lambda e: e.name)
            except OSError as exc:
                problems.append(Problem("fs.unreadable", folder or ".", None, f"folder could not be listed: {exc.strerror or exc}"))
                continue
            for entry in entries:
                if len(files) + len(self._folder_links) >= MAX_FILES:
                    problems.append(Problem("fs.too-many-files", ".", None, f"more than {MAX_FILES} files; the rest were not inventoried"))
                    return files
                relative = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir(follow_symlinks=False) and not entry.is_symlink():
                    _folder(entry, relative, holding, pending, set_aside)
                else:
                    self._add(entry, relative, files, problems)
        return files

    def _add(self, entry: os.DirEntry[str], relative: str, files: dict[str, FileEntry], problems: list[Problem]) -> None:
        try:
            if entry.is_symlink():
                self._symlink(entry, relative, files, problems)
            elif entry.is_file(follow_symlinks=False):
                files[relative] = FileEntry(relative, entry.stat(follow_symlinks=False).st_size)
            else:
                files[relative] = FileEntry(relative, 0, special="not a regular file")
                problems.append(Problem("fs.special-file", relative, None, "not a regular file (FIFO, socket or device); not read"))
        except OSError as exc:
            files[relative] = FileEntry(relative, 0, special="unreadable")
            problems.append(Problem("fs.unreadable", relative, None, f"could not be read: {exc.strerror or exc}"))

    def _symlink(self, entry: os.DirEntry[str], relative: str, files: dict[str, FileEntry], problems: list[Problem]) -> None:
        real = os.path.realpath(entry.path)
        if not self._inside(real):
            files[relative] = FileEntry(relative, 0, special="symlink outside the release")
            if os.path.isdir(real):  # a loader follows it (diffusers' subfolder="unet"): weights there go unchecked
                problems.append(Problem("weights.unverified", relative, None, "a symlink to a folder outside the release: a loader follows "
                                        "it, and the files it holds are not checked"))
            else:
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
        elif stat.S_ISDIR(info.st_mode):
            # not descended into: its files are inventoried at its target, unless the target is left out (below);
            # counted toward the inventory's limit, so that a million links meet it as a million files do
            self._folder_links[relative] = os.path.relpath(real, self.real_root).replace(os.sep, "/")

    # -- reads ---------------------------------------------------------------------------------------------
    def fetch(self, request: Fetch) -> Fetched:
        """Local reads are cheap and sequential; headers are read by the weight scanners through `open`; nothing is
        looked up and no other repository's card is read (there is no network)."""
        fetched = Fetched()
        for path, limit in request.texts.items():
            try:
                with self.open(path) as handle:
                    fetched.texts[path] = handle.read(limit)
            except OSError as exc:
                # the system refused or failed the read (permissions, I/O): the release may say more than what was
                # read, so the check is incomplete; a file openlint itself declines (outside the folder, not a
                # regular file) is a finding of the listing
                fetched.texts[path] = Unreadable(exc.strerror or str(exc), failed=exc.errno is not None)
        fetched.cards = {repo: Unreadable("not looked up: a local check does not use the network") for repo in request.cards}
        return fetched


# folders a tool makes beside a project, never part of it: left out when git does not track a file in them
_ENVIRONMENT_NAMES = ("node_modules", "__pycache__")


def _work_tree(root: Path) -> tuple[Path, Path] | None:
    """(work tree, git folder) of the checkout holding `root`: the first folder up from it with a .git."""
    from openlint.sources import gitindex

    folder = Path(os.path.realpath(root))
    for candidate in [folder, *folder.parents][:MAX_CHECKOUT_DEPTH]:
        if os.path.lexists(candidate / ".git"):
            git = gitindex.git_dir(candidate)
            return (candidate, git) if git is not None else None
    return None


class Tracked:
    """What a checkout's .git/index says is committed: the folders holding a tracked file, and its submodules, whose
    own files are tracked by the submodule's index (not read): nothing beneath one is ever left out."""

    def __init__(self, folders: frozenset[str], submodules: frozenset[str]) -> None:
        self.folders = folders
        self.submodules = submodules

    def inside_submodule(self, relative: str) -> bool:
        folder = relative.rpartition("/")[0]
        while folder:  # as deep as the folder is: the walk reaches it once
            if folder in self.submodules:
                return True
            folder = folder.rpartition("/")[0]
        return False


def _links_into_hidden(root: Path, links: dict[str, str], set_aside: list[str], problems: list[Problem]) -> None:
    """A folder symlink whose target openlint never lists (the checkout's .git, a folder set aside): a loader follows
    it ("unet" -> .git/x/unet), so what it holds is unverified, never passed over. Folders are compared as the
    system sees them (device and inode), not by spelling: ".VENV/x" is .venv/x where names fold case."""
    hidden = {identity for folder in (".git", *set_aside) if (identity := _identity(root / folder)) is not None}
    found = [link for link, target in links.items() if hidden and _under(root, target, hidden)]
    limits.said(problems, found,
                lambda link: Problem("weights.unverified", link, None, f"a symlink to {links[link]}, a folder openlint leaves out of the "
                                     "release: a loader follows it, and the files it holds are not checked"),
                lambda more: Problem("weights.unverified", found[limits.MAX_SAID], None, f"{more} more symlinks to folders openlint "
                                     "leaves out of the release"))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _under(root: Path, target: str, hidden: set[tuple[int, int]]) -> bool:
    parts = target.split("/")
    return any(_identity(root.joinpath(*parts[:i])) in hidden for i in range(1, len(parts) + 1))


def _folder(entry: os.DirEntry[str], relative: str, holding: Tracked | None, pending: list[str], set_aside: list[str]) -> None:
    """A folder: walked, or set aside as an environment git does not track (never committed, so never released)."""
    if relative == ".git":  # the checkout's own history; a .git deeper down is files like any other
        return
    if holding is not None and relative not in holding.folders and not holding.inside_submodule(relative) and _environment(entry):
        set_aside.append(relative)
    else:
        pending.append(relative)


MAX_CHECKOUT_DEPTH = 64  # folders walked up from a release to the work tree holding it


def _tracked_folders(root: Path) -> Tracked | None:
    """The release at `root` as the index of the git work tree holding it tracks it (its own .git folder, a
    worktree's or submodule's .git file, or a work tree above it: a model in a subfolder), or None when that cannot
    be told (no work tree, an index this reader does not take): then nothing is left out."""
    from openlint.sources import gitindex

    found = _work_tree(root)
    if found is None:
        return None
    top, git = found
    paths = gitindex.tracked_in(git)
    if paths is None:
        return None
    prefix = os.path.relpath(os.path.realpath(root), os.path.realpath(top)).replace(os.sep, "/")
    if prefix != ".":  # the release is a subfolder of the work tree: its paths, relative to it
        if prefix + "/" in paths:  # the release is a submodule git records, not its files: its own index is not here
            return None
        paths = frozenset(path[len(prefix) + 1:] for path in paths if path.startswith(prefix + "/"))
        if not paths:  # the index tracks nothing of it (a download dropped into a project, an ignored folder): it
            return None  # says nothing about the release, so nothing is left out
    folders: set[str] = set()
    submodules = {path.rstrip("/") for path in paths if path.endswith("/")}
    for path in paths:
        folder = path.rstrip("/") if path.endswith("/") else path.rpartition("/")[0]  # a submodule is a tracked folder
        while folder and folder not in folders:  # up to the first folder already known: linear in the index's size
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return Tracked(frozenset(folders), frozenset(submodules))


def _marked_environment(path: str) -> bool:
    """A venv's pyvenv.cfg (a file) or a conda environment's conda-meta (a folder), as the tools that make them leave them."""
    try:
        if stat.S_ISREG(os.lstat(os.path.join(path, "pyvenv.cfg")).st_mode):
            return True
    except OSError:
        pass
    try:
        return stat.S_ISDIR(os.lstat(os.path.join(path, "conda-meta")).st_mode)
    except OSError:
        return False


def _environment(entry: os.DirEntry[str]) -> bool:
    """A Python virtual environment (its pyvenv.cfg, a conda env's conda-meta) or a package manager's folder, holding at its top, where a
    loader given that folder would look (Diffusers' "unet", a `subfolder=`), no weight file, no Python file and no
    JSON config: a folder dressed as an environment never hides what loading reads, whatever index a release may
    have written says. (An environment's own files sit deeper: bin/, lib/, a package's folder.)"""
    from openlint.readers.weights import identify, is_code

    try:
        if entry.name not in _ENVIRONMENT_NAMES and not _marked_environment(entry.path):
            return False
        # every entry but a real folder (npm's node_modules/.bin is one, not a ".bin" weight); a symlink counts
        with os.scandir(entry.path) as inside:
            return not any(not item.is_dir(follow_symlinks=False) and (
                identify(item.name) is not None or is_code(item.name) or (item.name.lower().endswith(".json") and not item.name.startswith(".")))
                for item in inside)
    except OSError:
        return False
