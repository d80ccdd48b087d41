"""Waivers (issue 14, item 5): in the openness declaration next to the component they concern, with their reason;
waivers that acknowledge nothing are reported (as ruff reports unused `noqa`), and a declaration, being part of the
release, can never waive a security rule (issue 11, item 6)."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from conftest import by_code
from openlint.support.schemas import schema
from weightgen import global_pickle

CARD = "---\nlicense: mit\n---\n# m\n\n## Citation\nA bibtex entry.\n"
VENDOR = "the training code is licensed from a vendor and cannot be published"


def declaration(components: dict) -> str:
    return yaml.safe_dump({"version": 1, "components": components}, sort_keys=False)


CLOSED_CODE = {"status": "not-released", "note": "proprietary training stack"}


def _report(run, folder, *args: str) -> dict:
    result = run("check", str(folder), "-f", "json", *args)
    assert result.code in (0, 1), result.err
    report = result.json()
    jsonschema.validate(report, schema("report"))
    return report


def test_a_declaration_waiver_acknowledges_its_components_finding_with_its_reason(run, release):
    folder = release({"README.md": CARD, "openness.yaml": declaration({
        "training.code.pretraining": {**CLOSED_CODE, "waivers": [{"rule": "OLT008", "reason": VENDOR}]}})})
    report = _report(run, folder, "--no-config")
    (closed,) = by_code(report)["OLT008"]
    assert closed["waived"] and closed["waiver_reason"] == VENDOR and closed["component"] == "training.code.pretraining"
    assert closed["waiver"] == {"rule": "OLT008", "reason": VENDOR, "component": "training.code.pretraining",
                                "source": "openness.yaml", "line": 7, "origin": "declaration"}
    assert "OLP009" not in by_code(report)
    (stated,) = report["configuration"]["waivers"]
    assert stated["findings"] == 1 and report["configuration"]["files"] == [{"path": "openness.yaml", "role": "openness declaration, with waivers"}]
    text = run("check", str(folder), "--no-config").out
    assert "acknowledged (1)" in text and VENDOR in text


def test_a_declaration_waiver_can_also_sit_in_the_cards_front_matter(run, release):
    front = yaml.safe_dump({"license": "mit", "openness": {"version": 1, "components": {
        "training.code.pretraining": {**CLOSED_CODE, "waivers": [{"rule": "pretraining-code-not-released", "reason": VENDOR}]}}}})
    folder = release({"README.md": f"---\n{front}---\n# m\n"})
    report = _report(run, folder, "--no-config")
    (closed,) = by_code(report)["OLT008"]
    assert closed["waived"] and closed["waiver"]["source"] == "README.md" and closed["waiver"]["origin"] == "declaration"


def test_a_waiver_covers_only_its_own_component(run, release):
    folder = release({"README.md": CARD, "openness.yaml": declaration({
        "training.code.pretraining": CLOSED_CODE,
        "training.data.pretraining": {"status": "not-released", "note": "licensed", "waivers": [
            {"rule": "OLT008", "reason": "placed next to the wrong component"}]}})})
    report = _report(run, folder, "--no-config")
    assert not by_code(report)["OLT008"][0]["waived"]
    (unused,) = by_code(report)["OLP009"]
    lines = (folder / "openness.yaml").read_text().splitlines()
    assert unused["file"] == "openness.yaml" and "matches no finding" in unused["message"]
    assert lines[unused["line"] - 1].strip() == "- rule: OLT008" and unused["line"] > lines.index("  training.data.pretraining:")


def test_a_declaration_can_never_waive_a_security_rule(run, release):
    folder = release({"README.md": CARD, "model.bin": global_pickle("os", "system"), "openness.yaml": declaration({
        "deployment.data.weights": {"status": "released", "location": "model.bin", "license": "mit", "waivers": [
            {"rule": "OLW003", "reason": "we built this pickle ourselves"},
            {"rule": "remote-code", "reason": "our code is fine, trust it"}]}})})
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1
    report = result.json()
    assert not by_code(report)["OLW003"][0]["waived"] and report["summary"]["waived"] == 0
    refused = by_code(report)["OLP010"]
    lines = (folder / "openness.yaml").read_text().splitlines()
    assert [(f["file"], lines[f["line"] - 1].strip()) for f in refused] == [
        ("openness.yaml", "- rule: OLW003"), ("openness.yaml", "- rule: remote-code")]
    assert [w["refused"] for w in report["configuration"]["waivers"]] == [True, True]
    assert "refused: a release cannot waive a security rule" in run("check", str(folder), "--no-config").out


def test_the_same_waiver_in_a_trusted_configuration_is_applied(run, release, tmp_path):
    folder = release({"README.md": CARD, "model.bin": global_pickle("os", "system")})
    trusted = tmp_path / "ci.yaml"
    trusted.write_text(yaml.safe_dump({"waivers": [{"rule": "OLW003", "reason": "reviewed by our security team"}]}))
    report = _report(run, folder, "--config", str(trusted))
    assert by_code(report)["OLW003"][0]["waiver"]["source"] == str(trusted)


@pytest.mark.parametrize("config, why", [
    ({"waivers": [{"rule": "OLP005", "reason": "the card has a citation already"}]}, "matches no finding"),
    ({"ignore": ["OLP005"], "waivers": [{"rule": "citation-missing", "reason": "citations are on the website"}]},
     "matches no finding: the rule is not selected"),
    ({"waivers": [{"rule": "OLP001", "reason": "first of two, this one is used"},
                  {"rule": "OLP001", "reason": "second of two, a duplicate"}]}, "matches no finding"),
])
def test_unused_configuration_waivers_are_reported_where_they_are(run, release, config, why):
    folder = release({"README.md": CARD, ".openlint.yaml": yaml.safe_dump(config)})
    report = _report(run, folder)
    (unused,) = by_code(report)["OLP009"]
    lines = (folder / ".openlint.yaml").read_text().splitlines()
    waiver = config["waivers"][-1]
    assert unused["file"] == ".openlint.yaml" and waiver["rule"] in lines[unused["line"] - 1]
    assert why in unused["message"] and unused["snippet"] == waiver["reason"]
    assert run("check", str(folder), "-f", "json", "--ignore", "OLP009").json()["summary"]["warning"] \
        == report["summary"]["warning"] - 1


def test_a_declaration_waiver_naming_no_rule_is_a_finding_not_an_error(run, release):
    folder = release({"README.md": CARD, "openness.yaml": declaration({
        "training.code.pretraining": {**CLOSED_CODE, "waivers": [{"rule": "OLX999", "reason": "a rule that does not exist"}]}})})
    report = _report(run, folder, "--no-config")
    (unused,) = by_code(report)["OLP009"]
    assert "names no rule" in unused["message"] and unused["line"] == 7  # `- rule: OLX999`


def test_a_declaration_waiver_without_reason_is_an_invalid_declaration(run, release):
    folder = release({"README.md": CARD, "openness.yaml": declaration({
        "training.code.pretraining": {**CLOSED_CODE, "waivers": [{"rule": "OLT008"}]}})})
    report = _report(run, folder, "--no-config")
    (invalid,) = by_code(report)["OLD002"]
    assert "waivers/0" in invalid["message"] and "reason" in invalid["message"]


def test_a_configuration_waiver_naming_no_component_is_a_configuration_error(run, release, tmp_path):
    config = tmp_path / "mine.yaml"
    config.write_text(yaml.safe_dump({"waivers": [{"rule": "OLL001", "component": "training.data.foo", "reason": "a component id with a typo"}]}))
    result = run("check", str(release({"README.md": CARD})), "--config", str(config))
    assert result.code == 2 and "waivers: no component 'training.data.foo'" in result.err and result.err.count("\n") == 1
