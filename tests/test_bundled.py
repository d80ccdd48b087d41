"""The cache of parsed bundled data: used when it matches the files, rebuilt when it does not."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from openlint.knowledge import store as bundled


def test_cache_is_written_reused_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled._bundled.cache_clear()
    first = bundled.load("licenses")
    (cache_file,) = (tmp_path / "openlint").glob("bundled-*.json")
    cached = json.loads(cache_file.read_text())
    assert cached["data"]["licenses"] == first
    # a cache whose key no longer matches the files (an edited rule file) is ignored and rewritten
    cached["key"]["files"]["licenses"][0] += 1
    cached["data"]["licenses"] = {"licenses": []}
    cache_file.write_text(json.dumps(cached))
    bundled._bundled.cache_clear()
    assert bundled.load("licenses") == first
    # a corrupt cache is ignored too
    cache_file.write_text("{not json")
    bundled._bundled.cache_clear()
    assert bundled.load("licenses") == first
    bundled._bundled.cache_clear()


def test_a_cached_value_reads_back_as_written_even_with_a_lone_surrogate(tmp_path):
    # a lone surrogate escape (which json writes and some fast decoders refuse) must read back as written, not turn
    # every run into a rebuild
    cache_file = tmp_path / "derived-x.json"
    for value in ({"pattern": "[\ud800-\udfff]", "n": [1, 2.5, None, True]}, {"plain": "caf\u00e9 \U0001f917"}):
        bundled._write_cache(cache_file, {"key": ["k"], "value": value})
        assert bundled._read_cache(cache_file, ["k"]) == {"key": ["k"], "value": value}
        assert bundled._read_cache(cache_file, ["other"]) is None
    cache_file.write_bytes(b"\xff\xfe not json")
    assert bundled._read_cache(cache_file, ["k"]) is None


def test_each_installation_has_its_own_cache(tmp_path, monkeypatch):
    """Two installs of openlint (a pre-commit environment and a venv, say) must not rebuild each other's cache."""
    import shutil

    from openlint.support.resources import rules_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundled._bundled.cache_clear()
    bundled.load("taxonomy")
    (first,) = (tmp_path / "cache" / "openlint").glob("bundled-*.json")
    other = tmp_path / "other-install" / "rules"
    shutil.copytree(rules_dir(), other)
    monkeypatch.setattr(bundled, "rules_dir", lambda: other)
    bundled._bundled.cache_clear()
    bundled.load("taxonomy")
    files = sorted((tmp_path / "cache" / "openlint").glob("bundled-*.json"))
    assert len(files) == 2 and first in files
    assert {json.loads(f.read_text())["key"]["dir"] for f in files} == {str(rules_dir()), str(other)}
    bundled._bundled.cache_clear()


def test_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    bundled._bundled.cache_clear()
    assert bundled.load("taxonomy")["components"]
    bundled._bundled.cache_clear()


def test_every_bundled_data_file_is_valid_against_its_schema():
    """At run time the bundled files get only a cheap check (full validation would cost every CI runner seconds):
    here every one is validated in full."""
    from openlint.knowledge.store import _files, _parse, validate

    files = _files()
    assert len(files) >= 20
    for path in files.values():
        validate(path, _parse(path), full=True)


def test_a_broken_bundled_file_is_named_when_validated(tmp_path):
    import pytest

    from openlint.errors import DataFileError
    from openlint.knowledge.store import validate

    with pytest.raises(DataFileError, match="entries/0 \\(x\\)"):
        validate(tmp_path / "code.yaml", {"kind": "catalogue", "section": "code", "entries": [{"id": "x"}]})
    with pytest.raises(DataFileError, match="unknown `kind"):
        validate(tmp_path / "x.yaml", {"kind": "nonsense"}, full=False)


