"""Git LFS pointers in a local checkout (issue 12, requirement 7): one finding for all of them, with the sizes and hashes
the pointers give; with the Hub repository known (--hub-id, or a Hugging Face remote in .git/config), their headers
are read from the Hub by Range requests and judged as usual."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import by_code, report_of
from fakehub import Repo, VirtualFile
from openlint.sources import gitremote
from weightgen import safetensors_bytes

CARD = "---\nlicense: apache-2.0\n---\n# A checkout\n"
COMMIT = "c" * 40


def pointer(sha256: str, size: int) -> str:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n"


@pytest.fixture
def hub_model(hub):
    files = {"README.md": CARD.encode()}
    for i in (1, 2, 3):
        head, data = safetensors_bytes({f"layer.{i}": ("BF16", [1000, 1000 + i])})
        files[f"model-0000{i}-of-00003.safetensors"] = VirtualFile(head, len(head) + data)
    files["pytorch_model.bin"] = VirtualFile(b"", 5_000_000)
    return hub.add_model(Repo("org/model", COMMIT, files=files, card_data={"license": "apache-2.0"},
                              security={"scansDone": True, "filesWithIssues": [{"path": "pytorch_model.bin", "level": "danger"}]}))


@pytest.fixture
def checkout(release, hub_model):
    """A clone made without `git lfs pull`: every large file is a pointer to the Hub's object."""
    files = {"README.md": CARD}
    for path in hub_model.files:
        if path != "README.md":
            files[path] = pointer(hub_model.oid(path), hub_model.size(path))
    return release(files, name="checkout")


def git_folder(root: Path, config: str, head: str = "ref: refs/heads/main\n", refs: dict[str, str] | None = None) -> None:
    git = root / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "config").write_text(config)
    (git / "HEAD").write_text(head)
    for name, value in (refs or {}).items():
        (git / name).write_text(value)


def test_pointers_are_one_finding_with_their_sizes_and_hashes(run, checkout, hub_model):
    report = report_of(run, checkout)
    found = by_code(report)
    assert len(found["OLH002"]) == 1 and "OLW010" not in found
    assert found["OLH002"][0]["file"] == "model-00001-of-00003.safetensors"  # a pointer, not the card
    message = found["OLH002"][0]["message"]
    assert message.startswith("4 weight file(s) are Git LFS pointers, not the weights: model-00001-of-00003.safetensors (")
    assert f"sha256:{hub_model.oid('model-00001-of-00003.safetensors')[:12]}" in message and "5.0 MB" in message
    assert "--hub-id" in message
    sizes = {w["path"]: w["size"] for w in report["weights"]}
    assert sizes["pytorch_model.bin"] == 5_000_000  # the real size, from the pointer
    assert {w["safety"] for w in report["weights"]} == {"unchecked"}


def test_no_request_without_a_hub_id(run, checkout, hub):
    report_of(run, checkout)
    assert not hub.log


@pytest.mark.parametrize("how", ["--hub-id", "git remote", "git remote with credentials", "ssh remote"])
def test_with_the_hub_repository_known_the_headers_are_read_from_the_hub(run, checkout, hub, how):
    remotes = {"git remote": "https://huggingface.co/org/model", "git remote with credentials": "https://user:hf_cloneToken123@huggingface.co/org/model.git",
               "ssh remote": "git@hf.co:org/model"}
    args: tuple[str, ...] = ()
    if how == "--hub-id":
        args = ("--hub-id", "org/model")
    else:
        git_folder(checkout, f'[core]\n\tbare = false\n[remote "origin"]\n\turl = {remotes[how]}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
                   refs={"refs/heads/main": COMMIT + "\n"})
    result = run("check", str(checkout), "-f", "json", "--no-config", *args)
    assert result.code in (0, 1), result.err
    report = result.json()
    found = by_code(report)
    assert "OLH002" not in found
    weights = {w["path"]: w for w in report["weights"]}
    for i in (1, 2, 3):
        shard = weights[f"model-0000{i}-of-00003.safetensors"]
        assert shard["safety"] == "safe" and shard["parameters"] == 1000 * (1000 + i) and "judged from the Hub's copy (org/model)" in shard["detail"]
    assert weights["pytorch_model.bin"]["safety"] == "dangerous"  # the Hub's own scan flags it
    assert any(f["file"] == "pytorch_model.bin" for f in found["OLW003"])
    assert all(r["range"] for r in hub.requests("GET", r"/resolve/")), "headers by Range only, no body"
    assert len(hub.requests("GET", r"^/api/models/org/model")) == 1
    for text in (result.out, result.err):
        assert "hf_cloneToken123" not in text


