"""openlint check on a Hub repository served by the test suite's fake Hub with 100 ms added latency per request:
a card, a licence, 8 safetensors shards and 3 linked datasets. Prints the request count and the wall time, cold
and with a warm cache. Target: at most 5 round trips of wall time (0.5 s) plus start-up.

    python bench/check_hub.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from _util import OPENLINT, ROOT, header
from fakehub import FakeHub, Repo, VirtualFile
from weightgen import safetensors_bytes

CARD = (ROOT / "examples" / "open-release" / "README.md").read_text().replace(
    "datasets:\n  - openlint-examples/tiny-stories-pretraining", "datasets:\n  - org/data-a\n  - org/data-b\n  - org/data-c")


def main() -> None:
    header("openlint check, Hub repository (fake Hub, 100 ms per request)")
    hub = FakeHub().start()
    files: dict = {"README.md": CARD.encode(), "LICENSE": (ROOT / "examples" / "open-release" / "LICENSE").read_bytes(),
                   "config.json": b'{"model_type": "llama"}'}
    weight_map = {}
    for i in range(1, 9):
        name = f"model-{i:05d}-of-00008.safetensors"
        head, data = safetensors_bytes({f"layer.{i}.weight": ("BF16", [25_000, 25_000])})
        files[name] = VirtualFile(head, len(head) + data)
        weight_map[f"layer.{i}.weight"] = name
    files["model.safetensors.index.json"] = __import__("json").dumps({"metadata": {"total_size": 8 * 2 * 25_000**2}, "weight_map": weight_map}).encode()
    hub.add_model(Repo("bench/model", "a" * 40, files=files, card_data={"license": "apache-2.0", "datasets": ["org/data-a", "org/data-b", "org/data-c"]}))
    for name in ("a", "b", "c"):
        hub.add_dataset(Repo(f"org/data-{name}", "b" * 40, card_data={"license": "cc-by-4.0"}))
    work = Path(tempfile.mkdtemp(prefix="openlint-hub-bench-"))
    env = {**os.environ, "HF_ENDPOINT": hub.endpoint, "HF_HUB_CACHE": str(work / "hf"), "XDG_CACHE_HOME": str(work / "xdg"),
           "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1", "NO_PROXY": "127.0.0.1,localhost", "HF_TOKEN": ""}
    env.pop("HF_TOKEN")
    try:
        timings = {}
        for label, latency, cache in (("no latency, cold cache", 0.0, "zero"), ("100 ms, cold cache", 0.1, "slow"), ("100 ms, warm cache", 0.1, "slow")):
            hub.latency = latency
            env["HF_HUB_CACHE"], env["XDG_CACHE_HOME"] = str(work / cache / "hf"), str(work / cache / "xdg")
            before = len(hub.log)
            start = time.perf_counter()
            result = subprocess.run([*OPENLINT, "check", "bench/model", "-q"], env=env, capture_output=True, text=True)
            wall = time.perf_counter() - start
            requests = hub.log[before:]
            kinds = Counter(("api" if r["path"].startswith("/api/") else "range" if r["range"] else r["method"].lower()) for r in requests)
            timings[label] = wall
            print(f"{label:<24} {wall * 1000:8.1f} ms  {len(requests):3d} requests ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})  exit {result.returncode}")
            if result.returncode == 2:
                print(result.stderr)
        waiting = timings["100 ms, cold cache"] - timings["no latency, cold cache"]
        print(f"time spent waiting on the network, cold: {waiting * 1000:.0f} ms = {waiting / 0.1:.1f} round trips of 100 ms")
    finally:
        hub.stop()
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
