"""A release cannot configure its own linter (issue 11, items 6 and 7).

A configuration found inside the checked tree (the release, or the git work tree holding it) is the release's:
it may tune openlint but never weaken a security rule; the same file named with --config, or found outside the
checked tree, is the user's and may. Every output says which configuration files were applied and what they
changed. Rule files named by a configuration must lie in its own folder; no error quotes a file's content.
"""

from __future__ import annotations

import html
import json
import re
import subprocess

import pytest
import yaml

from conftest import by_code
from weightgen import global_pickle

CARD = "---\nlicense: mit\n---\n# m\n"
PICKLE = global_pickle("os", "system")
REDEFINED = {"kind": "rules", "rules": [{
    "code": "OLW003", "name": "dangerous-pickle-import", "severity": "info", "summary": "Harmless.", "message": "{file} is fine.",
    "recommendation": "None.", "fix": "Nothing.", "check": {"function": "problem", "options": {"kinds": ["weights.dangerous-import"]}}}]}

# each a configuration that would let a dangerous pickle, remote code or missing weights pass, with the words the refusal uses
WEAKENING = [
    ({"ignore": ["OLW003"]}, "ignore OLW003"),
    ({"ignore": ["OLW"]}, "ignore OLW"),
    ({"ignore": ["ALL"]}, "ignore ALL"),
    ({"ignore": ["dangerous-pickle-import"]}, "ignore dangerous-pickle-import"),
    ({"ignore": ["remote-code"]}, "ignore remote-code"),
    ({"select": ["OLP", "OLT"]}, "leaves out OLW001, OLW002, OLW003"),
    ({"severity": {"OLW003": "info"}}, "severity OLW003 info"),
    ({"severity": {"remote-code": "info"}}, "severity OLW009 info"),
    ({"fail-on": "never"}, "fail-on never"),
    ({"waivers": [{"rule": "OLW003", "reason": "we built this pickle ourselves"}]}, "waiver of OLW003"),
    ({"rules": ["mine.yaml"]}, "redefines OLW003"),
]
# a pull request that deletes or breaks the weights may not silence that from inside the release either (a new
# user's find: `ignore: [OLW001]` in the release passed the hook's error gate with the weights gone)
WEIGHTS_WEAKENING = [
    ({"ignore": ["OLW001"]}, "ignore OLW001"),
    ({"severity": {"weights-missing": "info"}}, "severity OLW001 info"),
    ({"waivers": [{"rule": "OLW005", "reason": "the weights come later"}]}, "waiver of OLW005"),
    ({"ignore": ["invalid-safetensors"]}, "ignore invalid-safetensors"),
]


