"""A Hugging Face Hub repository, read through huggingface_hub without downloading a weight file's body.

Requests: one for the repository's metadata (files with sizes and LFS hashes, card metadata, gating, scan
status); then, concurrently, at most two per small text file the listing shows (HEAD + GET, none when cached
at the resolved commit), one or two Range requests per safetensors header (none when cached: headers are
cached by the file's LFS sha256), and one per linked dataset or base model.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from openlint import licences
from openlint.disclosure import _HUB_DATASET
from openlint.errors import OpenlintError
from openlint.readers import card as card_reader
from openlint.readers import declaration as declaration_reader
from openlint.readers import safetensors as safetensors_reader
from openlint.readers import weights as weight_reader
from openlint.readers.weights import WeightFile
from openlint.release import Evidence, FileEntry, HubFacts, LicenceClaim, LinkedRepo, Problem, Release
from openlint.sources import common

T = TypeVar("T")
RETRY_STATUS = (429, 500, 502, 503, 504)
MAX_RETRIES = 3
MAX_SMALL_BYTES = 5_000_000
HEADER_PROBE = 100_000  # bytes fetched first: most safetensors headers fit


def _hub():
    """huggingface_hub costs ~0.4 s to import: only Hub targets pay for it."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    import huggingface_hub
    from huggingface_hub import errors
    from huggingface_hub.utils import httpx

    return huggingface_hub, errors, httpx


