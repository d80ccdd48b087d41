"""Files and folders the system will not let openlint read: a check that could not read part of the release is
incomplete (one line, exit 2; with --partial, what they decide is Unknown), never a pass and never a traceback.

The checks run as a separate process without the capability to read past file modes: as root (as in CI) through
util-linux's setpriv, which drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set; as any other user
the modes alone suffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import Result
from weightgen import safetensors_bytes

CARD = "---\nlicense: apache-2.0\n---\n# m\n"

ROOT = os.geteuid() == 0
pytestmark = pytest.mark.skipif(ROOT and shutil.which("setpriv") is None, reason="root reads past file modes, and setpriv is missing")


def unprivileged(*args: str) -> Result:
    command = [sys.executable, "-m", "openlint", *args]
    if ROOT:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    env = dict(os.environ, NO_COLOR="1", OPENLINT_NO_CACHE="1")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def weights_file() -> bytes:
    return safetensors_bytes({"a": ("U8", [1])})[0] + b"\x00"


def test_an_unreadable_weight_file_makes_the_check_incomplete(release, weights_file):
    folder = release({"README.md": CARD, "model.safetensors": weights_file})
    (folder / "model.safetensors").chmod(0)
    result = unprivileged("check", str(folder), "--no-config")
    assert result.code == 2 and result.out == ""
    assert result.err.strip().splitlines() == [
        f"openlint: error: {folder.name}: could not read model.safetensors (header): Permission denied; not graded "
        "(--partial reports what could be read)"]
    partial = unprivileged("check", str(folder), "--no-config", "--partial", "-f", "json")
    assert partial.code == 1, partial.err
    report = json.loads(partial.out)
    weights = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert report["complete"] is False and weights["label"] == "UNK"


def test_an_unreadable_licence_file_makes_the_check_incomplete(release, weights_file):
    folder = release({"README.md": CARD, "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge\n",
                      "model.safetensors": weights_file})
    (folder / "LICENSE").chmod(0)
    result = unprivileged("check", str(folder), "--no-config")
    assert result.code == 2 and "could not read LICENSE: Permission denied" in result.err


def test_an_unlisted_subfolder_makes_the_check_incomplete(release, weights_file):
    folder = release({"README.md": CARD, "model.safetensors": weights_file, "scripts/train.py": "print(1)\n"})
    (folder / "scripts").chmod(0)
    try:
        result = unprivileged("check", str(folder), "--no-config")
    finally:
        (folder / "scripts").chmod(0o755)  # so that pytest can remove it
    assert result.code == 2 and "could not read scripts: folder could not be listed: Permission denied" in result.err


def test_an_unreadable_release_folder_is_a_one_line_error(release):
    folder = release({"README.md": CARD})
    folder.chmod(0)
    try:
        result = unprivileged("check", str(folder))
    finally:
        folder.chmod(0o755)
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == f"openlint: error: {folder}: the folder cannot be read (Permission denied)"
