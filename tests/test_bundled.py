"""The cache of parsed bundled data: used when it matches the files, rebuilt when it does not."""

from __future__ import annotations

import json

from openlint.knowledge import store as bundled


def test_cache_is_written_reused_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled._all.cache_clear()
    first = bundled.load("licenses")
    (cache_file,) = (tmp_path / "openlint").glob("bundled-*.json")
    cached = json.loads(cache_file.read_text())
    assert cached["data"]["licenses"] == first
    # a cache whose key no longer matches the files (an edited rule file) is ignored and rewritten
    cached["key"]["files"]["licenses"][0] += 1
    cached["data"]["licenses"] = {"licenses": []}
    cache_file.write_text(json.dumps(cached))
    bundled._all.cache_clear()
    assert bundled.load("licenses") == first
    # a corrupt cache is ignored too
    cache_file.write_text("{not json")
    bundled._all.cache_clear()
    assert bundled.load("licenses") == first
    bundled._all.cache_clear()


def test_each_installation_has_its_own_cache(tmp_path, monkeypatch):
    """Two installs of openlint (a pre-commit environment and a venv, say) must not rebuild each other's cache."""
    import shutil

    from openlint.support.resources import rules_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundled._all.cache_clear()
    bundled.load("taxonomy")
    (first,) = (tmp_path / "cache" / "openlint").glob("bundled-*.json")
    other = tmp_path / "other-install" / "rules"
    shutil.copytree(rules_dir(), other)
    monkeypatch.setattr(bundled, "rules_dir", lambda: other)
    bundled._all.cache_clear()
    bundled.load("taxonomy")
    files = sorted((tmp_path / "cache" / "openlint").glob("bundled-*.json"))
    assert len(files) == 2 and first in files
    assert {json.loads(f.read_text())["key"]["dir"] for f in files} == {str(rules_dir()), str(other)}
    bundled._all.cache_clear()


def test_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    bundled._all.cache_clear()
    assert bundled.load("taxonomy")["components"]
    bundled._all.cache_clear()


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
