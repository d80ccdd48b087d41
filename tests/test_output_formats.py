"""Output people act on (issue 14, items 5 and 7): the concise format, --statistics, and the self-contained HTML
report with the paper's stage x side grid, parsed and its SVG rendered with CairoSVG."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from conftest import CORPUS, corpus_release

CONCISE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]{2,4}\d{3}) (?P<message>.+)$")
LEVEL_RGB = {"5": (0x2E, 0xA0, 0x43), "4": (0x7C, 0xB3, 0x42), "3": (0xDF, 0xB3, 0x17), "2": (0xFE, 0x7D, 0x37),
             "1": (0xB6, 0x02, 0x05), "N/A": (0x9F, 0x9F, 0x9F)}


@pytest.fixture
def llama(tmp_path):
    """A real card (Llama 2) rebuilt as a release folder: several levels, several findings."""
    return corpus_release(CORPUS / "cards" / "meta-llama__Llama-2-7b-hf", tmp_path / "llama")


def _report(run, folder) -> dict:
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code in (0, 1), result.err
    return result.json()


# -- concise ----------------------------------------------------------------------------------------------------------

def test_concise_is_one_line_per_finding_then_the_grade(run, llama, monkeypatch):
    monkeypatch.chdir(llama.parent)
    report = _report(run, llama.name)
    result = run("check", llama.name, "-f", "concise", "--no-config")
    assert result.code == 1
    lines = result.out.splitlines()
    active = [f for f in report["findings"] if not f["waived"]]
    findings = [CONCISE.match(line) for line in lines[:-1]]
    assert all(findings), lines
    assert [(m["code"], m["path"], int(m["line"])) for m in findings] == [
        (f["code"], f"{llama.name}/{place['file']}", place["line"] or 1) for f in active for place in f["locations"]]
    places = sum(len(f["locations"]) for f in active)
    assert lines[-1] == f"grade {report['grade']['grade']} ({report['grade']['score']:g}/100): " + ", ".join(
        f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in ((s, report["summary"][s]) for s in ("error", "warning", "info")) if n) + (
        f" (in {places} places)" if places > len(active) else "")


def test_concise_quiet_prints_only_error_and_warning_lines(run, llama):
    report = _report(run, llama)
    lines = run("check", str(llama), "-f", "concise", "-q", "--no-config").out.splitlines()
    expected = [f for f in report["findings"] if not f["waived"] and f["severity"] != "info"]
    assert len(lines) == sum(len(f["locations"]) for f in expected) and all(CONCISE.match(line) for line in lines)


def test_concise_on_a_clean_release_says_so(run, example):
    assert run("check", str(example), "-f", "concise", "--no-config", "--ignore", "OLD,OLP").out.splitlines()[-1] \
        .startswith("grade A (100/100)")


# -- statistics -------------------------------------------------------------------------------------------------------

def test_statistics_count_every_place_per_rule_most_first(run, llama, release):
    from weightgen import global_pickle

    folder = release({"README.md": "---\nlicense: mit\n---\n# m\n", "a.bin": global_pickle("os", "system"),
                      "b.bin": global_pickle("os", "system")})
    for target in (llama, folder):
        report = _report(run, target)
        expected = Counter()
        for finding in report["findings"]:
            if not finding["waived"]:
                expected[finding["code"]] += len(finding["locations"])
        result = run("check", str(target), "--statistics", "--no-config")
        assert result.code == 1  # the exit status is the check's, whatever is printed
        rows = [line.split("\t") for line in result.out.splitlines()]
        assert {code: int(count) for count, code, _, _ in rows} == dict(expected)
        counts = [int(row[0]) for row in rows]
        assert counts == sorted(counts, reverse=True)
        as_json = json.loads(run("check", str(target), "--statistics", "-f", "json", "--no-config").out)
        assert {row["code"]: row["count"] for row in as_json} == dict(expected)
    assert as_json[0] == {"code": "OLW003", "name": "dangerous-pickle-import", "severity": "error", "count": 2, "findings": 1}


def test_statistics_of_a_clean_release_say_there_is_nothing(run, example):
    assert run("check", str(example), "--statistics", "--no-config").out == "no findings\n"
    assert json.loads(run("check", str(example), "--statistics", "-f", "json", "--no-config").out) == []


# -- HTML -------------------------------------------------------------------------------------------------------------

class _Page(HTMLParser):
    """Every tag with its attributes, the text, and the raw source of each <svg> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _assert_self_contained(parsed: _Page) -> None:
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed", "image", "use", "foreignobject", "base", "form"}
    for tag, attributes in parsed.tags:
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "xlink:href", "action", "data", "poster"):
                raise AssertionError(f"{tag} has {name}={value!r}: the report must load nothing")
            assert "url(" not in (value or ""), (tag, name)
    meta = [a for t, a in parsed.tags if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert meta and "default-src 'none'" in meta[0]["content"]


@pytest.mark.parametrize("which", ["example", "llama"])
def test_html_report_draws_the_grid_and_lists_breakdown_and_findings(run, which, example, llama):
    import cairosvg
    from PIL import Image

    folder = example if which == "example" else llama
    report = _report(run, folder)
    result = run("check", str(folder), "-f", "html", "--no-config")
    assert result.code == report_code(report)
    parsed = _parse(result.out)
    _assert_self_contained(parsed)

    boxes = {a["data-component"]: a for t, a in parsed.tags if t == "rect" and "data-component" in a}
    components = {c["id"]: c for c in report["components"]}
    assert set(boxes) == set(components) and len(boxes) == 12
    for cid, box in boxes.items():
        assert box["data-level"] == components[cid]["label"]
    # the grid is the paper's: a column per stage, a row per side (same x within a stage, same band within a side)
    for stage in ("training", "evaluation", "deployment"):
        xs = {boxes[c]["x"] for c in components if components[c]["stage"] == stage}
        assert len(xs) == 1
    code_y = max(float(boxes[c]["y"]) for c in components if components[c]["side"] == "code")
    data_y = min(float(boxes[c]["y"]) for c in components if components[c]["side"] == "data")
    assert code_y < data_y

    svgs = re.findall(r"<svg\b.*?</svg>", result.out, re.S)
    assert len(svgs) == 2  # the grid and its legend
    image = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svgs[0].encode()))).convert("RGB")
    for cid, box in boxes.items():
        x, y = float(box["x"]) + 3, float(box["y"]) + float(box["height"]) / 2  # left edge: away from the text
        label = components[cid]["label"]
        assert image.getpixel((int(x), int(y))) == LEVEL_RGB[label if label == "N/A" else label[1]], cid
    Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svgs[1].encode()))).load()

    text = " ".join(parsed.text)
    assert f"score {report['grade']['score']:g}/100" in text
    breakdown = result.out.split('id="breakdown"', 1)[1].split("</section>", 1)[0]
    assert breakdown.count("<tr>") == 13  # a header and the 12 components
    rows = [a for t, a in parsed.tags if t == "tr" and "finding" in (a.get("class") or "")]
    assert [row["data-code"] for row in rows] == [f["code"] for f in report["findings"]]


