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
    assert report_of(run, root)["release"]["set_aside"] == [".venv", "node_modules"]


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


def test_a_folder_dressed_as_an_environment_never_hides_weights_a_loader_takes(run, tmp_path):
    """A downloaded folder's .git is the release's to write: an empty index says nothing is tracked, and a component
    folder with a pyvenv.cfg must still have its weights scanned."""
    root = tmp_path / "model"
    shutil.copytree(EXAMPLE, root)
    for name in ("unet", "node_modules"):
        (root / name).mkdir()
        (root / name / "diffusion_pytorch_model.bin").write_bytes(DANGEROUS)
    (root / "unet" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / ".git").mkdir()
    (root / ".git" / "index").write_bytes(b"DIRC" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big") + b"\x00" * 20)
    flagged = {place["file"] for f in report_of(run, root)["findings"] if f["code"] == "OLW003" for place in f["locations"]}
    assert flagged == {"unet/diffusion_pytorch_model.bin", "node_modules/diffusion_pytorch_model.bin"}


def test_nothing_in_a_submodule_is_left_out_as_an_environment(run, tmp_path):
    """A submodule's files are tracked by its own index: a plain `git submodule add` of a repository holding a
    venv-looking folder with a pickle and code deeper down hid both (grade A, exit 0)."""
    upstream = tmp_path / "up"
    (upstream / "venv" / "deep").mkdir(parents=True)
    (upstream / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (upstream / "venv" / "deep" / "pytorch_model.bin").write_bytes(DANGEROUS)
    _git(upstream, "init", "-q")
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-q", "-m", "up")
    root = _checkout(tmp_path)
    _git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(upstream), "unet")
    _git(root, "commit", "-q", "-m", "submodule")
    report = report_of(run, root)
    flagged = {place["file"] for f in report["findings"] if f["code"] == "OLW003" for place in f["locations"]}
    assert flagged == {"unet/venv/deep/pytorch_model.bin"} and report["release"]["set_aside"] == []


@pytest.mark.parametrize("shipped", ["my_unet.py", "config.json"])
def test_a_folder_dressed_as_an_environment_never_hides_code_or_configs_a_loader_takes(run, tmp_path, shipped):
    root = tmp_path / "model"
    shutil.copytree(EXAMPLE, root)
    (root / "model_index.json").write_text('{"_class_name": "P", "unet": ["my_unet", "MyUNet"]}')
    (root / "unet").mkdir()
    (root / "unet" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "unet" / "my_unet.py").write_text("import os\n")
    if shipped == "config.json":
        (root / "unet" / "my_unet.py").unlink()
        (root / "unet" / "config.json").write_text('{"auto_map": {"AutoModel": "evil/repo--m.M"}}')
    (root / ".git").mkdir()
    (root / ".git" / "index").write_bytes(b"DIRC" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big") + b"\x00" * 20)
    report = report_of(run, root)
    assert report["release"]["set_aside"] == [] and "OLW009" in {f["code"] for f in report["findings"]}


def test_a_submodule_split_or_sparse_index_leaves_nothing_out_that_git_tracks(tmp_path):
    root = tmp_path / "repo"
    (root / "unet").mkdir(parents=True)
    (root / "unet" / "pyvenv.cfg").write_text("x")
    (root / "r.md").write_text("x")
    _git(root, "init", "-q")
    _git(root, "add", "r.md")
    _git(root, "update-index", "--add", "--cacheinfo", "160000," + "1" * 40 + ",unet")  # a submodule at unet
    assert "unet/" in gitindex.tracked(root)
    from openlint.sources.local import _tracked_folders
    tracked = _tracked_folders(root)
    assert "unet" in tracked.folders and tracked.inside_submodule("unet/venv") and not tracked.inside_submodule("unet")
    _git(root, "update-index", "--split-index")  # the entries move to a shared index this reader does not follow
    assert gitindex.tracked(root) is None


@pytest.mark.parametrize("entries", [500_001, 60_000])
def test_a_hostile_index_is_refused_in_bounded_time(tmp_path, entries):
    """Version 4 paths each one step longer than the last: quadratic if followed; refused by the count or total."""
    (tmp_path / ".git").mkdir()
    entry = b"\x00" * 60 + b"\x00\x00" + b"\x00" + b"a/" + b"\x00"
    (tmp_path / ".git" / "index").write_bytes(b"DIRC" + (4).to_bytes(4, "big") + entries.to_bytes(4, "big") + entry * entries)
    assert gitindex.tracked(tmp_path) is None


@pytest.mark.parametrize("folder", [".git", ".venv/lib"])
def test_a_shard_index_pointing_into_a_folder_left_out_is_unverified(run, tmp_path, folder):
    """Transformers joins weight_map values onto the model folder and loads them: a shard in .git or in an untracked
    environment is read by the loader though openlint never lists it. OLW006 alone could be ignored (now only by the
    user's own configuration: here one that ignores it)."""
    root = _checkout(tmp_path)
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / folder / "pytorch_model-00001-of-00001.bin").write_bytes(DANGEROUS)
    (root / "pytorch_model.bin.index.json").write_text(f'{{"weight_map": {{"w": "{folder}/pytorch_model-00001-of-00001.bin"}}}}')
    (tmp_path / "mine.yaml").write_text("ignore: [OLW006]\n")
    result = run("check", str(root), "-f", "json", "--config", str(tmp_path / "mine.yaml"))
    unverified = {place["file"] for f in result.json()["findings"] if f["code"] == "OLW011" for place in f["locations"]}
    assert result.code == 1 and f"{folder}/pytorch_model-00001-of-00001.bin" in unverified



def test_an_untracked_conda_environment_is_left_out(run, tmp_path):
    root = _checkout(tmp_path)
    (root / "env" / "conda-meta").mkdir(parents=True)
    (root / "env" / "lib" / "numpy" / "tests").mkdir(parents=True)
    (root / "env" / "lib" / "numpy" / "tests" / "data.pkl").write_bytes(DANGEROUS)
    assert report_of(run, root)["release"]["set_aside"] == ["env"]


def test_an_ordinary_node_modules_with_its_bin_folder_is_left_out(run, tmp_path):
    """npm makes node_modules/.bin for any dependency with a command: a folder, never a ".bin" weight file."""
    root = _checkout(tmp_path)
    (root / "node_modules" / ".bin").mkdir(parents=True)
    (root / "node_modules" / "lodash").mkdir()
    (root / "node_modules" / "lodash" / "package.json").write_text("{}")
    (root / "node_modules" / ".package-lock.json").write_text("{}")
    assert report_of(run, root)["release"]["set_aside"] == ["node_modules"]


def test_a_shard_index_pointing_into_a_submodule_not_checked_out_is_unverified(run, tmp_path):
    """A recursive clone fills the submodule in, and the loader then reads a file nobody scanned."""
    root = _checkout(tmp_path)
    (root / "sub").mkdir()
    _git(root, "update-index", "--add", "--cacheinfo", "160000," + "1" * 40 + ",sub")
    (root / "pytorch_model.bin.index.json").write_text('{"weight_map": {"w": "sub/pytorch_model-00001-of-00001.bin"}}')
    (tmp_path / "mine.yaml").write_text("ignore: [OLW006]\n")  # the user's: OLW006 ignored, OLW011 still stands
    result = run("check", str(root), "-f", "json", "--config", str(tmp_path / "mine.yaml"))
    unverified = {place["file"] for f in result.json()["findings"] if f["code"] == "OLW011" for place in f["locations"]}
    assert result.code == 1 and "sub/pytorch_model-00001-of-00001.bin" in unverified


EMPTY_INDEX = b"DIRC" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big") + b"\x00" * 20


@pytest.mark.parametrize("hidden", [".git/stash/unet", ".venv/lib/unet"])
def test_a_folder_symlink_into_a_folder_openlint_leaves_out_is_unverified(run, tmp_path, hidden):
    """A re-review: "unet" -> .git/stash/unet (or into a set-aside venv) held a pickle a loader reads through the link,
    and nothing listed it: grade A, exit 0."""
    root = tmp_path / "model"
    shutil.copytree(EXAMPLE, root)
    (root / ".git").mkdir()
    (root / ".git" / "index").write_bytes(EMPTY_INDEX)
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / hidden).mkdir(parents=True)
    (root / hidden / "diffusion_pytorch_model.bin").write_bytes(DANGEROUS)
    (root / "unet").symlink_to(root / hidden)
    result = run("check", str(root), "-f", "json")
    unverified = {place["file"] for f in result.json()["findings"] if f["code"] == "OLW011" for place in f["locations"]}
    assert result.code == 1 and "unet" in unverified


