"""What a Hub check read, kept so that a warm run makes fewer requests and --offline reproduces the online report.

Layout, under openlint's cache folder (XDG_CACHE_HOME/openlint/hub/v2):
  <repo key>/refs/<revision key>.json       the commit a revision resolved to
  <repo key>/<commit>/<item key>.json       the listing, small files, linked-repository answers, base models' cards
  headers/<lfs sha256>.bin                  safetensors headers (after their own sha256), shared by every repository
                                            holding the same file

Every path component is either a hex digest openlint computed (sha256 of the endpoint and repository id, of a file
path, of a revision name) or a server-supplied identifier that passed validation (a 40-hex commit, a 64-hex LFS
hash): nothing the server names can place a file anywhere. Entries are written atomically; one that cannot be
parsed is treated as absent. A cache that cannot be written only costs requests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from openlint.sources.ids import is_commit, is_sha256

VERSION = "v3"  # v3: headers kept per endpoint, refusals replayed only offline, private listings per viewer; v2: GGUF starts, adapter_config.json


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", errors="surrogatepass")).hexdigest()


class HubCache:
    def __init__(self, root: Path, endpoint: str, kind: str, repo_id: str) -> None:
        self.root = root / "hub" / VERSION
        self.repo = self.root / _digest(endpoint, kind, repo_id)
        # headers are shared by LFS hash across the repositories of one endpoint, never across endpoints: a hostile
        # endpoint (HF_ENDPOINT, a mirror) could claim an honest file's hash for a header of its own (a review's find)
        self.headers = self.root / "headers" / _digest(endpoint)

    # -- refs and listings --------------------------------------------------------------------------------------
    def commit_of(self, revision: str | None) -> str | None:
        if revision is not None and is_commit(revision):
            return revision
        data = self._load(self._ref(revision))
        commit = data.get("commit") if isinstance(data, dict) else None
        return commit if is_commit(commit) else None

    def set_commit(self, revision: str | None, commit: str) -> None:
        self._save(self._ref(revision), {"commit": _commit(commit)})

    def _ref(self, revision: str | None) -> Path:
        # the default branch is "main" (huggingface_hub's DEFAULT_REVISION: its downloads resolve no revision to it):
        # a check of the default branch and one of --revision main are the same ref, whichever of the two ran online
        return self.repo / "refs" / f"{_digest('' if revision in (None, 'main') else revision)}.json"

    def item(self, commit: str, *key: str) -> Any:
        """A JSON-able value stored for this commit under `key`, or None."""
        return self._load(self.repo / _commit(commit) / f"{_digest(*key)}.json")

    def set_item(self, commit: str, value: Any, *key: str) -> None:
        self._save(self.repo / _commit(commit) / f"{_digest(*key)}.json", value)

    # -- bytes ------------------------------------------------------------------------------------------------------
    def data(self, commit: str, *key: str) -> bytes | dict[str, Any] | None:
        """Bytes stored under `key`, or the dict recorded in their place (a refusal, a missing file), or None."""
        value = self.item(commit, *key)
        if isinstance(value, dict) and isinstance(value.get("b64"), str):
            try:
                return base64.b64decode(value["b64"], validate=True)
            except ValueError:
                return None
        return value if isinstance(value, dict) else None

    def set_data(self, commit: str, value: bytes | dict[str, Any], *key: str) -> None:
        stored = {"b64": base64.b64encode(value).decode("ascii")} if isinstance(value, bytes) else value
        self.set_item(commit, stored, *key)

    def header(self, sha256: str) -> bytes | None:
        """A header stored after the sha256 of its own bytes, which must match (a damaged file is not a header)."""
        path = self.headers / f"{_sha256(sha256)}.bin"
        try:
            stored = path.read_bytes() if path.is_file() else b""
        except OSError:
            return None
        digest, raw = stored[:32], stored[32:]
        return raw if len(stored) >= 32 and hashlib.sha256(raw).digest() == digest else None

    def set_header(self, sha256: str, raw: bytes) -> None:
        _write(self.headers / f"{_sha256(sha256)}.bin", hashlib.sha256(raw).digest() + raw)

    # -- files ------------------------------------------------------------------------------------------------------
    @staticmethod
    def _load(path: Path) -> Any:
        try:
            return json.loads(path.read_bytes()) if path.is_file() else None
        except (OSError, ValueError, RecursionError):
            return None

    @staticmethod
    def _save(path: Path, value: Any) -> None:
        _write(path, json.dumps(value, sort_keys=True).encode())


def _commit(value: str) -> str:
    if not is_commit(value):  # the callers validate; this guard keeps any path built here safe whatever they do
        raise ValueError("not a 40-hex commit id")
    return value


def _sha256(value: str) -> str:
    if not is_sha256(value):
        raise ValueError("not a 64-hex sha256")
    return value


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only or full cache: the check goes on, it only costs requests next time
