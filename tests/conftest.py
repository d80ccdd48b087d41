from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from openlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "open-release"
# a copy of ../shared/corpus (real third-party cards and Hub responses), kept with the tests
CORPUS = Path(__file__).parent / "data" / "corpus"
DATA = Path(__file__).parent / "data"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the openlint command in-process through main(), as the console script does."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str) -> Result:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        captured = capsys.readouterr()
        return Result(exit_info.value.code or 0, captured.out, captured.err)

    return invoke


@pytest.fixture
def release(tmp_path):
    """Build a release folder from {path: text or bytes}."""

    def build(files: dict[str, str | bytes], name: str = "release") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for path, content in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return root

    return build


@pytest.fixture
def example(tmp_path) -> Path:
    """A writable copy of the bundled example release."""
    target = tmp_path / "open-release"
    shutil.copytree(EXAMPLE, target)
    return target


def corpus_release(folder: Path, target: Path) -> Path:
    """A release folder rebuilt from a corpus entry: card and small files as found, and every file of
    files.txt as an empty placeholder of the listed name."""
    target.mkdir(parents=True, exist_ok=True)
    for item in folder.iterdir():
        if item.name != "files.txt":
            shutil.copy(item, target / item.name)
    listing = folder / "files.txt"
    if listing.exists():
        for line in listing.read_text(encoding="utf-8").splitlines():
            path = line.split("\t")[0]
            if not path or path.startswith("/") or ".." in path.split("/"):
                continue
            placeholder = target / path
            if not placeholder.exists():
                placeholder.parent.mkdir(parents=True, exist_ok=True)
                placeholder.touch()
    return target
