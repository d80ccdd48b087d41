"""Hostile release folders: each checked in a fresh process; prints wall time, peak memory and exit code.
Target: each within a second or two, peak memory under 100 MB, exit 0/1 (findings), never 2 or a hang.

    python bench/hostile.py
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path

from _util import OPENLINT, header, measure, row
from weightgen import gguf_bytes, torch_zip, benign_torch_pickle

CARD = b"---\nlicense: mit\n---\n# hostile\n"


def cases(base: Path) -> dict[str, Path]:
    made: dict[str, Path] = {}

    def folder(name: str, files: dict[str, bytes]) -> Path:
        root = base / name
        root.mkdir()
        (root / "README.md").write_bytes(CARD)
        for path, content in files.items():
            (root / path).write_bytes(content)
        made[name] = root
        return root

    folder("safetensors header claims 100 MB in 1 KB", {"model.safetensors": struct.pack("<Q", 100_000_000) + b"{" + bytes(1000)})
    folder("safetensors header longer than the file", {"model.safetensors": struct.pack("<Q", 50_000) + b"{}"})
    folder("GGUF claims 2^62 tensors", {"m.gguf": gguf_bytes({}, tensor_count=2**62)})
    folder("GGUF string of 2^40 bytes", {"m.gguf": b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 2**40) + bytes(100)})
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02" + bytes(200_000_000))
    folder("zip bomb (200 MB member)", {"bomb.pt": bomb.getvalue()})
    folder("truncated zip", {"t.pt": torch_zip(benign_torch_pickle())[:50]})
    folder("pickle with 10^6 opcodes", {"big.pkl": pickle.dumps(list(range(1_000_000)), protocol=4)})
    folder("card of 50 MB", {"README.md": CARD + (b"lorem ipsum dolor " * 60 + b"\n") * 46_000})
    alias = folder("YAML alias bomb", {"README.md": b"---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n"})
    del alias
    loop = folder("symlink loop and link outside", {})
    (loop / "a").symlink_to(loop / "b")
    (loop / "b").symlink_to(loop / "a")
    (loop / "model.bin").symlink_to("/etc/passwd")
    fifo = folder("FIFO named model.bin", {})
    os.mkfifo(fifo / "model.bin")
    many = folder("100 000 small files", {})
    for i in range(100):
        (many / f"d{i}").mkdir()
        for j in range(1000):
            (many / f"d{i}" / f"f{j}").touch()
    return made


def main() -> None:
    header("hostile release folders (median of 3 fresh processes, worst peak memory)")
    base = Path(tempfile.mkdtemp(prefix="openlint-hostile-"))
    try:
        for name, root in cases(base).items():
            seconds, peak, code = measure([*OPENLINT, "check", str(root), "-q", "--no-config"], runs=3)
            row(name, seconds, peak, f"exit {code}")
    finally:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
