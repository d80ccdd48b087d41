"""A checkout's untracked environments (.venv, node_modules) are no part of the release; what git tracks always is.
The index is read by openlint itself (sources/gitindex.py), checked here against real git's own index files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, report_of
from openlint.sources import gitindex
from weightgen import global_pickle

DANGEROUS = global_pickle("os", "system")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
                   cwd=cwd, check=True, capture_output=True)


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_the_index_lists_what_git_tracks_in_every_index_version(tmp_path, version):
    names = ["a/x.txt", "a/b/y.bin", "sp ace/z", "r.md", "ünï.txt", "deep/" + "d/" * 30 + "f"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    (tmp_path / "new.txt").write_text("x")
    _git(tmp_path, "add", "-N", "new.txt")  # intent to add: an extended flag (version 3 and up)
    _git(tmp_path, "update-index", "--index-version", version)
    assert gitindex.tracked(tmp_path) == frozenset(names + ["new.txt"])


@pytest.mark.parametrize("index", [b"", b"DIRC", b"DIRC\x00\x00\x00\x05\x00\x00\x00\x01", b"DIRC\x00\x00\x00\x02\xff\xff\xff\xff" + b"\x00" * 64,
                                   b"XXXX\x00\x00\x00\x02\x00\x00\x00\x00"])
def test_an_index_this_reader_does_not_take_leaves_everything_in(tmp_path, index):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_bytes(index)
    assert gitindex.tracked(tmp_path) is None


def _checkout(tmp_path: Path) -> Path:
    root = tmp_path / "model"
    shutil.copytree(EXAMPLE, root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "release")
    return root


def test_an_untracked_environment_is_left_out_and_said(run, tmp_path, monkeypatch):
    root = _checkout(tmp_path)
    monkeypatch.chdir(root)
    for folder in (".venv/lib/python3.12/site-packages/pkg", "node_modules/x", "scratch"):
        (root / folder).mkdir(parents=True)
        (root / folder / "pytorch_model.bin").write_bytes(DANGEROUS)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    result = run("check", ".", "-f", "concise")
    flagged = {line.split(":", 1)[0] for line in result.out.splitlines() if " OLW003 " in line}
    assert flagged == {"scratch/pytorch_model.bin"}  # an untracked folder that is no environment still counts
    assert "left out as no part of the release (environments git does not track): .venv, node_modules" in result.out


def test_a_tracked_file_counts_wherever_it_sits(run, tmp_path):
    """A release cannot hide weights by committing them in a folder dressed as an environment."""
    root = _checkout(tmp_path)
    (root / "unet").mkdir()
    (root / "unet" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "unet" / "diffusion_pytorch_model.bin").write_bytes(DANGEROUS)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "weights")
    found = {f["code"] for f in report_of(run, root)["findings"]}
    assert "OLW003" in found


def test_without_a_checkout_nothing_is_left_out(run, tmp_path):
    root = tmp_path / "folder"
    shutil.copytree(EXAMPLE, root)
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / ".venv" / "pytorch_model.bin").write_bytes(DANGEROUS)
    assert "OLW003" in {f["code"] for f in report_of(run, root)["findings"]}
