"""A Hugging Face Hub repository, read over HTTP without downloading a weight file's body.

Requests: one for the repository's metadata (files with sizes and LFS hashes, card metadata, gating, scan status),
which resolves the revision to a commit; then, concurrently, one GET per small text file and one Range request per
safetensors header (two when a header is longer than the first 100 KB) and per GGUF file (its first 32 KB), none of them when cached at that commit;
one per linked dataset or model (only the fields openlint uses) and one per base model's card. Every identifier the
server sends is validated before use (sources/ids.py); every answer is bounded (sources/transport.py).

Online and offline read the same cache (sources/hubcache.py): the listing, the small files and headers at the
resolved commit, and the last answers about linked repositories and base models, so --offline reproduces the last
online report of the same revision, or says what is not cached.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote

from openlint.errors import (HubAccessDenied, HubBadEndpoint, HubDisabled, HubEntryNotFound, HubError, HubGated, HubInvalidResponse, HubLimitExceeded,
                             HubNotCached, HubNotFound, HubRevisionNotFound, OpenlintError, printable)
from openlint.knowledge.store import cache_dir
from openlint.readers import safetensors
from openlint.release import limits
from openlint.release.model import FileEntry, HubFacts, LinkedRepo
from openlint.sources.base import (Fetch, Fetched, InvalidHeader, Listing, Unreadable, keep_secret, redact, redact_bytes)
from openlint.sources.hubcache import HubCache, _digest
from openlint.sources.ids import is_commit, is_repo_id, is_sha256
from openlint.sources.progress import Progress
from openlint.sources.transport import Transport, checked_endpoint, load_hub

T = TypeVar("T")
LOOKUP_FIELDS = ("cardData", "gated", "tags")  # all openlint needs of a linked repository: small answers
MAX_PATH = 1_000


def is_offline(offline: bool) -> bool:
    if offline:
        return True
    hf, _, _ = load_hub()
    return bool(hf.constants.HF_HUB_OFFLINE)


def _implicit_token(hf: Any) -> str | None:
    """The token huggingface_hub would send on its own (HF_TOKEN, the login), made explicit so it can be redacted."""
    if hf.constants.HF_HUB_DISABLE_IMPLICIT_TOKEN:
        return None
    token = hf.get_token()
    return token if isinstance(token, str) and token else None


class HubSource:
    opener = None  # weight files are never downloaded whole

    def __init__(self, repo_id: str, *, revision: str | None = None, token: str | None = None, timeout: float = 10.0,
                 offline: bool = False, endpoint: str | None = None, workers: int = 16, progress: Progress | None = None) -> None:
        if not is_repo_id(repo_id):
            raise HubError(f"{printable(repo_id, 100)!r} is not a Hub repository id")
        hf, _, _ = load_hub()
        self.requested = self.repo_id = repo_id
        self.revision = revision
        self.token = token or _implicit_token(hf)
        keep_secret(self.token)
        if self.token and any(c.isspace() or not c.isprintable() for c in self.token):
            # a pasted newline would fail every request as a "malformed answer", retried; never echoed
            raise OpenlintError("the Hub token contains white space or a control character (a trailing newline?); check --token or HF_TOKEN")
        self.offline = offline
        self.endpoint = checked_endpoint(endpoint or hf.constants.ENDPOINT)
        self.transport = None if offline else Transport(repo_id, self.endpoint, self.token, timeout)
        self.cache = HubCache(cache_dir(), self.endpoint, "model", repo_id)
        # refusals depend on who asks: recorded per token (by digest), so a later run with a token is not refused
        self.viewer = _digest("token", self.token) if self.token else "anonymous"
        self.workers = workers
        self.progress = progress or Progress(quiet=True)
        self.sha = ""
        self.files: dict[str, FileEntry] = {}
        self.gated: str | bool = False
        self.private = False

    # -- the listing ----------------------------------------------------------------------------------------------
    def listing(self) -> Listing:
        self.progress.add(1)
        try:
            info = self._cached_info() if self.offline else self._fetch_info()
        finally:
            self.progress.step("the repository metadata")
            self.progress.close()
        self.sha, self.gated, self.private = info["sha"], info["gated"], bool(info["private"])
        self.repo_id = info["id"]  # a renamed repository: the API followed the redirect; its current name from here on
        self.files = {path: FileEntry(path, size, sha) for path, size, sha in info["files"]}
        facts = HubFacts(repo_id=self.repo_id, revision=self.sha, requested_revision=self.revision, gated=info["gated"],
                         private=info["private"], disabled=info["disabled"],
                         licence_tags=[t.split(":", 1)[1] for t in info["tags"] if t.startswith("license:")],
                         parameters=info["parameters"], security=info["security"])
        return Listing(self.repo_id, "hub", self.repo_id, dict(self.files), [], facts, info["card_data"])

    def _fetch_info(self) -> dict[str, Any]:
        assert self.transport is not None
        url = self.transport.url("api", "models", self.repo_id) + (f"/revision/{quote(self.revision, safe='')}" if self.revision else "")
        try:
            answer = self.transport.get(url, "the repository metadata", limits.HUB_INFO_BYTES,
                                        params=[("blobs", "true"), ("securityStatus", "true")])
        except HubRevisionNotFound:
            raise HubRevisionNotFound(f"{self.repo_id}: revision {printable(self.revision or 'main', 80)!r} not found") from None
        info = parse_info(_json(redact_bytes(answer.body), self.repo_id, "the repository metadata"), self.repo_id)
        self.cache.set_item(info["sha"], info, "listing")
        if info["private"]:  # offline, a private repository is shown only to the viewer whose token read it
            self.cache.set_item(info["sha"], {"read": True}, "listing-viewer", self.viewer)
        self.cache.set_commit(self.revision, info["sha"])
        return info

    def _cached_info(self) -> dict[str, Any]:
        commit = self.cache.commit_of(self.revision)
        stored = self.cache.item(commit, "listing") if commit else None
        if isinstance(stored, dict) and stored.get("private") and self.cache.item(commit, "listing-viewer", self.viewer) is None:
            stored = None  # a private repository read with another token (or none) is not this viewer's to see (a review's find)
        if stored is None:
            at = f"revision {self.revision}" if self.revision else "its default branch"
            raise HubNotCached(f"{self.repo_id}: offline, and openlint's cache holds no check of this repository at {at} "
                               "(run the check once online)")
        return parse_info(stored, self.repo_id)

    # -- reads ----------------------------------------------------------------------------------------------------
    def fetch(self, request: Fetch) -> Fetched:
        self.progress.add(len(request.texts) + len(request.headers) + len(request.lookups) + len(request.cards))
        fetched = Fetched()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            texts = {p: pool.submit(self._guard, p, self._text, p, n) for p, n in request.texts.items()}
            headers = {p: pool.submit(self._guard, f"{p} (header)", self._header, p) for p in request.headers}
            lookups = {key: pool.submit(self._guard, f"{key[0]} {key[1]}", self._lookup, *key) for key in request.lookups}
            cards = {repo: pool.submit(self._guard, f"the card of {repo}", self._card, repo, n) for repo, n in request.cards.items()}
            fetched.texts = {p: f.result() for p, f in texts.items()}
            fetched.headers = {p: f.result() for p, f in headers.items()}
            fetched.lookups = {key[1]: f.result() for key, f in lookups.items()}
            fetched.cards = {repo: f.result() for repo, f in cards.items()}
        self.progress.close()
        return fetched

    def _guard(self, what: str, function: Callable[..., T], *args: Any) -> T | Unreadable:
        """One read: its result, or why it could not be had. A failure of one read does not stop the others; the
        assembly decides what an incomplete read means for the check."""
        try:
            return function(*args)
        except HubBadEndpoint:
            raise
        except HubError as exc:
            return Unreadable(exc.detail, failed=True)
        finally:
            self.progress.step(what)

    def _refusal(self, error: HubError) -> Unreadable | None:
        """Access refused because the repository is gated: a fact about who may read. Only a repository its listing
        says is gated refuses so; a 401 or 403 from one that is not is a read that failed (else one stray answer
        graded an unreadable weight file above the invalid one it was)."""
        if self.gated and isinstance(error, (HubGated, HubAccessDenied)):
            return Unreadable(f"gated ({self.gated}): needs a token that has accepted the terms", refused=True)
        return None

    @property
    def _scope(self) -> tuple[str, ...]:
        """What a gated repository shows depends on who asks: what a token read is kept for that token only, so that
        an anonymous run on a warm cache reads (and is refused) as the public is. Public repositories share one copy."""
        return (self.viewer,) if (self.gated or self.private) and self.token else ()

    def _recorded(self, *key: str) -> bytes | Unreadable | None:
        cached = self.cache.data(self.sha, *key, *self._scope)
        if isinstance(cached, bytes):
            return cached
        # a refusal is asked again online (a token may have accepted the terms since, and one answer is no fact to
        # keep); offline it stands for the answer it was
        refused = self.cache.item(self.sha, *key, self.viewer) if self.transport is None else None
        if isinstance(refused, dict) and isinstance(refused.get("refused"), str):
            return Unreadable(refused["refused"], refused=True)
        return None

    def _not_cached(self, what: str) -> HubNotCached:
        return HubNotCached(f"{self.repo_id}: {what} is not in openlint's cache (offline)", "not in openlint's cache (offline)")

    def _text(self, path: str, limit: int) -> bytes | Unreadable:
        key = ("text", path, str(limit))
        recorded = self._recorded(*key)
        if recorded is not None:
            return recorded
        if self.transport is None:
            raise self._not_cached(path)
        try:
            body = self.transport.get(self.transport.url(self.repo_id, "resolve", self.sha, path), path, limit, truncate=True).body
        except HubError as exc:
            refusal = self._refusal(exc)
            if refusal is None:
                raise
            self.cache.set_item(self.sha, {"refused": refusal.reason}, *key, self.viewer)
            return refusal
        body = redact_bytes(body)
        self.cache.set_data(self.sha, body, *key, *self._scope)
        return body

    # -- weight headers ---------------------------------------------------------------------------------------------
    def _header(self, path: str) -> bytes | Unreadable | InvalidHeader:
        """The raw JSON header of a remote safetensors file, or a GGUF file's first bytes; cached by the file's
        (validated) LFS sha256."""
        entry = self.files.get(path)
        sha = entry.lfs_sha256 if entry is not None else None
        # headers are shared by LFS hash across repositories, unless gated; a GGUF file's start is kept per commit,
        # never under a hash a hostile listing could claim for a safetensors file (or the reverse)
        shared = sha and not self._scope and not path.lower().endswith(".gguf")
        cached = self.cache.header(sha) if shared else self.cache.data(self.sha, "header", path, *self._scope)
        if isinstance(cached, bytes):
            return cached
        recorded = self._recorded("header-refused", path)
        if recorded is not None:
            return recorded
        if self.transport is None:
            raise self._not_cached(f"the header of {path}")
        try:
            result = self._read_header(path, entry.size if entry else 0)
        except HubError as exc:
            refusal = self._refusal(exc)
            if refusal is None:
                raise
            self.cache.set_item(self.sha, {"refused": refusal.reason}, "header-refused", path, self.viewer)
            return refusal
        if isinstance(result, bytes):
            if shared:
                self.cache.set_header(sha, result)
            else:
                self.cache.set_data(self.sha, result, "header", path, *self._scope)
        return result

    def _read_header(self, path: str, size: int) -> bytes | Unreadable | InvalidHeader:
        assert self.transport is not None
        url = self.transport.url(self.repo_id, "resolve", self.sha, path)
        what = f"{path} (header)"
        if path.lower().endswith(".gguf"):
            return self._gguf_start(url, what, size)
        probe = self._range(url, what, limits.HUB_HEADER_PROBE)
        if len(probe) < 8:
            return InvalidHeader("header too small: the file is shorter than the 8-byte length prefix")
        length = int.from_bytes(probe[:8], "little")
        if length > safetensors.LIBRARY_MAX_HEADER or (size and 8 + length > size):
            return InvalidHeader(f"invalid header length: the header claims {length} bytes")
        if length > safetensors.MAX_HEADER:  # the same cap as for a local file: unverified, never read
            return Unreadable(f"a header of {length} bytes; more than openlint's limit of {safetensors.MAX_HEADER}")
        whole = probe if 8 + length <= len(probe) else self._range(url, what, 8 + length)
        if len(whole) < 8 + length:
            raise HubInvalidResponse(f"{self.repo_id}: {what}: the Hub sent {len(whole)} bytes of the {8 + length} asked for")
        return redact_bytes(whole[8 : 8 + length])

    def _gguf_start(self, url: str, what: str, size: int) -> bytes:
        """A GGUF file's first bytes (one Range; `size` > 0, see assemble._remote_headers): its header is read as far
        as they hold it (a real header runs to megabytes of vocabulary, after the general.* keys)."""
        count = min(size, limits.HUB_GGUF_PROBE)
        if count <= 0:  # an empty file (or one of unknown size) has no start to read
            return b""
        start = self._range(url, what, count)
        if len(start) < count:
            raise HubInvalidResponse(f"{self.repo_id}: {what}: the Hub sent {len(start)} bytes of the {count} asked for")
        return redact_bytes(start)

    def _range(self, url: str, what: str, count: int) -> bytes:
        """The first `count` bytes of a file: a server that ignores the Range and sends it all is cut there."""
        assert self.transport is not None
        answer = self.transport.get(url, what, count, truncate=True, byte_range=(0, count - 1))
        first = answer.headers.get("Content-Range", "bytes 0-").removeprefix("bytes ").split("-", 1)[0].strip()
        if answer.status == 206 and first != "0":
            raise HubInvalidResponse(f"{self.repo_id}: {what}: the Hub answered another range than the one asked for")
        return answer.body

    # -- other repositories -----------------------------------------------------------------------------------------
    def _lookup(self, kind: str, repo: str) -> LinkedRepo:
        """A linked dataset or model: whether it exists, whether it is gated, its licence (the Hub's answer now)."""
        if not is_repo_id(repo):
            return LinkedRepo(repo, kind, None)
        key = ("lookup", kind, repo, self.viewer)
        if self.transport is None:
            stored = self.cache.item(self.sha, *key)
            if not isinstance(stored, dict):
                raise self._not_cached(f"{kind} {repo}")
            return _linked(repo, kind, stored)
        try:
            answer = self.transport.get(self.transport.url("api", f"{kind}s", repo), f"{kind} {repo}", limits.HUB_LOOKUP_BYTES,
                                        params=[("expand", name) for name in LOOKUP_FIELDS])
            stored = {"exists": True, **_lookup_fields(_json(redact_bytes(answer.body), self.repo_id, f"{kind} {repo}"))}
        except HubGated:
            stored = {"exists": True, "gated": True}
        except (HubNotFound, HubRevisionNotFound):
            stored = {"exists": False}
        self.cache.set_item(self.sha, stored, *key)
        return _linked(repo, kind, stored)

    def _card(self, repo: str, limit: int) -> bytes | Unreadable:
        """Another model's card (a base model), by one GET: public even for a gated repository."""
        key = ("card", repo, str(limit), self.viewer)
        if self.transport is None:
            stored = self.cache.data(self.sha, *key)
            if stored is None:
                raise self._not_cached(f"the card of {repo}")
            return stored if isinstance(stored, bytes) else Unreadable(str(stored.get("unreadable")), refused=bool(stored.get("refused")))
        try:
            body = redact_bytes(self.transport.get(self.transport.url(repo, "resolve", "main", "README.md"), f"the card of {repo}",
                                                   limit, truncate=True).body)
        except HubEntryNotFound:
            body = b""  # the repository, without a card: it says nothing of its pre-training (undisclosed, not unknown)
        except (HubNotFound, HubRevisionNotFound):
            self.cache.set_data(self.sha, {"unreadable": "not found on the Hub (or private)"}, *key)
            return Unreadable("not found on the Hub (or private)")
        except HubDisabled:  # taken down: an answer, as "not found" is (a review's find: it left every check incomplete)
            self.cache.set_data(self.sha, {"unreadable": "disabled on the Hub"}, *key)
            return Unreadable("disabled on the Hub")
        # a card is public, a gated repository's too: a 401 or 403 for one is a read that failed, never a fact that
        # leaves the base's pre-training out of the grade (it raised a fine-tune's grade: a review's find)
        self.cache.set_data(self.sha, body, *key)
        return body


# -- the server's answers, validated --------------------------------------------------------------------------------

def _json(body: bytes, name: str, what: str) -> Any:
    # counted before parsing (a bracket inside a string counts too: at worst an over-count), so memory is bounded
    if body.count(b"{") + body.count(b"[") > limits.HUB_MAX_JSON_CONTAINERS:
        raise HubLimitExceeded(f"{name}: {what}: more than {limits.HUB_MAX_JSON_CONTAINERS} JSON objects and arrays (openlint's limit)")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise HubInvalidResponse(f"{name}: {what}: the Hub sent an invalid response (not JSON)") from None


def _invalid(name: str, detail: str) -> HubInvalidResponse:
    return HubInvalidResponse(f"{name}: the repository metadata: the Hub sent an invalid response ({detail})")


def parse_info(data: Any, name: str) -> dict[str, Any]:
    """The repository metadata openlint uses, each field checked; identifiers that could reach a path validated."""
    if not isinstance(data, dict):
        raise _invalid(name, "not a JSON object")
    repo_id, sha = data.get("id", name), data.get("sha")
    if not is_repo_id(repo_id):
        raise _invalid(name, "the repository id is not a valid Hub id")
    if not is_commit(sha):
        raise _invalid(name, "the commit id is not 40 hexadecimal digits")
    gated = data.get("gated", False)
    return {
        "id": repo_id, "sha": sha, "files": _files(data.get("siblings", data.get("files")), name),
        "gated": gated if isinstance(gated, bool) or (isinstance(gated, str) and gated.isalnum() and len(gated) <= 20) else True,
        "private": data.get("private") is True, "disabled": data.get("disabled") is True,
        "tags": [redact(t) for t in data.get("tags") or [] if isinstance(t, str)][:1_000] if isinstance(data.get("tags"), list) else [],
        "parameters": _parameters(data.get("safetensors", data.get("parameters"))),
        "security": _security(data.get("securityRepoStatus", data.get("security"))),
        "card_data": _redacted(data.get("cardData", data.get("card_data"))) if isinstance(data.get("cardData", data.get("card_data")), dict) else {},
    }


def _files(siblings: Any, name: str) -> list[list[Any]]:
    if siblings is None:
        return []
    if not isinstance(siblings, list):
        raise _invalid(name, "the file list is not a list")
    if len(siblings) > limits.HUB_MAX_FILES:
        raise HubLimitExceeded(f"{name}: the repository lists {len(siblings)} files, more than openlint's limit of {limits.HUB_MAX_FILES}")
    files: dict[str, list[Any]] = {}
    for item in siblings:
        path, size, sha = _sibling(item, name)
        files.setdefault(path, [path, size, sha])
    return list(files.values())


def _sibling(item: Any, name: str) -> tuple[str, int, str | None]:
    """(path, size, LFS sha256) of one listed file. Both the API's form and the cache's [path, size, sha] are read."""
    if isinstance(item, list) and len(item) == 3:
        item = {"rfilename": item[0], "size": item[1], "lfs": {"sha256": item[2]} if item[2] else None}
    if not isinstance(item, dict):
        raise _invalid(name, "a listed file is not an object")
    path, lfs = item.get("rfilename"), item.get("lfs") if isinstance(item.get("lfs"), dict) else {}
    if not isinstance(path, str) or not path or len(path) > MAX_PATH or "\0" in path:
        raise _invalid(name, "a listed file has no valid name")
    sha = lfs.get("sha256")
    if sha is not None and not is_sha256(sha):
        raise _invalid(name, "an LFS hash is not 64 hexadecimal digits")
    size = item.get("size") if item.get("size") is not None else lfs.get("size")
    return redact(path), _count(size), sha


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _parameters(value: Any) -> dict[str, int]:
    found = value.get("parameters") if isinstance(value, dict) and isinstance(value.get("parameters"), dict) else value
    if not isinstance(found, dict):
        return {}
    return {k[:20]: v for k, v in list(found.items())[:50] if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)}