def _git(cwd, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def dangerous(release):
    return release({"README.md": CARD, "model.bin": PICKLE, "mine.yaml": yaml.safe_dump(REDEFINED),
                    "modeling_custom.py": "import os\n"})


def _completed(result) -> dict:
    assert result.code in (0, 1), result.err
    return result.json()


def _refused(result, path, words: str) -> None:
    assert result.code == 2 and result.out == ""
    (line,) = result.err.splitlines()
    assert line.startswith(f"openlint: error: {path}: ") and "may not weaken security rules" in line and words in line
    assert "--config" in line and "Traceback" not in result.err


@pytest.mark.parametrize("config, words", WEAKENING, ids=[w for _, w in WEAKENING])
def test_a_configuration_inside_the_release_cannot_weaken_security_rules(run, dangerous, config, words):
    path = dangerous / ".openlint.yaml"
    path.write_text(yaml.safe_dump(config))
    for fmt in ("text", "json", "sarif", "github"):
        _refused(run("check", str(dangerous), "-f", fmt), path, words)


@pytest.mark.parametrize("config, words", WEAKENING[:3] + WEAKENING[8:9], ids=[w for _, w in WEAKENING[:3] + WEAKENING[8:9]])
def test_pyproject_inside_the_release_is_refused_too(run, dangerous, config, words):
    table = "\n".join(f"{key} = {json.dumps(value)}" for key, value in config.items())
    (dangerous / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.openlint]\n{table}\n")
    _refused(run("check", str(dangerous)), dangerous / "pyproject.toml", words)


def test_a_configuration_in_the_superproject_of_a_submodule_release_is_the_releases(run, release, tmp_path):
    """A workflow checking a submodule's folder: its .git is a file, and the superproject above it is the same pull
    request's checkout, so its configuration may not weaken security rules either."""
    superproject = tmp_path / "super"
    folder = release({"README.md": CARD, "model.bin": PICKLE}, name="super/models/m")
    (superproject / ".openlint.yaml").write_text("ignore: [OLW003]\n")
    _git(superproject, "init", "-q")
    (folder / ".git").write_text("gitdir: ../../.git/modules/m\n")
    _refused(run("check", str(folder)), (superproject / ".openlint.yaml").resolve(), "ignore OLW003")


def test_a_configuration_above_the_release_in_its_repository_is_the_releases(run, release, tmp_path):
    repository = tmp_path / "repository"
    folder = release({"README.md": CARD, "model.bin": PICKLE}, name="repository/models/m")
    (repository / ".openlint.yaml").write_text("ignore: [OLW003]\n")
    _git(repository, "init", "-q")
    _refused(run("check", str(folder)), (repository / ".openlint.yaml").resolve(), "ignore OLW003")
    # the same file outside any repository is the user's own: applied, and said so
    (repository / ".git").rename(tmp_path / "moved-git")
    result = run("check", str(folder), "-f", "json")
    assert result.code == 0 and "OLW003" not in by_code(result.json())  # its only error, ignored
    assert result.json()["configuration"]["changes"] == ["ignore OLW003"]


@pytest.mark.parametrize("config, words", WEAKENING, ids=[w for _, w in WEAKENING])
def test_the_same_configuration_named_with_config_is_applied_and_reported(run, dangerous, config, words):
    path = dangerous / ".openlint.yaml"
    path.write_text(yaml.safe_dump(config))
    baseline = run("check", str(dangerous), "-f", "json", "--no-config")
    result = run("check", str(dangerous), "-f", "json", "--config", str(path))
    assert baseline.code == 1 and result.code in (0, 1), result.err
    report = result.json()
    assert report["configuration"]["files"][0] == {"path": str(path), "role": "configuration, named with --config"}
    assert report["configuration"]["changes"] or report["configuration"]["waivers"][0]["findings"] == 1

    def signature(found: dict) -> set:
        return {(f["code"], f["severity"], f["waived"]) for f in found["findings"]}

    # it did what it says: a finding is gone, lowered or acknowledged, or the exit status changed
    assert signature(report) != signature(baseline.json()) or result.code != baseline.code


@pytest.mark.parametrize("config, words", WEIGHTS_WEAKENING, ids=[w for _, w in WEIGHTS_WEAKENING])
def test_a_configuration_inside_the_release_cannot_silence_missing_or_broken_weights(run, release, config, words):
    folder = release({"README.md": CARD, "model.safetensors": "x"})  # one byte: no usable weights, an invalid header
    path = folder / ".openlint.yaml"
    path.write_text(yaml.safe_dump(config))
    _refused(run("check", str(folder), "-f", "concise", "--quiet-on-success", "--offline"), path, words)
    baseline = run("check", str(folder), "-f", "json", "--no-config")
    trusted = run("check", str(folder), "-f", "json", "--config", str(path))  # the same entries from the user: applied
    assert baseline.code == 1 and trusted.code in (0, 1), trusted.err
    assert {(f["code"], f["severity"], f["waived"]) for f in trusted.json()["findings"]} != {
        (f["code"], f["severity"], f["waived"]) for f in baseline.json()["findings"]}


def test_a_harmless_configuration_inside_the_release_is_applied_and_every_format_says_so(run, release, tmp_path):
    folder = release({"README.md": CARD, "model.bin": PICKLE, ".openlint.yaml": yaml.safe_dump({
        "ignore": ["OLP005", "OLP005"], "severity": {"OLP001": "error", "OLW002": "error"},  # a selector twice: said once
        "waivers": [{"rule": "OLP004", "reason": "the contact is on the organisation page"}]})})
    expected = ["ignore OLP005", "severity OLP001: warning -> error", "severity OLW002: warning -> error",
                "waiver of OLP004", "1 finding acknowledged: the contact is on the organisation page", ".openlint.yaml"]
    for fmt in ("text", "concise", "github", "markdown", "html", "sarif"):
        result = run("check", str(folder), "-f", fmt)
        assert result.code == 1, (fmt, result.err)
        shown = html.unescape(result.out).replace("\\", "")  # markdown and HTML escape their metacharacters
        for words in expected:
            assert words in shown, (fmt, words)
    report = run("check", str(folder), "-f", "json").json()
    assert report["configuration"]["files"] == [{"path": str(folder / ".openlint.yaml"),
                                                 "role": "configuration, found in the checked release or its repository"}]
    assert report["configuration"]["changes"] == expected[:3]
    (waiver,) = report["configuration"]["waivers"]
    assert waiver["rule"] == "OLP004" and waiver["findings"] == 1 and waiver["line"] == 9 and not waiver["refused"]  # `rule: OLP004`
    assert by_code(report)["OLW003"][0]["severity"] == "error"


def test_no_configuration_no_configuration_section(run, release):
    folder = release({"README.md": CARD})
    report = run("check", str(folder), "-f", "json", "--no-config").json()
    assert report["configuration"] == {"files": [], "changes": [], "waivers": []}
    assert "\nconfiguration\n" not in run("check", str(folder), "--no-config").out
    assert "configuration:" not in run("check", str(folder), "--no-config", "-f", "concise").out


# -- item 7: a configuration cannot make openlint read, or print, another file ------------------------------------------

SECRET = "root:x:0:0:SECRET-TOKEN-3f9a:/root:/bin/bash"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "outside" / "passwd"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


@pytest.mark.parametrize("entry", ["../outside/passwd", "{secret}", "../../outside/passwd", "sub/../../outside/passwd"])
def test_rule_files_outside_the_configurations_folder_are_refused(run, release, secret, entry):
    folder = release({"README.md": CARD, "sub/keep.txt": ""})
    (folder / ".openlint.yaml").write_text(yaml.safe_dump({"rules": [entry.format(secret=secret)]}))
    for args in ((), ("--config", str(folder / ".openlint.yaml"))):  # named or found: the same rule
        result = run("check", str(folder), *args)
        assert result.code == 2 and "rules/0" in result.err and "outside" in result.err
        assert "SECRET" not in result.err and "root:" not in result.err


def test_a_symlink_out_of_the_configurations_folder_is_refused(run, release, secret):
    folder = release({"README.md": CARD})
    (folder / "rules.yaml").symlink_to(secret)
    (folder / ".openlint.yaml").write_text("rules: [rules.yaml]\n")
    result = run("check", str(folder))
    assert result.code == 2 and "rules/0" in result.err and "SECRET" not in result.err


@pytest.mark.parametrize("name, content", [
    ("rules.yaml", SECRET + "\n"),                                       # a scalar: not a rule file
    ("rules.yaml", f"kind: rules\nrules:\n  - code: {SECRET}\n"),       # a value in a rule
    ("rules.yaml", f"kind: rules\ndescription: 7\nrules: '{SECRET}'\n"),
    (".openlint.yaml", f"fail-on: '{SECRET}'\n"),                       # values of the configuration itself
    (".openlint.yaml", f"severity:\n  OLP001: '{SECRET}'\n"),
    (".openlint.yaml", f"waivers:\n  - rule: OLP001\n    reason: '{SECRET[:6]}'\n"),
    (".openlint.yaml", f"select: '{SECRET}'\n"),
])
def test_errors_name_the_file_and_key_but_never_echo_content(run, release, name, content):
    folder = release({"README.md": CARD, name: content})
    if name != ".openlint.yaml":
        (folder / ".openlint.yaml").write_text(f"rules: [{name}]\n")
    result = run("check", str(folder))
    assert result.code == 2 and len(result.err.splitlines()) == 1 and name in result.err
    assert "SECRET" not in result.err and "root:" not in result.err
    assert re.search(r": (expected|shorter than|should be|does not match|fewer|more than|'\w+' is a required)", result.err), result.err


def test_for_a_hub_repository_the_configuration_in_the_working_folder_is_the_users(run, hub, tmp_path, monkeypatch):
    """A Hub repository brings no local file: the configuration found from the working folder is not the release's
    (and the repository's own .openlint.yaml is never read)."""
    from fakehub import Repo

    hostile = yaml.safe_dump({"ignore": ["ALL"], "fail-on": "never"}).encode()
    hub.add_model(Repo("org/model", "6" * 40, files={"README.md": CARD.encode(), "model.bin": PICKLE, ".openlint.yaml": hostile},
                       card_data={"license": "mit"}))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    report = _completed(run("check", "org/model", "-f", "json"))
    assert "OLP001" in by_code(report) and report["configuration"]["files"] == []  # the repository's was not read
    (work / ".openlint.yaml").write_text("ignore: [OLP001]\n")
    report = _completed(run("check", "org/model", "-f", "json"))
    assert "OLP001" not in by_code(report)
    assert report["configuration"]["files"][0]["role"] == "configuration, found outside the checked release and its repository"


@pytest.mark.parametrize("name", ["pyproject.toml", ".openlint.yaml"])
def test_a_huge_configuration_file_in_the_release_is_refused_without_being_read(run, example, name):
    """A sparse 2 GB file: read to 5 MB and refused (exit 2), not loaded whole (4 GB of memory before)."""
    with open(example / name, "wb") as handle:
        handle.truncate(2 * 1024 ** 3)
    result = run("check", str(example))
    assert result.code == 2 and "larger than 5000000 bytes" in result.err and result.err.count("\n") == 1, result.err


def _release_under_user_config(tmp_path, example, user: str, release_config: str | None):
    """A copy of the example release in a git checkout, with the user's configuration above the checkout and, if
    given, one the release ships."""
    (tmp_path / ".openlint.yaml").write_text(user, encoding="utf-8")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    release = checkout / "release"
    release.mkdir()
    for item in example.iterdir():
        (release / item.name).write_bytes(item.read_bytes())
    if release_config is not None:
        (release / ".openlint.yaml").write_text(release_config, encoding="utf-8")
    return release


def test_a_release_configuration_keeps_what_the_users_own_made_stricter(run, tmp_path, example):
    """The user's configuration above the checkout raises OLW010 to an error and fails on warnings; a configuration
    the release ships is found first and displaces it, but cannot undo either."""
    release = _release_under_user_config(tmp_path, example, "fail-on: warning\nseverity: {OLW010: error}\n", None)
    (release.parent / "elsewhere.safetensors").write_bytes(b"not weights")
    (release / "extra.safetensors").symlink_to(release.parent / "elsewhere.safetensors")  # not followed: OLW010
    before = run("check", str(release), "-f", "json")
    assert before.code == 1 and by_code(before.json())["OLW010"][0]["severity"] == "error"
    (release / ".openlint.yaml").write_text("min-grade: F\n", encoding="utf-8")
    after = run("check", str(release), "-f", "json")
    assert after.code == 1 and by_code(after.json())["OLW010"][0]["severity"] == "error", after.out[:2000]
    changes = after.json()["configuration"]["changes"]
    assert f"fail-on warning (kept from {tmp_path / '.openlint.yaml'})" in changes


HOUSE = """kind: rules
rules:
- code: HSE001
  name: house-weights-released
  severity: error
  summary: The house rule.
  message: House policy fired.
  recommendation: r
  fix: f
  check: {function: component-status, options: {component: deployment.data.weights, statuses: [released]}}
"""


@pytest.mark.parametrize("release_config, refused", [("{}\n", None), ("severity: {OLP001: info}\n", None),
                                                     ("ignore: [HSE001]\n", "ignore HSE001"),
                                                     ("select: [OLW]\n", "leaves out HSE001"),
                                                     ("ignore: [OLP001]\n", "ignore OLP001")])
def test_a_release_configuration_keeps_the_users_house_rules_and_raised_severities(run, tmp_path, example, release_config, refused):
    """A review: an empty .openlint.yaml in the release displaced the user's, and its house rules and raised
    severities of ordinary rules vanished (exit 1 became 0). They are kept, and protected as security rules are."""
    (tmp_path / "house.yaml").write_text(HOUSE, encoding="utf-8")
    release = _release_under_user_config(tmp_path, example, "rules: [house.yaml]\nseverity: {OLP001: error}\n", release_config)
    result = run("check", str(release), "-f", "json")
    if refused:
        assert result.code == 2 and refused in result.err and "added or raised" in result.err, result.err
        return
    found = result.json()
    assert result.code == 1 and "HSE001" in by_code(found), result.err
    assert all(f["severity"] == "error" for f in by_code(found).get("OLP001", []))
    assert f"the release's configuration displaces {tmp_path / '.openlint.yaml'}" in found["configuration"]["changes"]


def test_a_house_rule_file_inside_the_checkout_is_the_releases_to_edit_and_may_not_redefine_a_security_rule(run, tmp_path, example):
    """The user's configuration above the checkout names a rule file inside it: a pull request can edit that file."""
    release = _release_under_user_config(tmp_path, example, "rules: [checkout/house.yaml]\n", "{}\n")
    house = tmp_path / "checkout" / "house.yaml"
    house.write_text(HOUSE, encoding="utf-8")
    assert run("check", str(release)).code == 1  # the house rule applies
    house.write_text(HOUSE.replace("HSE001", "OLW003").replace("house-weights-released", "dangerous-pickle-imports")
                     .replace("severity: error", "severity: info"), encoding="utf-8")
    result = run("check", str(release))
    assert result.code == 2 and "redefines OLW003" in result.err, result.err


def test_the_users_own_configuration_naming_a_rule_file_inside_the_checkout_may_not_let_it_redefine_a_security_rule(run, tmp_path, example):
    release = _release_under_user_config(tmp_path, example, "rules: [checkout/house.yaml]\n", None)
    house = tmp_path / "checkout" / "house.yaml"
    house.write_text(HOUSE, encoding="utf-8")
    assert run("check", str(release)).code == 1  # the house rule applies
    house.write_text(HOUSE.replace("HSE001", "OLW003").replace("house-weights-released", "dangerous-pickle-imports"), encoding="utf-8")
    result = run("check", str(release))
    assert result.code == 2 and "redefines OLW003" in result.err, result.err


@pytest.mark.parametrize("release_config", [None, "ignore: [OLP006]\n"])
def test_the_releases_declaration_may_not_waive_a_rule_the_users_configuration_added_or_raised(run, tmp_path, example, release_config):
    (tmp_path / "house.yaml").write_text(HOUSE, encoding="utf-8")
    release = _release_under_user_config(tmp_path, example, "rules: [house.yaml]\n", release_config)
    declaration = yaml.safe_load((release / "openness.yaml").read_text())
    declaration["components"]["deployment.data.weights"]["waivers"] = [{"rule": "HSE001", "reason": "the release says it is fine"}]
    (release / "openness.yaml").write_text(yaml.safe_dump(declaration, sort_keys=False))
    result = run("check", str(release), "-f", "json")
    (house,) = by_code(result.json())["HSE001"]
    assert result.code == 1 and not house.get("waived"), house


def test_a_configuration_symlinked_from_the_release_to_outside_is_still_the_releases(run, tmp_path, example):
    """A .openlint.yaml in the release that links to a file outside is found in the release: untrusted."""
    outside = tmp_path / "outside.yaml"
    outside.write_text("ignore: [OLW003]\n", encoding="utf-8")
    release = tmp_path / "release"
    release.mkdir()
    for item in example.iterdir():
        (release / item.name).write_bytes(item.read_bytes())
    (release / ".openlint.yaml").symlink_to(outside)
    result = run("check", str(release))
    assert result.code == 2 and "ignore OLW003" in result.err, result.err


def test_keeping_the_stricter_level_compares_one_rule_however_it_is_spelled(run, tmp_path, example):
    """The release raises OLW008 to error by code; the user's configuration names it warning by name. The release's
    error stands (the stricter), and nothing is said to be kept from the user's."""
    release = _release_under_user_config(tmp_path, example, "severity:\n  code-on-load-format: warning\n", "severity:\n  OLW008: error\n")
    (release / "model.h5").write_bytes(b"\x89HDF\r\n\x1a\n")
    report = run("check", str(release), "-f", "json").json()
    assert {f["severity"] for f in by_code(report)["OLW008"]} == {"error"}
    assert not any("OLW008 warning" in change for change in report["configuration"]["changes"])


def test_the_users_min_grade_survives_a_release_configuration_and_the_displacement_is_said(run, tmp_path, example):
    release = _release_under_user_config(tmp_path, example, "min-grade: A\nfail-on: warning\n", "select: [ALL]\n")
    (release / "openness.yaml").unlink()  # the example without its declaration grades below A
    result = run("check", str(release), "-f", "json")
    changes = result.json()["configuration"]["changes"]
    assert result.code == 1 and f"min-grade A (kept from {tmp_path / '.openlint.yaml'})" in changes
    assert f"the release's configuration displaces {tmp_path / '.openlint.yaml'}" in changes
    # the command line overrides a kept setting as it overrides any configuration, and then it is not listed
    overridden = run("check", str(release), "-f", "json", "--fail-on", "error").json()["configuration"]["changes"]
    assert not any(change.startswith("fail-on warning") for change in overridden)


def test_a_house_rule_may_not_take_a_security_rules_name(run, release):
    # named like OLW003, a harmless house rule let a declaration's waiver of that name pass the security check and
    # then cover OLW003 itself
    house = {"kind": "rules", "rules": [{**REDEFINED["rules"][0], "code": "AAA001",
                                          "check": {"function": "component-status", "options": {"component": "deployment.data.weights", "statuses": ["undisclosed"]}}}]}
    folder = release({"README.md": CARD, "model.bin": PICKLE, "house.yaml": yaml.safe_dump(house), ".openlint.yaml": "rules: [house.yaml]\n"})
    result = run("check", str(folder), "-f", "json")
    assert result.code == 2 and "AAA001" in result.err and "name of rule OLW003" in result.err, result.err


def test_a_waiver_by_name_is_refused_when_any_rule_it_names_is_a_security_rule():
    from openlint.rules.engine import Policy, Waiver, _refusal
    from openlint.rules.ruleset import Rule

    def rule(code: str, security: bool) -> Rule:
        return Rule(code=code, name="shared-name", severity="error", summary="", message="", recommendation="", fix="",
                    function="problem", options={}, security=security)

    waiver = Waiver(rule="shared-name", reason="ours", origin="declaration")
    # two rules under one name (the merge refuses it; the refusal must not depend on which is found first)
    assert _refusal(Policy(rules=(), known=(rule("AAA001", False), rule("OLW003", True))), waiver) == "security"


def test_a_house_rule_may_not_be_named_like_another_rules_code(run, release, tmp_path):
    house = {"kind": "rules", "rules": [{**REDEFINED["rules"][0], "code": "AAA001", "name": "olw003"}]}
    (tmp_path / "house.yaml").write_text(yaml.safe_dump(house))
    result = run("check", str(release({"README.md": CARD})), "--rules", str(tmp_path / "house.yaml"))
    assert result.code == 2 and "name of rule OLW003" in result.err, result.err
