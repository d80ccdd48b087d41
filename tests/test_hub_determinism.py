"""The same release gets the same report, whatever the network does (issue 12, requirement 1).

Every corpus entry (tests/data/corpus/cards, 24 real cards with their file listings) is served by the fake Hub and
checked five ways: a cold run, a warm run, --offline after the warm run, a run with 300 ms added to every request,
and a run in which every request first fails with 503. The JSON reports must be identical (they hold no timing
field). Each variant runs over the whole corpus; the checks of one variant run concurrently (8 at a time, all 24 at
once for the latency run), so that the 300 ms run costs about one check's wall time, not 24.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import corpus_ids, corpus_repo, hub_report

GATED = {"meta-llama__Llama-2-7b-hf", "google__medgemma-27b-it"}  # gated on the real Hub: served gated here


@pytest.fixture
def corpus_hub(hub):
    for folder, repo_id in corpus_ids().items():
        hub.add_model(corpus_repo(folder, repo_id, gated="manual" if folder in GATED else False))
    return hub


def _all(ids: list[str], cache: str, workers: int, **options) -> tuple[dict[str, dict], float]:
    os.environ["XDG_CACHE_HOME"] = cache  # openlint's cache for this variant (the hub fixture restores it)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = dict(zip(ids, pool.map(lambda repo: hub_report(repo, **options), ids)))
    return reports, time.perf_counter() - started


def _differences(expected: dict, actual: dict) -> list[str]:
    return [key for key in sorted(set(expected) | set(actual)) if expected.get(key) != actual.get(key)]


def test_every_corpus_repository_gets_the_same_report_whatever_the_network_does(corpus_hub, tmp_path):
    ids = sorted(corpus_ids().values())
    assert len(ids) == 24
    cold, _ = _all(ids, str(tmp_path / "cache-a"), 8)
    assert all(report["complete"] for report in cold.values())
    requests_cold = len(corpus_hub.log)
    warm, _ = _all(ids, str(tmp_path / "cache-a"), 8)
    assert len(corpus_hub.log) - requests_cold < requests_cold, "the warm run reads small files and headers from the cache"
    before = len(corpus_hub.log)
    offline, _ = _all(ids, str(tmp_path / "cache-a"), 8, offline=True)
    assert len(corpus_hub.log) == before, "--offline makes no request"
    corpus_hub.latency = 0.3
    slow, wall = _all(ids, str(tmp_path / "cache-b"), len(ids))
    corpus_hub.latency = 0.0
    corpus_hub.fail_once = True
    flaky, _ = _all(ids, str(tmp_path / "cache-c"), 8)
    assert len(corpus_hub.failed_once) > len(ids), "every request of the flaky run failed once first"
    for name, variant in (("warm", warm), ("offline", offline), ("300 ms latency", slow), ("503 once", flaky)):
        for repo in ids:
            assert variant[repo] == cold[repo], f"{repo}, {name} run: differs in {_differences(cold[repo], variant[repo])}"
    print(f"300 ms latency: {len(ids)} checks at once in {wall:.1f} s")


def test_the_reports_say_something_about_each_release(corpus_hub, tmp_path):
    """The determinism above is not the sameness of empty reports: the corpus grades differ and gated ones are read."""
    ids = sorted(corpus_ids().values())
    reports, _ = _all(ids, str(tmp_path / "cache"), 8)
    assert len({r["grade"]["score"] for r in reports.values()}) >= 5
    llama = reports["meta-llama/Llama-2-7b-hf"]
    assert llama["release"]["hub"]["gated"] == "manual" and llama["release"]["card"] == "README.md"
    assert any(f["code"] == "OLH001" for f in llama["findings"])
    assert sum(len(r["weights"]) for r in reports.values()) > 50
