"""Rules of judgement as small data cases (tests/data/judgement_cases.yaml): a card, and what a careful reviewer
concludes under tests/data/bulk_labels/CONVENTIONS.md. Each case is built as a release folder holding the card and a
small safetensors file, and checked through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agreement import KEYS, weight_file
from conftest import DATA, report_of

CASES = yaml.safe_load((DATA / "judgement_cases.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_judgement_case(run, tmp_path, name):
    case = CASES[name]
    folder = tmp_path / case.get("name", "release")
    folder.mkdir()
    (folder / "README.md").write_text(case["card"], encoding="utf-8")
    (folder / "model.safetensors").write_bytes(weight_file())
    for path, text in (case.get("files") or {}).items():
        Path(folder / path).write_text(text, encoding="utf-8")
    report = report_of(run, folder)
    components = {c["id"]: c for c in report["components"]}
    got = {key: components[KEYS[key]]["label"] for key in case["expect"] if key in KEYS}
    if "kind" in case["expect"]:
        got["kind"] = report["lineage"]["kind"]
    notes = {key: components[KEYS[key]]["note"] for key in case["expect"] if key in KEYS}
    assert got == case["expect"], notes
    # where the way of being at a level matters ("not released" is stated, "undisclosed" is a documentation gap)
    statuses = {key: components[KEYS[key]]["status"] for key in case.get("status", {})}
    assert statuses == case.get("status", {}), notes


def test_lineage_of_a_huge_base_model_list_is_bounded(run, release):
    bases = "\n".join(f"- org/model-{i}" for i in range(500))
    folder = release({"README.md": f"---\nlicense: mit\nbase_model:\n{bases}\n---\n# m\n", "model.safetensors": weight_file()})
    report = report_of(run, folder)
    assert report["lineage"]["kind"] == "fine-tune" and len(report["lineage"]["bases"]) == 8
