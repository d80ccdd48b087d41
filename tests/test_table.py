"""`openlint table`: the paper's table from an audit database or JSON reports, as markdown, CSV (parsed) and a
self-contained HTML page whose SVG heatmap is parsed and rendered with CairoSVG; the per-component counts checked
against the database with SQL."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from html.parser import HTMLParser

import pytest

import hubgen
from audit_fixtures import fake_hub
from openlint.formats.table_html import LEVEL_COLOURS, NOT_APPLICABLE

COUNT = 200


@pytest.fixture(scope="module")
def audit_db(tmp_path_factory):
    from openlint.cli import main

    folder = tmp_path_factory.mktemp("table")
    with fake_hub(folder) as fake:
        ids = hubgen.populate(fake, COUNT)
        db = folder / "audit.db"
        with pytest.raises(SystemExit) as exit_info:
            main(["audit", *ids, "--db", str(db)])
        assert exit_info.value.code == 0
    return db


def _sql_counts(db) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for component, category, number in sqlite3.connect(db).execute(
            "SELECT component, category, COUNT(*) FROM components GROUP BY component, category"):
        counts.setdefault(component, {})[category] = number
    return counts


def test_csv_has_a_row_per_release_and_a_column_per_component(run, audit_db):
    result = run("table", str(audit_db), "-f", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == COUNT
    connection = sqlite3.connect(audit_db)
    labels = {(t, c): l for t, c, l in connection.execute("SELECT target, component, label FROM components")}
    components = [c for (c,) in connection.execute("SELECT DISTINCT component FROM components")]
    assert len(components) == 12
    for row in rows:
        for component in components:
            assert row[component] == labels[(row["release"], component)]
        assert row["grade"] in "ABCDEF" and row["mof"] and row["osaid"]
        assert set(json.loads(row["crosswalk"])) == {"mof", "osaid", "osai-index"}


def test_markdown_counts_open_semi_open_and_closed_per_component(run, audit_db):
    result = run("table", str(audit_db))
    assert result.code == 0
    counts = _sql_counts(audit_db)
    summary = result.out.split(f"over {COUNT} release(s)")[1]
    lines = [line for line in summary.splitlines() if line.startswith("| ") and not line.startswith("| Component")]
    assert len(lines) == 12
    from openlint.knowledge import taxonomy

    titles = {c.title: c.id for c in taxonomy.components().values()}
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        component = titles[cells[0].replace("\\|", "|")]
        expected = counts[component]
        assert [int(x) for x in cells[1:4]] == [expected.get(k, 0) for k in ("fully open", "semi-open", "fully closed")]
        assert sum(int(x) for x in cells[1:]) == COUNT


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_html_figure_is_self_contained_and_its_svg_renders(run, audit_db, tmp_path):
    import cairosvg
    from PIL import Image

    out = tmp_path / "table.html"
    assert run("table", str(audit_db), "-f", "html", "-o", str(out)).code == 0
    page = out.read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(page)
    assert "svg" in parser.tags and "script" not in parser.tags and "img" not in parser.tags and "link" not in parser.tags
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    svg = page[page.index("<svg"): page.index("</svg>") + len("</svg>")]
    png = cairosvg.svg2png(bytestring=svg.encode())
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # the first row's weights cell has the colour of its level
    connection = sqlite3.connect(audit_db)
    first = connection.execute("SELECT report FROM results WHERE status = 'ok' ORDER BY target LIMIT 1").fetchone()[0]
    weights = next(c for c in json.loads(first)["components"] if c["id"] == "deployment.data.weights")
    from openlint.formats import table_html

    from openlint.knowledge import taxonomy

    column = taxonomy.ids().index("deployment.data.weights")
    x = table_html.NAME_W + column * table_html.CELL_W + 3
    y = table_html.HEAD_H + 3
    expected = LEVEL_COLOURS.get(weights["level"], NOT_APPLICABLE)
    assert image.getpixel((x, y)) == tuple(int(expected[i:i + 2], 16) for i in (1, 3, 5))
    assert image.size[1] > table_html.HEAD_H + COUNT * table_html.CELL_H


def test_table_from_json_reports_and_errors(run, tmp_path, example):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "example.json").write_text(run("check", str(example), "-f", "json", "--no-config").out, encoding="utf-8")
    result = run("table", str(reports), "-f", "csv")
    assert result.code == 0 and len(list(csv.DictReader(io.StringIO(result.out)))) == 1
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    bad = run("table", str(tmp_path / "bad.json"))
    assert bad.code == 2 and "not an openlint JSON report" in bad.err
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.md").write_text("# a release folder, not reports\n", encoding="utf-8")
    nothing = run("table", str(empty))
    assert nothing.code == 2 and "not release folders" in nothing.err
    # a BOM and a statistics file beside the reports are passed over, not a reason to stop
    (reports / "bom.json").write_text(run("check", str(example), "-f", "cyclonedx", "--no-config").out, encoding="utf-8")
    (reports / "stats.json").write_text(run("check", str(example), "-f", "json", "--statistics", "--no-config").out, encoding="utf-8")
    beside = run("table", str(reports), "-f", "csv")
    assert beside.code == 0 and len(list(csv.DictReader(io.StringIO(beside.out)))) == 1
    assert "2 .json file(s) in the folders are no openlint report" in beside.err and "bom.json" in beside.err
    # an audit database given to diff is named as one
    database = tmp_path / "a.db"
    assert run("audit", str(example), "--db", str(database)).code == 0
    wrong = run("diff", str(database), str(reports / "example.json"))
    assert wrong.code == 2 and "an audit database, not a JSON report" in wrong.err


def test_targets_that_could_not_be_graded_are_said_to_be_left_out(run, audit_db, tmp_path):
    import shutil
    import sqlite3

    db = tmp_path / "with-failures.db"
    shutil.copy(audit_db, db)
    with sqlite3.connect(db) as connection:
        connection.executemany("INSERT INTO results (target, status, error, openlint_version, checked_at) VALUES (?, 'error', 'the Hub answered 500', '0', '2026-11-24')",
                               [("org/broken-1",), ("org/broken-2",)])
    note = "2 target(s) of the audit database(s) could not be graded and are left out"
    markdown = run("table", str(db))
    assert f"over {COUNT} release(s): {note}" in markdown.out and note in markdown.err
    assert note in run("table", str(db), "-f", "html").out and note in run("table", str(db), "-f", "csv").err
    assert note not in run("table", str(audit_db)).err


def test_without_a_format_the_output_files_extension_names_it(run, audit_db, tmp_path):
    assert run("table", str(audit_db), "-o", str(tmp_path / "t.csv")).code == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == run("table", str(audit_db), "-f", "csv").out
    assert run("table", str(audit_db), "-o", str(tmp_path / "t.html")).code == 0
    assert (tmp_path / "t.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_two_releases_of_the_same_name_are_told_apart_by_their_location(run, tmp_path, example):
    """A new user's find: two folders called `release` audited together were two rows both called `release`."""
    import shutil

    for side in ("a", "b"):
        shutil.copytree(example, tmp_path / side / "release")
    database = tmp_path / "x.db"
    assert run("audit", str(tmp_path / "a" / "release"), str(tmp_path / "b" / "release"), "--db", str(database)).code == 0
    rows = list(csv.DictReader(io.StringIO(run("table", str(database), "-f", "csv").out)))
    names = sorted(row["release"] for row in rows)
    assert len(set(names)) == 2 and all(name.startswith("release (") for name in names), names
    assert any(str(tmp_path / "a" / "release") in name for name in names)
    single = tmp_path / "single.db"
    assert run("audit", str(tmp_path / "a" / "release"), "--db", str(single)).code == 0
    assert [row["release"] for row in csv.DictReader(io.StringIO(run("table", str(single), "-f", "csv").out))] == ["release"]


def test_two_revisions_of_one_hub_repository_are_told_apart_by_their_revision(run, tmp_path, example):
    """A reviewer's find: for a Hub row the name is the location, so two revisions stayed two identical rows."""
    report = json.loads(run("check", str(example), "-f", "json", "--no-config").out)
    for revision in ("a" * 40, "b" * 40):
        report["release"].update(source="hub", location="org/model", revision=revision)
        (tmp_path / f"{revision[0]}.json").write_text(json.dumps(report), encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("table", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "-f", "csv").out)))
    assert sorted(row["release"] for row in rows) == [f"org/model@{'a' * 40}", f"org/model@{'b' * 40}"]
