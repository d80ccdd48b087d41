"""Incomplete is not lower (issue 12, requirement 2): what cannot be read after bounded retries stops the check with
one line, or with --partial is reported as missing, its components Unknown; never a lower grade with exit 0."""

from __future__ import annotations

import pytest

from conftest import component
from fakehub import Fault, Repo
from test_hub import BERT, BERT_SHA, bert  # noqa: F401  (fixture)

TRAINING = {"training.code.pretraining", "training.code.finetuning", "training.code.alignment", "training.data.pretraining",
            "training.data.sft", "training.data.alignment"}
DATA = {"training.data.pretraining", "training.data.sft", "training.data.alignment", "evaluation.data.utility", "evaluation.data.safety"}


def labels(report: dict) -> dict[str, str]:
    return {c["id"]: c["label"] for c in report["components"]}


def failing(times: int = 4, status: int = 503) -> list[Fault]:
    return [Fault(status) for _ in range(times)]


@pytest.mark.parametrize("path, fault, reason", [
    ("README.md", Fault(503), "the Hub answered 503"),
    ("README.md", Fault(500), "the Hub answered 500"),
    ("LICENSE", Fault(502), "the Hub answered 502"),
    ("config.json", Fault(429, {"Retry-After": "0"}), "rate limited"),
])
def test_without_partial_an_unreadable_file_stops_the_check_with_one_line(run, bert, path, fault, reason):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/{path}$", *[fault] * 4)
    result = run("check", BERT, "-f", "json")
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith(f"openlint: error: {BERT}: could not read {path}: ")
    assert reason in result.err and "gave up after 3 retries" in result.err and "--partial" in result.err
    assert "token" not in result.err  # a slow or failing network is not a reason to pass a token
    assert len(bert.requests("GET", rf"/resolve/{BERT_SHA}/{path}$")) == 4  # bounded: one try and three retries