def _security(value: Any) -> dict[str, Any] | None:
    """The Hub's scan status, reduced to the fields openlint reads (the server's JSON is never passed through)."""
    if not isinstance(value, dict):
        return None
    issues = value.get("filesWithIssues") if isinstance(value.get("filesWithIssues"), list) else []
    kept = [{"path": redact(i["path"]), "level": str(i.get("level", "flagged"))[:20]} for i in issues[:1_000]
            if isinstance(i, dict) and isinstance(i.get("path"), str)]
    return {"scansDone": value.get("scansDone") is True, "filesWithIssues": kept}


def _redacted(value: Any, depth: int = 0) -> Any:
    """A JSON value with every secret masked in its strings and keys (a \\u-escaped token decodes to the token)."""
    if depth > 100:
        return None
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {redact(str(k)): _redacted(v, depth + 1) for k, v in value.items()}
    return value


def _lookup_fields(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    card = data.get("cardData") if isinstance(data.get("cardData"), dict) else {}
    tags = [t.split(":", 1)[1] for t in data.get("tags") or [] if isinstance(t, str) and t.startswith("license:")] \
        if isinstance(data.get("tags"), list) else []
    licence = card.get("license") if isinstance(card.get("license"), str) else (tags[0] if tags else None)
    gated = data.get("gated", False)
    return {"gated": gated if isinstance(gated, (bool, str)) else True, "licence": redact(licence)[:200] if licence else None}


def _linked(repo: str, kind: str, stored: dict[str, Any]) -> LinkedRepo:
    gated = stored.get("gated", False)
    licence = stored.get("licence")
    return LinkedRepo(repo, kind, stored.get("exists") is True, gated=gated if isinstance(gated, (bool, str)) else True,
                      licence=licence if isinstance(licence, str) else None)