class HubSource:
    def __init__(self, repo_id: str, *, revision: str | None = None, token: str | None = None, offline: bool = False,
                 timeout: float = 10.0, endpoint: str | None = None, workers: int = 8) -> None:
        self.repo_id = repo_id
        self.revision = revision
        self.token = token
        self.offline = offline
        self.timeout = timeout
        self.workers = workers
        hf, self.errors, self.httpx = _hub()
        self.hf = hf
        self.api = hf.HfApi(endpoint=endpoint, token=token)
        self.cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "openlint" / "safetensors"

    # -- errors -----------------------------------------------------------------------------------------------
    def _redact(self, text: str) -> str:
        return text.replace(self.token, "***") if self.token else text

    def _fail(self, message: str) -> OpenlintError:
        return OpenlintError(self._redact(f"{self.repo_id}: {message}"))

    def _call(self, what: str, function: Callable[[], T]) -> T:
        """Run one Hub call with bounded retries on 429/5xx; map every failure to a one-line error."""
        errors, httpx = self.errors, self.httpx
        for attempt in range(MAX_RETRIES + 1):
            try:
                return function()
            except errors.GatedRepoError:
                raise
            except errors.RepositoryNotFoundError:
                raise self._fail("repository not found on the Hub (a private repository needs --token or HF_TOKEN)") from None
            except errors.RevisionNotFoundError:
                raise self._fail(f"revision {self.revision!r} not found") from None
            except (errors.EntryNotFoundError, errors.LocalEntryNotFoundError):
                raise
            except errors.OfflineModeIsEnabled:
                raise self._fail("offline mode is on (HF_HUB_OFFLINE) and nothing is cached for this repository") from None
            except errors.HfHubHTTPError as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status in RETRY_STATUS and attempt < MAX_RETRIES:
                    time.sleep(self._delay(exc.response, attempt))
                    continue
                if status in (401, 403):
                    raise self._fail(f"access denied ({status}) while reading {what}; check the token") from None
                raise self._fail(f"the Hub answered {status} while reading {what}" + (" (gave up after retries)" if status in RETRY_STATUS else "")) from None
            except httpx.TimeoutException:
                raise self._fail(f"the Hub did not answer within {self.timeout:g} s while reading {what} (see --timeout)") from None
            except httpx.TransportError as exc:
                raise self._fail(f"cannot reach the Hub ({type(exc).__name__}) while reading {what}") from None
            except (ValueError, KeyError, TypeError) as exc:
                raise self._fail(f"the Hub sent an invalid response while reading {what} ({type(exc).__name__})") from None
        raise AssertionError("unreachable")

    @staticmethod
    def _delay(response: Any, attempt: int) -> float:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        try:
            return min(float(retry_after), 10.0)
        except (TypeError, ValueError):
            return min(0.25 * 2**attempt + random.uniform(0, 0.1), 5.0)

    # -- the release --------------------------------------------------------------------------------------------
    def load(self) -> Release:
        if self.offline or self.hf.constants.HF_HUB_OFFLINE:
            return self._load_offline()
        info = self._call("the repository metadata", lambda: self.api.model_info(
            self.repo_id, revision=self.revision, files_metadata=True, securityStatus=True, timeout=self.timeout))
        sha = info.sha
        if info.id and info.id != self.repo_id:
            # a renamed repository: the API followed the redirect; use the current name from here on
            self.repo_id = info.id
        release = Release(name=self.repo_id, source="hub", location=self.repo_id)
        card_data = info.card_data.to_dict() if info.card_data is not None else {}
        release.hub = HubFacts(
            repo_id=self.repo_id, revision=sha, requested_revision=self.revision, gated=info.gated or False,
            private=bool(info.private), disabled=bool(info.disabled),
            licence_tags=[t.split(":", 1)[1] for t in (info.tags or []) if t.startswith("license:")],
            parameters=dict(info.safetensors.parameters) if info.safetensors else {},
            security=info.security_repo_status,
        )
        for sibling in info.siblings or []:
            lfs = sibling.lfs
            release.files[sibling.rfilename] = FileEntry(sibling.rfilename, sibling.size or (lfs.size if lfs else 0) or 0, lfs.sha256 if lfs else None)

        small = [p for p, e in release.files.items() if self._is_small(p) and e.size <= MAX_SMALL_BYTES]
        shards = [p for p in release.files if p.endswith(".safetensors")]
        linked = self._linked_ids(card_data)
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            texts = {p: pool.submit(self._download, p, sha) for p in small}
            headers = {p: pool.submit(self._header, p, sha, release.files[p]) for p in shards}
            lookups = {key: pool.submit(self._lookup, *key) for key in linked}
            downloaded = {p: f.result() for p, f in texts.items()}
            # the card body may link more Hub datasets: look them up while the headers finish
            self._fill_texts(release, downloaded, card_data)
            more = [key for key in self._card_links(release) if key not in lookups]
            lookups.update({key: pool.submit(self._lookup, *key) for key in more})
            header_results = {p: f.result() for p, f in headers.items()}
            for (_, repo), future in lookups.items():
                release.linked[repo] = future.result()
        unreadable = [p for p, v in downloaded.items() if isinstance(v, Exception)]
        release.hub.unreadable_files = sorted(unreadable)
        if unreadable:
            gated = f" (gated: {release.hub.gated})" if release.hub.gated else ""
            release.problems.append(Problem("hub.unreadable", None, None,
                                            f"{len(unreadable)} file(s) could not be read{gated}: {', '.join(sorted(unreadable)[:5])}; graded from the public metadata"))
        self._fill_weights(release, header_results)
        for tag in release.hub.licence_tags:
            known = licences.lookup(tag)
            release.licences.append(LicenceClaim(tag, known.id if known else None, Evidence(None, None, f"Hub licence tag: {tag}", "hub")))
        return release

    @staticmethod
    def _is_small(path: str) -> bool:
        name = path.rsplit("/", 1)[-1]
        return (path in common.CARD_NAMES or path == "config.json" or common.is_licence_file(path)
                or path in declaration_reader.FILE_NAMES or name.endswith(".index.json"))

    def _download(self, path: str, sha: str) -> bytes | Exception:
        try:
            local = self._call(path, lambda: self.api.hf_hub_download(self.repo_id, path, revision=sha, etag_timeout=self.timeout))
        except (self.errors.GatedRepoError, self.errors.EntryNotFoundError, self.errors.LocalEntryNotFoundError) as exc:
            return exc
        except OpenlintError as exc:
            if "access denied" in str(exc):
                return exc
            raise
        with open(local, "rb") as handle:
            return handle.read(MAX_SMALL_BYTES)

    def _fill_texts(self, release: Release, downloaded: dict[str, bytes | Exception], card_data: dict[str, Any]) -> None:
        ok = {p: v for p, v in downloaded.items() if isinstance(v, bytes)}
        card = common.card_path(release.files)
        if card in ok:
            common.add_card(release, card, ok[card][: card_reader.MAX_CARD_BYTES + 1], release.files[card].size)
        elif card_data:
            # the card could not be downloaded (gated): its metadata is public through the API
            release.card = card_reader.Card(path=card or "README.md", lines=[], metadata=card_data, has_front_matter=True)
            release.licences.extend(common.card_licence_claims(release.card, card_data))
        elif card is None:
            release.problems.append(Problem("card.missing", None, None, "the repository has no model card (README.md)"))
        if "config.json" in ok:
            common.add_config(release, ok["config.json"])
        for path in sorted(ok):
            if common.is_licence_file(path):
                common.add_licence_file(release, path, ok[path].decode("utf-8", errors="replace"))
            elif path.endswith(".index.json"):
                release.texts[path] = ok[path].decode("utf-8", errors="replace")
        declaration = next((p for p in declaration_reader.FILE_NAMES if p in ok), None)
        common.add_declaration(release, declaration, ok[declaration].decode("utf-8", errors="replace") if declaration else None)

    # -- weights ----------------------------------------------------------------------------------------------
    def _header(self, path: str, sha: str, entry: FileEntry) -> bytes | Exception:
        """The raw JSON header of a remote safetensors file, by Range requests; cached by LFS sha256."""
        cached = self.cache / f"{entry.lfs_sha256}.json" if entry.lfs_sha256 else None
        if cached is not None and cached.is_file():
            return cached.read_bytes()
        hf = self.hf
        url = hf.hf_hub_url(self.repo_id, path, revision=sha, endpoint=self.api.endpoint)
        headers = hf.utils.build_hf_headers(token=self.token if self.token else None)

        def fetch(first: int, last: int) -> bytes:
            response = hf.utils.get_session().get(url, headers={**headers, "Range": f"bytes={first}-{last}"}, timeout=self.timeout)
            hf.utils.hf_raise_for_status(response)
            return response.content[: last - first + 1]

        try:
            probe = self._call(path, lambda: fetch(0, HEADER_PROBE - 1))
            if len(probe) < 8:
                return ValueError("header too small: the file is shorter than the 8-byte length prefix")
            size = int.from_bytes(probe[:8], "little")
            if size > safetensors_reader.MAX_HEADER or (entry.size and 8 + size > entry.size):
                return ValueError(f"invalid header length: the header claims {size} bytes")
            raw = probe[8 : 8 + size] if 8 + size <= len(probe) else self._call(path, lambda: fetch(8, 8 + size - 1))
        except (self.errors.GatedRepoError, self.errors.EntryNotFoundError) as exc:
            return exc
        except OpenlintError as exc:
            if "access denied" in str(exc):
                return exc
            raise
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(raw)
            except OSError:
                pass
        return raw

    def _fill_weights(self, release: Release, headers: dict[str, bytes | Exception]) -> None:
        flagged = {item.get("path"): item.get("level", "flagged") for item in ((release.hub.security or {}).get("filesWithIssues") or []) if isinstance(item, dict)}
        for path, entry in sorted(release.files.items()):
            found = weight_reader.identify(path)
            if found is None:
                continue
            weight = WeightFile(path=path, format=found["format"], loads=found["loads"], size=entry.size)
            if path in headers:
                result = headers[path]
                if isinstance(result, bytes):
                    try:
                        header = safetensors_reader.parse_header(result, entry.size or None)
                        weight_reader.apply_safetensors_header(weight, header, release.problems)
                    except safetensors_reader.HeaderError as exc:
                        weight_reader.mark_invalid(weight, "weights.invalid-safetensors", str(exc), release.problems)
                elif isinstance(result, ValueError):
                    weight_reader.mark_invalid(weight, "weights.invalid-safetensors", str(result), release.problems)
                else:
                    weight.detail = "header could not be read (gated)"
            elif not weight_reader.judge_by_format(weight, found):
                weight.detail = "not downloaded: judged by name and the Hub's own scan"
            if path in flagged:
                weight.safety = "dangerous"
                release.problems.append(Problem("weights.hub-flagged", path, None, f"is flagged by the Hub's security scan ({flagged[path]})"))
            release.weights.append(weight)
            common.add_weight_licence(release, weight)
        weight_reader.check_indexes(release, None)

    # -- linked repositories ---------------------------------------------------------------------------------------
    @staticmethod
    def _linked_ids(card_data: dict[str, Any]) -> list[tuple[str, str]]:
        keys: list[tuple[str, str]] = []
        for value, kind in ((card_data.get("datasets"), "dataset"), (card_data.get("base_model"), "model")):
            for item in ([value] if isinstance(value, str) else value or []):
                if isinstance(item, str) and item.strip() and (kind, item) not in keys:
                    keys.append((kind, item.strip()))
        return keys[:50]

    @staticmethod
    def _card_links(release: Release) -> list[tuple[str, str]]:
        if release.card is None:
            return []
        found = []
        for link in release.card.links:
            match = _HUB_DATASET.match(link.url)
            if match and ("dataset", match.group(1)) not in found:
                found.append(("dataset", match.group(1)))
        return found[:50]

    def _lookup(self, kind: str, repo: str) -> LinkedRepo:
        function = self.api.dataset_info if kind == "dataset" else self.api.model_info
        try:
            info = self._call(f"{kind} {repo}", lambda: function(repo, timeout=self.timeout))
        except self.errors.GatedRepoError:
            return LinkedRepo(repo, kind, True, gated=True)
        except OpenlintError as exc:
            if "repository not found" in str(exc):
                return LinkedRepo(repo, kind, False)
            raise
        card = info.card_data.to_dict() if getattr(info, "card_data", None) is not None else {}
        tags = [t.split(":", 1)[1] for t in (info.tags or []) if t.startswith("license:")]
        licence = card.get("license") if isinstance(card.get("license"), str) else (tags[0] if tags else None)
        return LinkedRepo(repo, kind, True, gated=info.gated or False, licence=licence)

    # -- offline ------------------------------------------------------------------------------------------------
    def _load_offline(self) -> Release:
        """Grade what the huggingface_hub cache holds of the repository: the files an earlier online check read."""
        from openlint.sources.local import LocalSource

        snapshot = self._cached_snapshot()
        if snapshot is None:
            raise self._fail("offline, and no copy of this repository is in the huggingface_hub cache")
        # snapshot files are symlinks into the cache's blobs/ folder, which is trusted here
        release = LocalSource(snapshot, trusted=snapshot.parents[1]).load()
        release.name, release.source, release.location = self.repo_id, "hub", self.repo_id
        release.hub = HubFacts(repo_id=self.repo_id, revision=snapshot.name, requested_revision=self.revision)
        release.problems.append(Problem("hub.unreadable", None, None, "offline: graded from the files in the huggingface_hub cache only"))
        return release

    def _cached_snapshot(self) -> Path | None:
        try:
            # explicit: the cache manager binds its default folder when first imported
            cache = self.hf.scan_cache_dir(self.hf.constants.HF_HUB_CACHE)
        except (self.errors.CacheNotFound, OSError):
            return None
        repo = next((r for r in cache.repos if r.repo_id == self.repo_id and r.repo_type == "model"), None)
        if repo is None or not repo.revisions:
            return None
        wanted = [r for r in repo.revisions if self.revision in (r.commit_hash, *r.refs)] if self.revision else list(repo.revisions)
        return max(wanted, key=lambda r: r.last_modified).snapshot_path if wanted else None
