"""A Hugging Face Hub repository, read through huggingface_hub without downloading a weight file's body.

Requests: one for the repository's metadata (files with sizes and LFS hashes, card metadata, gating, scan
status); then, concurrently, at most two per small text file (HEAD + GET, none when cached at the resolved commit),
one or two Range requests per safetensors header (none when cached: headers are cached by the file's LFS sha256),
and one per linked dataset or base model.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from openlint.errors import OpenlintError
from openlint.knowledge.store import cache_dir
from openlint.release.model import FileEntry, HubFacts, LinkedRepo
from openlint.sources.base import Fetch, Fetched, InvalidHeader, Listing, Unreadable

T = TypeVar("T")
RETRY_STATUS = (429, 500, 502, 503, 504)
MAX_RETRIES = 3
HEADER_PROBE = 100_000  # bytes fetched first: most safetensors headers fit
MAX_HEADER = 100_000_000  # the safetensors format's own cap
MAX_LINKED = 50


def _hub() -> tuple[Any, Any, Any]:
    """huggingface_hub costs ~0.4 s to import: only Hub targets pay for it."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    import huggingface_hub
    from huggingface_hub import errors
    from huggingface_hub.utils import httpx

    return huggingface_hub, errors, httpx


class _Refused(Exception):
    """Access to one file was refused (gated, 401/403): the file is unreadable, the check goes on."""


