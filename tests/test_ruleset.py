"""The rule files: valid against their schema, options valid for their check, every component covered."""

from __future__ import annotations

import os
import threading

import jsonschema
import pytest
import yaml

from openlint.knowledge import store as bundled
from openlint.knowledge import taxonomy
from openlint.rules import ruleset
from openlint.rules.checks import registry
from openlint.support.resources import rules_dir
from openlint.support.schemas import schema


@pytest.mark.parametrize("name", bundled.names_of_kind("rules"))
def test_bundled_rule_file_is_valid(name):
    document = yaml.safe_load((rules_dir() / f"{name}.yaml").read_text())
    jsonschema.validate(document, schema("rules"))
    ruleset.validate_options(ruleset._rules_of(document, name))


def test_codes_and_names_are_unique_and_every_component_has_a_rule():
    rules = ruleset.load_bundled()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    covered = {c for r in rules for c in r.components}
    assert set(taxonomy.ids()) <= covered


def test_every_check_function_is_used():
    used = {r.function for r in ruleset.load_bundled()}
    assert used == set(registry())


def test_broken_user_rule_file_exits_2_naming_file_and_path(run, example, tmp_path):
    broken = tmp_path / "extra.yaml"
    broken.write_text("kind: rules\nrules:\n  - code: XX001\n    name: bad-rule\n    severity: loud\n")
    result = run("check", str(example), "--rules", str(broken))
    assert result.code == 2
    assert str(broken) in result.err and "rules/0" in result.err


