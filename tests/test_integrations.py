"""Integrations: SARIF (official schema + GitHub's subset, also for a run that failed, Hub-relative paths),
annotations, markdown, badge, config and waivers. The pre-commit hook and the Action: test_precommit.py,
test_action.py."""

from __future__ import annotations

import io
import json
import re
import sys

import jsonschema
import pytest
import yaml

from conftest import ROOT, official_sarif_schema

BAD = {"README.md": "---\nlicense: mit\n---\n# m\nThis is a fully open source model, 100% open.\n",
       "model.bin": b"\x80\x02cos\nsystem\nX\x01\x00\x00\x00xq\x00\x85R."}


def _repository() -> str:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


REPOSITORY = _repository()


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@pytest.fixture(scope="module")
def sarif_schema():
    return official_sarif_schema()


def test_sarif_is_valid_and_meets_githubs_requirements(run, release, sarif_schema, monkeypatch, tmp_path):
    folder = release(BAD)
    monkeypatch.chdir(folder.parent)
    result = run("check", folder.name, "-f", "sarif")
    assert result.code == 1
    log = json.loads(result.out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert len(rules) == len(run("rules", "-f", "json").json())  # every rule, not only triggered ones
    for rule in rules:
        assert rule["id"] and rule["name"] and len(rule["name"]) <= 255
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        # the rule's generated page on the default branch, at its title's anchor
        page, anchor = rule["helpUri"].removeprefix(f"{REPOSITORY}/blob/main/").split("#")
        assert page == f"docs/rules/{rule['id']}.md" and (ROOT / page).read_text().startswith(f"# {rule['id']} ")
        assert anchor == github_anchor((ROOT / page).read_text().splitlines()[0])
    assert run_["tool"]["driver"]["informationUri"] == REPOSITORY
    assert run_["invocations"] == [{"executionSuccessful": True}] and "originalUriBaseIds" not in run_
    ids = [r["id"] for r in rules]
    for res in run_["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"] and res["level"] in ("note", "warning", "error") and res["message"]["text"]
        location = res["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("release/") and location["region"]["startLine"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}:1", res["partialFingerprints"]["primaryLocationLineHash"])
    dangerous = next(r for r in rules if r["id"] == "OLW003")
    assert dangerous["properties"]["security-severity"] == "9.0" and "security" in dangerous["properties"]["tags"]
    again = json.loads(run("check", folder.name, "-f", "sarif").out)
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == [r["partialFingerprints"] for r in run_["results"]]


def test_github_format(run, release, monkeypatch, capsys):
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n", "we,ird:%dir/model.bin": BAD["model.bin"]})
    monkeypatch.chdir(folder)
    from openlint.cli import main

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "."])
    out = capsys.readouterr().out.splitlines()
    assert exit_info.value.code == 1
    commands = [line.split(" ", 1)[0] for line in out]
    order = {"::error": 0, "::warning": 1, "::notice": 2}
    assert [order[c] for c in commands[:-1]] == sorted(order[c] for c in commands[:-1])
    dangerous = next(line for line in out if "OLW003" in line)
    assert "file=we%2Cird%3A%25dir/model.bin" in dangerous
    assert out[-1].startswith("::notice title=openlint grade::Openness grade")


