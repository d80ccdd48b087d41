"""The pre-commit hook: the README's snippet, run verbatim by real pre-commit (only the repository URL swapped for a
local clone and `rev` for its HEAD) on a sample release, passing and failing, on every commit (a deletion too)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, ROOT
from test_integrations import BAD, REPOSITORY

HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
FINDING_LINE = re.compile(r"^[^\s:][^:]*:\d+:\d+: [A-Z]{2,4}\d{3} \S")
GRADE_LINE = re.compile(r"^grade [A-F] \(\d+(\.\d+)?/100\): ")


def readme_snippet() -> str:
    """The README's pre-commit configuration: the yaml block that names this repository."""
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    (snippet,) = [b for b in blocks if f"- repo: {REPOSITORY}\n" in b]
    return snippet


def test_the_hook_checks_the_whole_release_on_every_commit():
    # pre-commit never passes deleted files to a hook: with a `files:` filter, deleting the weights skipped it
    assert HOOK["pass_filenames"] is False and HOOK["always_run"] is True and "files" not in HOOK


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def _openlint_clone(tmp_path: Path) -> tuple[Path, str]:
    """A git repository of this working tree as it is (committed or not): what the README's URL stands for."""
    clone = tmp_path / "openlint-repo"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "tests", "bench"))
    _git(clone, "init", "-q")
    _git(clone, "add", "-A")
    _git(clone, "commit", "-q", "-m", "openlint")
    return clone, _git(clone, "rev-parse", "HEAD")


@pytest.mark.slow
def test_readme_snippet_runs_with_real_pre_commit(tmp_path):
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert pre_commit, "pre-commit is a test dependency"
    clone, head = _openlint_clone(tmp_path)
    snippet = readme_snippet()
    config, swaps = re.subn(rf"(- repo: ){re.escape(REPOSITORY)}\n(\s+rev: )[0-9a-f]{{40}}\b", rf"\g<1>{clone}\n\g<2>{head}", snippet)
    assert swaps == 1, snippet  # a full commit sha, swapped for the clone's HEAD

    release = tmp_path / "release"
    shutil.copytree(EXAMPLE, release)
    (release / ".pre-commit-config.yaml").write_text(config)
    _git(release, "init", "-q")
    _git(release, "add", "-A")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "VIRTUAL_ENV"))}
    env.update({"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"})

    def pre_commit_run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([pre_commit, "run", *args], cwd=release, capture_output=True, text=True, env=env)

    passed = pre_commit_run("--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    hook_line = next(line for line in passed.stdout.splitlines() if line.startswith(HOOK["name"]))
    printed = [line for line in passed.stdout.splitlines() if line and not line.startswith("[INFO]")]
    assert hook_line.endswith("Passed") and printed == [hook_line]  # nothing else printed

    # any commit runs it, quietly when the release still passes ...
    _git(release, "commit", "-q", "-m", "release")
    (release / "notes.txt").write_text("meeting notes\n")
    _git(release, "add", "notes.txt")
    unrelated = pre_commit_run()
    assert unrelated.returncode == 0 and "Passed" in unrelated.stdout, unrelated.stdout
    _git(release, "commit", "-q", "-m", "notes")
    # ... and the commit that deletes the weights (a file pre-commit never passes to a hook) fails it
    _git(release, "rm", "-q", "model.safetensors")
    deleted = pre_commit_run()
    assert deleted.returncode == 1 and "OLW001" in deleted.stdout, deleted.stdout
    _git(release, "reset", "-q", "--hard")

    # a dangerous pickle and a card without its sections: the hook fails with one line per finding and the grade
    (release / "model.bin").write_bytes(BAD["model.bin"])
    (release / "README.md").write_text(BAD["README.md"])
    _git(release, "add", "-A")
    failed = pre_commit_run()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    output = failed.stdout.split("- exit code: 1", 1)[1].strip().splitlines()
    findings = [line for line in output if FINDING_LINE.match(line)]
    assert any(line.startswith("model.bin:1:1: OLW003 ") for line in findings)
    assert [line for line in output if line and not FINDING_LINE.match(line)] == [next(l for l in output if GRADE_LINE.match(l))]
    assert len(findings) == len(set(findings)) >= 2