def test_user_rule_with_bad_options_is_rejected(run, example, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(yaml.safe_dump({"kind": "rules", "rules": [{
        "code": "XX001", "name": "my-rule", "severity": "error", "summary": "s", "message": "m",
        "recommendation": "r", "fix": "f", "check": {"function": "component-status", "options": {"component": "training.data.pretraining", "statuses": ["bogus"]}},
    }]}))
    result = run("check", str(example), "--rules", str(extra))
    assert result.code == 2 and "XX001" in result.err and "statuses" in result.err


def test_user_rule_runs(run, release, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(yaml.safe_dump({"kind": "rules", "rules": [{
        "code": "XX001", "name": "weights-must-be-open", "severity": "error", "summary": "weights below D5",
        "message": "weights are {status}", "recommendation": "house policy", "fix": "release them",
        "check": {"function": "component-status", "options": {"component": "deployment.data.weights", "statuses": ["undisclosed"]}},
    }]}))
    folder = release({"README.md": "---\nlicense: mit\n---\n# x\n"})
    report = run("check", str(folder), "--rules", str(extra), "--select", "XX001", "-f", "json").json()
    assert [f["message"] for f in report["findings"]] == ["weights are undisclosed"]
    # the rule that fired can be looked up as the bundled ones are
    explained = run("explain", "XX001", "--rules", str(extra))
    assert explained.code == 0 and "weights-must-be-open" in explained.out and "house policy" in explained.out
    missing = run("explain", "XX001")
    assert missing.code == 2 and "needs --rules FILE" in missing.err


def test_malformed_bundled_rule_is_caught_at_load(monkeypatch):
    document = {"kind": "rules", "rules": [{"code": "OLX001", "name": "x", "severity": "error", "summary": "s", "message": "m",
                                            "recommendation": "r", "fix": "f", "check": {"function": "no-such-check"}}]}
    with pytest.raises(Exception) as info:
        ruleset._rules_of(document, "rules/x.yaml")
    assert "rules/x.yaml" in str(info.value) and "rules[0].check.function" in str(info.value)


def test_messages_collapse_a_doubled_full_stop_but_keep_relative_paths():
    from openlint.rules.engine import message

    assert message("{detail}.", {"detail": "it ends."}) == "It ends."  # openlint's detail opens a sentence: a capital
    assert message("{detail}.", {"detail": "model.bin: unreadable"}) == "model.bin: unreadable."  # a file name stays
    assert message("{file} is not in the release.", {"file": "../../etc/passwd"}) == "../../etc/passwd is not in the release."


def test_a_rule_files_text_is_never_raw_on_a_terminal(run, tmp_path):
    # a release's configuration may name a rule file: explain and rules show its text escaped, as check does
    extra = tmp_path / "esc.yaml"
    extra.write_text(yaml.safe_dump({"kind": "rules", "rules": [{
        "code": "XX002", "name": "escapes", "severity": "warning", "summary": "x\x1b]0;pwned\x07\x1b[31mRED",
        "message": "m", "recommendation": "r\x1b[2J", "fix": "f",
        "check": {"function": "component-status", "options": {"component": "deployment.data.weights", "statuses": ["undisclosed"]}},
    }]}))
    for args in (("explain", "XX002"), ("rules",)):
        result = run(*args, "--rules", str(extra))
        assert result.code == 0 and "\x1b" not in result.out and "\\x1b[31mRED" in result.out, args


def _practice_rule(code: str, message: str) -> dict:
    return {"kind": "rules", "rules": [{
        "code": code, "name": "house-intended-use", "severity": "warning", "summary": "s", "message": message,
        "recommendation": "r", "fix": "f", "check": {"function": "practice", "options": {"item": "intended-use"}},
    }]}


def test_a_user_rule_asking_for_a_value_its_check_does_not_give_is_a_broken_rule_file(run, release, tmp_path):
    """Not a finding that reads "?.": exit 2 naming the file, the rule, the placeholder and what the check gives."""
    extra = tmp_path / "house.yaml"
    extra.write_text(yaml.safe_dump(_practice_rule("HSE001", "{detail}.")))
    folder = release({"README.md": "---\nlicense: mit\n---\n# x\n"}, name="no-intended-use")
    result = run("check", str(folder), "--rules", str(extra))
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert str(extra) in result.err and "HSE001" in result.err and "{detail}" in result.err and "gives: item" in result.err


def test_a_user_rule_replacing_a_bundled_one_is_said(run, release, tmp_path):
    extra = tmp_path / "house.yaml"
    extra.write_text(yaml.safe_dump(_practice_rule("OLP001", "Say what the model is for ({item}).")))
    folder = release({"README.md": "---\nlicense: mit\n---\n# x\n"}, name="replaced")
    report = run("check", str(folder), "--rules", str(extra), "-f", "json").json()
    assert [f["message"] for f in report["findings"] if f["code"] == "OLP001"] == ["Say what the model is for (intended use)."]
    assert f"OLP001: the bundled rule is replaced by the one in {extra}" in run("check", str(folder), "--rules", str(extra)).out


@pytest.mark.parametrize("named_by", ["configuration", "command line"])
def test_a_huge_rule_file_is_refused_without_being_read(run, example, named_by, monkeypatch):
    """A sparse rule file past 5 MB: read to 5 MB and refused (exit 2, one line naming it), never loaded whole (a
    3 GB one took 6 GB of memory before the YAML reader's own size check refused it)."""
    from openlint.support import yamlsafe

    parsed: list[int] = []
    parse = yamlsafe.load
    monkeypatch.setattr(yamlsafe, "load", lambda text, *a, **k: parsed.append(len(text)) or parse(text, *a, **k))
    with open(example / "house.yaml", "wb") as handle:
        handle.truncate(100 * 1024 ** 2)
    if named_by == "configuration":
        (example / ".openlint.yaml").write_text("rules: [house.yaml]\n")
        result = run("check", str(example))
    else:
        result = run("check", str(example), "--no-config", "--rules", str(example / "house.yaml"))
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert f"{example / 'house.yaml'}: larger than 5000000 bytes, openlint's limit for a rule file" in result.err, result.err
    assert max(parsed, default=0) <= 5_000_000  # no text past the limit reached the YAML reader


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_rule_file_that_is_a_fifo_is_refused_without_waiting_for_a_writer(run, example):
    fifo = example / "house.yaml"
    os.mkfifo(fifo)
    (example / ".openlint.yaml").write_text("rules: [house.yaml]\n")

    def unblock() -> None:  # a reader blocked on the FIFO (the bug) gets an end of file instead of hanging the suite
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # no reader: the rule file was refused without waiting

    timer = threading.Timer(3, unblock)
    timer.start()
    try:
        result = run("check", str(example))
    finally:
        timer.cancel()
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert str(fifo) in result.err and "not a regular file" in result.err, result.err


def test_every_bundled_data_file_reads_the_same_without_libyaml():
    # the store reads with libyaml's loader where PyYAML has one, else with the pure-Python loader: a pattern that
    # only libyaml accepts unquoted (`[wav2vec2(?!-(large-)?xls)]` in a flow list) would break openlint on an install
    # without libyaml
    files = sorted(rules_dir().glob("**/*.yaml"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        pure = yaml.load(text, Loader=yaml.SafeLoader)
        assert pure == yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), path.name
