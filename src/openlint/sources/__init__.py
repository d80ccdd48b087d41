"""Where a release comes from: a local folder, or a Hugging Face Hub repository (online, or from openlint's cache)."""

from __future__ import annotations

import re
from pathlib import Path

from openlint.support.record import Record

from openlint.errors import OpenlintError, printable
from openlint.knowledge import patterns
from openlint.sources.base import Source
from openlint.sources.ids import is_repo_id

# org/name; a URL or hf:// may also name a legacy single-segment id (gpt2), which bare would be a folder name
_RE = patterns.Constants(__name__)
# the Hub's own paths, which no user or organisation can be named: "datasets/foo" is a dataset, never a model's id
_RESERVED = r"(?!(?:datasets|spaces|docs|blog|papers|models|settings|organizations|collections|api|join|login)(?:/|$))"
_REPO_ID = _RE(rf"^(?:hf://(?:models/)?{_RESERVED}([A-Za-z0-9][\w.-]{{0,95}}(?:/[\w.-]{{1,95}})?)|{_RESERVED}([A-Za-z0-9][\w.-]{{0,95}}/[\w.-]{{1,95}}))$", re.ASCII)
_OTHER_HUB_KIND = _RE(r"^(?:https?://(?:www\.)?(?:huggingface\.co|hf\.co)/|hf://)(datasets|spaces)/", re.ASCII)
_HUB_URL = _RE(rf"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/{_RESERVED}([\w.-]+(?:/[\w.-]+)?)(?:/(?:tree|blob|resolve)/([^/?#]+(?:%2F[^/?#]+)*))?/?(?:[?#].*)?$", re.ASCII)


def parse_hub_target(target: str) -> tuple[str, str | None] | None:
    """(repo id, revision from the URL) for a Hub repo id or URL, else None."""
    if match := _HUB_URL.match(target):
        revision = match.group(2)
        found = match.group(1), revision.replace("%2F", "/") if revision else None
    elif match := _REPO_ID.match(target):
        found = match.group(1) or match.group(2), None
    else:
        return None
    return found if is_repo_id(found[0]) else None


def mistyped_folder(target: str) -> str | None:
    """Why a TARGET a person typed is taken for a mistyped folder, or None: "releases/model-1", where no such folder
    exists but the folder "releases" does, looks like a Hub id and is almost surely a typo (said at once, not after
    the Hub's retries). Only for a command line's TARGET: ids from a list or a Hub query are what they say."""
    parent = Path(target).parent
    try:
        if is_local(target) or not _REPO_ID.match(target) or target.startswith("hf://") or str(parent) == "." or not parent.is_dir():
            return None
    except OSError:
        return None
    return f"{target}: no such folder (though {parent} is one); a Hub repository is written hf://{target}"


def is_local(target: str) -> bool:
    path = Path(target)
    try:
        return path.exists() or path.is_symlink()
    except OSError:  # a name the system refuses to look up (too long): no folder of that name
        return False


def open_source(target: str, *, revision: str | None = None, token: str | None = None, offline: bool = False,
                timeout: float = 10.0, hub_id: str | None = None, quiet: bool = True, name: str | None = None) -> Source:
    """`quiet`: no progress line on stderr. `hub_id` is checked here and used by lfs_remote(). `name`: a local
    folder's name as a release, where the caller knows it (else --hub-id's, its Hub remote's or the folder's)."""
    if hub_id is not None and not is_repo_id(hub_id, namespaced=True):
        raise OpenlintError(f"--hub-id {hub_id!r} is not a Hub repository id (ORG/NAME)")
    if is_local(target):
        if revision:
            raise OpenlintError(f"--revision applies to Hub repositories; {target} is a local folder")
        from openlint.sources import gitremote
        from openlint.sources.local import LocalSource

        # a checkout is named as its Hub repository when that is known, not by whatever its folder is called: the
        # name places a release in its family and says what it is ("...-GPTQ")
        return LocalSource(target, name=name or hub_id or gitremote.hub_remote(Path(target)))
    hub = parse_hub_target(target)
    if hub is None:
        kind = _OTHER_HUB_KIND.match(target)
        if kind:  # a dataset's or a Space's page: a real Hub URL, of something openlint does not grade
            raise OpenlintError(f"{printable(target, 200)}: a Hub {kind.group(1)[:-1]}, not a model repository; openlint checks model releases")
        raise OpenlintError(f"{printable(target, 200)}: no such folder, and not a Hub repository id (org/name) or URL")
    if hub_id is not None:
        raise OpenlintError("--hub-id applies to a local checkout; the target is already a Hub repository")
    repo_id, url_revision = hub
    if revision and url_revision and revision != url_revision:
        raise OpenlintError(f"--revision {revision} disagrees with the revision in the URL ({url_revision})")
    return _hub(repo_id, revision or url_revision, token=token, timeout=timeout, offline=offline, quiet=quiet)


def _hub(repo_id: str, revision: str | None, *, token: str | None, timeout: float, offline: bool, quiet: bool) -> Source:
    from openlint.sources import hub
    from openlint.sources.progress import Progress

    return hub.HubSource(repo_id, revision=revision, token=token, timeout=timeout, offline=hub.is_offline(offline),
                         progress=Progress(quiet=quiet))


class LfsRemote(Record, frozen=True, eq=False):  # compared by identity
    """The Hub repository a local checkout comes from: where the weights behind its Git LFS pointers can be read."""

    repo_id: str
    commit: str | None  # the checkout's commit, when it can be read (a Hub commit if the checkout is of the Hub)
    explicit: bool  # named with --hub-id (asked for: a read it cannot make stops the check), not found in .git/config
    token: str | None
    timeout: float
    offline: bool
    quiet: bool

    def open(self, revision: str | None) -> Source:
        return _hub(self.repo_id, revision, token=self.token, timeout=self.timeout, offline=self.offline, quiet=self.quiet)


def lfs_remote(target: str, hub_id: str | None, *, token: str | None = None, offline: bool = False, timeout: float = 10.0,
               quiet: bool = True) -> LfsRemote | None:
    """For a local checkout: --hub-id, or the Hugging Face remote in its .git/config; None when neither names one.
    Nothing is opened here: only a checkout with LFS pointers uses it."""
    if not is_local(target):
        return None
    from openlint.sources import gitremote

    root = Path(target)
    repo_id = hub_id or gitremote.hub_remote(root)
    if repo_id is None:
        return None
    return LfsRemote(repo_id, gitremote.head_commit(root), hub_id is not None, token, timeout, offline, quiet)