def test_hub_mode_sarif_and_annotations_use_repository_relative_paths(run, hub, sarif_schema, monkeypatch):
    from fakehub import Repo

    sha = "ab" * 20
    hub.add_model(Repo("some-org/some-model", sha, files={"README.md": BAD["README.md"].encode(), "model.bin": BAD["model.bin"]},
                       card_data={"license": "mit"}, tags=["license:mit"]))
    log = json.loads(run("check", "some-org/some-model", "-f", "sarif").out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    (run_,) = log["runs"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == f"https://huggingface.co/some-org/some-model/blob/{sha}/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]
    assert {"uri": "README.md", "uriBaseId": "%SRCROOT%"} in locations
    assert all(loc["uriBaseId"] == "%SRCROOT%" and "://" not in loc["uri"] for loc in locations)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    annotations = run("check", "some-org/some-model", "-f", "github").out
    assert "::warning file=README.md,line=" in annotations and "huggingface.co" not in annotations


def test_a_run_that_fails_still_writes_a_valid_sarif_log(run, release, sarif_schema, tmp_path):
    folder = release({"README.md": "# m\n", ".openlint.yaml": "fail-on: sometimes\n"})
    out = tmp_path / "out" / "openlint.sarif"
    out.parent.mkdir()
    result = run("check", str(folder), "-o", f"sarif:{out}", "-f", "sarif")
    assert result.code == 2 and "fail-on" in result.err and result.err.count("\n") == 1
    assert result.out == ""  # stdout stays empty on an error; the file asked for with -o records it
    log = json.loads(out.read_text())
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False and log["runs"][0]["results"] == []
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and "fail-on" in notification["message"]["text"]
    assert notification["message"]["text"] in result.err


@pytest.mark.parametrize("args", [
    ("check", "release/nosuch"),  # a mistyped folder (its parent exists: said before any Hub lookup)
    ("check", "{folder}", "--min-grade", "Z"),  # a value click refuses
    ("check", "{folder}", "--no-such-option"),  # an option click does not know
    ("check", "{folder}", "--config", "{folder}/README.md", "--no-config"),  # options that contradict each other
])
def test_a_usage_error_still_writes_the_sarif_log_asked_for(run, release, sarif_schema, tmp_path, args, monkeypatch):
    folder = release({"README.md": "# m\n"})
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "usage.sarif"
    result = run(*(a.format(folder=folder) for a in args), "-o", f"sarif:{out}")
    assert result.code == 2 and result.err.count("\n") == 1
    log = json.loads(out.read_text())
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    (notification,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"] in result.err


@pytest.mark.parametrize("output", ["README.md", "markdown:README.md", "sarif:config.json", "json:openness.yaml", "sarif:LICENSE"])
def test_an_output_never_overwrites_a_file_the_check_reads(run, release, output, monkeypatch):
    """`-o README.md` in the release would replace the card with the report; refused, and nothing is written over it,
    not even the failure log (nor after a usage error)."""
    files = {"README.md": "---\nlicense: mit\n---\n# m\n", "config.json": "{}", "openness.yaml": "version: 1\n", "LICENSE": "MIT License\n"}
    folder = release(files)
    monkeypatch.chdir(folder)
    name = output.rpartition(":")[2]
    result = run("check", "-o", output)
    assert result.code == 2 and f"would overwrite {name}" in result.err
    assert run("check", "--no-such-option", "-o", output).code == 2
    assert (folder / name).read_text() == files[name]
    # a file the check does not read (a report of an earlier run) is written over as before
    (folder / "report.md").write_text("old report\n")
    assert run("check", "-o", "report.md").code in (0, 1) and "old report" not in (folder / "report.md").read_text()


@pytest.mark.parametrize("output", ["README.md", "model_index.json", "Config.JSON", "sub/../LICENSE"])
def test_an_output_is_refused_by_name_even_before_the_file_exists(run, release, output, monkeypatch):
    """Written, it would be read as the release's next time (a card, an index); case-blind, as on macOS."""
    folder = release({"model.safetensors": "", "sub/x.txt": "x"})
    monkeypatch.chdir(folder)
    result = run("check", "-o", f"json:{output}")
    assert result.code == 2 and "would overwrite" in result.err
    assert not (folder / output).exists()
    assert run("diff", ".", ".", "-o", output).code == 2 and not (folder / output).exists()


def test_a_symlinked_report_is_replaced_not_written_through(run, release, monkeypatch):
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n"})
    monkeypatch.chdir(folder)
    (folder / "out.md").symlink_to("README.md")
    assert run("check", "-o", "out.md").code in (0, 1)
    assert not (folder / "out.md").is_symlink() and (folder / "README.md").read_text().startswith("---\nlicense: mit")


def test_an_output_is_never_written_through_a_folder_link_the_release_holds(run, release, tmp_path, monkeypatch):
    """A pull request can make `reports/` a link to anywhere: the report, the failure log after a usage error, and a
    diff's output are refused there (exit 2) and nothing is written where the link points (a security review's find)."""
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (folder / "reports").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.chdir(folder)
    result = run("check", "-o", "sarif:reports/openlint.sarif")
    assert result.code == 2 and "goes through reports, a symbolic link in the checked release" in result.err
    assert run("check", "--no-such-option", "-o", "sarif:reports/openlint.sarif").code == 2
    assert run("diff", ".", ".", "-o", "reports/diff.md").code == 2
    assert list(elsewhere.iterdir()) == []
    # through a link and back out of it (`link/..`): the system goes through the link (a review's find)
    (elsewhere / "sub").mkdir()
    (folder / "deep").symlink_to(elsewhere / "sub", target_is_directory=True)
    assert run("check", "-o", "sarif:deep/../escaped.sarif").code == 2
    # the release folder itself a link (a pull request can make it one)
    linked = tmp_path / "linked-release"
    linked.symlink_to(folder, target_is_directory=True)
    assert run("check", str(linked), "-o", f"sarif:{linked / 'openlint.sarif'}").code == 2
    assert list(elsewhere.rglob("*.sarif")) == [] and not (folder / "openlint.sarif").exists()
    # a link above the release folder (the user's own choice of where it lives) is no concern
    alias = tmp_path / "alias"
    alias.symlink_to(folder.parent, target_is_directory=True)
    through = alias / folder.name
    assert run("check", str(through), "-o", f"sarif:{through / 'openlint.sarif'}").code in (0, 1)
    assert (folder / "openlint.sarif").exists()


def test_a_usage_error_writes_only_the_outputs_click_would_have_taken(run, release, tmp_path, monkeypatch):
    """`--token -o`: -o is the token; the next word the target. Nothing is written over a file named there."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("notes\n")
    assert run("check", "--token", "-o", "sarif:notes.txt", "--bogus").code == 2
    assert (tmp_path / "notes.txt").read_text() == "notes\n"
    # an argument the system refuses to look up is a one-line error, never a traceback
    for args in (("--bogus", "a" * 300), ("--bogus", "-o", "sarif:" + "a" * 300), ("a" * 300,)):
        result = run("check", *args)
        assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err


def test_an_output_never_replaces_a_device_or_fifo(run, release, tmp_path):
    import os

    fifo = tmp_path / "pipe.sarif"
    os.mkfifo(fifo)
    result = run("check", str(release({"README.md": "# m\n"})), "-o", f"sarif:{fifo}")
    assert result.code == 2 and "not a regular file" in result.err
    assert fifo.is_fifo()


def test_an_unreachable_repository_still_writes_a_valid_sarif_log(run, hub, sarif_schema, tmp_path):
    out = tmp_path / "openlint.sarif"
    result = run("check", "nobody/nothing", "-o", f"sarif:{out}", "-o", f"json:{tmp_path / 'report.json'}")
    assert result.code == 2
    log = json.loads(out.read_text())
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert "repository not found" in log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert not (tmp_path / "report.json").exists()  # only SARIF has a way to say that the run failed


def test_min_grade_failure_is_an_annotation_and_leads_the_markdown(run, release, monkeypatch, tmp_path):
    folder = release(BAD)
    summary = tmp_path / "summary.md"
    result = run("check", str(folder), "-f", "github", "--min-grade", "B", "--fail-on", "never", "-o", f"markdown:{summary}")
    assert result.code == 1
    reason = next(line for line in result.out.splitlines() if line.startswith("::error title=openlint min-grade::"))
    grade = re.search(r"grade (\w) \(([\d.]+)/100\) is below the minimum B", reason)
    assert grade and grade.group(1) in "CDEF"
    text = summary.read_text()
    assert text.splitlines()[4].startswith("> **Failed:** Openness grade ") and "below the minimum B" in text
    assert "below the minimum B" in result.err
    passing = run("check", str(folder), "-f", "github", "--min-grade", "F", "--fail-on", "never")
    assert passing.code == 0 and "min-grade" not in passing.out


def test_markdown_has_the_grade_breakdown_and_each_fix(run, release):
    from openlint import config, pipeline
    from openlint.formats import RenderOptions, markdown

    report = pipeline.check(config.settings(config.Options(target=str(release(BAD)), no_config=True)))
    text = markdown.render(report, RenderOptions())
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}
    weights = rows["Model architecture and weights"].split(" | ")
    breakdown = {item["component"]: item for item in report.grade.breakdown}["deployment.data.weights"]
    assert weights[-1].rstrip(" |") == f"{breakdown['earned']:g} / {breakdown['possible']:g}"
    assert f"= **{report.grade.score:g}**" in text
    for finding in report.active:
        row = next(line for line in text.splitlines() if f"`{finding.rule.code}`" in line)
        assert row.rstrip(" |").endswith(markdown.text(finding.rule.fix))


def test_markdown_summary_is_bounded(run, release):
    from openlint import config, pipeline
    from openlint.formats import RenderOptions, markdown

    report = pipeline.check(config.settings(config.Options(target=str(release(BAD)), no_config=True)))
    full = markdown.render(report, RenderOptions())
    assert "| Model architecture and weights |" in full and "openness grade" in full
    short = markdown.render(report, RenderOptions(), limit=len(full.encode()) - 200)
    assert len(short.encode()) <= len(full.encode()) - 200
    assert re.search(r"and \d+ more finding", short)


def test_badge_renders_with_the_grade_colour(run, example, tmp_path):
    cairosvg = pytest.importorskip("cairosvg")
    from PIL import Image

    out = tmp_path / "badge.svg"
    assert run("badge", str(example), "-o", str(out), "--components").code == 0
    png = cairosvg.svg2png(url=str(out))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    assert height == 28 and width > 80
    assert image.getpixel((width - 3, 3)) == (0x2E, 0xA0, 0x43)  # grade A is green
    assert image.getpixel((3, 3)) == (0x55, 0x55, 0x55)  # the label
    # the strip: weights (the last component) is D5, green; fine-tuning code (second) is N/A, grey
    assert image.getpixel((width - 2, 25)) == (0x2E, 0xA0, 0x43)
    assert image.getpixel((int(width / 12 * 1.5), 25)) == (0x9F, 0x9F, 0x9F)


# -- configuration ------------------------------------------------------------------------------------------------

def test_waivers_acknowledge_findings_with_their_reason(run, release):
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n", ".openlint.yaml": yaml.safe_dump({
        "waivers": [{"rule": "OLP004", "reason": "the contact is on the organisation page"}],
        "severity": {"OLP001": "error"}, "fail-on": "error"})})
    result = run("check", str(folder), "-f", "json")
    report = result.json()
    waived = [f for f in report["findings"] if f["waived"]]
    assert [(f["code"], f["waiver_reason"]) for f in waived] == [("OLP004", "the contact is on the organisation page")]
    assert next(f for f in report["findings"] if f["code"] == "OLP001")["severity"] == "error"
    assert result.code == 1 and report["summary"]["waived"] == 1
    text = run("check", str(folder)).out
    assert "acknowledged (1)" in text and "the contact is on the organisation page" in text


def test_waiver_without_reason_exits_2_with_the_key_path(run, release):
    folder = release({"README.md": "# m\n", ".openlint.yaml": "waivers:\n  - rule: OLW001\n"})
    result = run("check", str(folder))
    assert result.code == 2 and ".openlint.yaml" in result.err and "waivers/0" in result.err and "reason" in result.err


def test_pyproject_config_is_found_from_the_target_upward(run, release):
    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n"})
    (folder.parent / "pyproject.toml").write_text('[tool.openlint]\nselect = ["OLW001"]\nfail-on = "never"\n')
    result = run("check", str(folder), "-f", "json")
    assert result.code == 0 and {f["code"] for f in result.json()["findings"]} == {"OLW001"}
    assert run("check", str(folder), "--no-config", "-f", "json").json()["summary"]["info"] > 0


@pytest.mark.parametrize("content, where", [
    ("fail-on: sometimes\n", "fail-on"),
    ("severity:\n  OLP001: loud\n", "severity/OLP001"),
    ("bogus: 1\n", "(top level)"),
])
def test_invalid_config_exits_2(run, release, content, where):
    folder = release({"README.md": "# m\n", ".openlint.yaml": content})
    result = run("check", str(folder))
    assert result.code == 2 and where in result.err and "Traceback" not in result.err
