"""Where a release comes from: a local folder, or a Hugging Face Hub repository (online, or its cached snapshot)."""

from __future__ import annotations

import re
from pathlib import Path

from openlint.errors import OpenlintError
from openlint.sources.base import Source

# org/name; a URL or hf:// may also name a legacy single-segment id (gpt2), which bare would be a folder name
_REPO_ID = re.compile(r"^(?:hf://(?:models/)?([A-Za-z0-9][\w.-]{0,95}(?:/[\w.-]{1,95})?)|([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95}))$")
_RESERVED = r"(?!(?:datasets|spaces|docs|blog|papers|models|settings|organizations|collections|api|join|login)(?:/|$))"
_HUB_URL = re.compile(rf"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/{_RESERVED}([\w.-]+(?:/[\w.-]+)?)(?:/(?:tree|blob|resolve)/([^/?#]+(?:%2F[^/?#]+)*))?/?(?:[?#].*)?$")


def parse_hub_target(target: str) -> tuple[str, str | None] | None:
    """(repo id, revision from the URL) for a Hub repo id or URL, else None."""
    if match := _HUB_URL.match(target):
        revision = match.group(2)
        return match.group(1), revision.replace("%2F", "/") if revision else None
    if match := _REPO_ID.match(target):
        return match.group(1) or match.group(2), None
    return None


def is_local(target: str) -> bool:
    path = Path(target)
    return path.exists() or path.is_symlink()


def open_source(target: str, *, revision: str | None = None, token: str | None = None, offline: bool = False,
                timeout: float = 10.0) -> Source:
    if is_local(target):
        if revision:
            raise OpenlintError(f"--revision applies to Hub repositories; {target} is a local folder")
        from openlint.sources.local import LocalSource

        return LocalSource(target)
    hub = parse_hub_target(target)
    if hub is None:
        raise OpenlintError(f"{target}: no such folder, and not a Hub repository id (org/name) or URL")
    repo_id, url_revision = hub
    if revision and url_revision and revision != url_revision:
        raise OpenlintError(f"--revision {revision} disagrees with the revision in the URL ({url_revision})")
    from openlint.sources import hub as hub_source

    if hub_source.is_offline(offline):
        return hub_source.offline_snapshot(repo_id, revision or url_revision)
    return hub_source.HubSource(repo_id, revision=revision or url_revision, token=token, timeout=timeout)
