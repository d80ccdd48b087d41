"""Reading what cards disclose: pointers, prose, withheld statements, stages, safety evaluation, open-washing,
licence conflicts, and the quote behind every judgement in every output format."""

from __future__ import annotations

import json


from conftest import CORPUS, WEIGHTS, by_code, component, corpus_release, report_of





CARD = "---\nlicense: apache-2.0\n{meta}---\n# model\n\n{body}\n"


def card(body: str, meta: str = "") -> dict[str, str]:
    return {"README.md": CARD.format(meta=meta, body=body), "model.safetensors": WEIGHTS}


def test_open_washing_quotes_the_claim(run, tmp_path):
    report = report_of(run, corpus_release(CORPUS / "cards" / "lmsys__vicuna-7b-delta-v0", tmp_path / "vicuna"))
    (washing,) = by_code(report)["OLP008"]
    assert "open-source chatbot" in washing["message"] and washing["line"] == 22
    assert "pre-training datasets" in washing["message"]


def test_open_washing_says_missing_weights_are_not_released(run, release):
    """Weights that are not there are not released: the finding does not blame a licence the card states."""
    folder = release({"README.md": CARD.format(meta="", body="This model is fully open-source.")}, name="no-weights")
    (washing,) = by_code(report_of(run, folder))["OLP008"]
    assert "the weights are D1 (not released)" in washing["message"], washing["message"]


def test_no_open_washing_finding_for_a_fully_open_release(run, example):
    assert "OLP008" not in by_code(report_of(run, example))


def test_safety_benchmarks_with_results_are_released_safety_data(run, release):
    report = report_of(run, release(card("## Safety evaluation\n\nWe red-teamed the model.\n\n| benchmark | score |\n|---|---|\n| HarmBench | 12.5% |\n| XSTest | 3.0% |\n")))
    data = component(report, "evaluation.data.safety")
    assert data["status"] == "released" and data["label"] == "D5"
    assert {p["target"] for p in data["pointers"]} == {"walledai/HarmBench", "walledai/XSTest"}
    code = component(report, "evaluation.code.safety")
    assert code["status"] == "described" and code["label"] == "C1"
    found = by_code(report)
    assert "OLS005" not in found and "described, not released" in found["OLS002"][0]["message"]


def test_a_safety_claim_without_numbers_is_a_finding(run, release):
    report = report_of(run, release(card("## Safety\n\nThe model was red-teamed by an internal team before release.\n")))
    (missing,) = by_code(report)["OLS005"]
    assert missing["line"] == 8 and "red-teamed" in missing["snippet"]


def test_advice_and_negation_are_not_disclosures(run, release):
    report = report_of(run, release(card("It is not DPO tuned. We urge users to perform safety testing. It can be fine-tuned on your data.\n")))
    assert component(report, "training.code.alignment")["status"] == "not-applicable"
    assert component(report, "training.code.finetuning")["status"] == "not-applicable"
    # advice to test for safety is not a safety evaluation: the stage did not happen, so it does not apply
    assert component(report, "evaluation.code.safety")["status"] == "not-applicable"


def test_stages_from_metadata_and_statements(run, release):
    report = report_of(run, release(card("We fine-tuned the base model with DPO on preference pairs.\n", meta="base_model: org/base-7b\n")))
    stages = report["stages"]
    assert stages["finetuning"]["present"] and stages["finetuning"]["evidence"]["snippet"] == "base_model: org/base-7b"
    assert stages["alignment"]["present"]
    assert component(report, "training.data.alignment")["status"] == "undisclosed"


def test_alignment_mentioned_on_a_base_model_is_reported_as_unsure(run, release):
    report = report_of(run, release(card("Chat variants of this family use RLHF.\n")))
    alignment = report["stages"]["alignment"]
    assert not alignment["present"] and "declare the component if it applies" in alignment["note"]


def test_datasets_are_attributed_by_context(run, release):
    body = ("## Training data\n\nPre-trained on [the corpus](https://huggingface.co/datasets/org/corpus).\n\n"
            "## Evaluation\n\nEvaluated on [a benchmark](https://huggingface.co/datasets/org/bench).\n")
    report = report_of(run, release(card(body)))
    pretraining = component(report, "training.data.pretraining")
    assert [p["target"] for p in pretraining["pointers"]] == ["org/corpus"] and pretraining["label"] == "D3"
    assert pretraining["note"] == "No licence could be identified for org/corpus (Hub dataset licences are looked up only when checking a Hub repository)"


def test_the_note_names_each_dataset_whose_licence_is_not_identified(run, release):
    # MS MARCO's licence in the catalogue is `other` (Microsoft's own terms): known to exist, not identified
    body = "## Training data\n\nFine-tuned on [MS MARCO](https://huggingface.co/datasets/microsoft/ms_marco).\n"
    report = report_of(run, release(card(body, meta="base_model: org/base\n")))
    sft = component(report, "training.data.sft")
    assert sft["label"] == "D3" and sft["note"] == "No licence could be identified for microsoft/ms_marco"


