"""The command line: exit codes, formats, selection, thresholds, init, rules, explain."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import jsonschema
import pytest
import yaml

from conftest import WEIGHTS

from openlint import __version__
from openlint.support.schemas import schema

CARD = """---
license: apache-2.0
---
# tiny

## Intended use
Testing.
"""


def test_example_release_is_fully_open(run, example):
    result = run("check", str(example), "--format", "json")
    assert result.code == 0, result.err
    report = result.json()
    jsonschema.validate(report, schema("report"))
    assert report["grade"]["grade"] == "A"
    levels = {c["id"]: c["label"] for c in report["components"]}
    assert levels["deployment.data.weights"] == "D5"
    assert levels["training.code.finetuning"] == "N/A"
    assert report["summary"]["error"] == 0


def test_text_report_shows_table_findings_and_grade(run, release):
    folder = release({"README.md": CARD})
    result = run("check", str(folder))
    assert result.code == 1  # no weights is an error
    assert "Model architecture and weights" in result.out
    assert "OLW001" in result.out and "weights-missing" in result.out
    assert "grade " in result.out and "score" in result.out


def test_json_report_validates_and_carries_evidence(run, release):
    folder = release({"README.md": CARD, "model.safetensors": WEIGHTS, "broken.safetensors": b"\x00" * 4})
    report = run("check", str(folder), "-f", "json").json()
    jsonschema.validate(report, schema("report"))
    weights = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert weights["status"] == "released" and weights["licence"] == "apache-2.0"
    assert weights["rubric"]["points"] == 5
    assert any(e["file"] == "README.md" and e["line"] == 2 for e in weights["evidence"])
    invalid = [f for f in report["findings"] if f["code"] == "OLW005"]
    assert invalid and invalid[0]["file"] == "broken.safetensors"


def test_select_and_ignore(run, release):
    folder = release({"README.md": CARD})
    only = run("check", str(folder), "-f", "json", "--select", "OLW001").json()
    assert {f["code"] for f in only["findings"]} == {"OLW001"}
    skipped = run("check", str(folder), "-f", "json", "--ignore", "OLW,OLD001").json()
    codes = {f["code"] for f in skipped["findings"]}
    assert codes and not any(c.startswith("OLW") or c == "OLD001" for c in codes)
    by_name = run("check", str(folder), "-f", "json", "--select", "weights-missing").json()
    assert {f["code"] for f in by_name["findings"]} == {"OLW001"}


def test_fail_on_threshold(run, release):
    folder = release({"README.md": CARD})
    assert run("check", str(folder), "--select", "OLP002", "--fail-on", "error").code == 0
    assert run("check", str(folder), "--select", "OLP002", "--fail-on", "info").code == 1
    assert run("check", str(folder), "--fail-on", "never").code == 0


def test_min_grade(run, example, release):
    assert run("check", str(example), "--min-grade", "A").code == 0
    folder = release({"README.md": CARD})
    result = run("check", str(folder), "--fail-on", "never", "--min-grade", "C")
    assert result.code == 1 and "below the minimum C (--min-grade C)." in result.err
    # set by the configuration, the message says so (it named an option nobody had given)
    config = folder.parent / "ci.openlint.yaml"
    config.write_text("min-grade: B\nfail-on: never\n")
    result = run("check", str(folder), "--config", str(config))
    assert result.code == 1 and "below the minimum B (min-grade: B in ci.openlint.yaml)." in result.err


@pytest.mark.parametrize("args, fragment", [
    (["check", "/nonexistent/folder/x"], "no such folder"),
    (["check", ".", "--select", "NOPE999"], "unknown rule selector"),
    (["check", ".", "--format", "yaml"], "Invalid value"),
    (["check", ".", "--min-grade", "Z"], "Invalid value"),
    (["check", ".", "-q", "-v"], "contradict each other"),
    (["check", ".", "--timeout", "0"], "Invalid value"),
    (["check", ".", "--no-such-option"], "No such option"),
    (["check", ".", "-o"], "requires an argument"),
    (["check", ".", "-o", "report.json", "-o", "sarif:."], "'.' is a directory; give a file name"),
    (["explain", "XYZ123"], "no rule"),
    (["check", ".", "-o", "report.unknownext"], "cannot tell the format"),
    (["check", ".", "-o", "text:-"], "'-' is not a file: the report in --format goes to stdout"),
    (["check", ".", "-o", "-"], "'-' is not a file: the report in --format goes to stdout"),
    (["badge", ".", "-o", "badge.png"], "a badge is an SVG image: name the file .svg"),
    (["check", ".", "-o", "foo:report.json"], "unknown format 'foo' (formats: text, concise, json, sarif, github, markdown, cyclonedx, html); for a file of that name write ./foo:report.json"),
    (["check", ""], "TARGET is empty"),
    (["badge", " "], "TARGET is empty"),
    (["check", ".", "--statistics", "-f", "sarif"], "-f sarif has no statistics form"),
    (["diff", "", "."], "TARGET is empty"),
    (["init", ""], "the folder is empty"),
])
def test_usage_errors_exit_2_with_one_line(run, args, fragment, monkeypatch, example):
    monkeypatch.chdir(example)
    result = run(*args)
    assert result.code == 2
    assert result.err.count(fragment) == 1  # said once ("Invalid value for '-f': Invalid value for '-f': ..." was not)
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1 and result.err.startswith("openlint: error: "), result.err


@pytest.mark.parametrize("args", [("diff", "releases/model-1", "."), ("audit", "releases/model-1", "--db", "a.db"), ("badge", "releases/model-1")])
def test_every_command_says_a_mistyped_folder_at_once(run, tmp_path, monkeypatch, args):
    (tmp_path / "releases").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.code == 2 and "releases/model-1: no such folder (though releases is one)" in result.err
    assert not (tmp_path / "a.db").exists()


def test_a_mistyped_folder_is_not_looked_up_on_the_hub(run, tmp_path, monkeypatch):
    # "releases/model-1" looks like a Hub id, but the folder "releases" exists: a typo, said at once
    (tmp_path / "releases").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("check", "releases/model-1")
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == "openlint: error: releases/model-1: no such folder (though releases is one); a Hub repository is written hf://releases/model-1"
    assert "no such folder" in run("badge", "releases/model-1").err
    # ids an audit reads from a list (or a Hub query) are Hub ids whatever folders exist here: offline, the error
    # is the Hub cache's, not a typo's
    (tmp_path / "list.txt").write_text("releases/model-1\n")
    assert run("audit", "--from", str(tmp_path / "list.txt"), "--db", str(tmp_path / "a.db"), "--offline").code == 1  # the target failed
    import sqlite3

    [error] = sqlite3.connect(tmp_path / "a.db").execute("SELECT error FROM results").fetchone()
    assert "offline" in error and "no such folder" not in error


def test_report_files_get_the_mode_a_plain_write_would(run, example, tmp_path):
    # a new file follows the umask (mkstemp's owner-only mode made published reports unreadable); an existing one keeps its own
    old = os.umask(0o022)
    try:
        run("check", str(example), "-o", str(tmp_path / "report.json"))
        kept = tmp_path / "kept.json"
        kept.write_text("{}")
        kept.chmod(0o600)
        run("check", str(example), "-o", str(kept))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_text() != "{}"


def test_a_report_file_that_is_a_directory_is_a_one_line_error(run, example, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run("check", str(example), "-o", f"json:{folder}")
    assert result.code == 2 and "internal error" not in result.err
    assert result.err.strip().splitlines() == [f"openlint: error: Invalid value for '-o' / '--output': '{folder}' is a directory; "
                                               "give a file name (see 'openlint check --help')"]
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob(".reports.*"))


def test_colour_follows_no_color_only_when_it_is_set_and_not_empty(monkeypatch):
    from openlint.cli.options import color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setenv("NO_COLOR", "")
    assert color(None) is True  # no-color.org: an empty NO_COLOR does not turn colour off
    monkeypatch.setenv("NO_COLOR", "1")
    assert color(None) is False and color(True) is True


@pytest.mark.parametrize("spec, fmt, name", [
    ("JSON:out.txt", "json", "out.txt"),  # a format name in any case
    ("run-12:00.json", "json", "run-12:00.json"),  # not a word before the colon: a file name
    ("./report:v2.sarif", "sarif", "./report:v2.sarif"),
    ("C:out.json", "json", "C:out.json"),  # one letter: a Windows drive
    ("bom.cdx.json", "cyclonedx", "bom.cdx.json"),  # CycloneDX's own naming, not plain JSON
    ("notes.markdown", "markdown", "notes.markdown"),
])
def test_output_specs_with_colons(spec, fmt, name):
    from pathlib import Path

    from openlint.cli.params import OutputSpec

    assert OutputSpec().convert(spec, None, None) == (fmt, Path(name))


def test_no_arguments_shows_the_help_as_lines(run):
    result = run()
    assert result.err.startswith("Usage: openlint") or result.out.startswith("Usage: openlint")
    shown = result.err + result.out
    assert "\\n" not in shown and "\nCommands:\n" in shown and "check" in shown


def test_revision_on_local_folder_is_an_error(run, example):
    result = run("check", str(example), "--revision", "main")
    assert result.code == 2 and "local folder" in result.err


def test_outputs_to_files_in_several_formats(run, example, tmp_path):
    json_file = tmp_path / "out" / "report.json"
    json_file.parent.mkdir()
    result = run("check", str(example), "-o", str(json_file), "-o", f"text:{tmp_path / 'out' / 'report.txt'}")
    assert result.code == 0
    jsonschema.validate(__import__("json").loads(json_file.read_text()), schema("report"))
    assert "grade A" in (tmp_path / "out" / "report.txt").read_text()
    assert "grade A" in result.out  # stdout keeps the default text format


def test_rules_lists_every_rule_and_explain_documents_one(run):
    listing = run("rules", "--format", "json").json()
    codes = [r["code"] for r in listing]
    assert len(codes) == len(set(codes)) >= 40
    assert all(f"/docs/rules/{r['code']}.md#" in r["url"] for r in listing)  # its page, as SARIF's helpUri (was "")
    explained = run("explain", "OLS001")
    assert explained.code == 0
    assert "## Why it matters" in explained.out and "safety" in explained.out.lower()
    assert run("explain", "safety-evaluation-code-undisclosed").out == explained.out
    for typo, meant in (("weights-missng", "weights-missing"), ("olw09", "OLW009")):
        wrong = run("explain", typo)
        assert wrong.code == 2 and f"did you mean {meant}?" in wrong.err
    assert "did you mean" not in run("explain", "XYZ123").err


def test_init_writes_a_declaration_that_keeps_the_levels(run, release):
    folder = release({"README.md": CARD, "model.safetensors": WEIGHTS})
    before = {c["id"]: c["label"] for c in run("check", str(folder), "-f", "json").json()["components"]}
    result = run("init", str(folder))
    assert result.code == 0 and "wrote" in result.err
    declaration = (folder / "openness.yaml").read_text()
    assert "deployment.data.weights:\n    status: released" in declaration
    report = run("check", str(folder), "-f", "json").json()
    after = {c["id"]: c["label"] for c in report["components"]}
    assert after == before
    assert not [f for f in report["findings"] if f["code"].startswith("OLD") and f["code"] != "OLD001"]
    again = run("init", str(folder))
    assert again.code == 2 and "--force" in again.err


def test_init_takes_the_checkouts_hub_repository_whose_name_says_what_the_release_is(run, release):
    """A GitHub mirror's folder name says nothing; `check --hub-id` names the release, and init (the declaration the
    next checks rely on) must read it the same way: here a GPTQ copy, which has no fine-tuning stage of its own."""
    folder = release({"README.md": "---\nlicense: llama2\n---\n# Model\nA 4-bit copy.\n"}, name="mirror")
    named = run("init", str(folder), "--stdout", "--hub-id", "TheBloke/Llama-2-7B-GPTQ", "--offline")
    assert named.code == 0, named.err
    assert "# training.data.sft:  (Supervised fine-tuning datasets; A quantisation of a base model" in named.out
    unnamed = run("init", str(folder), "--stdout", "--offline")
    assert "A quantisation" not in unnamed.out


@pytest.mark.parametrize("name", ["google-t5__t5-base", "runwayml__stable-diffusion-v1-5", "EleutherAI__gpt-j-6b", "Qwen__Qwen-VL-Chat-Int4"])
def test_init_never_declares_a_component_inside_the_release_that_is_published_elsewhere(run, tmp_path, name):
    """Components inherited from a catalogued root are released at the root's artefacts (or left for the releaser to
    locate), never at "." (the release folder, which always exists, so the claim would pass unchecked)."""
    from conftest import CORPUS, corpus_release

    folder = corpus_release(CORPUS / "cards" / name, tmp_path / name)
    before = run("check", str(folder), "-f", "json").json()
    assert run("init", str(folder)).code == 0
    declaration = yaml.safe_load((folder / "openness.yaml").read_text(encoding="utf-8"))
    for cid, entry in declaration["components"].items():
        locations = entry.get("location", [])
        for location in [locations] if isinstance(locations, str) else locations:
            assert location.startswith(("https://", "hf://")) or (folder / location).is_file(), (cid, location)
    after = run("check", str(folder), "-f", "json").json()
    assert after["grade"]["grade"] == before["grade"]["grade"] and after["grade"]["score"] == before["grade"]["score"]
    # the declaration init wrote is one the check accepts: no finding about it that the release did not have
    assert {f["code"] for f in after["findings"] if f["code"].startswith("OLD")} <= {f["code"] for f in before["findings"]} - {"OLD001"}


def test_version_and_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "openlint", "--version"], capture_output=True, text=True, check=True)
    assert __version__ in out.stdout


def test_help_explains_exit_codes(run):
    result = run("--help")
    assert result.code == 0 and "Exit codes" in result.out
    assert "--fail-on" in run("check", "--help").out


def test_colour_only_when_asked_or_on_a_terminal(run, release, monkeypatch):
    folder = release({"README.md": CARD})
    plain = run("check", str(folder), "--no-config").out
    assert "\x1b[" not in plain  # captured output is not a terminal
    forced = run("check", str(folder), "--no-config", "--color").out
    assert "\x1b[" in forced
    assert "\x1b[" not in run("check", str(folder), "--no-config", "-f", "json", "--color").out


@pytest.mark.parametrize("text, line", [("fail-on: [x", 1), ("fail-on: [x\n", 1), ("select: [a]\nfail-on: [x\n", 2)])
def test_a_yaml_error_at_the_end_of_a_configuration_names_its_last_line(run, example, text, line):
    # the parser marks an unclosed flow at the end of the input on the line after the last one
    (example / ".openlint.yaml").write_text(text)
    result = run("check", str(example))
    assert result.code == 2 and f".openlint.yaml: line {line}: invalid YAML" in result.err


def test_config_and_no_config_together_are_refused(run, example, tmp_path):
    """--no-config would silently ignore the file --config names; both paths (click and the hook's fast one)."""
    config = tmp_path / "openlint.yaml"
    config.write_text("select: [OLW]\n", encoding="utf-8")
    for args in (("check", str(example), "--config", str(config), "--no-config"),
                 ("check", str(example), "--no-config", "--config", str(config), "-f", "json")):
        result = run(*args)
        assert result.code == 2 and "contradict each other" in result.err and result.err.count("\n") == 1, result.err


@pytest.mark.parametrize("args, command", [(["check", ".", "--format"], "openlint check"), (["rules", "--format"], "openlint rules"),
                                           (["check", ".", "-o"], "openlint check")])
def test_an_option_missing_its_value_points_at_its_commands_help(run, args, command):
    result = run(*args)
    assert result.code == 2 and result.err.strip().endswith(f"(see '{command} --help')"), result.err


@pytest.mark.parametrize("key", ["select", "ignore"])
def test_an_unknown_selector_in_a_configuration_names_the_file_and_the_key(run, release, tmp_path, key):
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n"})
    (tmp_path / "mine.yaml").write_text(f"{key}: [NOPE01]\n")  # the user's own (a release's may not narrow select)
    result = run("check", str(folder), "--config", str(tmp_path / "mine.yaml"))
    assert result.code == 2 and f"mine.yaml: {key}: unknown rule selector(s): NOPE01" in result.err, result.err


def test_a_configuration_named_relative_to_the_working_folder_is_shown_where_it_is(run, release, tmp_path, monkeypatch):
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n"})
    (tmp_path / "c.yaml").write_text("fail-on: error\n")
    monkeypatch.chdir(tmp_path)
    text = run("check", str(folder.relative_to(tmp_path)), "--config", "c.yaml").out
    assert "  c.yaml (configuration, named with --config)" in text and f"{folder.name}/c.yaml" not in text, text


@pytest.mark.parametrize("target, kind", [("https://huggingface.co/datasets/org/name", "dataset"), ("hf://datasets/org/name", "dataset"),
                                          ("https://hf.co/spaces/org/demo", "space"), ("hf://datasets/squad", "dataset"),
                                          ("hf://spaces/demo", "space")])
def test_a_hub_dataset_or_space_is_named_as_such(run, target, kind):
    result = run("check", target)
    assert result.code == 2 and f"a Hub {kind}, not a model repository" in result.err and result.err.count("\n") == 1


@pytest.mark.parametrize("target", ["datasets/squad", "spaces/demo", "hf://models/datasets"])
def test_the_hubs_own_paths_are_never_taken_for_a_model_id(run, target):
    result = run("check", target)
    assert result.code == 2 and "not a Hub repository id" in result.err and result.err.count("\n") == 1


def test_min_grade_takes_either_case_in_a_configuration_as_on_the_command_line(run, release, tmp_path):
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n"})  # no weights: grade F
    for value in ("c", "C"):
        config = tmp_path / f"config-{value}.yaml"
        config.write_text(f"min-grade: {value}\n", encoding="utf-8")
        result = run("check", str(folder), "--config", str(config), "--fail-on", "never")
        assert result.code == 1 and "below the minimum C" in result.err.replace("minimum grade", "minimum"), result.err


def test_init_keeps_the_grade_of_a_derivative_of_every_catalogued_model(tmp_path):
    """A fine-tune naming a catalogued base inherits its root's components; the declaration init writes for it
    (locations from the catalogue, or entries left to the releaser) must give the same grade when checked."""
    from openlint import config, pipeline
    from openlint.formats import declaration
    from openlint.knowledge import catalogue

    changed = []
    models = [a for a in catalogue.bundled().artefacts if a.section == "models" and a.pipeline and "/" in a.id]
    assert len(models) > 50
    for index, model in enumerate(models):
        folder = tmp_path / f"ft-{index}"
        folder.mkdir()
        (folder / "README.md").write_text(f"---\nlicense: {model.licence}\nbase_model: {model.id}\n---\n# A fine-tune\n", encoding="utf-8")
        (folder / "model.safetensors").write_bytes(WEIGHTS)

        def grade() -> tuple:
            report = pipeline.check(config.settings(config.Options(target=str(folder), no_config=True)))
            return report.grade.letter, report.grade.score, report.assessment

        before, score, assessment = grade()
        (folder / "openness.yaml").write_text(declaration.render(assessment), encoding="utf-8")
        after = grade()[:2]
        if (before, score) != after:
            changed.append((model.id, (before, score), after))
    assert not changed


def test_a_minimum_grade_is_not_met_by_leaving_components_unassessed(run, release):
    """Naming a base nobody can look up leaves its pre-training out of the grade (UNK). That must not lift a release
    past a --min-grade its known parts do not reach: the gate counts what was not assessed at level 1, and says so,
    while the grade shown stays the one over what was assessed."""
    from conftest import WEIGHTS

    card = "---\nlicense: apache-2.0\nbase_model: acme/unknown-base-7b\n---\n# tuned\n"
    folder = release({"README.md": card, "model.safetensors": WEIGHTS}, name="tuned-unknown-base")
    grade = json.loads(run("check", str(folder), "--no-config", "-f", "json").out)["grade"]
    assert grade["lowest_grade"] > grade["grade"]  # a worse letter: pre-training at level 1 costs points
    gated = run("check", str(folder), "--no-config", "--fail-on", "never", "--min-grade", grade["grade"])
    assert gated.code == 1 and "only if what was not assessed (pre-training code, pre-training datasets) is open" in gated.err
    assert f"at level 1 it would be {grade['lowest_grade']}" in gated.err
    assert run("check", str(folder), "--no-config", "--fail-on", "never", "--min-grade", grade["lowest_grade"]).code == 0
    # declared, the components are assessed, and the gate is decided on them
    (folder / "openness.yaml").write_text("version: 1\ncomponents:\n  training.data.pretraining:\n    status: not-released\n"
                                          "  training.code.pretraining:\n    status: not-released\n")
    declared = json.loads(run("check", str(folder), "--no-config", "-f", "json").out)["grade"]
    assert declared["grade"] == declared["lowest_grade"]
    assert run("check", str(folder), "--no-config", "--fail-on", "never", "--min-grade", declared["grade"]).code == 0
