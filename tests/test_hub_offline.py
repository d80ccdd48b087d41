"""Offline = online (issue 12, requirement 4): a Hub check keeps what it needs in openlint's cache, keyed by the resolved
commit; --offline and HF_HUB_OFFLINE=1 reproduce the online report exactly, or exit 2 naming what is not cached."""

from __future__ import annotations

import pytest

from conftest import corpus_repo
from fakehub import Fault, Repo
from test_hub import BERT, BERT_SHA, bert  # noqa: F401  (fixture)


@pytest.fixture
def offline_env(monkeypatch):
    import huggingface_hub.constants as constants

    def switch() -> None:
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    return switch


@pytest.mark.parametrize("how", ["--offline", "HF_HUB_OFFLINE"])
@pytest.mark.parametrize("revision", [None, "v1.0", BERT_SHA])
def test_offline_reproduces_the_online_report(run, bert, offline_env, how, revision):
    bert.models[BERT].revisions["v1.0"] = BERT_SHA
    args = ("--revision", revision) if revision else ()
    online = run("check", BERT, "-f", "json", *args)
    before = len(bert.log)
    if how == "HF_HUB_OFFLINE":
        offline_env()
        offline = run("check", BERT, "-f", "json", *args)
    else:
        offline = run("check", BERT, "-f", "json", "--offline", *args)
    assert offline.code == online.code and offline.json() == online.json()
    assert len(bert.log) == before


def test_offline_reproduces_a_gated_check_and_its_lineage(run, hub):
    hub.add_model(corpus_repo("meta-llama__Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", gated="manual"))
    card = b"---\nlicense: llama2\nbase_model: meta-llama/Llama-2-7b-hf\ndatasets: [org/chat]\n---\n# tuned\n"
    hub.add_model(Repo("org/tuned", "f" * 40, files={"README.md": card},
                       card_data={"license": "llama2", "base_model": "meta-llama/Llama-2-7b-hf", "datasets": ["org/chat"]}))
    hub.add_dataset(Repo("org/chat", "1" * 40, card_data={"license": "cc-by-4.0"}, gated="auto"))
    for target in ("meta-llama/Llama-2-7b-hf", "org/tuned"):
        online = run("check", target, "-f", "json")
        offline = run("check", target, "-f", "json", "--offline")
        assert offline.json() == online.json() and offline.code == online.code


@pytest.mark.parametrize("online_args, offline_args", [((), ("--revision", "main")), (("--revision", "main"), ())])
def test_the_default_branch_and_main_are_one_ref_in_the_cache(run, bert, online_args, offline_args):
    online = run("check", BERT, "-f", "json", *online_args)
    offline = run("check", BERT, "-f", "json", "--offline", *offline_args)
    assert offline.code == online.code, offline.err
    assert offline.json()["components"] == online.json()["components"]


def test_offline_with_nothing_cached_names_what_is_missing(run, bert):
    result = run("check", BERT, "--offline")
    assert result.code == 2 and result.err.count("\n") == 1
    assert "offline, and openlint's cache holds no check of this repository at its default branch" in result.err
    other = run("check", BERT, "--offline", "--revision", "v9")
    assert other.code == 2 and "at revision v9" in other.err
    assert not bert.log


def test_offline_names_a_file_an_incomplete_online_run_could_not_cache(run, bert):
    bert.fail(rf"^GET /{BERT}/resolve/{BERT_SHA}/LICENSE$", *[Fault(503) for _ in range(4)])
    assert run("check", BERT, "--partial", "-f", "json").json()["complete"] is False
    offline = run("check", BERT, "--offline")
    assert offline.code == 2 and "could not read LICENSE: not in openlint's cache (offline)" in offline.err
    partial = run("check", BERT, "--offline", "--partial", "-f", "json").json()
    assert partial["missing"] == [{"what": "LICENSE", "reason": "not in openlint's cache (offline)", "components": ["*"]}]


def test_a_corrupt_cache_is_read_as_empty(run, bert, tmp_path):
    online = run("check", BERT, "-f", "json").json()
    cached = [p for p in (tmp_path / "xdg-cache" / "openlint" / "hub").rglob("*") if p.is_file()]
    assert cached
    for path in cached:
        path.write_bytes(b"\x00garbage{")
    offline = run("check", BERT, "--offline")
    assert offline.code == 2 and "offline" in offline.err
    again = run("check", BERT, "-f", "json")
    assert again.code in (0, 1) and again.json() == online


def test_a_later_run_with_a_token_is_not_refused_by_the_cache(run, hub):
    hub.add_model(corpus_repo("meta-llama__Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", gated="manual"))
    anonymous = run("check", "meta-llama/Llama-2-7b-hf", "-f", "json").json()
    assert anonymous["release"]["hub"]["unreadable_files"]
    with_token = run("check", "meta-llama/Llama-2-7b-hf", "--token", "hf_accepted_terms_token", "-f", "json").json()
    assert with_token["release"]["hub"]["unreadable_files"] == []
    offline = run("check", "meta-llama/Llama-2-7b-hf", "--token", "hf_accepted_terms_token", "--offline", "-f", "json").json()
    assert offline == with_token


def test_an_anonymous_run_after_a_token_run_reads_as_the_public_does(run, hub, tmp_path, monkeypatch):
    # what a token read of a gated repository is kept for that token: the public's report does not depend on who ran
    # openlint before on this machine
    hub.add_model(corpus_repo("meta-llama__Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", gated="manual"))
    run("check", "meta-llama/Llama-2-7b-hf", "--token", "hf_accepted_terms_token", "-f", "json")
    after_token = run("check", "meta-llama/Llama-2-7b-hf", "-f", "json").json()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))
    fresh = run("check", "meta-llama/Llama-2-7b-hf", "-f", "json").json()
    assert after_token["release"]["hub"]["unreadable_files"] and after_token == fresh
