"""HTTP for a Hub check: every answer bounded in size and time, every failure typed, transient ones retried.

Requests go through huggingface_hub's own HTTP session (its headers, proxies and offline switch) but openlint reads
each body itself, streaming, so that nothing the server sends can exceed a limit: per answer (a cap per kind of
read; a Range request answered with the whole file is cut at the range), per check (requests, bytes, wall time, time
spent waiting on rate limits), and against a slow drip (an answer that takes longer than --timeout must have
averaged limits.HUB_MIN_RATE). huggingface_hub's download layer is not used: it names cache files after the
server's ETag and commit headers, which a hostile endpoint chooses.

Errors are mapped from huggingface_hub's exception classes (raised by `hf_raise_for_status` from the status and the
X-Error-Code header) and from the HTTP status, never from message text; nothing the server says is quoted.
"""

from __future__ import annotations

import os
import random
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from openlint.support.record import Record

from openlint.errors import (HubAccessDenied, HubBadEndpoint, HubDisabled, HubEntryNotFound, HubError, HubGated, HubInvalidResponse,
                             HubLimitExceeded, HubNotCached, HubNotFound, HubRateLimited, HubRevisionNotFound,
                             HubUnavailable, printable)
from openlint.release import limits

BACKOFF = 0.25  # seconds before the first retry, doubling (plus up to 0.1 s of jitter) without a Retry-After


def load_hub() -> tuple[Any, Any, Any]:
    """huggingface_hub costs ~0.4 s to import: only Hub checks pay for it."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    import huggingface_hub
    import huggingface_hub.constants  # noqa: F401  (submodules: attributes of the package only once imported)
    import huggingface_hub.utils  # noqa: F401
    from huggingface_hub import errors
    from huggingface_hub.utils import httpx

    return huggingface_hub, errors, httpx


def checked_endpoint(endpoint: str) -> str:
    """An http(s) base URL with a host and nothing odd in it, else a one-line 'bad endpoint' error."""
    if not _usable_endpoint(endpoint):
        raise HubBadEndpoint(f"bad endpoint: HF_ENDPOINT '{printable(str(endpoint), 80)}' is not an http(s) URL of a Hub (e.g. https://huggingface.co)")
    return endpoint.rstrip("/")


def _usable_endpoint(endpoint: object) -> bool:
    if not isinstance(endpoint, str) or any(c.isspace() or not c.isprintable() for c in endpoint):
        return False
    try:
        parts = urlsplit(endpoint)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return False
    plain = not (parts.query or parts.fragment or parts.username or parts.password)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok and plain


class Answer(Record, frozen=True):
    status: int
    body: bytes
    headers: Mapping[str, str]


class Budget:
    """What one check may spend, over every request it makes (thread-safe: reads run concurrently)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.requests = 0
        self.bytes = 0
        self.waited = 0.0
        self.lock = threading.Lock()

    def remaining(self) -> float:
        return limits.HUB_CHECK_SECONDS - (self.clock() - self.started)

    def request(self, name: str, count: int = 1) -> None:
        with self.lock:
            self.requests += count
            over = self.requests > limits.HUB_CHECK_REQUESTS
        if over:
            raise HubLimitExceeded(f"{name}: the check needs more than {limits.HUB_CHECK_REQUESTS} requests (openlint's limit per check)")
        self.deadline(name)

    def spend(self, name: str, count: int) -> None:
        with self.lock:
            self.bytes += count
            over = self.bytes > limits.HUB_CHECK_BYTES
        if over:
            raise HubLimitExceeded(f"{name}: the check would read more than {limits.HUB_CHECK_BYTES // 1_000_000} MB (openlint's limit per check)")

    def deadline(self, name: str) -> None:
        if self.remaining() <= 0:
            raise HubLimitExceeded(f"{name}: the check took longer than {limits.HUB_CHECK_SECONDS:g} s (openlint's limit per check)")

    def wait(self, seconds: float) -> bool:
        """Account for a Retry-After wait; False when it goes past the check's budget for rate limits."""
        with self.lock:
            if self.waited + seconds > limits.HUB_RATE_LIMIT_WAIT or seconds >= self.remaining():
                return False
            self.waited += seconds
            return True


class _Decoder:
    """A Content-Encoding undone a bounded amount at a time (a compressed body must not expand past the limit)."""

    def __init__(self, encoding: str | None, fail: Callable[[str], HubError]) -> None:
        encoding = (encoding or "identity").strip().lower()
        self.fail = fail
        if encoding == "identity":
            self.inflate = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self.inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, detected from the header
        else:
            raise fail(f"the answer uses an unsupported content encoding ({printable(encoding, 20)})")

    def __call__(self, raw: bytes, room: int) -> bytes:
        if self.inflate is None:
            return raw
        try:
            return self.inflate.decompress(raw, max(room, 1))
        except zlib.error:
            raise self.fail("the answer's compressed body is corrupt") from None