def test_withheld_data_is_not_released_not_undisclosed(run, release):
    report = report_of(run, release(card("## Training data\n\nThe training data has not been released.\n")))
    data = component(report, "training.data.pretraining")
    assert data["status"] == "not-released" and data["evidence"][0]["line"] == 8
    # said by the card, not by a declaration (the message said "declared not released"): the note says who says so
    [finding] = by_code(report)["OLT002"]
    assert "Pre-training datasets: not released (D1). The card says it was not released." in finding["message"]


def test_code_links_count_only_when_the_line_says_what_they_are(run, release):
    body = ("## Training\n\nTrained with [our training code](https://github.com/org/train) and [JAX](https://github.com/jax-ml/jax).\n"
            "A [notebook](https://github.com/org/nb) shows how to fine-tune it.\n"
            "Data filtered with [a tool](https://github.com/org/filter).\n")
    report = report_of(run, release(card(body)))
    code = component(report, "training.code.pretraining")
    assert [p["target"] for p in code["pointers"]] == ["https://github.com/org/train"]
    assert code["label"] == "C2"  # released; the licence is not stated, so no rubric points


def test_rubric_points_are_reported_only_where_the_level_follows_from_them(run, release):
    # unlicensed code: released, no points (C2); a catalogued root's mix of data: its level is the catalogue's
    # judgement of the parts ("including gated parts: D4"), which no one licence's points describe
    body = "Trained with [our training code](https://github.com/org/train).\n"
    plain = report_of(run, release(card(body)))
    assert component(plain, "training.code.pretraining")["rubric"] == {"points": 0, "grants": []}
    derived = report_of(run, release(card(body, meta="base_model: stabilityai/stablelm-3b-4e1t\n")))
    data = component(derived, "training.data.pretraining")
    assert (data["status"], data["label"], data["licence"], data["rubric"]) == ("released", "D4", "other", None)
    # ... and no finding says it is D4 "under other: 0 of 5 rubric points"
    assert "training.data.pretraining" not in {f.get("component") for f in by_code(derived).get("OLL004", [])}
    assert "training.code.pretraining" in {f.get("component") for f in by_code(plain).get("OLL004", [])}


def test_datasets_named_in_one_sentence_share_one_piece_of_evidence(run, release):
    body = "The model was fine-tuned on HuggingFaceH4/no_robots, mlabonne/guanaco-llama2-1k and OpenAssistant/oasst1.\n"
    data = component(report_of(run, release(card(body))), "training.data.sft")
    assert len(data["pointers"]) == 3
    assert len(data["evidence"]) == len({(e["file"], e["line"], e["snippet"]) for e in data["evidence"]}) == 1


def test_known_harness_carries_its_licence(run, release):
    report = report_of(run, release(card("Evaluated with [lm-evaluation-harness](https://github.com/EleutherAI/lm-evaluation-harness).\n")))
    evaluation = component(report, "evaluation.code.general")
    assert evaluation["label"] == "C5" and evaluation["licence"] == "mit"


def test_licence_conflict_names_each_source(run, release):
    files = card("# x\n")
    files["LICENSE"] = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy ... The above copyright notice and this permission notice shall be included"
    (conflict,) = by_code(report_of(run, release(files)))["OLL003"]
    assert "apache-2.0 in README.md:2" in conflict["message"] and "mit in LICENSE:1" in conflict["message"]


def test_practice_sections_are_recognised(run, release):
    body = "## Intended uses\n\nResearch.\n\n## Limitations\n\nMany.\n\n## Citation\n\n@misc{x, title={x}}\n"
    found = by_code(report_of(run, release(card(body))))
    assert not {"OLP001", "OLP003", "OLP005"} & set(found)
    assert {"OLP004", "OLP006", "OLP007"} <= set(found)


def test_every_format_carries_the_quote(run, release, monkeypatch):
    folder = release(card("## Safety\n\nThe model was red-teamed by an internal team before release.\n"))
    monkeypatch.chdir(folder)
    quote = "The model was red-teamed by an internal team before release."
    text = run("check", ".", "--select", "OLS005").out
    assert "README.md:8: OLS005" in text and f"quote: {quote}" in text
    sarif = json.loads(run("check", ".", "--select", "OLS005", "-f", "sarif").out)
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 8, "snippet": {"text": quote}}
    assert quote in run("check", ".", "--select", "OLS005", "-f", "markdown").out
    assert "line=8" in run("check", ".", "--select", "OLS005", "-f", "github").out
    finding = run("check", ".", "--select", "OLS005", "-f", "json").json()["findings"][0]
    assert (finding["file"], finding["line"], finding["snippet"]) == ("README.md", 8, quote)


def test_a_card_with_thousands_of_links(run, release):
    body = "".join(f"- [d{i}](https://huggingface.co/datasets/org/d{i}) trained on this\n" for i in range(20_000))
    report = report_of(run, release(card(body)))
    assert component(report, "training.data.pretraining")["status"] == "released"


