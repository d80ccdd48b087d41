"""How much of a release openlint reads: one set of limits, whatever the source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CARD_BYTES = 1_000_000  # 30x the largest real card in the corpus; a larger card is read up to here and reported
TEXT_BYTES = 1_000_000  # licence texts, use policies, declarations
CONFIG_BYTES = 5_000_000  # config.json of large multimodal models reaches a few hundred KB
INDEX_BYTES = 16 * 1024 * 1024  # a shard index maps every tensor to its file: DeepSeek-V3's, one of the largest, is ~9 MB
WEIGHT_SCAN_SECONDS = 120.0  # header and pickle scans of one check together (each file has 1 s): past it, the rest are unverified
MAX_LINKED = 50  # Hub datasets and models looked up per check
MAX_HOPS = 4  # base models followed, base of base of ...
MAX_BASES = 8  # base models read per hop (a merge names several parents)

# -- a Hub check: every answer is untrusted, so each one and the check as a whole are bounded ------------------------
HUB_MAX_FILES = 20_000  # files a repository's listing may name (the largest real model repositories hold a few thousand)
HUB_INFO_BYTES = 32_000_000  # the repository metadata with 20 000 files listed
HUB_LOOKUP_BYTES = 4_000_000  # a linked dataset's or model's metadata (cardData, tags, gating only)
# JSON objects and arrays in one metadata answer: a listing of 20 000 files holds ~40 000; 10 million empty ones in
# 30 MB took 1.5 GB to parse (a review's find)
HUB_MAX_JSON_CONTAINERS = 250_000
HUB_HEADER_PROBE = 100_000  # bytes of a safetensors file read first: most headers fit
HUB_GGUF_PROBE = 32_768  # bytes of a GGUF file read on the Hub: magic, counts and the general.* keys, which come first
HUB_MAX_INDEXES = 32  # shard index files read per check
HUB_MAX_HEADERS = 2_000  # safetensors headers read per check
HUB_CHECK_BYTES = 256_000_000  # bytes read per check, all responses together
HUB_CHECK_REQUESTS = 3_000  # requests per check, retries and redirects included
HUB_CHECK_SECONDS = 300.0  # wall time per check
HUB_MIN_RATE = 65_536  # bytes/s a response must average once it has taken longer than --timeout (a slow drip)
HUB_MAX_HEADERS_PER_RESPONSE = 256  # HTTP header lines in one answer (the HTTP layer caps their total at 100 KB)
HUB_ERROR_BYTES = 65_536  # an error answer's body, read for its error code only
HUB_RETRIES = 3  # retries of a request that timed out, was refused or answered 429/5xx
HUB_RATE_LIMIT_WAIT = 30.0  # seconds per check spent honouring Retry-After before giving up as rate limited

MAX_SAID = 20  # places named one by one per kind of problem; the rest are counted (a crafted index maps thousands)


def said(problems: list, items: list, one: Callable[[Any], Any], rest: Callable[[int], Any]) -> None:
    """A problem for each of the first MAX_SAID items, and one that counts the rest: findings stay bounded however
    many a release crafts."""
    problems.extend(one(item) for item in items[:MAX_SAID])
    if len(items) > MAX_SAID:
        problems.append(rest(len(items) - MAX_SAID))
