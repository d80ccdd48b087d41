"""Hostile release folders: each checked in a fresh process; prints wall time, peak memory and exit code.
Target: every weight file judged within 1 s and 100 MiB, exit 0/1 (findings), never 2, a crash or a hang.

    python bench/hostile.py              # every case, 3 runs each (median time, worst memory)
    python bench/hostile.py -k gguf -n 1 # cases whose name contains "gguf", one run each

A case still running after --timeout seconds (default 60) is killed and reported as a timeout.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import lzma
import os
import pickle
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from _util import OPENLINT, header
from weightgen import (benign_torch_pickle, gguf_bytes, global_pickle, sparse_gguf, torch_zip, zip_with_many_members,
                       zip_of_near_limit_members)

CARD = b"---\nlicense: mit\n---\n# hostile\n"


def cases(base: Path, want: str = "") -> dict[str, Path]:
    """Build the selected cases; file contents are given lazily (callables) so that unselected ones cost nothing."""
    made: dict[str, Path] = {}
    skipped = base / "skipped"

    def folder(name: str, files: dict[str, bytes | Callable[[], bytes]]) -> Path:
        if want.lower() not in name.lower():  # a throwaway folder, so that the callers' symlinks still work
            scratch = skipped / name.replace("/", "-").replace(" ", "_")
            scratch.mkdir(parents=True)
            return scratch
        root = base / f"case{len(made):02d}"
        root.mkdir()
        (root / "README.md").write_bytes(CARD)
        for path, content in files.items():
            (root / path).write_bytes(content() if callable(content) else content)
        made[name] = root
        return root

    # safetensors
    folder("safetensors header claims 100 MB in 1 KB", {"model.safetensors": struct.pack("<Q", 100_000_000) + b"{" + bytes(1000)})
    folder("safetensors header longer than the file", {"model.safetensors": struct.pack("<Q", 50_000) + b"{}"})
    folder("safetensors header of 100 MB (one metadata string)", {"model.safetensors": big_metadata_safetensors})
    folder("safetensors with 1.4 million tensors", {"model.safetensors": many_tensor_safetensors})
    folder("shard index of 50 MB", {"model.safetensors.index.json": big_index})
    # GGUF
    folder("GGUF claims 2^62 tensors", {"m.gguf": gguf_bytes({}, tensor_count=2**62)})
    folder("GGUF string of 2^40 bytes", {"m.gguf": b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 2**40) + bytes(100)})
    sparse = folder("GGUF sparse 20 GB, 10^9 metadata entries", {})
    if sparse.parent != skipped:
        sparse_gguf(sparse / "m.gguf", kv_count=1_000_000_000, tensor_count=0, size=20 * 2**30)
    sparse = folder("GGUF sparse 20 GB, 6*10^8 tensors", {})
    if sparse.parent != skipped:
        sparse_gguf(sparse / "m.gguf", kv_count=0, tensor_count=600_000_000, size=20 * 2**30)
    array = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 15) + b"general.strings" + struct.pack("<IIQ", 9, 8, 2**31)
    sparse = folder("GGUF sparse 20 GB, array of 2^31 strings", {"m.gguf": array})
    if sparse.parent != skipped:
        os.truncate(sparse / "m.gguf", 20 * 2**30)
    # zip
    folder("zip bomb (200 MB member)", {"bomb.pt": lambda: zipped({"archive/data.pkl": b"\x80\x02" + bytes(200_000_000)})})
    folder("truncated zip", {"t.pt": torch_zip(benign_torch_pickle())[:50]})
    folder("zip of 1 000 000 members", {"many.pt": lambda: zip_with_many_members(1_000_000)})
    folder("zip of 16 pickles of 30 MB, ratio < 200", {"slow.pt": lambda: zip_of_near_limit_members(16, 30_000_000)})
    # pickles
    folder("pickle with 10^6 opcodes", {"big.pkl": lambda: pickle.dumps(list(range(1_000_000)), protocol=4)})
    folder("pickle with 3*10^6 opcodes", {"big.pkl": lambda: pickle.dumps(list(range(3_000_000)), protocol=4)})
    folder("stream of 5*10^6 tiny pickles", {"many.pkl": b"N." * 5_000_000})
    folder("17 pickles, the last one os.system", {"s.pkl": pickle.dumps(0, protocol=2) * 16 + global_pickle("os", "system")})
    folder("memo of 10^6 strings", {"memo.pkl": b"\x80\x04" + b"\x8c\x01a\x94" * 1_000_000 + b"."})
    folder("zlib bomb (.joblib, 1 GB of zeros)", {"m.joblib": lambda: zlib.compress(b"\x80\x02" + bytes(1_000_000_000), 9)})
    folder("gzip bomb (.pkl.gz, 1 GB of zeros)", {"m.pkl.gz": lambda: gzip.compress(b"\x80\x02" + bytes(1_000_000_000), 9)})
    folder("bz2 bomb (.pkl, 200 MB of zeros)", {"m.pkl": lambda: bz2.compress(b"\x80\x02" + bytes(200_000_000), 9)})
    folder("xz bomb (.pkl, 200 MB of zeros)", {"m.pkl": lambda: lzma.compress(b"\x80\x02" + bytes(200_000_000))})
    # YAML
    folder("card of 50 MB", {"README.md": CARD + (b"lorem ipsum dolor " * 60 + b"\n") * 46_000})
    # card text built against the card reader's patterns: each is read in time linear in the card's size
    # (lines are cut at 4000 characters before any pattern runs, so each case fills many lines up to that length)
    folder("card: 250 claims, each with a 3900-digit run", {"README.md": CARD + b"## Intro\n" + (b"It outperforms the previous SOTA " + b"1" * 3900 + b"a\n\n") * 250})
    folder("card: 500 image links of 1900 characters", {"README.md": CARD + b"## Results\n" + ((b"![results](" + b"a" * 1900 + b" ") * 2 + b"\n\n") * 250})
    folder("card: 100 000 table rows under a results heading", {"README.md": CARD + b"## Evaluation\n| a | b |\n|---|---|\n" + b"| x | 1.0 |\n" * 100_000})
    # markup dense enough that the parser makes an event every two or three characters (~1 KB each)
    folder("card: 1 MB of nested list markers", {"README.md": CARD + (b"+ 1. " * 798 + b"\n") * 250})
    folder("card: 1 MB of unmatched emphasis", {"README.md": CARD + (b"*a_" * 1330 + b"\n") * 250})
    folder("card: 1 MB of delimiter-like rows under text", {"README.md": CARD + b"Intro\n" + (b"|-" + b" " * 3990 + b"x\n") * 250})
    # the remote-code and credit patterns: a flag, a negation and a credit repeated on every line, beside a config.json
    folder("card: 1 MB of negated trust_remote_code prose", {"README.md": CARD + (b"not need " * 150 + b"trust_remote_code=True " * 120 + b"\n\n") * 250,
                                                               "config.json": b'{"model_type": "llama"}'})
    folder("card: 1 MB of credits for quants", {"README.md": CARD + (b"Thanks to x for the " + b"a, " * 1300 + b"quants\n\n") * 250})
    folder("card: 1 MB of unclosed load_dataset calls", {"README.md": CARD + (b"```python\n" + b"load_dataset((x), " * 220 + b"\n```\n") * 250})
    folder("YAML alias bomb", {"README.md": b"---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n"})
    folder("YAML flow nesting 30 000 deep", {"README.md": b"---\nlicense: " + b"[" * 30_000 + b"\n---\n# m\n"})
    folder("card: 90 000 datasets in the metadata", {"README.md": b"---\nlicense: mit\ndatasets:\n" + b"".join(b"- a/d%06d\n" % i for i in range(90_000)) + b"---\n# m\n"})
    folder("card: 115 000 base_model ids", {"README.md": b"---\nlicense: mit\nbase_model:\n" + b"".join(b"- a/m%06d\n" % i for i in range(115_000)) + b"---\n# m\n"})
    folder("YAML mapping nesting 30 000 deep", {"README.md": b"---\nlicense: " + b"{a: " * 30_000 + b"\n---\n# m\n"})
    folder("YAML invalid date, 5000-digit int", {"README.md": b"---\nlicense: mit\ndate: 2024-13-45\nn: " + b"9" * 5000 + b"\n---\n# m\n"})
    # the file system
    loop = folder("symlink loop and link outside", {})
    (loop / "a").symlink_to(loop / "b")
    (loop / "b").symlink_to(loop / "a")
    (loop / "model.bin").symlink_to("/etc/passwd")
    fifo = folder("FIFO named model.bin", {})
    os.mkfifo(fifo / "model.bin")
    many_files = folder("100 000 small files", {})
    for i in range(100):
        (many_files / f"d{i}").mkdir()
        for j in range(1000):
            (many_files / f"d{i}" / f"f{j}").touch()
    return made


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def big_metadata_safetensors() -> bytes:
    raw = b'{"__metadata__": {"x": "' + b"a" * 99_999_000 + b'"}}'
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw


def many_tensor_safetensors() -> bytes:
    entries = b",".join(b'"t%07d":{"dtype":"U8","shape":[1],"data_offsets":[%d,%d]}' % (i, i, i + 1) for i in range(1_400_000))
    raw = b"{" + entries + b"}"
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + bytes(1_400_000)


def big_index() -> bytes:
    import json
    shards = 99
    index = {"metadata": {"total_size": 0},
             "weight_map": {f"model.layers.{i}.self_attn.q_proj.weight": f"model-{i % shards + 1:05d}-of-{shards:05d}.safetensors" for i in range(600_000)}}
    return json.dumps(index).encode()


def measure(argv: list[str], runs: int, timeout: float) -> tuple[float, float, str]:
    """(median seconds, worst peak RSS MiB, exit status) over fresh processes; RSS from RUSAGE_CHILDREN."""
    times, peaks, status = [], [], ""
    for _ in range(runs):
        wrapped = [sys.executable, "-c",
                   "import resource,subprocess,sys,time\n"
                   "t=time.perf_counter()\n"
                   "p=subprocess.Popen(sys.argv[2:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n"
                   "try:\n r=p.wait(float(sys.argv[1]))\n"
                   "except subprocess.TimeoutExpired:\n p.kill(); p.wait(); r='timeout'\n"
                   "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r)",
                   str(timeout), *argv]
        out = subprocess.run(wrapped, capture_output=True, text=True).stdout.split()
        times.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
        status = out[2]
        if status == "timeout":
            break
    return statistics.median(times), max(peaks), status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    parser.add_argument("-n", type=int, default=3, help="runs per case")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    header(f"hostile release folders (median of {args.n} fresh processes, worst peak memory)")
    base = Path(tempfile.mkdtemp(prefix="openlint-hostile-"))
    try:
        for name, root in cases(base, args.k).items():
            seconds, peak, status = measure([*OPENLINT, "check", str(root), "-q", "--no-config"], args.n, args.timeout)
            shown = f"exit {status}" if status != "timeout" else f"TIMEOUT after {args.timeout:.0f} s"
            print(f"{name:<52} {seconds * 1000:9.1f} ms  {peak:7.1f} MiB  {shown}", flush=True)
    finally:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