def test_derived_data_is_cached_reused_and_rebuilt(tmp_path, monkeypatch):
    """What is derived from the bundled data alone (the catalogue's index) is cached beside it, keyed by the data's
    digest and the deriving code; any other key, or a corrupt file, rebuilds it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled._bundled.cache_clear()
    calls = []

    def build():
        calls.append(1)
        return {"answer": [len(calls)]}

    assert bundled.derived("test", build) == {"answer": [1]}
    assert bundled.derived("test", build) == {"answer": [1]} and len(calls) == 1  # from the cache
    (cache_file,) = (tmp_path / "openlint").glob("derived-test-*.json")
    cached = json.loads(cache_file.read_text())
    assert cached["key"]["digest"] == bundled._bundled()[1]
    cached["key"]["digest"] = "another version of the data"
    cache_file.write_text(json.dumps(cached))
    assert bundled.derived("test", build) == {"answer": [2]}
    cache_file.write_text("{not json")
    assert bundled.derived("test", build) == {"answer": [3]}
    monkeypatch.setenv("OPENLINT_NO_CACHE", "1")
    assert bundled.derived("test", build) == {"answer": [4]}
    assert bundled.derived("test", build) == {"answer": [5]}
    bundled._bundled.cache_clear()


def test_the_digest_follows_the_content_of_the_bundled_files(tmp_path, monkeypatch):
    import shutil

    from openlint.support.resources import rules_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    other = tmp_path / "rules"
    shutil.copytree(rules_dir(), other)
    monkeypatch.setattr(bundled, "rules_dir", lambda: other)
    bundled._bundled.cache_clear()
    first = bundled._bundled()[1]
    bundled._bundled.cache_clear()
    assert bundled._bundled()[1] == first  # from the cache
    licences = other / "licenses.yaml"
    licences.write_text(licences.read_text() + "\n# an edit\n")
    bundled._bundled.cache_clear()
    assert bundled._bundled()[1] != first
    bundled._bundled.cache_clear()


def test_the_bundled_catalogue_built_lazily_from_its_cached_index_is_the_eager_one(tmp_path, monkeypatch):
    """The bundled catalogue builds an artefact only when one is looked up, from an index cached between runs; it
    answers exactly as a catalogue built from every artefact at once."""
    from openlint.knowledge import catalogue

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled._bundled.cache_clear()
    catalogue.bundled.cache_clear()
    catalogue.bundled()  # writes the index
    catalogue.bundled.cache_clear()
    lazy = catalogue.bundled()  # reads it
    assert lazy.family("llama-2-7b-chat-finetune") is not None and sum(a is not None for a in lazy._artefacts._built) == 1
    eager = catalogue.Catalogue(lazy.artefacts)
    assert (lazy._by_alias, lazy._by_repo_name, lazy.max_words, lazy._spans, lazy._families) == \
        (eager._by_alias, eager._by_repo_name, eager.max_words, eager._spans, eager._families)
    assert lazy.artefacts == eager.artefacts
    text = "fine-tuned from Llama 2 on the Pile and OpenWebText with the transformers library and lm-evaluation-harness"
    assert list(lazy.mentions(text)) == list(eager.mentions(text)) and list(lazy.mentions(text))
    for name in ("meta-llama/Llama-2-7b-hf", "llama-3-8b-instruct-finetune", "transformers", "nothing-known", "bert-base-uncased"):
        assert lazy.find(name) == eager.find(name) and lazy.find_repository(name) == eager.find_repository(name)
        assert lazy.family(name) == eager.family(name)
    catalogue.bundled.cache_clear()
    bundled._bundled.cache_clear()


def _aged(path: Path, days: float) -> Path:
    when = time.time() - days * 86_400
    os.utime(path, (when, when))
    return path


def _rebuild(tmp_path, monkeypatch) -> None:
    """A check that rebuilds the bundled-data cache, with the cache folder under tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundled._bundled.cache_clear()
    bundled._prune_once.cache_clear()
    try:
        bundled.load("taxonomy")
    finally:
        bundled._bundled.cache_clear()
        bundled._prune_once.cache_clear()


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_rebuild_prunes_cache_files_unused_for_a_while(tmp_path, monkeypatch):
    """Every pre-commit environment and virtual environment leaves its own cache files (~1.5 MB); a rebuild removes
    those of installations whose folder is gone that are unused for 3 days, and any other unused for 30."""
    from openlint.support.resources import rules_dir

    folder = tmp_path / "cache" / "openlint"
    folder.mkdir(parents=True)
    alive = tmp_path / "other-install" / "rules"
    alive.mkdir(parents=True)
    removed_venv = str(tmp_path / "removed-venv" / "rules")
    (folder / "installations.json").write_text(json.dumps({"deadbeef": removed_venv, "feedface": removed_venv + "2", "cafebabe": str(alive)}))

    def made(name: str, days: float = 0) -> Path:
        (folder / name).write_text("{}")
        return _aged(folder / name, days)

    gone = [made("bundled-deadbeef.json", 4), made("derived-catalogue-index-deadbeef.json", 4)]
    old = [made("bundled-0123456789abcdef.json", 31), made("bundled.json", 31), made("derived-vocabulary-regex-12345678.json", 31),
           made("bundled-0a0b0c0d.4242.tmp", 31)]  # a temporary file a killed process left
    kept = [made("bundled-feedface.json", 1),  # gone from here, but used yesterday (a folder shared with another machine)
            made("bundled-cafebabe.json", 29),  # an installation that exists, used within 30 days
            made("bundled-fedcba9876543210.json", 2),  # an older version's, recently used
            made("notes.txt", 400),  # not a name openlint writes
            made("bundled-0a0b0c0d.4343.tmp")]  # another process's rebuild in flight
    (folder / "bundled-abcdef12.json").symlink_to(folder / "notes.txt")  # never followed, never removed
    _aged(folder / "notes.txt", 400)
    _rebuild(tmp_path, monkeypatch)
    assert not any(f.exists() for f in gone + old)
    assert all(f.exists() for f in kept) and (folder / "bundled-abcdef12.json").is_symlink()
    ours = bundled._installation()
    assert (folder / f"bundled-{ours}.json").exists()
    # recorded while it has files here: the gone installation without any is forgotten, the one still used is not
    assert json.loads((folder / "installations.json").read_text()) == {ours: str(rules_dir()), "cafebabe": str(alive), "feedface": removed_venv + "2"}


