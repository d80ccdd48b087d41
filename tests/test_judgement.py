"""Rules of judgement as small data cases (tests/data/judgement_cases.yaml): a card, and what a careful reviewer
concludes under tests/data/bulk_labels/CONVENTIONS.md. Each case is built as a release folder holding the card and a
small safetensors file, and checked through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agreement import KEYS, weight_file
from conftest import DATA, report_of
from weightgen import gguf_bytes

CASES = yaml.safe_load((DATA / "judgement_cases.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_judgement_case(run, tmp_path, name):
    case = CASES[name]
    folder = tmp_path / case.get("name", "release")
    folder.mkdir()
    (folder / "README.md").write_text(case["card"], encoding="utf-8")
    (folder / "model.safetensors").write_bytes(weight_file())
    for path, text in (case.get("files") or {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        Path(folder / path).write_text(text, encoding="utf-8")
    report = report_of(run, folder)
    components = {c["id"]: c for c in report["components"]}
    got = {key: components[KEYS[key]]["label"] for key in case["expect"] if key in KEYS}
    if "kind" in case["expect"]:
        got["kind"] = report["lineage"]["kind"]
    if "bases" in case["expect"]:
        got["bases"] = report["lineage"]["bases"]
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


# -- lineage from the release's files: cases that need other files than the card and one safetensors file ----------

CARD = "---\nlicense: apache-2.0\n---\n# Acme-7B\nA language model.\n"


def _content(code: str) -> str | bytes:
    """"W": a valid safetensors file; "G": a valid GGUF file; "T": a trainer's pickled state (bytes, never loaded);
    anything else: that text."""
    if code == "T":
        return b"\x80\x04N."  # a pickle of None
    return weight_file() if code == "W" else gguf_bytes({"general.architecture": "llama"}, tensors=1) if code == "G" else code


def test_an_empty_gguf_makes_no_quantisation(run, release):
    # judged by name and size, as a Hub listing gives them: an empty file holds no model (a garbage one is judged
    # alike in both modes, whether or not its header could be read)
    folder = release({"README.md": CARD, "acme-7b.gguf": ""})
    assert report_of(run, folder)["lineage"]["kind"] == "base"


@pytest.mark.parametrize("card, files, kind", [
    # the HF Trainer's saved state beside an adapter is no full weights
    (CARD, {"adapter_config.json": "{}", "adapter_model.safetensors": "W", "training_args.bin": "T"}, "adapter"),
    # a fine-tune or a model trained from scratch published only as GGUF is what its card says, not a quantised copy
    ("---\nlicense: apache-2.0\nbase_model: acme/base-7b\n---\n# Acme-Stories-7B\nWe fine-tuned acme/base-7b on 10k stories.\n",
     {"acme-stories-7b.Q8_0.gguf": "G"}, "fine-tune"),
    ("---\nlicense: apache-2.0\n---\n# Acme-1B\nWe trained this model from scratch on 100B tokens.\n", {"acme-1b.f16.gguf": "G"}, "base"),
    # a LoRA in GGUF: the card's tag says adapter
    ("---\nlicense: apache-2.0\ntags: [lora]\n---\n# Acme style LoRA\n", {"acme-style-f16.gguf": "G"}, "adapter"),
    # what a quoted original card says of its own model is no statement about this copy
    ("---\nlicense: apache-2.0\nbase_model: acme/scratchy-7b\n---\n# Scratchy-7B GGUF\nGGUF weights.\n\n# Original model card\n"
     "Scratchy-7B was trained from scratch on 2T tokens. We fine-tuned it on chats.\n", {"scratchy-7b.Q4_K_M.gguf": "G"}, "quantisation"),
    # a GGUF copy whose card says nothing more is a quantisation
    ("---\nlicense: apache-2.0\nbase_model: acme/base-7b\n---\n# Acme-7B GGUF files\n", {"acme-7b.Q4_K_M.gguf": "G"}, "quantisation"),
])
def test_the_card_and_the_files_together(run, release, card, files, kind):
    folder = release({"README.md": card, **{p: _content(c) for p, c in files.items()}})
    assert report_of(run, folder)["lineage"]["kind"] == kind


@pytest.mark.parametrize("files, kind, evidence", [
    # an adapter's own files make an adapter, whatever the card says
    ({"adapter_config.json": '{"peft_type": "LORA"}', "adapter_model.safetensors": "W"}, "adapter", "adapter_config.json"),
    ({"pytorch_lora_weights.safetensors": "W"}, "adapter", "pytorch_lora_weights.safetensors"),
    # weights only in GGUF: a quantised copy
    ({"acme-7b.Q4_K_M.gguf": "G"}, "quantisation", "acme-7b.Q4_K_M.gguf"),
    # a config.json naming a post-training quantisation method
    ({"config.json": '{"model_type": "llama", "quantization_config": {"quant_method": "gptq", "bits": 4}}',
      "model.safetensors": "W"}, "quantisation", "config.json"),
])
def test_the_files_say_what_the_release_is(run, release, files, kind, evidence):
    folder = release({"README.md": CARD, **{p: _content(c) for p, c in files.items()}})
    lineage = report_of(run, folder)["lineage"]
    assert (lineage["kind"], lineage["evidence"]["file"]) == (kind, evidence)


@pytest.mark.parametrize("files", [
    # a base model may ship a GGUF beside its full weights; a native fp8 checkpoint is not a quantised copy
    {"model.safetensors": "W", "acme-7b.gguf": "G"},
    # an adapter beside the full weights it was merged into: the files alone do not say which the release is
    {"model.safetensors": "W", "adapter_config.json": '{"peft_type": "LORA"}', "adapter_model.safetensors": "W"},
    {"model.safetensors": "W", "config.json": '{"model_type": "deepseek_v3", "quantization_config": {"quant_method": "fp8"}}'},
])
def test_files_that_do_not_make_a_derivative(run, release, files):
    folder = release({"README.md": CARD, **{p: _content(c) for p, c in files.items()}})
    assert report_of(run, folder)["lineage"]["kind"] == "base"


def test_a_copy_of_an_unidentified_model_is_not_called_a_base_for_its_alignment(run, release):
    card = "---\nlicense: apache-2.0\ntags: [gguf]\n---\n# Acme-7B GGUF\nQuantised files of a model aligned with DPO.\n"
    report = report_of(run, release({"README.md": card, "acme-7b.Q4_K_M.gguf": _content("G")}))
    alignment = {c["id"]: c for c in report["components"]}["training.code.alignment"]
    assert alignment["label"] == "N/A" and "nothing says what this copy was made from" in alignment["note"], alignment["note"]


# -- an adapter's config names what it adapts ------------------------------------------------------------------------

def _adapter_config(base: str) -> str:
    return f'{{"peft_type": "LORA", "base_model_name_or_path": "{base}", "r": 16}}'


def test_an_adapter_config_names_the_base_and_its_root_is_graded_from_the_catalogue(run, release):
    folder = release({"README.md": CARD, "adapter_config.json": _adapter_config("meta-llama/Llama-2-7b-hf"),
                      "adapter_model.safetensors": _content("W")})
    report = report_of(run, folder)
    lineage = report["lineage"]
    assert (lineage["kind"], lineage["bases"]) == ("adapter", ["meta-llama/Llama-2-7b-hf"])
    data = {c["id"]: c for c in report["components"]}["training.data.pretraining"]
    assert data["label"] != "UNK" and "LLaMA" in data["note"], data["note"]


@pytest.mark.parametrize("base", ["output/checkpoint-500", "/home/me/llama-7b", "models/llama-7b", "./base", "not a model id"])
def test_an_adapter_config_naming_a_local_folder_names_no_base(run, release, base):
    folder = release({"README.md": CARD, "adapter_config.json": _adapter_config(base), "adapter_model.safetensors": _content("W")})
    lineage = report_of(run, folder)["lineage"]
    assert (lineage["kind"], lineage["bases"]) == ("adapter", [])


def test_full_weights_beside_an_adapter_config_naming_a_base_are_a_fine_tune_of_it(run, release):
    folder = release({"README.md": CARD, "model.safetensors": _content("W"), "adapter_model.safetensors": _content("W"),
                      "adapter_config.json": _adapter_config("acme/base-7b")})
    lineage = report_of(run, folder)["lineage"]
    assert (lineage["kind"], lineage["bases"], lineage["evidence"]["file"]) == ("fine-tune", ["acme/base-7b"], "adapter_config.json")


def test_the_cards_base_model_is_taken_over_the_adapter_configs(run, release):
    card = "---\nlicense: apache-2.0\nbase_model: acme/chat-7b\n---\n# Acme LoRA\n"
    folder = release({"README.md": card, "adapter_config.json": _adapter_config("acme/base-7b"), "adapter_model.safetensors": _content("W")})
    assert report_of(run, folder)["lineage"]["bases"] == ["acme/chat-7b"]


def test_a_broken_adapter_config_still_makes_an_adapter(run, release):
    folder = release({"README.md": CARD, "adapter_config.json": "{not json", "adapter_model.safetensors": _content("W")})
    lineage = report_of(run, folder)["lineage"]
    assert (lineage["kind"], lineage["bases"]) == ("adapter", [])


@pytest.mark.parametrize("named, base", [("the Mistral-7B-v0.3", "mistralai/Mistral-7B-v0.3"), ("Mistral 7B", "mistralai/Mistral-7B-v0.1")])
def test_the_base_named_is_the_version_the_card_names(run, release, named, base):
    # the catalogue files Mistral-7B's versions under one entry; the card's own version is the base
    card = f"---\nlicense: apache-2.0\n---\n# Acme-7B-Instruct\nThis model is an instruct fine-tuned version of {named}.\n"
    lineage = report_of(run, release({"README.md": card, "model.safetensors": _content("W")}))["lineage"]
    assert (lineage["kind"], lineage["bases"]) == ("fine-tune", [base])