class HubSource:
    opener = None  # weight files are never downloaded whole

    def __init__(self, repo_id: str, *, revision: str | None = None, token: str | None = None,
                 timeout: float = 10.0, endpoint: str | None = None, workers: int = 8) -> None:
        self.repo_id = repo_id
        self.revision = revision
        self.token = token
        self.timeout = timeout
        self.workers = workers
        self.sha: str | None = None
        self.sizes: dict[str, FileEntry] = {}
        hf, self.errors, self.httpx = _hub()
        self.hf = hf
        self.api = hf.HfApi(endpoint=endpoint, token=token)
        self.header_cache = cache_dir() / "safetensors"

    # -- errors -----------------------------------------------------------------------------------------------
    def _fail(self, message: str) -> OpenlintError:
        text = f"{self.repo_id}: {message}"
        return OpenlintError(text.replace(self.token, "***") if self.token else text)

    def _call(self, what: str, function: Callable[[], T]) -> T:
        """Run one Hub call with bounded retries on 429/5xx; map every failure to a one-line error."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                return function()
            except self.httpx.TimeoutException:
                raise self._fail(f"the Hub did not answer within {self.timeout:g} s while reading {what} (see --timeout)") from None
            except self.httpx.TransportError as exc:
                raise self._fail(f"cannot reach the Hub ({type(exc).__name__}) while reading {what}") from None
            except self.errors.OfflineModeIsEnabled:
                raise self._fail("offline mode is on (HF_HUB_OFFLINE) and nothing is cached for this repository") from None
            except self.errors.EntryNotFoundError as exc:
                # the file is absent, or the download layer could neither reach it nor find it in its cache
                raise _Refused(f"{what} could not be read ({type(exc).__name__})") from None
            except self.errors.HfHubHTTPError as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise self._translate(exc, what) from None
                time.sleep(delay)
        raise AssertionError("unreachable")

    def _retry_delay(self, exc: Any, attempt: int) -> float | None:
        response = getattr(exc, "response", None)
        status = response.status_code if response is not None else None
        if status not in RETRY_STATUS or attempt >= MAX_RETRIES or isinstance(exc, (self.errors.RepositoryNotFoundError, self.errors.GatedRepoError)):
            return None
        retry_after = response.headers.get("Retry-After")
        try:
            return min(float(retry_after), 10.0)
        except (TypeError, ValueError):
            return min(0.25 * 2**attempt + random.uniform(0, 0.1), 5.0)

    def _translate(self, exc: Any, what: str) -> Exception:
        errors = self.errors
        if isinstance(exc, errors.GatedRepoError):
            return _Refused(f"gated ({what})")
        if isinstance(exc, errors.RepositoryNotFoundError):
            return self._fail("repository not found on the Hub (a private repository needs --token or HF_TOKEN)")
        if isinstance(exc, errors.RevisionNotFoundError):
            return self._fail(f"revision {self.revision!r} not found")
        status = exc.response.status_code if getattr(exc, "response", None) is not None else None
        if status in (401, 403):
            return _Refused(f"access denied ({status})")
        retried = " (gave up after retries)" if status in RETRY_STATUS else ""
        return self._fail(f"the Hub answered {status} while reading {what}{retried}")

    # -- the listing ----------------------------------------------------------------------------------------------
    def listing(self) -> Listing:
        info = self._model_info()
        self.sha = info.sha
        if info.id and info.id != self.repo_id:
            # a renamed repository: the API followed the redirect; use the current name from here on
            self.repo_id = info.id
        files = {}
        for sibling in info.siblings or []:
            lfs = sibling.lfs
            files[sibling.rfilename] = FileEntry(sibling.rfilename, sibling.size or (lfs.size if lfs else 0) or 0, lfs.sha256 if lfs else None)
        self.sizes = files
        card_data = info.card_data.to_dict() if info.card_data is not None else {}
        return Listing(self.repo_id, "hub", self.repo_id, files, [], self._facts(info), card_data)

    def _model_info(self) -> Any:
        try:
            return self._call("the repository metadata", lambda: self.api.model_info(
                self.repo_id, revision=self.revision, files_metadata=True, securityStatus=True, timeout=self.timeout))
        except _Refused as exc:
            raise self._fail(f"the repository metadata could not be read: {exc}") from None
        except (ValueError, KeyError, TypeError) as exc:  # a malformed answer
            raise self._fail(f"the Hub sent an invalid response while reading the repository metadata ({type(exc).__name__})") from None

    def _facts(self, info: Any) -> HubFacts:
        return HubFacts(
            repo_id=self.repo_id, revision=self.sha, requested_revision=self.revision, gated=info.gated or False,
            private=bool(info.private), disabled=bool(info.disabled),
            licence_tags=[t.split(":", 1)[1] for t in (info.tags or []) if t.startswith("license:")],
            parameters=dict(info.safetensors.parameters) if info.safetensors else {},
            security=info.security_repo_status,
        )

    # -- reads ----------------------------------------------------------------------------------------------------
    def fetch(self, request: Fetch) -> Fetched:
        fetched = Fetched()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            texts = {p: pool.submit(self._guard, self._download, p, limit) for p, limit in request.texts.items()}
            headers = {p: pool.submit(self._guard, self._header, p) for p in request.headers}
            lookups = {key: pool.submit(self._lookup, *key) for key in request.lookups[:MAX_LINKED]}
            cards = {repo: pool.submit(self._guard, self._card, repo, limit) for repo, limit in request.cards.items()}
            fetched.texts = {p: f.result() for p, f in texts.items()}
            fetched.cards = {repo: f.result() for repo, f in cards.items()}
            fetched.headers = {p: f.result() for p, f in headers.items()}
            fetched.lookups = {key[1]: f.result() for key, f in lookups.items()}
        return fetched

    def _guard(self, function: Callable[..., T], *args: Any) -> T | Unreadable:
        try:
            return function(*args)
        except _Refused as exc:
            return Unreadable(str(exc), refused=True)

    def _download(self, path: str, limit: int) -> bytes:
        local = self._call(path, lambda: self.api.hf_hub_download(self.repo_id, path, revision=self.sha, etag_timeout=self.timeout))
        with open(local, "rb") as handle:
            return handle.read(limit)

    def _card(self, repo: str, limit: int) -> bytes:
        """Another model's card (a base model), by one GET: public even for a gated repository."""
        hf = self.hf
        url = hf.hf_hub_url(repo, "README.md", endpoint=self.api.endpoint)
        headers = hf.utils.build_hf_headers(token=self.token if self.token else None)

        def get() -> bytes:
            response = hf.utils.get_session().get(url, headers={**headers, "Range": f"bytes=0-{limit - 1}"}, timeout=self.timeout)
            hf.utils.hf_raise_for_status(response)
            return response.content[:limit]
        try:
            return self._call(f"the card of {repo}", get)
        except OpenlintError as exc:
            if "repository not found" in str(exc):
                raise _Refused("not found on the Hub (or private)") from None
            raise

    def _header(self, path: str) -> bytes | InvalidHeader:
        """The raw JSON header of a remote safetensors file, by Range requests; cached by LFS sha256."""
        entry = self.sizes.get(path)
        sha = entry.lfs_sha256 if entry else None
        cached = self.header_cache / f"{sha}.json" if sha else None
        if cached is not None and cached.is_file():
            return cached.read_bytes()
        probe = self._call(path, lambda: self._range(path, 0, HEADER_PROBE - 1))
        if len(probe) < 8:
            return InvalidHeader("header too small: the file is shorter than the 8-byte length prefix")
        size = int.from_bytes(probe[:8], "little")
        if size > MAX_HEADER or (entry and entry.size and 8 + size > entry.size):
            return InvalidHeader(f"invalid header length: the header claims {size} bytes")
        raw = probe[8 : 8 + size] if 8 + size <= len(probe) else self._call(path, lambda: self._range(path, 8, 8 + size - 1))
        if cached is not None:
            _store(cached, raw)
        return raw

    def _range(self, path: str, first: int, last: int) -> bytes:
        hf = self.hf
        url = hf.hf_hub_url(self.repo_id, path, revision=self.sha, endpoint=self.api.endpoint)
        headers = hf.utils.build_hf_headers(token=self.token if self.token else None)
        response = hf.utils.get_session().get(url, headers={**headers, "Range": f"bytes={first}-{last}"}, timeout=self.timeout)
        hf.utils.hf_raise_for_status(response)
        return response.content[: last - first + 1]

    def _lookup(self, kind: str, repo: str) -> LinkedRepo:
        function = self.api.dataset_info if kind == "dataset" else self.api.model_info
        try:
            info = self._call(f"{kind} {repo}", lambda: function(repo, timeout=self.timeout))
        except _Refused:
            return LinkedRepo(repo, kind, True, gated=True)
        except OpenlintError as exc:
            if "repository not found" in str(exc):
                return LinkedRepo(repo, kind, False)
            raise
        card = info.card_data.to_dict() if getattr(info, "card_data", None) is not None else {}
        tags = [t.split(":", 1)[1] for t in (info.tags or []) if t.startswith("license:")]
        licence = card.get("license") if isinstance(card.get("license"), str) else (tags[0] if tags else None)
        return LinkedRepo(repo, kind, True, gated=info.gated or False, licence=licence)