def test_a_symlink_at_an_environments_top_counts_as_what_it_names(run, tmp_path):
    """unet/pyvenv.cfg with unet/diffusion_pytorch_model.bin a symlink to unet/lib/x.bin: a loader opens the link."""
    root = tmp_path / "model"
    shutil.copytree(EXAMPLE, root)
    (root / ".git").mkdir()
    (root / ".git" / "index").write_bytes(EMPTY_INDEX)
    (root / "unet" / "lib").mkdir(parents=True)
    (root / "unet" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "unet" / "lib" / "x.bin").write_bytes(DANGEROUS)
    (root / "unet" / "diffusion_pytorch_model.bin").symlink_to(root / "unet" / "lib" / "x.bin")
    report = report_of(run, root)
    assert report["release"]["set_aside"] == [] and "OLW003" in {f["code"] for f in report["findings"]}


def test_a_shard_under_a_differently_cased_git_folder_is_unverified(run, tmp_path):
    root = _checkout(tmp_path)
    (root / "pytorch_model.bin.index.json").write_text('{"weight_map": {"w": ".GIT/stash/pytorch_model-00001-of-00001.bin"}}')
    unverified = {place["file"] for f in report_of(run, root)["findings"] if f["code"] == "OLW011" for place in f["locations"]}
    assert ".GIT/stash/pytorch_model-00001-of-00001.bin" in unverified


