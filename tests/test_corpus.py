"""Every real repository of the shared corpus, rebuilt as a release folder, checks without a crash."""

from __future__ import annotations

import re

import jsonschema
import pytest

from openlint.support.schemas import schema
from conftest import CORPUS, corpus_release

FOLDERS = sorted(p for p in (CORPUS / "cards").iterdir() if p.is_dir()) if (CORPUS / "cards").is_dir() else []


@pytest.mark.skipif(not FOLDERS, reason="the shared corpus is not next to this checkout")
@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_corpus_release_checks_cleanly(run, folder, tmp_path):
    root = corpus_release(folder, tmp_path / folder.name.split("__")[-1])
    result = run("check", str(root), "-f", "json")
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    report = result.json()
    jsonschema.validate(report, schema("report"))
    # every weight file in the listing is reported, none skipped silently
    listed = [line.split("\t")[0] for line in (folder / "files.txt").read_text().splitlines() if not line.startswith("#")] if (folder / "files.txt").exists() else []
    from openlint.readers.weights import identify

    expected = {p for p in listed if identify(p)}
    assert expected == {w["path"] for w in report["weights"]}
    # every message reads as a sentence ("the card has no YAML front matter." once started three of them); a file
    # name or a component id may start one
    assert not [f["message"] for f in report["findings"] if re.match(r"[a-z]+ ", f["message"])]


def test_vicuna_v0_is_a_llama_1_fine_tune_not_a_llama_2_one(run, tmp_path):
    """A new user's find: the catalogue filed the v0 and v1.1 deltas under Vicuna v1.5, a Llama 2 fine-tune, though
    the card says "fine-tuning LLaMA" and "trained between March 2023 and April 2023", before Llama 2 existed."""
    folder = CORPUS / "cards" / "lmsys__vicuna-7b-delta-v0"
    root = corpus_release(folder, tmp_path / "vicuna-7b-delta-v0")
    lineage = run("check", str(root), "-f", "json").json()["lineage"]
    assert lineage["kind"] == "fine-tune" and lineage["root"] == "LLaMA", lineage
