"""openlint check on a Hub repository served by the test suite's fake Hub: a card naming 3 datasets and a base model
(whose card names its own base: two lineage hops), a licence, config.json, a shard index and 8 safetensors shards.
Prints, per kind of run, the requests made (by kind) and the median wall time of 5 runs: cold and warm with no added latency, cold and warm
with 100 ms added to every request, offline after that, and with every request failing once with 503 first. The
time spent waiting on the network is the 100 ms cold run minus the 0 ms cold run, in round trips of 100 ms.
Target (issue 12): at most 5 round trips of wall time per check for a typical repository.

    python bench/check_hub.py
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from _util import OPENLINT, ROOT, header
from fakehub import FakeHub, Repo, VirtualFile
from weightgen import safetensors_bytes

REPEAT = 5

CARD = (ROOT / "examples" / "open-release" / "README.md").read_text().replace(
    "datasets:\n  - openlint-examples/tiny-stories-pretraining",
    "datasets:\n  - org/data-a\n  - org/data-b\n  - org/data-c\nbase_model: org/base")


def _fake_hub() -> FakeHub:
    hub = FakeHub().start()
    files: dict = {"README.md": CARD.encode(), "LICENSE": (ROOT / "examples" / "open-release" / "LICENSE").read_bytes(),
                   "config.json": b'{"model_type": "llama"}'}
    weight_map = {}
    for i in range(1, 9):
        name = f"model-{i:05d}-of-00008.safetensors"
        head, data = safetensors_bytes({f"layer.{i}.weight": ("BF16", [25_000, 25_000])})
        files[name] = VirtualFile(head, len(head) + data)
        weight_map[f"layer.{i}.weight"] = name
    files["model.safetensors.index.json"] = json.dumps({"metadata": {"total_size": 8 * 2 * 25_000**2}, "weight_map": weight_map}).encode()
    card_data = {"license": "apache-2.0", "datasets": ["org/data-a", "org/data-b", "org/data-c"], "base_model": "org/base"}
    hub.add_model(Repo("openlint-bench/model", "a" * 40, files=files, card_data=card_data))
    hub.add_model(Repo("org/base", "c" * 40, files={"README.md": b"---\nlicense: mit\nbase_model: org/root\n---\n# base\n"},
                       card_data={"license": "mit", "base_model": "org/root"}))
    hub.add_model(Repo("org/root", "d" * 40, files={"README.md": b"---\nlicense: mit\n---\n# root\n"}, card_data={"license": "mit"}))
    for name in ("a", "b", "c"):
        hub.add_dataset(Repo(f"org/data-{name}", "b" * 40, card_data={"license": "cc-by-4.0"}))
    return hub


def _kind(request: dict) -> str:
    if request["path"].startswith("/api/datasets/"):
        return "dataset lookup"
    if request["path"].startswith("/api/models/bench/"):
        return "model_info"
    if request["path"].startswith("/api/models/"):
        return "model lookup"
    if request["range"]:
        return "range"
    return "card of a base" if "/resolve/main/" in request["path"] else "small file"


def _in_process(hub: FakeHub, work: Path) -> None:
    """The same check through the pipeline in this process: no interpreter start-up, no import, no TLS set-up in the
    figure, so the difference between 0 and 100 ms is the network's share alone (median of REPEAT cold runs)."""
    from conftest import hub_report

    os.environ.update({"HF_HUB_DISABLE_IMPLICIT_TOKEN": "1", "NO_PROXY": "127.0.0.1,localhost"})
    import huggingface_hub.constants as constants

    constants.ENDPOINT = hub.endpoint
    hub_report("openlint-bench/model")  # imports, rule files, the HTTP session
    medians = {}
    for latency in (0.0, 0.1):
        hub.latency, hub.fail_once = latency, False
        walls = []
        for attempt in range(REPEAT):
            os.environ["XDG_CACHE_HOME"] = str(work / f"in-process-{latency}-{attempt}")
            start = time.perf_counter()
            hub_report("openlint-bench/model")
            walls.append(time.perf_counter() - start)
        medians[latency] = statistics.median(walls)
        print(f"in-process, {latency * 1000:3.0f} ms, cold cache {medians[latency] * 1000:8.1f} ms")
    waiting = medians[0.1] - medians[0.0]
    print(f"in-process: time spent waiting on the network, cold: {waiting * 1000:.0f} ms = {waiting / 0.1:.1f} round trips of 100 ms")


def main() -> None:
    header("openlint check, Hub repository (fake Hub)")
    hub = _fake_hub()
    work = Path(tempfile.mkdtemp(prefix="openlint-hub-bench-"))
    env = {**os.environ, "HF_ENDPOINT": hub.endpoint, "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1", "NO_PROXY": "127.0.0.1,localhost",
           "HF_HUB_CACHE": str(work / "hf"), "XDG_CACHE_HOME": str(work / "xdg")}
    env.pop("HF_TOKEN", None)
    subprocess.run([*OPENLINT, "rules"], env=env, capture_output=True)  # openlint's parsed rule data, cached once for all runs
    try:
        timings = {}
        runs = (("no latency, cold cache", 0.0, False, False, ()), ("no latency, warm cache", 0.0, True, False, ()),
                ("100 ms, cold cache", 0.1, False, False, ()), ("100 ms, warm cache", 0.1, True, False, ()),
                ("offline after that", 0.1, True, False, ("--offline",)), ("each request 503 once, cold", 0.0, False, True, ()))
        for label, latency, warm, flaky, extra in runs:
            hub.latency = latency
            walls = []
            for _ in range(REPEAT):  # the median of REPEAT runs; a cold one starts without openlint's Hub cache
                hub.fail_once, hub.failed_once = flaky, set()
                if not warm:
                    shutil.rmtree(work / "xdg" / "openlint" / "hub", ignore_errors=True)
                before = len(hub.log)
                start = time.perf_counter()
                result = subprocess.run([*OPENLINT, "check", "openlint-bench/model", "-q", *extra], env=env, capture_output=True, text=True)
                walls.append(time.perf_counter() - start)
                requests = hub.log[before:]
            timings[label] = wall = statistics.median(walls)
            kinds = Counter(_kind(r) for r in requests)
            print(f"{label:<30} {wall * 1000:8.1f} ms  {len(requests):3d} requests ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})"
                  f"  exit {result.returncode}")
            if result.returncode == 2:
                print(result.stderr)
        waiting = timings["100 ms, cold cache"] - timings["no latency, cold cache"]
        print(f"time spent waiting on the network, cold: {waiting * 1000:.0f} ms = {waiting / 0.1:.1f} round trips of 100 ms")
        waiting = timings["100 ms, warm cache"] - timings["no latency, warm cache"]
        print(f"time spent waiting on the network, warm: {waiting * 1000:.0f} ms = {waiting / 0.1:.1f} round trips of 100 ms")
        _in_process(hub, work)
    finally:
        hub.stop()
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
