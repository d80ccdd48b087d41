"""What an audit grades: targets named on the command line, listed in files, or found by a Hub query; and the share
of them one shard takes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from openlint.support.record import Record

from openlint.errors import OpenlintError

MAX_QUERY = 100_000  # a Hub query without --limit stops here


class Query(Record, frozen=True):
    author: str | None = None
    search: str | None = None
    tags: tuple[str, ...] = ()
    limit: int | None = None

    @property
    def given(self) -> bool:
        return bool(self.author or self.search or self.tags)


class Shard(Record, frozen=True):
    index: int  # 1-based
    count: int

    def takes(self, target: str) -> bool:
        """A stable hash of the target, so every machine splits a list the same way whatever its order."""
        digest = hashlib.sha256(target.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


def read_file(path: Path) -> list[str]:
    """One target per line; blank lines and `#` comments skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OpenlintError(f"{path}: cannot read the target list ({exc})") from None
    found = []
    for line in text.splitlines():
        item = line.split("#", 1)[0].strip()
        if item:
            found.append(item)
    return found


def hub_query(query: Query, *, token: str | None, timeout: float) -> list[str]:
    """Repository ids from the Hub's model listing (HfApi.list_models), in the order the Hub gives."""
    import logging

    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from huggingface_hub import HfApi

    # its retries are logged as warnings with the URL; the audit says in one line whether the listing worked
    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)

    api = HfApi(token=token)
    try:
        models = api.list_models(author=query.author, search=query.search, filter=list(query.tags) or None,
                                 limit=query.limit)
        return [model.id for model, _ in zip(models, range(query.limit or MAX_QUERY))]
    except Exception as exc:  # any failure of the listing (HTTP, transport, a malformed answer) stops the audit
        raise OpenlintError(f"the Hub model listing failed ({type(exc).__name__}); the audit did not start") from None


def collect(named: Iterable[str], files: Iterable[Path], query: Query, *, token: str | None = None,
            timeout: float = 10.0) -> list[str]:
    """Every target once, in the order given: named ones, then files' lines, then the query's results."""
    found: list[str] = list(named)
    for path in files:
        found += read_file(path)
    if query.given:
        found += hub_query(query, token=token, timeout=timeout)
    # one release once, however it is spelled (org/name, hf://org/name, its huggingface.co URL), first spelling kept
    # ... and a folder once, however its path is written (./x, x/, its absolute path)
    seen: set[str] = set()
    unique = [_spelling(target) for target in found if not (identity(target) in seen or seen.add(identity(target)))]
    if not unique:
        if query.given and not found:
            raise OpenlintError("no targets: the Hub query (--author, --search, --tag) matched no model")
        raise OpenlintError("no targets: name Hub ids or folders, --from FILE, or a Hub query (--author, --search, --tag)")
    return unique


def identity(target: str) -> str:
    """What a target names: a folder by its real path, a Hub repository by its id and revision."""
    from openlint.sources import is_local, parse_hub_target

    if is_local(target):
        return "local:" + os.path.realpath(target)
    hub = parse_hub_target(target)
    return target if hub is None else f"hub:{hub[0]}@{hub[1] or ''}"


def _spelling(target: str) -> str:
    """A folder's path without ./ or a trailing slash (kept relative: a database merged from machines compares
    them); anything else as given."""
    from openlint.sources import is_local

    return os.path.normpath(target) if is_local(target) else target


def shard(targets: list[str], part: Shard | None) -> list[str]:
    return targets if part is None else [t for t in targets if part.takes(t)]
