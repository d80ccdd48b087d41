"""A fake Hugging Face Hub on 127.0.0.1 for the real huggingface_hub client.

It serves the API subset openlint uses: `/api/models/{id}[/revision/{rev}]`, `/api/datasets/{id}` (with
`?expand=` as the real Hub does), `/{id}/resolve/{rev}/{path}` with HEAD, GET and Range, and the headers the client
relies on (`X-Repo-Commit`, `ETag`, `X-Linked-Size`, `X-Error-Code`). Large files are virtual: their header bytes
are real and the rest reads as zeros, so Range requests behave while nothing large is held in memory.

Gated repositories behave like the real Hub's: the listing and `cardData` are public through the API, and so are
README.md, LICENSE*, USE_POLICY*, NOTICE* and .gitattributes; every other file answers 401 GatedRepo without a
token (hub-docs PR #1274: "license files are still publicly accessible").

Faults are injected per test: status sequences, stalls, latency per request, "every request fails once with 503",
huge or dripping bodies, oversized or numerous headers, hostile identifiers; every request is logged.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlparse


@dataclass
class VirtualFile:
    head: bytes
    size: int

    def read(self, start: int, end: int) -> bytes:
        """Bytes start..end inclusive."""
        end = min(end, self.size - 1)
        real = self.head[start : end + 1]
        return real + bytes(max(0, end + 1 - max(start, len(self.head))))


@dataclass
class Repo:
    id: str
    sha: str
    files: dict[str, bytes | VirtualFile] = field(default_factory=dict)
    card_data: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    gated: str | bool = False
    private: bool = False
    info: dict[str, Any] = field(default_factory=dict)  # extra API fields (from a recorded response)
    revisions: dict[str, str] = field(default_factory=dict)
    security: dict[str, Any] | None = None
    hostile: dict[str, Any] = field(default_factory=dict)  # API fields sent as they are, over the computed ones
    resolve_headers: dict[str, str] = field(default_factory=dict)  # extra headers on every file answer

    def public(self, path: str) -> bool:
        """A file anyone can read, gated or not (the real Hub's rule for gated repositories)."""
        name = path.upper()
        return "/" not in path and (path in ("README.md", ".gitattributes") or name.startswith(("LICENSE", "USE_POLICY", "NOTICE")))

    def size(self, path: str) -> int:
        content = self.files[path]
        return content.size if isinstance(content, VirtualFile) else len(content)

    def oid(self, path: str) -> str:
        content = self.files[path]
        data = content.head + str(content.size).encode() if isinstance(content, VirtualFile) else content
        return hashlib.sha256(data).hexdigest()

    def is_lfs(self, path: str) -> bool:
        return isinstance(self.files[path], VirtualFile) or len(self.files[path]) > 100_000


@dataclass
class Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stall: float = 0.0
    body_size: int = 0  # a body of this many zero bytes, streamed (a 2 GB answer without holding it)
    drip: float = 0.0  # seconds between single bytes of the body
    header_lines: int = 0  # this many extra header lines
    header_bytes: int = 0  # one header of this many bytes
    no_length: bool = False  # no Content-Length: the body runs until the connection closes
    header_drip: float = 0.0  # seconds: the status line, then one header name's bytes one at a time for this long


class FakeHub:
    def __init__(self) -> None:
        self.models: dict[str, Repo] = {}
        self.datasets: dict[str, Repo] = {}
        self.redirects: dict[str, str] = {}
        self.faults: list[tuple[re.Pattern[str], list[Fault]]] = []
        self.latency = 0.0
        self.fail_once = False  # every distinct request fails once with 503 before it succeeds
        self.failed_once: set[tuple[str, str, str | None]] = set()
        self.echo = b"{{TOKEN}}"  # in a file's content, replaced by the bearer token of the request (a hostile echo)
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                hub._handle(self, "GET")

            def do_HEAD(self) -> None:
                hub._handle(self, "HEAD")

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # many checks at once (the determinism test): no refused connections
            def handle_error(self, request: Any, client_address: Any) -> None:
                # a client that hung up mid-answer (openlint stops reading at its limits): not the test's output
                hub.errors += 1

        self.errors = 0
        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> FakeHub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- set-up ------------------------------------------------------------------------------------------------
    def add_model(self, repo: Repo) -> Repo:
        self.models[repo.id] = repo
        return repo

    def add_dataset(self, repo: Repo) -> Repo:
        self.datasets[repo.id] = repo
        return repo

    def fail(self, pattern: str, *faults: Fault) -> None:
        """The next requests whose "METHOD path" matches get these answers, in order."""
        self.faults.append((re.compile(pattern), list(faults)))

    def requests(self, method: str | None = None, pattern: str = "") -> list[dict[str, Any]]:
        return [r for r in self.log if (method is None or r["method"] == method) and re.search(pattern, r["path"])]

    # -- serving -----------------------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(handler.path)
        path = unquote(url.path)
        with self._lock:
            self.log.append({"method": method, "path": path, "query": url.query, "range": handler.headers.get("Range"),
                             "authorization": handler.headers.get("Authorization")})
            fault = None
            for pattern, queue in self.faults:
                if queue and pattern.search(f"{method} {path}"):
                    fault = queue.pop(0)
                    break
            key = (method, handler.path, handler.headers.get("Range"))
            if fault is None and self.fail_once and key not in self.failed_once:
                self.failed_once.add(key)
                fault = Fault(503)
        if self.latency:
            time.sleep(self.latency)
        try:
            if fault is not None:
                return self._fault(handler, method, fault)
            self._route(handler, method, path, parse_qs(url.query))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _fault(self, handler: BaseHTTPRequestHandler, method: str, fault: Fault) -> None:
        if fault.stall:
            time.sleep(fault.stall)
        if fault.header_drip:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            end = time.monotonic() + fault.header_drip
            try:
                while time.monotonic() < end:
                    handler.wfile.write(b"X")
                    handler.wfile.flush()
                    time.sleep(0.2)
                handler.wfile.write(b": y\r\nContent-Length: 2\r\n\r\n{}")
            except OSError:
                pass  # the client gave up, as it should
            handler.close_connection = True
            return
        headers = dict(fault.headers)
        headers.update({f"X-Filler-{i}": "x" for i in range(fault.header_lines)})
        if fault.header_bytes:
            headers["X-Huge"] = "x" * fault.header_bytes
        if not (fault.body_size or fault.drip):
            return self._send(handler, method, fault.status, fault.body, headers)
        size = fault.body_size or len(fault.body)
        handler.send_response(fault.status)
        framing = {"Connection": "close"} if fault.no_length else {"Content-Length": str(size)}
        for key, value in {**framing, **headers}.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.close_connection = fault.no_length
        if fault.drip:
            for index in range(size):
                handler.wfile.write(fault.body[index : index + 1] or b"\0")
                handler.wfile.flush()
                time.sleep(fault.drip)
            return
        block = bytes(1 << 20)
        for start in range(0, size, len(block)):
            handler.wfile.write(block[: min(len(block), size - start)])

    def _send(self, handler: BaseHTTPRequestHandler, method: str, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if method != "HEAD":
            handler.wfile.write(body)

    def _error(self, handler: BaseHTTPRequestHandler, method: str, status: int, code: str, message: str, extra: dict[str, str] | None = None) -> None:
        body = json.dumps({"error": message}).encode()
        self._send(handler, method, status, body, {"Content-Type": "application/json", "X-Error-Code": code, "X-Error-Message": message, **(extra or {})})

    def _route(self, handler: BaseHTTPRequestHandler, method: str, path: str, query: dict[str, list[str]]) -> None:
        if path == "/api/models":
            return self._list_models(handler, method, query)
        if match := re.fullmatch(r"/api/(models|datasets)/([^/]+(?:/[^/]+)?)(?:/revision/(.+))?", path):
            kind, repo_id, revision = match.groups()
            return self._info(handler, method, kind, repo_id, revision, query)
        if match := re.fullmatch(r"/(datasets/)?([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path):
            dataset, repo_id, revision, file = match.groups()
            return self._resolve(handler, method, self.datasets if dataset else self.models, repo_id, revision, file)
        self._error(handler, method, 404, "RepoNotFound", "Not found")

    def _revision(self, repo: Repo, revision: str | None) -> str | None:
        if revision in (None, "main", repo.sha):
            return repo.sha
        return repo.revisions.get(revision)

    def _info(self, handler: BaseHTTPRequestHandler, method: str, kind: str, repo_id: str, revision: str | None, query: dict[str, list[str]]) -> None:
        repos = self.models if kind == "models" else self.datasets
        if repo_id in self.redirects:
            target = f"/api/{kind}/{self.redirects[repo_id]}" + (f"/revision/{revision}" if revision else "")
            return self._send(handler, method, 307, b"Temporary Redirect", {"Location": target, "Content-Type": "text/plain"})
        repo = repos.get(repo_id)
        if repo is None or (repo.private and not handler.headers.get("Authorization")):
            return self._error(handler, method, 404, "RepoNotFound", "Repository not found")
        sha = self._revision(repo, revision)
        if sha is None:
            return self._error(handler, method, 404, "RevisionNotFound", f"Invalid rev id: {revision}")
        blobs = query.get("blobs") == ["true"]
        siblings = []
        for name in sorted(repo.files):
            sibling: dict[str, Any] = {"rfilename": name}
            if blobs:
                sibling.update({"size": repo.size(name), "blobId": repo.oid(name)[:40]})
                if repo.is_lfs(name):
                    sibling["lfs"] = {"sha256": repo.oid(name), "size": repo.size(name), "pointerSize": 134}
            siblings.append(sibling)
        body = {**repo.info, "_id": hashlib.md5(repo.id.encode()).hexdigest()[:24], "id": repo.id, "sha": sha,
                "private": repo.private, "disabled": False, "gated": repo.gated, "tags": repo.tags,
                "cardData": repo.card_data, "siblings": siblings, "lastModified": "2024-01-01T00:00:00.000Z"}
        if query.get("securityStatus") == ["true"]:
            body["securityRepoStatus"] = repo.security or {"scansDone": True, "filesWithIssues": []}
        if query.get("expand"):  # only the fields asked for, as the real API does
            body = {k: v for k, v in body.items() if k in ("_id", "id", *query["expand"])}
        body.update(repo.hostile)
        self._send(handler, method, 200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def _resolve(self, handler: BaseHTTPRequestHandler, method: str, repos: dict[str, Repo], repo_id: str, revision: str, file: str) -> None:
        repo = repos.get(repo_id)
        if repo is None or (repo.private and not handler.headers.get("Authorization")):
            return self._error(handler, method, 404, "RepoNotFound", "Repository not found")
        sha = self._revision(repo, revision)
        if sha is None:
            return self._error(handler, method, 404, "RevisionNotFound", f"Invalid rev id: {revision}")
        if repo.gated and not handler.headers.get("Authorization") and not repo.public(file):
            return self._error(handler, method, 401, "GatedRepo", "Access to this model is restricted. You must be authenticated.", {"X-Repo-Commit": sha})
        if file not in repo.files:
            return self._error(handler, method, 404, "EntryNotFound", f"{file} does not exist", {"X-Repo-Commit": sha})
        size = repo.size(file)
        headers = {"X-Repo-Commit": sha, "ETag": f'"{repo.oid(file)}"', "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        if repo.is_lfs(file):
            headers["X-Linked-Size"] = str(size)
            headers["X-Linked-Etag"] = f'"{repo.oid(file)}"'
        headers.update(repo.resolve_headers)
        content = repo.files[file]
        if isinstance(content, bytes) and self.echo in content:
            token = (handler.headers.get("Authorization") or "").removeprefix("Bearer ")
            content = content.replace(self.echo, token.encode())
            size = len(content)
        wanted = handler.headers.get("Range")
        if wanted and (match := re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)):
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else size - 1
            end = min(end, size - 1)
            body = content.read(start, end) if isinstance(content, VirtualFile) else content[start : end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            return self._send(handler, method, 206, body, headers)
        if method == "HEAD":
            headers["Content-Length"] = str(size)
            return self._send(handler, method, 200, b"", headers)
        body = content.read(0, size - 1) if isinstance(content, VirtualFile) else content
        self._send(handler, method, 200, body, headers)

    # -- the model listing (HfApi.list_models) ---------------------------------------------------------------------
    LIST_PAGE = 50  # the largest page (the Hub's is 1000); further pages link on with a `Link: <...>; rel="next"` header

    def _list_models(self, handler: BaseHTTPRequestHandler, method: str, query: dict[str, list[str]]) -> None:
        """Public models filtered like the Hub: `author` (owner), `search` (substring of the id, any case), every
        `filter` tag; sorted by id; `limit` items a page, `cursor` the offset of the page."""
        author = query.get("author", [None])[0]
        search = (query.get("search", [""])[0]).lower()
        tags = query.get("filter", [])
        found = [repo for _, repo in sorted(self.models.items()) if not repo.private
                 and (author is None or repo.id.split("/")[0] == author) and search in repo.id.lower()
                 and all(tag in repo.tags for tag in tags)]
        size = min(int(query.get("limit", [self.LIST_PAGE])[0]), self.LIST_PAGE)
        start = int(query.get("cursor", ["0"])[0])
        page = found[start : start + size]
        headers = {"Content-Type": "application/json"}
        if start + size < len(found):
            rest = urlencode([(key, value) for key, values in query.items() if key != "cursor" for value in values])
            headers["Link"] = f'<{self.endpoint}/api/models?{rest}&cursor={start + size}>; rel="next"'
        body = [{"_id": hashlib.md5(r.id.encode()).hexdigest()[:24], "id": r.id, "modelId": r.id, "private": r.private,
                 "tags": r.tags, "downloads": 0, "likes": 0} for r in page]
        self._send(handler, method, 200, json.dumps(body).encode(), headers)