def _venv(folder: Path) -> None:
    (folder / ".venv" / "lib").mkdir(parents=True)
    (folder / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (folder / ".venv" / "lib" / "distutils-precedence.pth").write_text("import os; x = 1\n")


def test_an_untracked_environment_is_left_out_of_a_worktree_and_of_a_release_in_a_subfolder(run, tmp_path):
    """A new user's trial: a venv blocked the hook in a `git worktree` (its .git is a file) and in a checkout whose
    release sits in a subfolder (models/flan)."""
    root = _checkout(tmp_path)
    _git(root, "worktree", "add", "-q", str(tmp_path / "previous"))
    worktree = tmp_path / "previous"
    _venv(worktree)
    assert report_of(run, worktree)["release"]["set_aside"] == [".venv"]
    mono = tmp_path / "mono"
    shutil.copytree(EXAMPLE, mono / "models" / "flan")
    _git(mono, "init", "-q")
    _git(mono, "add", "-A")
    _git(mono, "commit", "-q", "-m", "models")
    _venv(mono / "models" / "flan")
    (mono / "models" / "flan" / "unet").mkdir()
    (mono / "models" / "flan" / "unet" / "pyvenv.cfg").write_text("x")  # committed: counts wherever it sits
    (mono / "models" / "flan" / "unet" / "pytorch_model.bin").write_bytes(DANGEROUS)
    _git(mono, "add", "models/flan/unet")
    _git(mono, "commit", "-q", "-m", "unet")
    report = report_of(run, mono / "models" / "flan")
    assert report["release"]["set_aside"] == [".venv"] and "OLW003" in {f["code"] for f in report["findings"]}


def test_the_index_of_a_project_holding_a_downloaded_release_says_nothing_about_it(run, tmp_path):
    """A re-review: a release dropped untracked into someone's checkout had its venv-looking folder set aside (and a
    pickle deeper in it unscanned): that index tracks nothing of the release."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "a").write_text("x")
    _git(project, "init", "-q")
    _git(project, "add", "a")
    _git(project, "commit", "-q", "-m", "x")
    release = project / "downloads" / "m"
    _assert_nothing_left_out(run, release)


@pytest.mark.parametrize("gitdir", ["/net/attacker.example/export/repo", "//attacker/share/.git/modules/x", "a\0b", "elsewhere"])
def test_a_git_file_pointing_anywhere_but_where_git_puts_a_worktree_is_never_opened(tmp_path, gitdir, monkeypatch):
    from openlint.sources import gitindex

    (tmp_path / ".git").write_bytes(f"gitdir: {gitdir}\n".encode())
    opened = []
    monkeypatch.setattr(gitindex, "_read", lambda path, limit=0, real=gitindex._read: opened.append(str(path)) or real(path, limit or 4096))
    assert gitindex.git_dir(tmp_path) is None
    assert all(path.endswith(".git") for path in opened)  # only the .git file itself was read


def test_symlinks_into_a_left_out_folder_are_said_in_bounded_findings(run, tmp_path):
    root = tmp_path / "model"
    shutil.copytree(EXAMPLE, root)
    (root / ".git" / "x").mkdir(parents=True)
    for i in range(50):
        (root / f"l{i}").symlink_to(root / ".git" / "x")
    places = [place for f in report_of(run, root)["findings"] if f["code"] == "OLW011" for place in f["locations"]]
    assert len(places) == 21 and "30 more symlinks" in " ".join(p["message"] for p in places)


def test_a_release_at_a_submodule_path_of_the_checkout_above_it_leaves_nothing_out(run, tmp_path):
    top = tmp_path / "top"
    top.mkdir()
    (top / "r.md").write_text("x")
    _git(top, "init", "-q")
    _git(top, "add", "r.md")
    _git(top, "update-index", "--add", "--cacheinfo", "160000," + "1" * 40 + ",sub")
    release = top / "sub"
    _assert_nothing_left_out(run, release)


def _assert_nothing_left_out(run, release: Path) -> None:
    """The example release with a venv-looking folder holding a dangerous pickle deeper down: scanned, not set aside."""
    shutil.copytree(EXAMPLE, release)
    (release / "venv" / "lib").mkdir(parents=True)
    (release / "venv" / "pyvenv.cfg").write_text("x")
    (release / "venv" / "lib" / "model.pkl").write_bytes(DANGEROUS)
    report = report_of(run, release)
    assert report["release"]["set_aside"] == [] and "OLW003" in {f["code"] for f in report["findings"]}