def test_a_check_that_reads_its_cache_prunes_nothing_and_marks_it_used(tmp_path, monkeypatch):
    """Pruning happens when a cache is rebuilt, not on the hook's usual path; a cache read is marked used (at most
    once a day), so an installation in use is never pruned however long ago it was built."""
    folder = tmp_path / "cache" / "openlint"
    _rebuild(tmp_path, monkeypatch)  # builds the cache
    ours = folder / f"bundled-{bundled._installation()}.json"
    stale = folder / "bundled-0123456789abcdef.json"
    stale.write_text("{}")
    _aged(stale, 40)
    _aged(ours, 40)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundled._bundled.cache_clear()
    try:
        bundled.load("taxonomy")  # a cache hit: nothing pruned, the cache marked used
    finally:
        bundled._bundled.cache_clear()
    assert stale.exists()
    assert time.time() - ours.stat().st_mtime < 3600
    recent = ours.stat().st_mtime
    bundled.load("taxonomy")
    bundled._bundled.cache_clear()
    assert ours.stat().st_mtime == recent  # marked at most once a day


@pytest.mark.skipif(not hasattr(signal, "SIGALRM") or not hasattr(os, "mkfifo"), reason="needs SIGALRM and FIFOs (POSIX)")
@pytest.mark.parametrize("index", [b"\xff not json", b"[" * 200_000 + b"]" * 200_000, b'{"a": 1, "b": ["x"]}', "folder", "fifo"])
def test_a_broken_or_hostile_installation_record_is_started_afresh(tmp_path, monkeypatch, index):
    """Garbage, JSON nested past any recursion limit, wrong types, a folder, a FIFO (which must not hang the check):
    the record is started afresh, and nothing is left behind."""
    from openlint.support.resources import rules_dir

    folder = tmp_path / "cache" / "openlint"
    folder.mkdir(parents=True)
    record = folder / "installations.json"
    if index == "folder":
        record.mkdir()
    elif index == "fifo":
        os.mkfifo(record)
    else:
        record.write_bytes(index)

    class Hung(BaseException):  # not an OSError (TimeoutError is one): no handler of openlint's may swallow it
        pass

    def hung(*_: object) -> None:
        raise Hung("reading the installation record hung")

    previous = signal.signal(signal.SIGALRM, hung)  # a FIFO opened for reading blocks until a writer comes
    signal.alarm(30)
    try:
        _rebuild(tmp_path, monkeypatch)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert (folder / f"bundled-{bundled._installation()}.json").exists()
    assert not list(folder.glob("*.tmp"))
    if index == "folder":
        assert record.is_dir()  # left as it is: only files openlint writes are replaced
    else:  # a FIFO is replaced by the fresh record
        assert json.loads(record.read_text()) == {bundled._installation(): str(rules_dir())}


def test_a_cache_file_nested_past_the_recursion_limit_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _rebuild(tmp_path, monkeypatch)
    cache_file = tmp_path / "cache" / "openlint" / f"bundled-{bundled._installation()}.json"
    cache_file.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    bundled._bundled.cache_clear()
    try:
        assert bundled.load("taxonomy")["components"]
    finally:
        bundled._bundled.cache_clear()
        bundled._prune_once.cache_clear()
    assert json.loads(cache_file.read_text())["data"]["taxonomy"]["components"]


def test_marking_a_cache_used_falls_back_to_its_path_where_descriptors_cannot_be_given(tmp_path, monkeypatch):
    """Windows sets a file's times only by path: os.utime is then not in os.supports_fd (and raises TypeError when
    given a descriptor). A day-old cache is still read, and marked used by path."""
    _rebuild(tmp_path, monkeypatch)
    cache_file = tmp_path / "cache" / "openlint" / f"bundled-{bundled._installation()}.json"
    _aged(cache_file, 2)
    real = os.utime

    def by_path_only(target, *args, **kwargs):
        if isinstance(target, int):
            raise TypeError("utime: path should be string, bytes or os.PathLike, not int")
        return real(target, *args, **kwargs)

    monkeypatch.setattr(os, "utime", by_path_only)
    monkeypatch.setattr(os, "supports_fd", os.supports_fd - {real})
    bundled._bundled.cache_clear()
    try:
        assert bundled.load("taxonomy")["components"]
    finally:
        bundled._bundled.cache_clear()
    assert time.time() - cache_file.stat().st_mtime < 3600


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_link_where_a_temporary_file_goes_is_not_written_through(tmp_path, monkeypatch):
    """A cache folder shared with others: a link planted at the temporary file's predictable name is replaced, and
    what it points to is left alone."""
    folder = tmp_path / "cache" / "openlint"
    folder.mkdir(parents=True)
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (folder / f"bundled-{bundled._installation()}.{os.getpid()}.tmp").symlink_to(target)
    _rebuild(tmp_path, monkeypatch)
    assert target.read_text() == "keep me"
    assert json.loads((folder / f"bundled-{bundled._installation()}.json").read_text())["data"]["taxonomy"]
