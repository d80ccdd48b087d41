"""The cache of parsed bundled data: used when it matches the files, rebuilt when it does not."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

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
    # the cache is written by json and read by msgspec, which refuses a lone surrogate escape that json writes: such a
    # value must still read back (through json), not turn every run into a rebuild
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


def test_a_rebuild_prunes_the_caches_of_installations_that_are_gone(tmp_path, monkeypatch):
    """Every pre-commit environment and virtual environment leaves its own cache files (~1.5 MB); a rebuild removes
    those of installations whose folder no longer exists, and files no installation claims that are 30 days old."""
    from openlint.support.resources import rules_dir

    folder = tmp_path / "cache" / "openlint"
    folder.mkdir(parents=True)
    alive = tmp_path / "other-install" / "rules"
    alive.mkdir(parents=True)
    (folder / "installations.json").write_text(json.dumps({"deadbeef": str(tmp_path / "removed-venv" / "rules"), "cafebabe": str(alive)}))
    def made(name: str, days: float = 0) -> Path:
        (folder / name).write_text("{}")
        return _aged(folder / name, days)

    gone = [made("bundled-deadbeef.json"), made("derived-catalogue-index-deadbeef.json")]  # whatever their age
    kept = [made("bundled-cafebabe.json", 400),  # an installation that still exists, however old its cache
            made("bundled-fedcba9876543210.json", 2),  # an older version's, recent: it may still be in use
            made("notes.txt", 400),  # not a name openlint writes
            made("bundled-0a0b0c0d.4242.tmp")]  # another process's rebuild in flight
    old = [made("bundled-0123456789abcdef.json", 40), made("bundled.json", 40), made("derived-vocabulary-regex-12345678.json", 40)]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundled._bundled.cache_clear()
    bundled._prune_once.cache_clear()
    try:
        bundled.load("taxonomy")
    finally:
        bundled._bundled.cache_clear()
        bundled._prune_once.cache_clear()
    assert not any(f.exists() for f in gone + old)
    assert all(f.exists() for f in kept)
    ours = bundled._installation()
    assert (folder / f"bundled-{ours}.json").exists()
    assert json.loads((folder / "installations.json").read_text()) == {ours: str(rules_dir()), "cafebabe": str(alive)}


def test_a_check_that_reads_its_cache_prunes_nothing(tmp_path, monkeypatch):
    """Pruning happens when a cache is rebuilt, not on the hook's usual path, and a broken index is started afresh."""
    from openlint.support.resources import rules_dir

    folder = tmp_path / "cache" / "openlint"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundled._bundled.cache_clear()
    bundled._prune_once.cache_clear()
    try:
        bundled.load("taxonomy")  # builds the cache
        (folder / "installations.json").write_bytes(b"\xff not json")
        (folder / "bundled-0123456789abcdef.json").write_text("{}")
        stale = _aged(folder / "bundled-0123456789abcdef.json", 40)
        bundled._bundled.cache_clear()
        bundled._prune_once.cache_clear()
        bundled.load("taxonomy")  # a cache hit: nothing written, nothing pruned
        assert stale.exists()
        (folder / f"bundled-{bundled._installation()}.json").write_text("{}")  # a cache that no longer matches
        bundled._bundled.cache_clear()
        bundled.load("taxonomy")
        assert not stale.exists()
        assert json.loads((folder / "installations.json").read_text()) == {bundled._installation(): str(rules_dir())}
    finally:
        bundled._bundled.cache_clear()
        bundled._prune_once.cache_clear()
