"""Rule documentation: docs/rules/ is generated from rules/*.yaml and never stale; `explain` prints the same page;
every rule's example card fragment really passes that rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from weightgen import write_safetensors

DOCS = ROOT / "docs" / "rules"


def bundled_rules():
    from openlint.rules import ruleset

    return ruleset.load_bundled()


def test_docs_are_regenerated_from_the_rules_and_not_stale(run, tmp_path):
    fresh = tmp_path / "rules"
    result = run("rules", "--write-docs", str(fresh))
    assert result.code == 0, result.err
    generated = {p.name: p.read_text() for p in fresh.iterdir()}
    committed = {p.name: p.read_text() for p in DOCS.iterdir()}
    assert set(generated) == set(committed), "docs/rules/ is stale: run `openlint rules --write-docs docs/rules`"
    stale = [name for name in generated if generated[name] != committed[name]]
    assert not stale, f"stale pages {stale}: run `openlint rules --write-docs docs/rules`"
    assert len(generated) == len(bundled_rules()) + 1  # a page per rule and the index


def test_writing_docs_removes_pages_of_rules_that_no_longer_exist(run, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "OLX999.md").write_text("# OLX999 gone\n")
    (folder / "notes.txt").write_text("kept: not a rule page\n")
    assert run("rules", "--write-docs", str(folder)).code == 0
    assert not (folder / "OLX999.md").exists() and (folder / "notes.txt").exists() and (folder / "OLW003.md").exists()


def test_index_links_every_rule_page_at_its_anchor():
    index = (DOCS / "README.md").read_text()
    for rule in bundled_rules():
        assert f"[{rule.code}]({rule.code}.md#{rule.code.lower()}-{rule.name})" in index


def test_explain_prints_the_rule_page_with_its_passing_example(run):
    result = run("explain", "OLP005")
    assert result.code == 0
    assert result.out == (DOCS / "OLP005.md").read_text()
    assert "## Example" in result.out and "@misc{" in result.out
    # an example holding a code fence is wrapped in a longer fence, so it renders as one block
    assert "````markdown\n## Citation\n\n```bibtex" in result.out


def test_every_bundled_rule_has_an_example():
    missing = [rule.code for rule in bundled_rules() if not rule.example.strip()]
    assert not missing, f"rules without an example: {missing}"


def _release_from(fragment: str, folder: Path) -> Path:
    """A release with the example as its card and weights that say nothing about a licence: the fragment alone
    must carry whatever the rule asks for."""
    folder.mkdir()
    (folder / "README.md").write_text(fragment, encoding="utf-8")
    write_safetensors(folder / "model.safetensors", {"weight": ("F32", [2, 2])})
    return folder


@pytest.mark.parametrize("code", [rule.code for rule in bundled_rules()])
def test_each_example_passes_its_rule(run, tmp_path, code):
    from openlint.rules import ruleset

    rule = ruleset.find(bundled_rules(), code)
    folder = _release_from(rule.example, tmp_path / "release")
    result = run("check", str(folder), "-f", "json", "--no-config", "--fail-on", "never")
    assert result.code == 0, result.err
    report = result.json()
    assert code not in {f["code"] for f in report["findings"]}, f"{code}'s example triggers it"
    if rule.function == "component-status":
        # a component rule's example shows the component released, not merely something the rule overlooks
        component = next(c for c in report["components"] if c["id"] == rule.options["component"])
        assert component["status"] == "released", component


def test_examples_fix_what_a_bare_card_lacks(run, tmp_path):
    """The same release with a bare card triggers most of these rules: the examples are what makes them pass."""
    folder = _release_from("# my-model\n", tmp_path / "bare")
    fired = {f["code"] for f in run("check", str(folder), "-f", "json", "--no-config").json()["findings"]}
    assert len(fired & {rule.code for rule in bundled_rules()}) >= 10, sorted(fired)
