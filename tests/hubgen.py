"""Generated Hub repositories for audits: small cards with varied licences, datasets, base models and sections, a
config and a safetensors file whose header is real (the body is virtual). Deterministic: repository i is always the
same, so tests can say what each should grade as."""

from __future__ import annotations

import hashlib
import json

from fakehub import FakeHub, Repo, VirtualFile
from weightgen import safetensors_bytes

LICENCES = ("apache-2.0", "mit", "llama2", "cc-by-nc-4.0", "openrail", "gemma", "cc-by-4.0", None)
DATASETS = {"data/web-text": "odc-by", "data/instructions": "cc-by-4.0", "data/prefs": "mit", "data/closed": None, "data/nc": "cc-by-nc-4.0"}
ORGS = 7


def repo_id(index: int) -> str:
    return f"org{index % ORGS}/model-{index:04d}"


def licence_of(index: int) -> str | None:
    return LICENCES[index % len(LICENCES)]


def _card(index: int) -> str:
    meta = []
    if licence_of(index):
        meta.append(f"license: {licence_of(index)}")
    datasets = list(DATASETS)[index % len(DATASETS): index % len(DATASETS) + 1 + index % 2]
    if index % 3:
        meta.append("datasets:\n" + "".join(f"- {d}\n" for d in datasets).rstrip())
    if index % 4 == 1 and index > 4:
        meta.append(f"base_model: {repo_id(index - 4)}")
    body = [f"# Model {index}", "", f"A small generated model number {index}.", ""]
    if index % 2:
        body += ["## Intended use", "", "Research on openness linting.", "", "## Limitations", "", "It is tiny.", ""]
    if index % 5 == 0:
        body += ["## Training", "", "Trained with https://github.com/example/trainer (Apache-2.0).", ""]
    if index % 6 == 0:
        body += ["## Evaluation", "", "Evaluated with https://github.com/EleutherAI/lm-evaluation-harness.", ""]
    return "---\n" + "\n".join(meta) + "\n---\n" + "\n".join(body)


def build(index: int) -> Repo:
    card = _card(index)
    head, data = safetensors_bytes({"weight": ("F16", [64, 64 + index % 9])})
    files = {"README.md": card.encode(), "config.json": json.dumps({"model_type": "gpt2", "n_layer": 2}).encode(),
             "model.safetensors": VirtualFile(head, len(head) + data)}
    licence = licence_of(index)
    card_data = {"license": licence} if licence else {}
    tags = [f"license:{licence}"] if licence else []
    tags.append("text-generation" if index % 2 else "feature-extraction")
    sha = hashlib.sha1(repo_id(index).encode()).hexdigest()
    return Repo(repo_id(index), sha, files=files, card_data=card_data, tags=tags)


def populate(hub: FakeHub, count: int) -> list[str]:
    """`count` generated model repositories and the datasets they name; returns their ids in order."""
    for name, licence in DATASETS.items():
        card = {"license": licence} if licence else {}
        hub.add_dataset(Repo(name, hashlib.sha1(name.encode()).hexdigest(), card_data=card,
                             tags=[f"license:{licence}"] if licence else []))
    return [hub.add_model(build(index)).id for index in range(count)]
