"""`openlint diff OLD NEW`: real corpus folders with a changed licence, JSON reports and Hub revisions; exit 1 when
openness went down, 0 otherwise, 2 for a broken invocation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS, corpus_release


@pytest.fixture
def mistral(tmp_path):
    """Mistral-7B-Instruct-v0.3 as found (Apache-2.0), and a copy whose card says CC-BY-NC-4.0."""
    old = corpus_release(CORPUS / "cards" / "mistralai__Mistral-7B-Instruct-v0.3", tmp_path / "old")
    new = corpus_release(CORPUS / "cards" / "mistralai__Mistral-7B-Instruct-v0.3", tmp_path / "new")
    card = (new / "README.md").read_text(encoding="utf-8")
    assert "license: apache-2.0" in card
    (new / "README.md").write_text(card.replace("license: apache-2.0", "license: cc-by-nc-4.0", 1), encoding="utf-8")
    return old, new


def test_a_licence_made_non_commercial_is_openness_down(run, mistral):
    old, new = mistral
    result = run("diff", str(old), str(new))
    assert result.code == 1, result.out + result.err
    assert "Model architecture and weights: D5 -> D" in result.out and "openness went down" in result.out
    assert "[apache-2.0 -> cc-by-nc-4.0]" in result.out
    data = json.loads(run("diff", str(old), str(new), "-f", "json").out)
    weights = next(c for c in data["components"] if c["id"] == "deployment.data.weights")
    assert weights["direction"] == "down" and weights["licence_before"] == "apache-2.0" and weights["licence_after"] == "cc-by-nc-4.0"
    assert "README.md" in weights["evidence_before"] and "README.md" in weights["evidence_after"]
    assert data["worse"] and data["grade"]["score_after"] < data["grade"]["score_before"]


def test_the_other_way_round_is_not_down(run, mistral):
    old, new = mistral
    result = run("diff", str(new), str(old))
    assert result.code == 0, result.out
    assert "up" in result.out and "openness did not go down" in result.out


def test_the_same_release_twice_is_no_change(run, mistral):
    old, _ = mistral
    result = run("diff", str(old), str(old), "-f", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["components"] == [] and data["findings_added"] == [] and data["findings_resolved"] == [] and not data["worse"]


def test_each_side_can_be_named_as_the_user_knows_it(run, mistral):
    old, new = mistral
    named = run("diff", str(old), str(new), "--old-name", "v1.0", "--new-name", "v1.1\x1b[31m")
    assert named.out.startswith("openlint diff: v1.0 -> v1.1") and "\x1b" not in named.out and str(old) not in named.out
    data = json.loads(run("diff", str(old), str(new), "--old-name", "v1.0", "-f", "json").out)
    assert data["old"] == "v1.0" and data["new"] != "v1.0" and data["new"].endswith(new.name)


def test_json_reports_and_markdown_for_a_job_summary(run, mistral, tmp_path):
    old, new = mistral
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(run("check", str(old), "-f", "json", "--no-config").out, encoding="utf-8")
    after.write_text(run("check", str(new), "-f", "json", "--no-config").out, encoding="utf-8")
    summary = tmp_path / "summary.md"
    result = run("diff", str(before), str(after), "-f", "markdown", "-o", str(summary))
    assert result.code == 1
    text = summary.read_text(encoding="utf-8")
    assert text == result.out and "**Openness went down**" in text and "| Model architecture and weights | D5 apache-2.0 |" in text
    # findings added and resolved: the non-commercial licence brings a licence finding the old release did not have
    data = json.loads(run("diff", str(before), str(after), "-f", "json").out)
    assert data["findings_added"] and all(f["code"] for f in data["findings_added"])
    # without -f, the file's extension names its format (as check -o), and stdout stays text
    for name, starts in (("auto.md", "## openlint diff"), ("auto.json", "{"), ("auto.txt", "openlint diff:")):
        result = run("diff", str(before), str(after), "-o", str(tmp_path / name))
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts) and result.out.startswith("openlint diff:")


def test_a_component_that_could_no_longer_be_assessed_fails_the_gate(run, mistral, tmp_path):
    old, _ = mistral
    report = json.loads(run("check", str(old), "-f", "json", "--no-config").out)
    before = tmp_path / "before.json"
    before.write_text(json.dumps(report), encoding="utf-8")
    for component in report["components"]:
        if component["id"] == "deployment.data.weights":
            component.update(status="unknown", level=None, label="UNK", category="not assessed")
    report["complete"] = False
    after = tmp_path / "after.json"
    after.write_text(json.dumps(report), encoding="utf-8")
    result = run("diff", str(before), str(after))
    assert result.code == 1 and "could not be assessed" in result.out


def test_two_hub_revisions(run, hub):
    import hubgen

    repo = hub.add_model(hubgen.build(1))
    repo.revisions["v1.0"] = repo.sha
    result = run("diff", f"{repo.id}@v1.0", repo.id, "-f", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["old"] == data["new"] == f"{repo.id}@{repo.sha}"
    assert hub.requests("GET", rf"^/api/models/{repo.id}/revision/v1.0$")
    missing = run("diff", f"{repo.id}@v9", repo.id)
    assert missing.code == 2 and "revision 'v9' not found" in missing.err


def test_a_revision_after_a_hub_url_is_the_one_compared(run, hub):
    """The Action compares TARGET@compare-to; with a URL that names a revision (/tree/v2.0), "@v1.0" after it is the
    revision asked for, not a clash with an option diff does not have."""
    import hubgen

    repo = hub.add_model(hubgen.build(1))
    repo.revisions["v1.0"] = repo.sha
    url = f"https://huggingface.co/{repo.id}/tree/main"
    result = run("diff", f"{url}@v1.0", url, "-f", "json")
    assert result.code == 0 and "--revision" not in result.err, result.err
    assert hub.requests("GET", rf"^/api/models/{repo.id}/revision/v1.0$")
    assert json.loads(result.out)["old"] == f"{repo.id}@{repo.sha}"


def test_a_revision_of_a_local_folder_is_refused_without_naming_an_option_diff_lacks(run, example):
    result = run("diff", f"{example}@v1", str(example))
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert "@v1 names a revision of a Hub repository" in result.err and "--revision" not in result.err


def test_broken_inputs_are_one_line_errors(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    result = run("diff", str(bad), str(bad))
    assert result.code == 2 and "not an openlint JSON report" in result.err and "Traceback" not in result.err


def test_a_component_that_did_not_apply_and_is_now_not_assessed_is_no_loss():
    """N/A -> UNK (a copy of a model nothing identifies, read more carefully by a newer openlint) loses no openness;
    a graded component that can no longer be assessed does."""
    from openlint.compare import _direction

    assert _direction({"status": "not-applicable", "level": None}, {"status": "unknown", "level": None}) == "changed"
    assert _direction({"status": "released", "level": 5}, {"status": "unknown", "level": None}) == "down"


def test_a_folder_is_compared_under_its_own_configuration_as_check_would(run, release, tmp_path):
    """A finding the configuration ignores is neither added nor resolved: the old folder is checked as `check` would
    check it (its own .openlint.yaml), not bare, against a report made under that configuration."""
    card = "---\nlicense: mit\n---\n# m\n"
    old = release({"README.md": card, ".openlint.yaml": "ignore: [OLD001]\n"}, "old")
    new = release({"README.md": card, ".openlint.yaml": "ignore: [OLD001]\n"}, "new")
    report = tmp_path / "new.json"
    report.write_text(run("check", str(new), "-f", "json").out, encoding="utf-8")
    data = json.loads(run("diff", str(old), str(report), "-f", "json").out)
    assert "OLD001" not in {f["code"] for f in data["findings_resolved"] + data["findings_added"]}
    # --config: both checked releases under the one named
    named = tmp_path / "named.yaml"
    named.write_text("ignore: [OLP]\n", encoding="utf-8")
    both = json.loads(run("diff", str(old), str(new), "-f", "json", "--config", str(named)).out)
    assert not both["findings_resolved"] and not both["findings_added"]


def test_an_earlier_version_in_a_folder_of_another_name_is_the_same_release(run, tmp_path):
    """docs/audit.md's recipe, `git worktree add ../previous v1.0` then `openlint diff ../previous .`: a release's
    name places it in its family, so the earlier folder is checked under the later one's name (or a report's)."""
    source = Path(__file__).parent / "data" / "corpus" / "cards" / "google-t5__t5-base"
    for name in ("t5-base", "previous"):
        (tmp_path / name).mkdir()
        for file in ("README.md", "config.json"):
            shutil.copy(source / file, tmp_path / name / file)
    for old, new in (("previous", "t5-base"), ("t5-base", "previous")):
        result = run("diff", str(tmp_path / old), str(tmp_path / new), "-f", "json")
        data = json.loads(result.out)
        assert result.code == 0 and data["components"] == [] and not data["worse"], (old, new, data["reasons"])
    # a report of the later release names the earlier folder too
    report = tmp_path / "t5.json"
    report.write_text(run("check", str(tmp_path / "t5-base"), "-f", "json").out, encoding="utf-8")
    assert run("diff", str(tmp_path / "previous"), str(report)).code == 0
    assert run("diff", str(report), str(tmp_path / "previous")).code == 0
    # a checkout of a Hub repository keeps that repository's name: it is a release of its own
    checkout = tmp_path / "checkout"
    shutil.copytree(tmp_path / "previous", checkout)
    (checkout / ".git").mkdir()
    (checkout / ".git" / "config").write_text('[remote "origin"]\n\turl = https://huggingface.co/someone/t5-copy\n')
    named = json.loads(run("check", str(checkout), "-f", "json").out)["release"]["name"]
    assert named == "someone/t5-copy"
    kept = run("diff", str(report), str(checkout), "-f", "json")  # graded as someone/t5-copy: not T5's own
    assert kept.code == 1 and json.loads(kept.out)["components"]


def test_a_licence_file_removed_is_openness_down_though_the_level_stays(run, tmp_path):
    """Llama 2 without its LICENSE.txt: the weights are D3 either way (3 rubric points, then none), but what may be
    done with them shrank, and a release gate (`fail-on-decrease`) must see it."""
    old = corpus_release(CORPUS / "cards" / "meta-llama__Llama-2-7b-hf", tmp_path / "old")
    new = corpus_release(CORPUS / "cards" / "meta-llama__Llama-2-7b-hf", tmp_path / "new")
    (new / "LICENSE.txt").unlink()
    result = run("diff", str(old), str(new), "-f", "json")
    assert result.code == 1, result.out + result.err
    data = json.loads(result.out)
    weights = next(c for c in data["components"] if c["id"] == "deployment.data.weights")
    assert (weights["before"], weights["after"], weights["direction"]) == ("D3", "D3", "down")
    assert any("fewer permissions" in reason and "llama2" in reason for reason in data["reasons"])
    # and back: a licence added is no loss
    assert run("diff", str(new), str(old)).code == 0


def test_evaluation_results_deleted_are_openness_down_though_the_score_rises(run, release):
    """A card reporting results with no pointer to the code grades general evaluation C1; deleting the results makes
    it N/A (out of the score), so the score rose and diff passed the release (a new user's find). A component graded
    before that no longer applies is openness down: the gate sees what the release stopped saying."""
    from conftest import WEIGHTS

    card = "---\nlicense: apache-2.0\n---\n# my-model\n\nA small language model.\n"
    results = "\n## Evaluation\n\n| Benchmark | Score |\n|---|---|\n| MMLU | 45.3 |\n| HellaSwag | 77.2 |\n"
    old = release({"README.md": card + results, "model.safetensors": WEIGHTS}, name="a/my-model")
    new = release({"README.md": card, "model.safetensors": WEIGHTS}, name="b/my-model")
    result = run("diff", str(old), str(new), "-f", "json")
    assert result.code == 1, result.out + result.err
    data = json.loads(result.out)
    general = next(c for c in data["components"] if c["id"] == "evaluation.code.general")
    assert (general["before"], general["after"], general["direction"]) == ("C1", "N/A", "down")
    assert data["grade"]["score_after"] > data["grade"]["score_before"]  # the score alone would have passed it
    assert any("General evaluation code: C1 -> N/A (no longer applies" in reason for reason in data["reasons"])


def test_a_licence_openlint_cannot_identify_is_shown_as_the_release_states_it(run, release):
    """`license: other` was shown as "-" in diff, where check shows "other" (a new user's find)."""
    from conftest import WEIGHTS

    old = release({"README.md": "---\nlicense: other\n---\n# m\n", "model.safetensors": WEIGHTS}, name="a/m")
    new = release({"README.md": "---\nlicense: mit\n---\n# m\n", "model.safetensors": WEIGHTS}, name="b/m")
    text = run("diff", str(old), str(new)).out
    assert "Model architecture and weights: D3 -> D5  [other (unidentified) -> mit]" in text, text
    data = json.loads(run("diff", str(old), str(new), "-f", "json").out)
    weights = next(c for c in data["components"] if c["id"] == "deployment.data.weights")
    assert (weights["licence_before"], weights["stated_before"], weights["licence_after"]) == (None, "other", "mit")
