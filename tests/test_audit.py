"""`openlint audit`: a few hundred generated repositories on the fake Hub (real huggingface_hub client, real HTTP)
graded into a real SQLite database, checked with SQL; killed mid-way and resumed; sharded and merged; Hub queries."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import hubgen
from audit_fixtures import fake_hub, subprocess_env
from weightgen import safetensors_bytes
from openlint.audit import database, runner
from openlint.audit.targets import Shard

COUNT = 240
MISSING = ("nobody/missing-1", "nobody/missing-2", "nobody/missing-3")


def _main(*args: str) -> int:
    from openlint.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code or 0


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """An audit of COUNT generated repositories and three that do not exist, from a target file with comments."""
    folder = tmp_path_factory.mktemp("audit")
    with fake_hub(folder) as fake:
        ids = hubgen.populate(fake, COUNT)
        listing = folder / "targets.txt"
        listing.write_text("# generated repositories\n" + "\n".join(f"{t}  # #{i}" for i, t in enumerate(ids)) +
                           "\n\n" + "\n".join(MISSING) + "\n", encoding="utf-8")
        db = folder / "audit.db"
        assert _main("audit", "--from", str(listing), "--db", str(db), "-j", "8") == 1  # the three missing failed
        yield db, ids, fake


def test_every_target_has_one_row_with_its_grade_components_and_crosswalk(audited):
    db, ids, fake = audited
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(database.SCHEMA_VERSION),)
    rows = {r[0]: r[1:] for r in connection.execute("SELECT target, status, grade, revision, mof, osaid, osai_index, report FROM results")}
    assert set(rows) == set(ids) | set(MISSING)
    graded = {t: r for t, r in rows.items() if r[0] == "ok"}
    assert set(graded) == set(ids)
    for target, (status, grade, revision, mof, osaid, osai, report) in graded.items():
        assert grade in "ABCDEF" and mof and osaid and osai
        assert revision == fake.models[target].sha  # the resolved commit is recorded
        assert json.loads(report)["release"]["location"] == target
    # twelve components a target, and the grades vary with the generated licences and disclosures
    assert connection.execute("SELECT COUNT(*) FROM components").fetchone()[0] == 12 * COUNT
    assert len({r[1] for r in graded.values()}) >= 2


def test_component_licences_in_the_database_are_the_generated_ones(audited):
    db, ids, _ = audited
    connection = sqlite3.connect(db)
    weights = dict(connection.execute("SELECT c.target, c.licence FROM components c JOIN results r USING (target, requested_revision) "
                                      "WHERE c.component = 'deployment.data.weights'"))
    for index, target in enumerate(ids):
        assert weights[target] == hubgen.licence_of(index)
    # evidence is stored with each component, as JSON
    evidence = json.loads(connection.execute("SELECT evidence FROM components WHERE target = ? AND component = 'deployment.data.weights'",
                                             (ids[0],)).fetchone()[0])
    assert any(item["file"] for item in evidence)


def test_crosswalk_verdicts_are_stored_and_follow_the_licence(audited):
    db, ids, _ = audited
    connection = sqlite3.connect(db)
    by_target = dict(connection.execute("SELECT target, crosswalk FROM results WHERE status = 'ok'"))
    for index, target in enumerate(ids):
        crosswalk = {f["framework"]: f for f in json.loads(by_target[target])}
        parameters = next(i for i in crosswalk["osaid"]["items"] if i["id"] == "parameters")
        if hubgen.licence_of(index) in ("llama2", "cc-by-nc-4.0", "openrail", "gemma"):
            assert parameters["verdict"] == "does not meet" and hubgen.licence_of(index) in parameters["reason"]
            assert crosswalk["mof"]["verdict"] == "not met"
        assert all(item["source"].startswith("https://") for f in crosswalk.values() for item in f["items"])


def test_a_failing_target_is_recorded_with_its_error(audited):
    db, _, _ = audited
    connection = sqlite3.connect(db)
    errors = dict(connection.execute("SELECT target, error FROM results WHERE status = 'error'"))
    assert set(errors) == set(MISSING)
    assert all("not found" in error for error in errors.values())
    assert connection.execute("SELECT COUNT(*) FROM components WHERE target LIKE 'nobody/%'").fetchone()[0] == 0


def test_a_finished_audit_run_again_skips_every_graded_target_and_retries_failures(audited):
    db, ids, fake = audited
    fake.log.clear()
    assert _main("audit", *ids[:20], *MISSING, "--db", str(db)) == 1  # retried, and failed again
    assert fake.requests(pattern=r"^/api/models/org") == []  # nothing graded is fetched again
    assert len(fake.requests(pattern=r"^/api/models/nobody")) == len(MISSING)


def test_an_audit_killed_mid_way_resumes_where_it_stopped(tmp_path):
    with fake_hub(tmp_path) as fake:
        ids = hubgen.populate(fake, 150)
        fake.latency = 0.02  # slow enough to stop it part of the way through
        listing = tmp_path / "targets.txt"
        listing.write_text("\n".join(ids) + "\n", encoding="utf-8")
        db = tmp_path / "audit.db"
        command = [sys.executable, "-m", "openlint", "audit", "--from", str(listing), "--db", str(db), "-j", "4"]
        process = subprocess.Popen(command, env=subprocess_env(fake, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            done = _wait_for_rows(db, 25, process)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        connection = sqlite3.connect(db)
        before = dict(connection.execute("SELECT target, checked_at FROM results WHERE status = 'ok'"))
        assert 25 <= len(before) < len(ids), "the audit was not stopped part of the way"
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # every committed row is whole: its twelve components are there
        assert connection.execute("SELECT COUNT(*) FROM components").fetchone()[0] == 12 * len(before)
        connection.close()
        fake.latency = 0.0
        fake.log.clear()
        assert _main("audit", "--from", str(listing), "--db", str(db)) == 0
        fetched = {r["path"].split("/api/models/")[1].split("/revision")[0] for r in fake.requests(pattern=r"^/api/models/org")}
        assert fetched == set(ids) - set(before)  # only what had not been committed
        connection = sqlite3.connect(db)
        after = dict(connection.execute("SELECT target, checked_at FROM results WHERE status = 'ok'"))
        assert set(after) == set(ids)
        assert all(after[t] == before[t] for t in before)  # rows done before the kill were kept as they were
        assert done >= 25


def _wait_for_rows(db, wanted: int, process) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        if db.exists():
            try:
                count = sqlite3.connect(db).execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:  # tables not created yet
                count = 0
            if count >= wanted:
                return count
        time.sleep(0.05)
    raise AssertionError("the audit did not get going")


def _snapshot(db) -> dict:
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT target, status, grade, score, mof, osaid, osai_index, components FROM results ORDER BY target")
    return {r[0]: r[1:] for r in rows}


def test_shards_merged_equal_a_single_audit(tmp_path):
    with fake_hub(tmp_path) as fake:
        ids = hubgen.populate(fake, 60)
        listing = tmp_path / "targets.txt"
        listing.write_text("\n".join(ids + ["nobody/missing"]) + "\n", encoding="utf-8")
        single = tmp_path / "single.db"
        assert _main("audit", "--from", str(listing), "--db", str(single)) == 1  # nobody/missing failed
        shards = []
        for index in (1, 2, 3):
            shards.append(tmp_path / f"shard-{index}.db")
            # 1 for the shard that holds nobody/missing
            assert _main("audit", "--from", str(listing), "--db", str(shards[-1]), "--shard", f"{index}/3") in (0, 1)
        parts = [set(_snapshot(s)) for s in shards]
        assert all(parts) and sum(len(p) for p in parts) == len(ids) + 1 and set.union(*parts) == set(ids) | {"nobody/missing"}
        merged = tmp_path / "merged.db"
        assert _main("audit", "merge", str(merged), *map(str, shards)) == 0
        assert _snapshot(merged) == _snapshot(single)
        assert sqlite3.connect(merged).execute("SELECT COUNT(*) FROM components").fetchone()[0] == 12 * len(ids)


def test_a_shard_is_a_stable_hash_of_the_target_not_of_its_position():
    targets = [f"org/model-{i}" for i in range(500)]
    first = [t for t in targets if Shard(2, 5).takes(t)]
    assert first == [t for t in reversed(targets) if Shard(2, 5).takes(t)][::-1]
    assert 60 < len(first) < 140  # about a fifth
    assert sum(Shard(i, 5).takes(targets[7]) for i in range(1, 6)) == 1


def test_merge_prefers_a_graded_row_over_an_error(tmp_path):
    graded, failed = tmp_path / "a.db", tmp_path / "b.db"
    report = {"release": {"revision": "abc", "source": "local", "name": "x"}, "grade": {"grade": "C", "score": 50.0},
              "complete": True, "components": [], "crosswalk": [], "tool": {"version": "0"}}
    for path, outcome in ((graded, database.Outcome("x", None, report)), (failed, database.Outcome("x", None, error="boom"))):
        connection = database.connect(path)
        database.record(connection, outcome)
        connection.close()
    for order in ([graded, failed], [failed, graded]):
        out = tmp_path / f"out-{order[0].stem}.db"
        database.merge(out, order)
        assert sqlite3.connect(out).execute("SELECT status, grade FROM results").fetchall() == [("ok", "C")]


def test_merge_and_database_errors_are_one_line(run, tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("not a database", encoding="utf-8")
    result = run("audit", "merge", str(tmp_path / "out.db"), str(not_db))
    assert result.code == 2 and "not an openlint audit database" in result.err and "Traceback" not in result.err
    same = tmp_path / "same.db"
    database.connect(same).close()
    assert run("audit", "merge", str(same), str(same)).code == 2
    newer = tmp_path / "newer.db"
    connection = database.connect(newer)
    with connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.close()
    result = run("audit", "x/y", "--db", str(newer))
    assert result.code == 2 and "schema version 99" in result.err
    assert run("audit", "--db", str(tmp_path / "none.db")).code == 2  # no targets
    assert run("audit", "x/y", "--shard", "4/3").code == 2
    # said as it is: a missing folder (was "not an openlint audit database"), a .db that is no database (was "not a JSON report")
    result = run("audit", "x/y", "--db", str(tmp_path / "missing" / "a.db"))
    assert result.code == 2 and f"cannot create the audit database: no folder {tmp_path / 'missing'}" in result.err
    result = run("table", str(not_db))
    assert result.code == 2 and "not an audit database (no SQLite header) nor a JSON report" in result.err


def test_hub_query_by_author_tag_search_and_limit(hub, run, tmp_path):
    ids = hubgen.populate(hub, 30)
    db = tmp_path / "query.db"
    assert run("audit", "--author", "org2", "--db", str(db)).code == 0
    assert set(_snapshot(db)) == {t for t in ids if t.startswith("org2/")}
    db = tmp_path / "tag.db"
    assert run("audit", "--tag", "license:mit", "--tag", "text-generation", "--db", str(db)).code == 0
    expected = {t for i, t in enumerate(ids) if hubgen.licence_of(i) == "mit" and i % 2}
    assert expected and set(_snapshot(db)) == expected
    db = tmp_path / "search.db"
    assert run("audit", "--search", "MODEL-001", "--limit", "4", "--db", str(db)).code == 0
    matching = sorted(t for t in ids if "model-001" in t)  # 0010..0019, in the Hub's (the fake's: id) order
    assert len(matching) == 10 and set(_snapshot(db)) == set(matching[:4])
    listing = [r for r in hub.requests("GET", r"^/api/models$")]
    assert listing and all("search=MODEL-001" in r["query"] or "author" in r["query"] or "filter" in r["query"] for r in listing)


def test_the_hub_listing_is_followed_page_by_page(hub, run, tmp_path):
    ids = hubgen.populate(hub, 120)  # more than one page of the fake Hub's listing
    db = tmp_path / "all.db"
    assert run("audit", "--search", "model-", "--db", str(db), "-j", "8").code == 0
    assert set(_snapshot(db)) == set(ids)
    assert len(hub.requests("GET", r"^/api/models$")) >= 3


def test_progress_is_one_line_on_a_terminal_and_nothing_otherwise(tmp_path, run, example):
    import io

    stream = io.StringIO()
    progress = runner.Progress(2, stream=stream)
    progress.update(database.Outcome("org/\x1b[31mred", None, error="x"))
    text = stream.getvalue()
    assert text.startswith("\r") and "\n" not in text and "\x1b[31m" not in text and "1/2" in text
    result = run("audit", str(example), "--db", str(tmp_path / "one.db"))
    assert result.code == 0 and "\r" not in result.err and result.err.count("\n") == 1


def test_one_repository_spelled_three_ways_is_one_target():
    from openlint.audit.targets import Query, collect

    spelled = ["google-bert/bert-base-uncased", "hf://google-bert/bert-base-uncased", "https://huggingface.co/google-bert/bert-base-uncased",
               "org/x", "org/x@v1"]
    assert collect(spelled, [], Query(None, None, (), None)) == ["google-bert/bert-base-uncased", "org/x", "org/x@v1"]


def test_one_folder_written_four_ways_is_graded_once_and_resumed_under_any_spelling(run, example, tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.chdir(example.parent)
    name = example.name
    db = tmp_path / "a.db"
    result = run("audit", name, f"./{name}", f"{name}/", str(example), "--db", str(db))
    assert result.code == 0 and "1 graded" in result.err, result.err
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT target FROM results").fetchall() == [(name,)]
    again = run("audit", str(example), "--db", str(db))
    assert "1 already" in again.err and "0 graded" in again.err, again.err
    # graded anew under another spelling: its row replaces the old one, never a second row for one release
    assert run("audit", str(example), "--db", str(db), "--again").code == 0
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT target FROM results").fetchall() == [(str(example),)]
        assert connection.execute("SELECT COUNT(*) FROM components").fetchone()[0] == 12


def test_a_query_that_matches_nothing_says_so(run, hub, tmp_path):
    result = run("audit", "--author", "nobody-at-all", "--db", str(tmp_path / "a.db"))
    assert result.code == 2 and "the Hub query (--author, --search, --tag) matched no model" in result.err


def test_a_merge_that_cannot_read_an_input_writes_nothing(tmp_path):
    good = tmp_path / "good.db"
    database.connect(good).close()
    bad = tmp_path / "notdb.db"
    bad.write_text("hi\n", encoding="utf-8")
    out = tmp_path / "merged.db"
    assert _main("audit", "merge", str(out), str(good), str(bad)) == 2
    assert not out.exists()


def test_again_grades_targets_already_in_the_database_anew(tmp_path):
    """A resumed audit skips what it graded; a folder changed since keeps its old row, until --again re-reads it."""
    folder = tmp_path / "release"
    folder.mkdir()
    header, _ = safetensors_bytes({"w": ("F32", [2])})
    (folder / "model.safetensors").write_bytes(header + b"\x00" * 8)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# m\n", encoding="utf-8")
    db = tmp_path / "audit.db"

    def weights_licence() -> str:
        connection = sqlite3.connect(db)
        try:
            (licence,) = connection.execute("SELECT licence FROM components WHERE component = 'deployment.data.weights'").fetchone()
            return licence
        finally:
            connection.close()

    assert _main("audit", str(folder), "--db", str(db)) == 0
    assert weights_licence() == "apache-2.0"
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# m\n", encoding="utf-8")
    assert _main("audit", str(folder), "--db", str(db)) == 0
    assert weights_licence() == "apache-2.0", "resumed: the graded folder was skipped"
    assert _main("audit", str(folder), "--db", str(db), "--again") == 0
    assert weights_licence() == "mit"
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM results").fetchone() == (1,)  # replaced, not added


def test_a_target_that_fails_on_again_records_the_failure_in_place_of_its_grade(tmp_path):
    """A release openlint now fails on (its new revision, a changed folder) must not keep the grade it had."""
    from openlint import config

    folder = tmp_path / "release"
    folder.mkdir()
    header, size = safetensors_bytes({"w": ("F32", [2])})
    (folder / "model.safetensors").write_bytes(header + b"\x00" * size)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# m\n", encoding="utf-8")
    db = tmp_path / "audit.db"
    assert _main("audit", str(folder), "--db", str(db)) == 0
    settings = config.settings(config.Options(target=".", no_config=True, progress=False))

    def failing(settings, target):
        return database.Outcome(target, None, error="internal error: RecursionError")

    done = runner.run(settings, [str(folder)], db, grade=failing, again=True)
    assert (done.failed, done.skipped, done.failures) == (1, 0, [(str(folder), "internal error: RecursionError")])
    rows = list(sqlite3.connect(db).execute("SELECT target, status, error FROM results"))
    assert rows == [(str(folder), "error", "internal error: RecursionError")]


def test_the_summary_names_the_targets_that_failed_and_why(tmp_path, capsys):
    folders = [tmp_path / f"missing-{i}" for i in range(runner.SHOWN_FAILURES + 2)]
    assert _main("audit", *map(str, folders), "--db", str(tmp_path / "audit.db")) == 1  # a script sees the failures
    err = capsys.readouterr().err
    named = [line for line in err.splitlines() if line.startswith("openlint audit: failed: ")]
    assert len(named) == runner.SHOWN_FAILURES and all("no such folder" in line for line in named)
    assert "and 2 more" in err and f"{len(folders)} failed" in err


def test_offline_a_hub_query_is_refused_at_once_without_the_network(run, tmp_path):
    result = run("audit", "--author", "google", "--offline", "--db", str(tmp_path / "q.db"))
    assert result.code == 2 and "needs the network" in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "q.db").exists()


def test_revision_applies_to_the_hub_targets_and_folders_are_graded_as_they_are(run, example, tmp_path):
    import sqlite3

    db = tmp_path / "r.db"
    result = run("audit", str(example), "--revision", "v1.0", "--db", str(db))
    assert result.code == 0 and "1 graded, 0 failed" in result.err, result.err
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT status, requested_revision FROM results").fetchall() == [("ok", "")]
    assert "0 graded" in run("audit", str(example), "--revision", "v1.0", "--db", str(db)).err


def test_a_failed_target_is_named_once_in_the_summary(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real").mkdir()
    result = run("audit", "real", "missing-folder-xyz", "--db", str(tmp_path / "f.db"))
    (line,) = [line for line in result.err.splitlines() if "failed: missing-folder-xyz" in line]
    assert line.count("missing-folder-xyz") == 1, line


def test_a_hub_listing_that_keeps_failing_is_one_line_without_the_clients_retry_log(hub, run, tmp_path):
    from fakehub import Fault

    hubgen.populate(hub, 3)
    hub.fail(r"^GET /api/models$", *[Fault(503) for _ in range(20)])
    result = run("audit", "--author", "org1", "--db", str(tmp_path / "q.db"))
    assert result.code == 2 and "the Hub model listing failed" in result.err
    assert result.err.count("\n") == 1 and "Retry" not in result.err and "http" not in result.err, result.err