def test_gated_weights_are_semi_open_whatever_the_licence(run, release):
    report = report_of(run, release(card("# x\n", meta="extra_gated_prompt: Agree to the terms\n")))
    weights = component(report, "deployment.data.weights")
    assert weights["licence"] == "apache-2.0" and weights["label"] == "D4" and "gated" in weights["note"]
    assert weights["evidence"][-1]["snippet"] == "extra_gated_prompt: access is gated"
    # the gate, not the licence, limits it: said by OLL005, and OLL004 ("missing: " nothing) does not misname it
    codes = {f["code"]: f for f in report["findings"] if f.get("component") == "deployment.data.weights"}
    assert "OLL004" not in codes and "access is gated" in codes["OLL005"]["message"]
    assert codes["OLL005"]["line"] == weights["evidence"][-1]["line"]  # at the gate, not at the licence line


def test_weights_summary_totals_the_headers(run, release, tmp_path):
    from weightgen import write_safetensors

    folder = release(card("# x\n"))
    write_safetensors(folder / "model.safetensors", {"a": ("F32", [2, 3])})
    write_safetensors(folder / "extra.safetensors", {"b": ("F16", [4])})
    summary = report_of(run, folder)["weights_summary"]
    assert summary == {"files": 2, "formats": {"safetensors": 2}, "parameters": 10, "dtypes": {"F32": 6, "F16": 4}}


def test_comparisons_with_open_source_models_are_not_claims(run, release):
    report = report_of(run, release(card("Our chat models outperform open-source chat models on most benchmarks.\n")))
    assert "OLP008" not in by_code(report)
    claimed = report_of(run, release(card("This is a fully open model.\n"), name="claimed"))
    assert "OLP008" in by_code(claimed)


def test_remote_code_the_release_does_not_ship_is_a_finding(run, release):
    snippet = '```python\nmodel = AutoModelForCausalLM.from_pretrained("org/m", trust_remote_code=True)\n```\n\nAgain:\n\n' \
              '```python\ntok = AutoTokenizer.from_pretrained("org/m", trust_remote_code=True)\n```\n'
    config = '{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}'
    report = report_of(run, release({**card(snippet), "config.json": config}, "no-code"))
    (unneeded,) = by_code(report)["OLI003"]  # once per release, at the first snippet
    assert unneeded["line"] == 6 and "no auto_map" in unneeded["message"]
    assert component(report, "deployment.code.inference")["label"] == "C5"
    # the flag loads what the release ships: a Python file, or code named by auto_map
    shipped = report_of(run, release({**card(snippet), "config.json": config, "modeling_m.py": "class M: ...\n"}, "shipped"))
    mapped = report_of(run, release({**card(snippet), "config.json": '{"model_type": "m", "auto_map": {"AutoModel": "org/m--x.M"}}'}, "mapped"))
    # a card alone (no config.json): the snippet is taken at its word
    alone = report_of(run, release(card(snippet), "alone"))
    # a dataset's loading script is not the model's code
    dataset = '```python\nds = load_dataset("org/bench", split="test", trust_remote_code=True)\n```\n'
    datasets = report_of(run, release({**card(dataset), "config.json": config}, "dataset"))
    # a tokenizer whose code lives in another repository, named by its config's auto_map; one too big to tell
    tokenizer = '{"auto_map": {"AutoTokenizer": ["org/base--tokenization_x.XTokenizer", null]}}'
    elsewhere = report_of(run, release({**card(snippet), "config.json": config, "tokenizer_config.json": tokenizer}, "elsewhere"))
    untold = report_of(run, release({**card(snippet), "config.json": config, "tokenizer_config.json": "{" * 2_000_001}, "untold"))
    assert all("OLI003" not in by_code(r) for r in (shipped, mapped, alone, datasets, elsewhere, untold))
    plain = report_of(run, release({**card(snippet), "config.json": config, "tokenizer_config.json": '{"model_max_length": 4096}'}, "plain"))
    assert "OLI003" in by_code(plain)
    nested = '```python\nds = load_dataset("org/eval", trust_remote_code=True, cache_dir=os.path.join(root, "c"))\n```\n'
    assert "OLI003" not in by_code(report_of(run, release({**card(nested), "config.json": config}, "nested")))
    # prose that says the flag is no longer needed: it runs with Transformers' own code
    unneeded_said = report_of(run, release({**card("You no longer need trust_remote_code=True: Transformers supports it natively.\n")}, "said"))
    assert "OLI003" not in by_code(unneeded_said)
    assert component(unneeded_said, "deployment.code.inference")["label"] == "C5"
    # a negation that says the flag is needed is no such statement
    for name, said in (("forget", "Don't forget to pass trust_remote_code=True when loading the model.\n"),
                       ("without", "Loading does not work without trust_remote_code=True.\n")):
        needed = report_of(run, release({**card(said), "config.json": config}, name))
        assert "OLI003" in by_code(needed), said
    # the command-line form, and the flag written in prose
    for name, body in (("cli", "```bash\nvllm serve org/m --trust-remote-code\n```\n"), ("prose", "Load it with trust_remote_code=True.\n"),
                       ("environment", "```bash\nTRUST_REMOTE_CODE=True python serve.py\n```\n")):
        (found,) = by_code(report_of(run, release({**card(body), "config.json": config}, name)))["OLI003"]
        assert "trust_remote_code" in found["message"] and found["line"] == 6