def test_a_timeout_is_retried_then_stops_the_check(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", *[Fault(200, stall=1.0) for _ in range(4)])
    result = run("check", BERT, "--timeout", "0.3")
    assert result.code == 2 and "README.md: the Hub did not answer within 0.3 s" in result.err


def test_a_refused_connection_is_a_one_line_error(run, hub, monkeypatch):
    import socket

    import huggingface_hub.constants as constants

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{port}")
    result = run("check", "org/model", "--partial")
    assert result.code == 2 and "cannot reach the Hub" in result.err and result.err.count("\n") == 1


def test_rate_limit_past_its_budget_gives_up_at_once(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", Fault(429, {"Retry-After": "3600"}))
    result = run("check", BERT)
    assert result.code == 2 and "rate limited by the Hub (429)" in result.err
    assert len(bert.requests("GET", r"/README.md$")) == 1  # an hour's wait is past the budget: no retry, no wait


def test_partial_reports_the_card_missing_and_every_component_unknown(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", *failing())
    result = run("check", BERT, "--partial", "-f", "json", "--fail-on", "never")
    assert result.code == 1, "an incomplete check is never a pass, whatever --fail-on says"
    assert "incomplete" in result.err
    report = result.json()
    assert report["complete"] is False
    assert report["missing"] == [{"what": "README.md", "reason": "the Hub answered 503 (gave up after 3 retries)", "components": ["*"]}]
    assert set(labels(report).values()) == {"UNK"}
    assert all(c["status"] == "unknown" and c["level"] is None for c in report["components"])
    assert any(f["code"] == "OLH004" for f in report["findings"])
    assert not any(f["code"] == "OLH001" for f in report["findings"])  # no "pass a token" note for a network failure


def test_partial_marks_only_what_a_header_decides(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/model.safetensors$", *failing())
    report = run("check", BERT, "--partial", "-f", "json").json()
    complete = run("check", BERT, "-f", "json").json()  # nothing failing now; the header is read
    assert report["complete"] is False and report["missing"][0]["what"] == "model.safetensors (header)"
    assert report["missing"][0]["components"] == ["weights"]
    unknown = {cid for cid, label in labels(report).items() if label == "UNK"}
    assert unknown == {"deployment.data.weights"}
    for cid, label in labels(report).items():  # never lower: every other component as in the complete check
        assert label == labels(complete)[cid] or label == "UNK"
    weights_weight = next(b for b in report["grade"]["breakdown"] if b["component"] == "deployment.data.weights")
    assert weights_weight["level"] is None  # left out of the grade, not counted as level 1


def test_partial_marks_the_data_side_for_a_dataset_lookup(run, bert):
    bert.fail(r"^GET /api/datasets/bookcorpus$", *failing())
    report = run("check", BERT, "--partial", "-f", "json").json()
    assert [m["what"] for m in report["missing"]] == ["dataset bookcorpus"]
    assert {cid for cid, label in labels(report).items() if label == "UNK"} == DATA


def test_partial_marks_the_training_stage_for_a_base_models_card(run, hub):
    card = b"---\nlicense: mit\nbase_model: org/base\n---\n# derived\n"
    hub.add_model(Repo("org/derived", "d" * 40, files={"README.md": card}, card_data={"license": "mit", "base_model": "org/base"}))
    hub.add_model(Repo("org/base", "e" * 40, files={"README.md": b"---\nlicense: mit\n---\n# base\n"}, card_data={"license": "mit"}))
    hub.fail(r"^GET /org/base/resolve/main/README.md$", *failing())
    stopped = run("check", "org/derived")
    assert stopped.code == 2 and "could not read the card of org/base" in stopped.err
    hub.fail(r"^GET /org/base/resolve/main/README.md$", *failing())
    report = run("check", "org/derived", "--partial", "-f", "json").json()
    assert [m["what"] for m in report["missing"]] == ["the card of org/base"]
    assert {cid for cid, label in labels(report).items() if label == "UNK"} == TRAINING


def test_text_output_says_incomplete_on_its_first_line(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/LICENSE$", *failing())
    for args in ((), ("-q",), ("-v",)):
        result = run("check", BERT, "--partial", *args)
        first = result.out.splitlines()[0]
        assert first.startswith("INCOMPLETE CHECK: 1 item(s) could not be read"), first
        bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/LICENSE$", *failing())
    complete = run("check", BERT)
    assert "INCOMPLETE" not in complete.out


def test_a_complete_partial_run_is_an_ordinary_report(run, bert):
    with_partial = run("check", BERT, "--partial", "-f", "json")
    without = run("check", BERT, "-f", "json")
    assert with_partial.json() == without.json() and with_partial.code == without.code
    assert with_partial.json()["complete"] is True and with_partial.json()["missing"] == []


def test_a_gated_file_is_not_a_missing_one(run, hub):
    from conftest import corpus_repo

    hub.add_model(corpus_repo("meta-llama__Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", gated="manual"))
    result = run("check", "meta-llama/Llama-2-7b-hf", "-f", "json")
    assert result.code in (0, 1) and result.json()["complete"] is True
    assert component(result.json(), "deployment.data.weights")["status"] == "released"


def test_a_card_that_could_not_be_read_gives_no_grade_and_no_findings_about_its_sections(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", *failing())
    report = run("check", BERT, "--partial", "-f", "json").json()
    codes = {f["code"] for f in report["findings"]}
    assert not {code for code in codes if code.startswith("OLP")} and "OLD001" not in codes  # nothing says the card lacks them
    for fmt, expected in (("concise", "\nnot graded (incomplete: 1 item(s) could not be read, nothing was assessed)"),
                          ("text", "grade: not graded (incomplete: 1 item(s) could not be read, nothing was assessed)"),
                          ("markdown", "## openlint: not graded")):
        bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", *failing())
        out = run("check", BERT, "--partial", "-f", fmt).out
        assert expected in "\n" + out and "grade F" not in out and "grade not graded" not in out and "**F**" not in out, fmt


def test_every_format_marks_an_incomplete_grade(run, bert):
    for fmt, mark in (("concise", ", incomplete: 1 item(s) could not be read: "), ("github", ", incomplete: 1 item(s) could not be read for "),
                      ("markdown", "> **Incomplete check:**"), ("text", "(incomplete: see above)")):
        bert.fail(r"^GET /api/datasets/bookcorpus$", *failing())
        assert mark in run("check", BERT, "--partial", "-f", fmt).out, fmt
    bert.fail(r"^GET /api/datasets/bookcorpus$", *failing())
    badge = run("badge", BERT, "--partial", "-o", "badge.svg")
    assert badge.code == 2 and "no badge written: the check is incomplete" in badge.err


def test_a_cap_a_component_not_assessed_could_lift_is_not_applied(run, hub):
    # open weights and every training component closed but the pre-training data, whose lookup fails: whether the
    # recipe is closed (capped at C) cannot be told, so the cap is not applied to the partial grade
    from fakehub import VirtualFile
    from weightgen import safetensors_bytes

    card = (b"---\nlicense: apache-2.0\ndatasets: [someorg/pt-data]\nlibrary_name: transformers\n---\n# base\n"
            b"Pre-trained from scratch on someorg/pt-data.\n\n## Evaluation\nEvaluated with "
            b"[lm-evaluation-harness](https://github.com/EleutherAI/lm-evaluation-harness).\n\n| task | acc |\n|---|---|\n| arc | 40.1 |\n")
    head, data = safetensors_bytes({"w": ("F32", [4, 4])})
    hub.add_model(Repo("custom/base", "d" * 40, files={"README.md": card, "model.safetensors": VirtualFile(head, len(head) + data)},
                       card_data={"license": "apache-2.0", "datasets": ["someorg/pt-data"], "library_name": "transformers"}))
    hub.fail(r"^GET /api/datasets/someorg/pt-data$", *failing())
    report = run("check", "custom/base", "--partial", "-f", "json").json()
    assert labels(report)["training.data.pretraining"] == "UNK" and labels(report)["training.code.pretraining"] == "C1"
    assert report["grade"]["caps"] == [] and report["grade"]["grade"] == "B"


def test_commands_without_partial_do_not_suggest_it(run, bert, tmp_path):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", *failing())
    result = run("diff", BERT, BERT)
    assert result.code == 2 and "could not read README.md" in result.err and "--partial" not in result.err
    import sqlite3

    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", *failing())
    run("audit", BERT, "--db", str(tmp_path / "a.db"))
    [error] = sqlite3.connect(tmp_path / "a.db").execute("SELECT error FROM results").fetchone()
    assert "could not read README.md" in error and "--partial" not in error


def test_the_frameworks_cannot_tell_what_an_unread_card_would_show(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/README.md$", *failing())
    report = run("check", BERT, "--partial", "-f", "json").json()
    items = [item for framework in report["crosswalk"] for item in framework.get("items", [])]
    about_the_card = [item for item in items if "model card" in item["name"].lower()]
    assert about_the_card and all(item["verdict"] == "cannot tell" for item in about_the_card), about_the_card
