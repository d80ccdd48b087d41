"""Which Hub repository a local checkout comes from, and at which commit: read from its .git folder as plain text,
bounded, never by running git (the folder is untrusted; git's config can run programs)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from openlint.knowledge import patterns
from openlint.sources.ids import is_commit, is_repo_id

MAX_BYTES = 65_536
_RE = patterns.Constants(__name__)
_URL = _RE(r"^\s*url\s*=\s*(\S+)\s*$", re.IGNORECASE)
_HUB = _RE(r"^(?:https?|ssh|git)://(?:[^@/\s]+@)?(?:www\.)?(?:huggingface\.co|hf\.co)(?::\d+)?/(?P<id>[^?#\s]+?)(?:\.git)?/?$"
                  r"|^git@hf\.co:(?P<ssh>[^?#\s]+?)(?:\.git)?/?$")
_REF = _RE(r"^ref:\s*(refs/[A-Za-z0-9_./-]{1,200})$")
_NOT_MODELS = ("datasets/", "spaces/", "buckets/")


def _read(path: Path) -> str | None:
    """A small regular file's text, or None (a symlink, a FIFO, a huge file, an unreadable one)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def hub_remote(root: Path) -> str | None:
    """The model repository id of the first Hugging Face remote in the checkout's .git/config."""
    text = _read(root / ".git" / "config")
    for line in (text or "").splitlines():
        match = _URL.match(line)
        hub = _HUB.match(match.group(1)) if match else None
        if hub is None:
            continue
        repo_id = hub.group("id") or hub.group("ssh")
        if not repo_id.startswith(_NOT_MODELS) and is_repo_id(repo_id, namespaced=True):
            return repo_id
    return None


def head_commit(root: Path) -> str | None:
    """The commit the checkout is at (a detached HEAD, a loose ref or a packed one), or None."""
    git = root / ".git"
    head = (_read(git / "HEAD") or "").strip()
    if is_commit(head):
        return head
    match = _REF.match(head)
    if match is None or ".." in match.group(1):
        return None
    ref = match.group(1)
    loose = (_read(git.joinpath(*ref.split("/"))) or "").strip()
    if is_commit(loose):
        return loose
    for line in (_read(git / "packed-refs") or "").splitlines():
        commit, _, name = line.partition(" ")
        if name.strip() == ref and is_commit(commit):
            return commit
    return None