HEADER_GRACE = 1.0  # seconds past --timeout before an answer's headers are given up on (the HTTP layer's own first)


class Transport:
    """GET requests to one Hub endpoint for one check."""

    def __init__(self, name: str, endpoint: str, token: str | None, timeout: float, budget: Budget | None = None) -> None:
        self.hf, self.errors, self.httpx = load_hub()
        self.name = name
        self.endpoint = checked_endpoint(endpoint)
        self.timeout = timeout
        self.budget = budget or Budget()
        self.session = self.hf.utils.get_session()
        # explicit, never implicit: openlint must know every token it sends, to redact it from everything it prints
        self.headers = self.hf.utils.build_hf_headers(token=token if token else False)

    def url(self, *parts: str) -> str:
        from urllib.parse import quote

        return self.endpoint + "/" + "/".join(quote(part, safe="/") for part in parts)

    # -- one request, retried -----------------------------------------------------------------------------------
    def get(self, url: str, what: str, limit: int, *, truncate: bool = False, params: list[tuple[str, str]] | None = None,
            byte_range: tuple[int, int] | None = None) -> Answer:
        """The answer's body, at most `limit` bytes (`truncate`: cut there; otherwise a longer answer is an error)."""
        attempt = 0
        while True:
            try:
                return self._once(url, what, limit, truncate, params, byte_range)
            except HubError as exc:
                if not exc.transient or attempt >= limits.HUB_RETRIES or not self._pause(exc, attempt):
                    if exc.transient and attempt:
                        given_up = f" (gave up after {attempt} retries)"
                        raise type(exc)(f"{exc}{given_up}", exc.detail + given_up) from None
                    raise
                attempt += 1

    def _pause(self, exc: HubError, attempt: int) -> bool:
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            if not self.budget.wait(retry_after):
                return False
            delay = retry_after
        else:
            delay = min(BACKOFF * 2**attempt + random.uniform(0, BACKOFF / 2.5), max(self.budget.remaining(), 0))
        time.sleep(delay)
        return True

    def _once(self, url: str, what: str, limit: int, truncate: bool, params: list[tuple[str, str]] | None,
              byte_range: tuple[int, int] | None) -> Answer:
        """One exchange, on a thread of its own that is abandoned when it overruns: the HTTP layer's timeouts are per
        read, so a server sending its headers a byte every half second kept a check waiting for hours (a review's
        find). The headers must arrive within --timeout, the whole answer within the check's time."""
        self.budget.request(self.name)
        timeout = max(min(self.timeout, self.budget.remaining()), 0.01)
        headers_in = threading.Event()
        outcome: list[Any] = []

        def exchange() -> None:
            try:
                outcome.append(self._exchange(url, what, limit, truncate, params, byte_range, timeout, headers_in))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread as it is
                outcome.append(exc)
            finally:
                headers_in.set()

        worker = threading.Thread(target=exchange, name="openlint-hub-request", daemon=True)
        worker.start()
        if not headers_in.wait(timeout + HEADER_GRACE):
            raise self._fail(HubUnavailable, what, f"the Hub did not send its answer's headers within {timeout:g} s (see --timeout)")
        worker.join(max(self.budget.remaining(), 0) + HEADER_GRACE)
        if not outcome:
            self.budget.deadline(self.name)
            raise self._fail(HubUnavailable, what, "the answer did not finish within the check's time")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _exchange(self, url: str, what: str, limit: int, truncate: bool, params: list[tuple[str, str]] | None,
                  byte_range: tuple[int, int] | None, timeout: float, headers_in: threading.Event) -> Answer:
        httpx = self.httpx
        headers = {**self.headers, "Accept-Encoding": "identity"}
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        try:
            with self.session.stream("GET", url, params=params, headers=headers, timeout=httpx.Timeout(timeout),
                                     follow_redirects=True) as response:
                headers_in.set()
                if response.history:
                    self.budget.request(self.name, len(response.history))
                if len(response.headers.raw) > limits.HUB_MAX_HEADERS_PER_RESPONSE:
                    raise self._fail(HubInvalidResponse, what, f"the answer has more than {limits.HUB_MAX_HEADERS_PER_RESPONSE} HTTP headers")
                if response.status_code >= 300:
                    raise self._status_error(response, what)
                body = self._read(response, what, limit, truncate, timeout)
                return Answer(response.status_code, body, response.headers)
        except httpx.TimeoutException:
            raise self._fail(HubUnavailable, what, f"the Hub did not answer within {timeout:g} s (see --timeout)") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise HubBadEndpoint(f"{self.name}: the Hub endpoint {printable(self.endpoint, 80)} cannot be used") from None
        except httpx.TooManyRedirects:
            raise self._fail(HubInvalidResponse, what, "the Hub redirected too many times") from None
        except httpx.ConnectError:
            raise self._fail(HubUnavailable, what, "cannot reach the Hub (connection refused or no route)") from None
        except httpx.ProtocolError as exc:  # a dropped connection, or headers over the HTTP layer's 100 KB
            raise self._fail(HubUnavailable, what, f"the answer was cut off or malformed ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise self._fail(HubUnavailable, what, f"the connection failed ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:  # the HTTP library's other failures (a stream error, a decoding one): the answer
            raise self._fail(HubInvalidResponse, what, f"the answer could not be read ({type(exc).__name__})") from None
        except self.errors.OfflineModeIsEnabled:
            raise HubNotCached(f"{self.name}: offline mode is on (HF_HUB_OFFLINE) and {what} is not cached") from None

    def _fail(self, kind: type[HubError], what: str, detail: str) -> HubError:
        return kind(f"{self.name}: {printable(what, 100)}: {detail}", detail)

    # -- the body ---------------------------------------------------------------------------------------------------
    def _read(self, response: Any, what: str, limit: int, truncate: bool, timeout: float) -> bytes:
        length = response.headers.get("Content-Length", "")
        if not truncate and length.isdigit() and int(length) > limit:
            raise self._fail(HubLimitExceeded, what, f"the answer is {int(length)} bytes, over openlint's limit of {limit}")
        decode = _Decoder(response.headers.get("Content-Encoding"), lambda detail: self._fail(HubInvalidResponse, what, detail))
        started = time.monotonic()
        chunks: list[bytes] = []
        size = 0
        for raw in response.iter_raw():
            self.budget.spend(self.name, len(raw))
            data = decode(raw, limit + 1 - size)
            size += len(data)
            if size > limit:
                if not truncate:
                    raise self._fail(HubLimitExceeded, what, f"the answer is over openlint's limit of {limit} bytes")
                chunks.append(data[: len(data) - (size - limit)])
                break
            chunks.append(data)
            self._pace(what, started, size, timeout)
        return b"".join(chunks)

    def _pace(self, what: str, started: float, size: int, timeout: float) -> None:
        elapsed = time.monotonic() - started
        if elapsed > timeout and size < limits.HUB_MIN_RATE * elapsed:
            raise self._fail(HubUnavailable, what, f"the answer arrives too slowly ({size} bytes in {elapsed:.0f} s)")
        self.budget.deadline(self.name)

    # -- errors -----------------------------------------------------------------------------------------------------
    def _status_error(self, response: Any, what: str) -> HubError:
        """The typed error of a 3xx-5xx answer, from huggingface_hub's classification of its status and headers (the
        body is never read: it would only add the server's own words)."""
        status = response.status_code
        bare = self.httpx.Response(status, headers=response.headers, content=b"", request=response.request)
        try:
            self.hf.utils.hf_raise_for_status(bare)
        except self.errors.HfHubHTTPError as exc:
            return self._classify(exc, status, what, response.headers)
        return self._fail(HubInvalidResponse, what, f"unexpected answer {status}")

    def _classify(self, exc: Any, status: int, what: str, headers: Mapping[str, str]) -> HubError:
        errors = self.errors
        if isinstance(exc, errors.GatedRepoError):
            return self._fail(HubGated, what, "the repository is gated: a token that has accepted its terms is needed (--token or HF_TOKEN)")
        if isinstance(exc, errors.RevisionNotFoundError):
            return self._fail(HubRevisionNotFound, what, "revision not found")
        if isinstance(exc, errors.EntryNotFoundError):
            return self._fail(HubEntryNotFound, what, "not found")
        if isinstance(exc, errors.RepositoryNotFoundError):
            return self._fail(HubNotFound, what, "repository not found on the Hub (a private repository needs --token or HF_TOKEN)")
        if isinstance(exc, errors.DisabledRepoError):
            return self._fail(HubDisabled, what, "access denied: the repository is disabled")
        if status == 429:
            error = self._fail(HubRateLimited, what, "rate limited by the Hub (429)")
            error.retry_after = _retry_after(headers)  # type: ignore[attr-defined]
            return error
        if status in (401, 403):
            return self._fail(HubAccessDenied, what, f"access denied ({status})")
        if status >= 500:
            error = self._fail(HubUnavailable, what, f"the Hub answered {status}")
            error.retry_after = _retry_after(headers) if status == 503 else None  # type: ignore[attr-defined]
            return error
        return self._fail(HubInvalidResponse, what, f"the Hub answered {status}")


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds < 86_400 else None