def _store(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError:
        pass


def cached_snapshot(repo_id: str, revision: str | None) -> Path | None:
    """The newest snapshot of a repository in the huggingface_hub cache (at `revision` when given)."""
    hf, errors, _ = _hub()
    try:
        # explicit: the cache manager binds its default folder when first imported
        cache = hf.scan_cache_dir(hf.constants.HF_HUB_CACHE)
    except (errors.CacheNotFound, OSError):
        return None
    repo = next((r for r in cache.repos if r.repo_id == repo_id and r.repo_type == "model"), None)
    if repo is None or not repo.revisions:
        return None
    wanted = [r for r in repo.revisions if revision in (r.commit_hash, *r.refs)] if revision else list(repo.revisions)
    return max(wanted, key=lambda r: r.last_modified).snapshot_path if wanted else None


def is_offline(offline: bool) -> bool:
    if offline:
        return True
    hf, _, _ = _hub()
    return bool(hf.constants.HF_HUB_OFFLINE)


def offline_snapshot(repo_id: str, revision: str | None) -> Any:
    """The cached snapshot of an earlier online check, read as a local folder but reported as the Hub repository."""
    from openlint.release.model import Problem
    from openlint.sources.local import LocalSource

    snapshot = cached_snapshot(repo_id, revision)
    if snapshot is None:
        raise OpenlintError(f"{repo_id}: offline, and no copy of this repository is in the huggingface_hub cache")

    class Snapshot(LocalSource):
        def listing(self) -> Listing:
            listing = super().listing()
            listing.problems.append(Problem("hub.unreadable", None, None, "offline: graded from the files in the huggingface_hub cache only"))
            return listing

    # snapshot files are symlinks into the cache's blobs/ folder, which is trusted here
    facts = HubFacts(repo_id=repo_id, revision=snapshot.name, requested_revision=revision)
    return Snapshot(snapshot, trusted=snapshot.parents[1], as_hub=facts)
