"""Identifiers that come from a server or a release, validated before any use: a path is never built from one that
fails here (a commit id, an LFS hash, a repository id)."""

from __future__ import annotations

import re

from openlint.knowledge import patterns

_RE = patterns.Constants(__name__)
_COMMIT = _RE(r"[0-9a-f]{40}")
_SHA256 = _RE(r"[0-9a-f]{64}")
# the Hub's grammar (huggingface_hub.utils.validate_repo_id), ASCII only: [namespace/]name, each of letters, digits,
# '_', '-', '.', starting and ending with a letter, digit or '_', no '--' or '..', not ending in '.git'
_SEGMENT = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?"
_REPO_ID = _RE(rf"(?:{_SEGMENT}/)?{_SEGMENT}", re.ASCII)


def is_commit(value: object) -> bool:
    return isinstance(value, str) and _COMMIT.fullmatch(value) is not None


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def is_repo_id(value: object, *, namespaced: bool = False) -> bool:
    """A repository id the Hub accepts; `namespaced`: org/name only (a bare name is a legacy id such as gpt2)."""
    if not isinstance(value, str) or _REPO_ID.fullmatch(value) is None:
        return False
    if "--" in value or ".." in value or value.endswith(".git"):
        return False
    return "/" in value or not namespaced
