"""--format cyclonedx: a CycloneDX 1.6 ML-BOM validated against the official CycloneDX 1.6 JSON schema, as bundled
with the CycloneDX Python library (cyclonedx-python-lib), never a hand-copied schema."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, corpus_release, corpus_repo


def _validate(text: str):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)


def test_the_validator_is_the_official_schema_and_rejects_a_broken_bom():
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.schema._res import BOM_JSON_STRICT

    path = BOM_JSON_STRICT[SchemaVersion.V1_6]
    schema = json.loads(open(path, encoding="utf-8").read())
    assert schema["$id"] == "http://cyclonedx.org/schema/bom-1.6.schema.json"
    broken = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "machine-learning-model"}]}  # no name
    assert _validate(json.dumps(broken)) is not None


def _bom(run, target, *extra):
    result = run("check", str(target), "-f", "cyclonedx", "--no-config", *extra)
    assert result.code in (0, 1), result.err
    assert _validate(result.out) is None, _validate(result.out)
    return json.loads(result.out)


def _properties(component) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in component.get("properties", []):
        found.setdefault(item["name"], []).append(item["value"])
    return found


def test_example_release_bom(run, example):
    bom = _bom(run, example)
    model = bom["metadata"]["component"]
    assert model["type"] == "machine-learning-model" and model["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    card = _properties(model["modelCard"])
    assert card["openlint:component:deployment.data.weights"] == ["D5"]
    assert card["openlint:osaid"] == ["meets"]
    assert _properties(model)["openlint:grade"] == [json.loads(run("check", str(example), "-f", "json", "--no-config").out)["grade"]["grade"]]
    by_name = {c["name"]: c for c in bom["components"]}
    dataset = by_name["hf://datasets/openlint-examples/tiny-stories-pretraining"]
    assert dataset["type"] == "data" and dataset["licenses"] == [{"license": {"id": "CC-BY-4.0"}}]
    assert _properties(dataset)["openlint:role"] == ["Pre-training datasets"]
    code = by_name["https://github.com/openlint-examples/tiny-open-lm"]
    assert code["type"] == "application" and set(_properties(code)["openlint:role"]) == {"Pre-training code", "General evaluation code"}
    assert {"ref": dataset["bom-ref"]} in model["modelCard"]["modelParameters"]["datasets"]
    assert set(bom["dependencies"][0]["dependsOn"]) == {c["bom-ref"] for c in bom["components"]}
    # the limitations section's text, not its heading
    assert model["modelCard"]["considerations"] == {"technicalLimitations": ["An untrained model: outputs are random and carry no meaning."]}


def test_custom_licences_are_named_not_given_a_false_spdx_id(run, tmp_path):
    release = corpus_release(CORPUS / "cards" / "meta-llama__Llama-2-7b-hf", tmp_path / "llama")
    bom = _bom(run, release)
    assert bom["metadata"]["component"]["licenses"] == [{"license": {"name": "llama2"}}]


def test_hub_weight_files_carry_their_hashes(run, hub):
    repo = hub.add_model(corpus_repo("google-bert__bert-base-uncased", "google-bert/bert-base-uncased"))
    bom = _bom(run, repo.id)
    files = {c["name"]: c for c in bom["components"] if c["type"] == "file"}
    assert "model.safetensors" in files
    assert files["model.safetensors"]["hashes"] == [{"alg": "SHA-256", "content": repo.oid("model.safetensors")}]
    assert bom["metadata"]["component"]["version"] == repo.sha


@pytest.mark.parametrize("name", ["EleutherAI__gpt-j-6b", "mistralai__Mistral-7B-Instruct-v0.3", "openai__whisper-medium", "stabilityai__stable-diffusion-3.5-large"])
def test_corpus_releases_give_valid_boms(run, tmp_path, name):
    bom = _bom(run, corpus_release(CORPUS / "cards" / name, tmp_path / name))
    assert bom["specVersion"] == "1.6"


def test_the_releases_own_remote_code_is_part_of_the_model_not_a_component_it_points_to(run, tmp_path):
    """Qwen-VL-Chat-Int4's card loads it with trust_remote_code: that code is the release's, not a dependency."""
    bom = _bom(run, corpus_release(CORPUS / "cards" / "Qwen__Qwen-VL-Chat-Int4", tmp_path / "qwen"))
    names = [c["name"] for c in bom.get("components", [])]
    assert names and not any("own code" in name for name in names), names
