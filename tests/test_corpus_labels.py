"""Agreement with levels labelled by hand on real cards (tests/data/corpus_labels.yaml).

Reports agreement per component and overall, and fails if it drops below the figure reached when the labels
were written (recorded in the README). Precision first: openlint may call released what the labels do not in at
most 2% of judgements.
"""

from __future__ import annotations

import yaml

from conftest import CORPUS, DATA, corpus_release

KEYS = {"ptc": "training.code.pretraining", "ftc": "training.code.finetuning", "alc": "training.code.alignment",
        "ptd": "training.data.pretraining", "sftd": "training.data.sft", "ald": "training.data.alignment",
        "evc": "evaluation.code.general", "sfc": "evaluation.code.safety", "utd": "evaluation.data.utility",
        "sfd": "evaluation.data.safety", "inf": "deployment.code.inference", "w": "deployment.data.weights"}
MIN_OVERALL = 0.87  # 87.8% (253/288) on the relabelled set (tests/data/corpus_labels.yaml): see the README's development notes
MIN_PER_COMPONENT = 0.60
MAX_WRONG_RELEASED = 0.02  # of all judgements: a wrong "released" is worse than a missed one


def test_agreement_with_hand_labels(run, tmp_path, capsys):
    labels = yaml.safe_load((DATA / "corpus_labels.yaml").read_text())["labels"]
    assert len(labels) >= 20
    agree: dict[str, list[bool]] = {key: [] for key in KEYS}
    wrong_released, mismatches = [], []
    for folder, expected in labels.items():
        assert set(KEYS) <= set(expected), folder
        root = corpus_release(CORPUS / "cards" / folder, tmp_path / folder.split("__")[-1])
        report = run("check", str(root), "-f", "json", "--no-config").json()
        found = {c["id"]: c for c in report["components"]}
        for key, value in ((k, v) for k, v in expected.items() if k in KEYS):
            level, _, why = (part.strip() for part in value.partition("|"))
            assert why, f"{folder}.{key} needs a justification"
            got = found[KEYS[key]]
            agree[key].append(got["label"] == level)
            if got["label"] != level:
                mismatches.append(f"{folder}.{key}: expected {level}, got {got['label']} ({got['status']})")
            if got["status"] == "released" and level in ("C1", "D1", "N/A"):
                wrong_released.append(f"{folder}.{key}")
    per_component = {key: sum(v) / len(v) for key, v in agree.items()}
    overall = sum(sum(v) for v in agree.values()) / sum(len(v) for v in agree.values())
    with capsys.disabled():
        print(f"\nagreement with hand labels: {overall:.1%} overall; " + ", ".join(f"{k} {v:.0%}" for k, v in per_component.items()))
        for line in mismatches:
            print("  " + line)
    judgements = sum(len(v) for v in agree.values())
    assert len(wrong_released) <= MAX_WRONG_RELEASED * judgements, f"released where the labels say not: {wrong_released}"
    assert overall >= MIN_OVERALL
    assert min(per_component.values()) >= MIN_PER_COMPONENT, per_component
