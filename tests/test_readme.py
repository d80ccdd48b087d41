"""The README as a user follows it: CI runs its test command unchanged, its workflows are valid and use only inputs
the Action has, and it pins the Action and the hook to a commit that exists with them in it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_integrations import REPOSITORY

README = (ROOT / "README.md").read_text()
OWNER_NAME = REPOSITORY.removeprefix("https://github.com/")


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def workflows() -> list[dict]:
    return [document for document in map(yaml.safe_load, yaml_blocks()) if isinstance(document, dict) and "jobs" in document]


def action_steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"] if step.get("uses", "").startswith(f"{OWNER_NAME}@")]


def test_ci_runs_exactly_the_readme_test_command():
    command = re.search(r"Run the tests[^\n]*\n\n```sh\n(.*?)\n```", README, flags=re.S).group(1)
    ci = (ROOT / ".ci" / "run").read_text()
    assert f'readme_command="{command}"' in ci and 'bash -c "$readme_command"' in ci
    assert re.search(r"for minor in 3\.10 3\.13; do", ci)


def test_readme_workflows_are_valid_and_use_only_inputs_the_action_has(tmp_path):
    found = workflows()
    triggers = {trigger for workflow in found for trigger in workflow[True]}  # YAML 1.1 reads the key `on` as True
    assert {"release", "pull_request"} <= triggers
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    for index, block in enumerate(b for b in yaml_blocks() if "jobs:" in b):
        steps = action_steps(yaml.safe_load(block))
        assert steps and all(set(step.get("with", {})) <= inputs for step in steps)
        file = tmp_path / f"workflow{index}.yml"
        file.write_text(block)
        result = subprocess.run([checker, "--builtin-schema", "vendor.github-workflows", str(file)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _pins() -> set[str]:
    action = {step["uses"].split("@", 1)[1] for workflow in workflows() for step in action_steps(workflow)}
    hooks = {repo["rev"] for block in map(yaml.safe_load, yaml_blocks()) if isinstance(block, dict) and "repos" in block
             for repo in block["repos"] if repo["repo"] == REPOSITORY}
    assert action and hooks
    return action | hooks


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_readme_pins_a_commit_that_has_the_action_and_the_hook():
    pins = _pins()
    assert all(re.fullmatch(r"[0-9a-f]{40}", pin) for pin in pins), pins  # a full sha: no tag or branch exists to name
    if _git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true" or _git("rev-parse", "--is-shallow-repository").stdout.strip() != "false":
        pytest.skip("not a full git clone: the pinned commit cannot be looked up")
    for pin in pins:
        assert _git("merge-base", "--is-ancestor", pin, "HEAD").returncode == 0, f"{pin} is not in this branch's history"
        action = yaml.safe_load(_git("show", f"{pin}:action.yml").stdout)
        used = {key for workflow in workflows() for step in action_steps(workflow) for key in step.get("with", {})}
        assert used <= set(action["inputs"]) and action["runs"]["using"] == "composite"
        hooks = yaml.safe_load(_git("show", f"{pin}:.pre-commit-hooks.yaml").stdout)
        assert [hook["id"] for hook in hooks] == ["openlint"] and "--quiet-on-success" in hooks[0]["entry"]
        # "as documented here": the pinned hook is today's hook, and the pinned Action takes today's inputs
        assert hooks == yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()), f"{pin}: the hook has changed since; pin a newer commit"
        current = yaml.safe_load((ROOT / "action.yml").read_text())
        assert set(action["inputs"]) == set(current["inputs"]), f"{pin}: the Action's inputs have changed since; pin a newer commit"
        # and the pinned Action runs today's scripts (its inputs' names alone do not say what they do)
        changed = _git("diff", "--name-only", pin, "HEAD", "--", "action", "action.yml", ".pre-commit-hooks.yaml").stdout.split()
        assert not changed, f"{pin}: {', '.join(changed)} changed since; pin a newer commit"


def test_readme_configuration_and_rule_file_examples_work_as_written(run, release, tmp_path):
    """The configuration example and the rule-file example, copied from the README, load and do what they say."""
    documents = [yaml.safe_load(block) for block in yaml_blocks()]
    (rules_text,) = [block for block, doc in zip(yaml_blocks(), documents) if isinstance(doc, dict) and doc.get("kind") == "rules"]
    (config_text,) = [block for block, doc in zip(yaml_blocks(), documents) if isinstance(doc, dict) and "waivers" in doc]
    folder = release({"README.md": "---\nlicense: mit\n---\n# x\n"}, name="readme-example")  # no weights: the house rule fires
    (tmp_path / "house-rules.yaml").write_text(rules_text, encoding="utf-8")
    config = tmp_path / ".openlint.yaml"
    config.write_text(config_text, encoding="utf-8")
    report = run("check", str(folder), "--config", str(config), "-f", "json")
    assert report.code in (0, 1), report.err
    data = report.json()
    codes = {f["code"] for f in data["findings"]}
    assert "OLP006" not in codes  # ignored, as the example says
    assert any(f["path"].endswith("house-rules.yaml") for f in data["configuration"]["files"]), data["configuration"]
    assert "HSE001" in codes


def test_the_rule_families_table_names_every_prefix():
    from openlint.rules import ruleset

    prefixes = {rule.code[:3] for rule in ruleset.load_bundled()}
    table = set(re.findall(r"^\| (?:`OL[A-Z]`(?:, )?)+", README, flags=re.M))
    named = {prefix for row in table for prefix in re.findall(r"`(OL[A-Z])`", row)}
    assert prefixes == named


def test_the_readme_declaration_for_a_card_on_its_own_grades_the_weights_without_olw001(run, tmp_path):
    """"A card on its own": the README's openness.yaml, beside a card with no weights, says where the weights are."""
    (declaration,) = [block for block in yaml_blocks() if "deployment.data.weights" in block and "location: hf://" in block]
    (tmp_path / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Acme-7B\nA model.\n", encoding="utf-8")
    bare = run("check", str(tmp_path), "-f", "json", "--no-config").json()
    assert "OLW001" in {f["code"] for f in bare["findings"]}
    (tmp_path / "openness.yaml").write_text(declaration, encoding="utf-8")
    report = run("check", str(tmp_path), "-f", "json", "--no-config").json()
    assert "OLW001" not in {f["code"] for f in report["findings"]}
    weights = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert weights["status"] == "released" and weights["label"] == "D5", weights