def report_code(report: dict) -> int:
    return 1 if report["summary"]["error"] else 0


def test_html_is_written_with_o_and_matches_stdout(run, llama, tmp_path):
    out = tmp_path / "report.html"
    shown = run("check", str(llama), "-f", "html", "--no-config", "-o", str(out))
    assert shown.code == 1 and out.read_text(encoding="utf-8") == shown.out


def test_badge_command_still_renders(run, llama, tmp_path):
    import cairosvg
    report = _report(run, llama)
    badge = tmp_path / "badge.svg"
    result = run("badge", str(llama), "-o", str(badge), "--components")
    assert result.code == 0 and f"openness {report['grade']['grade']}" in result.err
    assert cairosvg.svg2png(url=str(badge))[:8] == b"\x89PNG\r\n\x1a\n"


# -- where a judgement comes from ---------------------------------------------------------------------------------------

def test_text_and_markdown_say_how_the_release_was_read_and_name_the_catalogue(run, llama, tmp_path):
    # the lineage decides which components are inherited; a folder's name alone can decide it, so it is always shown
    text = run("check", str(llama), "-v", "--no-config", "--hub-id", "meta-llama/Llama-2-7b-hf", "--offline").out
    assert "  lineage: base: LLaMA-2, a model trained from scratch" in text.splitlines()
    # evidence no file holds (the catalogue's knowledge of the base) names where it came from, never "None:-"
    assert "None:" not in text and "  catalogue: LLaMA-2: Authors' data: C1." in text
    renamed = corpus_release(CORPUS / "cards" / "google-bert__bert-base-uncased", tmp_path / "llama-2-7b-chat-GPTQ")
    assert "  lineage: quantisation: The release's name says it is a quantisation" in run("check", str(renamed), "--no-config").out
    markdown = run("check", str(llama), "-f", "markdown", "--no-config", "--hub-id", "meta-llama/Llama-2-7b-hf", "--offline").out
    assert "Read as: base\\: LLaMA-2, a model trained from scratch (release `meta-llama/Llama-2-7b-hf`)" in markdown
    html = run("check", str(llama), "-f", "html", "--no-config", "--hub-id", "meta-llama/Llama-2-7b-hf", "--offline").out
    assert "<p>Read as: base: LLaMA-2, a model trained from scratch</p>" in html