def test_the_checkouts_commit_is_asked_for_and_any_revision_with_the_same_objects_will_do(run, checkout, hub):
    git_folder(checkout, '[remote "origin"]\n\turl = https://huggingface.co/org/model\n', head="d" * 40 + "\n")
    report = report_of(run, checkout)  # that commit is not on the Hub: the default branch holds the same objects
    assert "OLH002" not in by_code(report)
    asked = [r["path"] for r in hub.requests("GET", r"^/api/models/")]
    assert asked == [f"/api/models/org/model/revision/{'d' * 40}", "/api/models/org/model"]


def test_offline_an_unpushed_commit_falls_back_to_the_cached_default_branch(run, checkout, hub):
    git_folder(checkout, '[remote "origin"]\n\turl = https://huggingface.co/org/model\n', head="d" * 40 + "\n")
    online = report_of(run, checkout)
    offline = run("check", str(checkout), "-f", "json", "--no-config", "--offline")
    assert offline.code in (0, 1), offline.err
    assert "OLH002" not in by_code(offline.json()) and offline.json()["weights"] == online["weights"]


def test_offline_a_remote_found_in_git_config_is_not_looked_up_the_pointers_stay_a_finding(run, checkout, hub):
    # the pre-commit hook (--offline) in a checkout of pointers: never the network, never a stop for what is not cached
    git_folder(checkout, '[remote "origin"]\n\turl = https://huggingface.co/org/model\n')
    result = run("check", str(checkout), "-f", "json", "--no-config", "--offline")
    assert result.code in (0, 1), result.err
    assert "could not be read" in by_code(result.json())["OLH002"][0]["message"] and hub.requests() == []


def test_pointers_the_hub_does_not_hold_stay_a_finding(run, release, hub_model):
    folder = release({"README.md": CARD, "model-00001-of-00003.safetensors": pointer(hub_model.oid("model-00001-of-00003.safetensors"), 10),
                      "extra.safetensors": pointer("e" * 64, 123)}, name="mixed")
    report = report_of(run, folder, "--hub-id", "org/model")
    message = by_code(report)["OLH002"][0]["message"]
    assert message.startswith("1 weight file(s) are Git LFS pointers, not the weights: extra.safetensors (123 bytes, sha256:eeeeeeeeeeee)")
    assert "the Hub repository org/model does not hold them" in message


def test_an_unknown_hub_repository_leaves_the_pointers_a_finding(run, checkout):
    report = report_of(run, checkout, "--hub-id", "org/nothing-here")
    message = by_code(report)["OLH002"][0]["message"]
    assert "the Hub repository org/nothing-here could not be read" in message


def test_an_unreachable_hub_stops_the_check_or_marks_the_weights_unknown(run, checkout, hub):
    from fakehub import Fault

    hub.fail(r"^GET /api/models/org/model", *[Fault(503) for _ in range(4)])
    stopped = run("check", str(checkout), "--no-config", "--hub-id", "org/model")
    assert stopped.code == 2 and "could not read the Hub repository org/model" in stopped.err
    hub.fail(r"^GET /api/models/org/model", *[Fault(503) for _ in range(4)])
    report = run("check", str(checkout), "--no-config", "--hub-id", "org/model", "--partial", "-f", "json").json()
    assert report["complete"] is False
    assert [c["id"] for c in report["components"] if c["label"] == "UNK"] == ["deployment.data.weights"]


def test_offline_with_nothing_cached_the_pointers_stay_a_finding_as_for_a_remote(run, checkout, hub):
    """The pre-commit hook runs --offline, and a GitHub mirror names its Hub repository with --hub-id: nothing cached,
    the pointers are OLH002 as they are for a remote found in .git/config (it exited 2: a second new user's find)."""
    result = run("check", str(checkout), "--no-config", "--hub-id", "org/model", "--offline", "-f", "json")
    assert result.code in (0, 1), result.err
    found = by_code(result.json())
    assert "could not be read" in found["OLH002"][0]["message"] and "cache holds no check" in found["OLH002"][0]["message"]
    assert hub.requests() == [] and result.json()["complete"] is True
    assert {w["safety"] for w in result.json()["weights"]} == {"unchecked"}  # never judged: not a pass for them


@pytest.mark.parametrize("args, fragment", [
    (("--hub-id", "a--b"), "is not a Hub repository id"),
    (("--hub-id", "../x"), "is not a Hub repository id"),
    (("--hub-id", "gpt2"), "is not a Hub repository id"),
])
def test_a_bad_hub_id_is_a_usage_error(run, checkout, args, fragment):
    result = run("check", str(checkout), *args)
    assert result.code == 2 and fragment in result.err


def test_hub_id_on_a_hub_target_is_a_usage_error(run, hub_model):
    result = run("check", "org/model", "--hub-id", "org/model")
    assert result.code == 2 and "applies to a local checkout" in result.err


