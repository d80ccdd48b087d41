"""Errors that stop a run (exit 2): a broken invocation, config or rule file, or an unreachable Hub.

A broken *release* is never an error: readers record problems that rules turn into findings.
"""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


class OpenlintError(Exception):
    """A user-facing error, printed as one line on stderr; the run exits with status 2."""


class DataFileError(OpenlintError):
    """A rule, config, schema or declaration file that cannot be used; names the file and the path inside it."""

    def __init__(self, file: str, message: str, where: str = "") -> None:
        self.file = file
        self.where = where
        location = f"{file}: {where}" if where else file
        super().__init__(f"{location}: {message}")


class CardUnparsable(OpenlintError):
    """The markdown parser failed on the card (a bug of the parser, not of the release): the check cannot finish, and
    an unread card must not be graded as an empty one."""


def printable(text: str, limit: int = 120) -> str:
    """Text that came from a server or a release, safe in a one-line message: control and non-ASCII characters
    escaped (no newline, no terminal escape sequence), cut to `limit` characters."""
    shown = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


# -- the Hub ------------------------------------------------------------------------------------------------------
# Typed from huggingface_hub's exception classes and the HTTP status, never from message text. Transient ones
# (unavailable, rate limited) are retried a bounded number of times before they stop the check.

class HubError(OpenlintError):
    """Reading a Hub repository failed; the message names the repository and what was being read, `detail` only
    what went wrong (for a report's list of what is missing)."""

    transient = False

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail or message


class HubNotFound(HubError):
    """The repository does not exist, or is private and the token (if any) cannot see it."""


class HubEntryNotFound(HubNotFound):
    """A file (or a revision's file) the listing named is not there."""


class HubRevisionNotFound(HubError):
    pass


class HubAccessDenied(HubError):
    """401/403 for a reason other than gating (a token without the right, a disabled repository)."""


class HubDisabled(HubAccessDenied):
    """403: the repository is disabled (taken down): an answer about it, as "not found" is."""


class HubGated(HubError):
    """The repository is gated and the request had no token that accepted its terms."""


class HubRateLimited(HubError):
    transient = True


class HubUnavailable(HubError):
    """Timeouts, 5xx answers, refused or dropped connections, a body that arrives too slowly."""

    transient = True


class HubInvalidResponse(HubError):
    """An answer that is malformed, or names an identifier (commit, hash, repository id) that fails validation."""


class HubLimitExceeded(HubError):
    """A response or the check as a whole went past openlint's limits (size, requests, time, files listed)."""


class HubBadEndpoint(HubError):
    """HF_ENDPOINT is not an http(s) URL openlint can use."""


class HubNotCached(HubError):
    """Offline, and what the check needs is not in openlint's cache."""


class HubIncomplete(HubError):
    """Something needed for grading could not be read, and --partial was not given."""

    HINT = " (--partial reports what could be read)"

    def without_hint(self) -> str:
        """The message for a command that has no --partial (audit, diff)."""
        return str(self).replace(self.HINT, "")