def test_a_checkout_is_named_as_its_hub_repository_not_its_folder(run, tmp_path):
    # the same card in a folder named otherwise: the repository id (--hub-id, or a huggingface.co remote) is its name
    folder = corpus_release(CORPUS / "cards" / "meta-llama__Llama-2-7b-hf", tmp_path / "checkout")
    assert "  lineage: fine-tune:" in run("check", str(folder), "--no-config").out
    named = run("check", str(folder), "--no-config", "--hub-id", "meta-llama/Llama-2-7b-hf", "--offline").out
    assert named.startswith("openlint: meta-llama/Llama-2-7b-hf  (local: ") and "  lineage: base: LLaMA-2" in named
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text('[remote "origin"]\n\turl = https://huggingface.co/meta-llama/Llama-2-7b-hf\n')
    assert "  lineage: base: LLaMA-2" in run("check", str(folder), "--no-config").out


@pytest.mark.parametrize("fmt, expected", [
    ("concise", "[not assessed: pre-training code, pre-training datasets]"),
    ("github", "[not assessed: pre-training code, pre-training datasets]"),
    ("text", "(not assessed: pre-training code, pre-training datasets)"),
    ("markdown", "> Not assessed, so left out of the grade: pre-training code, pre-training datasets"),
    ("html", "Not assessed, so left out of the grade: pre-training code, pre-training datasets"),
])
def test_every_format_says_which_components_the_grade_leaves_out(run, release, fmt, expected):
    """A fine-tune of a base openlint cannot assess locally has Unknown pre-training: the grade is computed without
    it, and every format says so next to the grade (an A over what could be assessed is not an A over all)."""
    from conftest import WEIGHTS

    card = "---\nlicense: apache-2.0\nbase_model: acme/unknown-base-7b\n---\n# tuned\n"
    folder = release({"README.md": card, "model.safetensors": WEIGHTS}, name="tuned-unknown-base")
    assert expected in run("check", str(folder), "--no-config", "-f", fmt).out


def test_the_concise_grade_says_it_was_capped(run, example):
    """The pre-commit hook's one grade line: "E (75/100)" without the cap reads as a scoring error."""
    for weights in example.glob("*.safetensors"):
        weights.write_bytes(b"")  # an empty weight file releases nothing
    line = run("check", str(example), "-f", "concise").out.splitlines()[-1]
    assert re.search(r"^grade E \(\d+(\.\d+)?/100\) \[capped from [ABCD]: no-weights\]", line), line


def test_a_lineage_read_from_the_card_points_at_the_sentence(run, release):
    """"fine-tune: the card says so" must say where: a reader can then tell a tutorial from the model's own tuning."""
    from conftest import WEIGHTS

    card = "---\nlicense: apache-2.0\n---\n# m\n\nA chat model.\n\nWe fine-tuned it on our own conversations.\n"
    folder = release({"README.md": card, "model.safetensors": WEIGHTS}, name="m")
    text = run("check", str(folder), "--no-config").out
    assert "  lineage: fine-tune: The card says the model was tuned (README.md:8)" in text.splitlines(), text


def test_sarif_and_cyclonedx_name_the_components_left_out_of_the_grade(run, release):
    from conftest import WEIGHTS

    card = "---\nlicense: apache-2.0\nbase_model: acme/unknown-base-7b\n---\n# tuned\n"
    folder = release({"README.md": card, "model.safetensors": WEIGHTS}, name="tuned-unknown-base-2")
    sarif = json.loads(run("check", str(folder), "--no-config", "-f", "sarif").out)
    assert sarif["runs"][0]["properties"]["notAssessed"] == ["pre-training code", "pre-training datasets"]
    bom = json.loads(run("check", str(folder), "--no-config", "-f", "cyclonedx").out)
    model = bom["metadata"]["component"]
    assert [p["value"] for p in model["properties"] if p["name"].endswith("not-assessed")] == ["pre-training code", "pre-training datasets"]


def test_one_parameter_is_one_parameter(run, release):
    from conftest import WEIGHTS  # one U8 tensor of one element

    text = run("check", str(release({"README.md": "---\nlicense: mit\n---\n# m\n", "model.safetensors": WEIGHTS})), "--no-config").out
    assert "1 parameter" in text and "1 parameters" not in text