# -- reading .git safely ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("config, expected", [
    ('[remote "origin"]\n\turl = https://huggingface.co/org/model\n', "org/model"),
    ('[remote "origin"]\n\turl = https://hf.co/org/model.git/\n', "org/model"),
    ('[remote "o"]\n url = https://github.com/org/model\n[remote "hf"]\n URL = https://huggingface.co/Org/Model_1\n', "Org/Model_1"),
    ('[remote "origin"]\n\turl = https://huggingface.co/datasets/org/data\n', None),
    ('[remote "origin"]\n\turl = https://huggingface.co/spaces/org/app\n', None),
    ('[remote "origin"]\n\turl = https://huggingface.co/a--b/x\n', None),
    ('[remote "origin"]\n\turl = https://huggingface.co.evil.example/org/model\n', None),
    ('[remote "origin"]\n\turl = https://evil.example/huggingface.co/org/model\n', None),
    ("\x00\xff garbage", None),
])
def test_the_hub_remote_is_read_from_git_config(tmp_path, config, expected):
    git_folder(tmp_path, config)
    assert gitremote.hub_remote(tmp_path) == expected


def test_hostile_git_files_are_not_followed(tmp_path):
    git = tmp_path / ".git"
    git.mkdir()
    secret = tmp_path / "outside"
    secret.write_text('[remote "origin"]\n\turl = https://huggingface.co/org/model\n')
    (git / "config").symlink_to(secret)
    os.mkfifo(git / "HEAD")
    assert gitremote.hub_remote(tmp_path) is None  # a symlink is not read
    assert gitremote.head_commit(tmp_path) is None  # a FIFO does not block
    (git / "HEAD").unlink()
    (git / "HEAD").write_text("ref: refs/../../outside\n")
    assert gitremote.head_commit(tmp_path) is None


def test_the_head_commit_from_a_loose_or_packed_ref(tmp_path):
    git_folder(tmp_path, "", head="ref: refs/heads/main\n")
    (tmp_path / ".git" / "packed-refs").write_text(f"# pack-refs with: peeled\n{'a' * 40} refs/heads/other\n{'b' * 40} refs/heads/main\n")
    assert gitremote.head_commit(tmp_path) == "b" * 40
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text("c" * 40 + "\n")
    assert gitremote.head_commit(tmp_path) == "c" * 40


def test_diff_reads_both_folders_pointers_from_the_hub_repository_it_is_given(run, checkout, hub, tmp_path):
    """The Action's comparison: the earlier release exported by `git archive` holds pointers, as the checkout did. With
    --hub-id both sides' weights are read from the Hub's copy: the same release is no change, and the pointer finding is
    not "resolved" by a comparison of a checkout with the Hub's copy."""
    report = tmp_path / "new.json"
    report.write_text(run("check", str(checkout), "--no-config", "--hub-id", "org/model", "-f", "json").out)
    result = run("diff", str(checkout), str(report), "-f", "json", "--hub-id", "org/model")
    assert result.code == 0, result.out + result.err
    change = json.loads(result.out)
    assert not change["worse"] and change["grade"]["score_before"] == change["grade"]["score_after"]
    assert not [f for f in change["findings_added"] + change["findings_resolved"] if f["code"] == "OLH002"]
    without = json.loads(run("diff", str(checkout), str(report), "-f", "json").out)  # the old side's pointers stay pointers
    assert [f["code"] for f in without["findings_resolved"]].count("OLH002") == 1


def test_the_actions_comparison_reads_the_earlier_releases_pointers_from_the_hub_id_input(hub_model, hub, tmp_path):
    """With the hub-id input, the check reads the release's pointers from the Hub; the earlier release (exported by
    `git archive`: pointers too) must be read from there as well, or the diff in the job summary lists the pointer
    finding as resolved by the release."""
    import shutil

    from test_action import _check_script

    workspace = tmp_path / "workspace"
    for folder in ("release", "previous"):
        (workspace / folder).mkdir(parents=True)
        (workspace / folder / "README.md").write_text(CARD)
        for path in hub_model.files:
            if path != "README.md":
                (workspace / folder / path).write_text(pointer(hub_model.oid(path), hub_model.size(path)))
    summary = tmp_path / "summary.md"
    done = _check_script(workspace, tmp_path, OPENLINT_TARGET="release", OPENLINT_COMPARE_TO="previous", OPENLINT_HUB_ID="org/model",
                         GITHUB_STEP_SUMMARY=str(summary), HF_ENDPOINT=hub.endpoint, HF_HUB_CACHE=str(tmp_path / "hf-cache"))
    assert done.returncode in (0, 1), done.stdout + done.stderr
    written = summary.read_text()
    assert "openlint diff" in written and "OLH002" not in written, written[-3000:]
    shutil.rmtree(tmp_path / "hf-cache", ignore_errors=True)
