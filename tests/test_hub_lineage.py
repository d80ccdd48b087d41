"""Lineage transport: base models' cards read hop by hop, bounded, counted in the request budget, the same online and
offline; a gated, missing or private base is reported (Ancestor.reason), never a crash."""

from __future__ import annotations

import pytest

from fakehub import Fault, Repo
from openlint.assemble import assemble
from openlint.release import limits
from openlint.sources import open_source


def card(*bases: str) -> bytes:
    listed = "".join(f"\n  - {b}" for b in bases)
    return (f"---\nlicense: mit\nbase_model:{listed}\n---\n# model\n" if bases else "---\nlicense: mit\n---\n# root\n").encode()


def add(hub, repo_id: str, *bases: str, **options) -> None:
    data = {"license": "mit", **({"base_model": list(bases)} if bases else {})}
    hub.add_model(Repo(repo_id, "0" * 39 + str(len(hub.models) % 10), files={"README.md": card(*bases)}, card_data=data, **options))


def lineage(target: str, **options) -> list[tuple[str, int, bool, str]]:
    partial = options.pop("partial", False)
    release = assemble(open_source(target, **options), partial=partial)
    return [(a.repo_id, a.depth, a.card is not None, a.reason) for a in release.lineage]


def test_a_chain_is_followed_hop_by_hop_up_to_the_limit(hub):
    for i in range(6):
        add(hub, f"org/m{i}", f"org/m{i + 1}")
    add(hub, "org/m6")
    found = lineage("org/m0")
    assert [(repo, depth) for repo, depth, _, _ in found] == [(f"org/m{i}", i) for i in range(1, limits.MAX_HOPS + 1)]
    cards = [r["path"] for r in hub.requests("GET", r"/resolve/main/README.md$")]
    assert cards == [f"/org/m{i}/resolve/main/README.md" for i in range(1, limits.MAX_HOPS + 1)]  # one GET per hop, in order


def test_a_loop_ends_where_a_model_is_seen_again(hub):
    add(hub, "org/a", "org/b")
    add(hub, "org/b", "org/a")
    assert lineage("org/a") == [("org/b", 1, True, "")]


def test_a_merge_reads_at_most_max_bases_parents(hub):
    parents = [f"org/p{i}" for i in range(12)]
    add(hub, "org/merge", *parents)
    for parent in parents:
        add(hub, parent)
    found = lineage("org/merge")
    assert [repo for repo, *_ in found] == parents[: limits.MAX_BASES]


def test_missing_private_and_refused_bases_are_reported_not_fatal(hub):
    add(hub, "org/child", "org/gone", "org/private", "org/gated", "org/refused")
    add(hub, "org/private", private=True)
    add(hub, "org/gated", gated="manual")  # a gated model's card is public
    add(hub, "org/refused")
    found = {repo: (has_card, reason) for repo, _, has_card, reason in lineage("org/child")}
    assert found["org/gone"] == (False, "not found on the Hub (or private)")
    assert found["org/private"] == (False, "not found on the Hub (or private)")
    assert found["org/gated"] == (True, "")


def test_a_refused_base_card_is_a_read_that_failed_not_a_base_left_out(hub):
    """A card is public, a gated repository's too: a 403 for one is no fact about the base. Taken as one, it left the
    base's pre-training out of the grade and raised a fine-tune's (a review's find); now the check is incomplete."""
    from openlint.errors import HubIncomplete

    add(hub, "org/child", "org/refused")
    add(hub, "org/refused")
    hub.fail(r"^GET /org/refused/resolve/main/README.md$", *[Fault(403, {"X-Error-Code": "GatedRepo"})] * 4)
    with pytest.raises(HubIncomplete):
        lineage("org/child")
    assert dict((repo, has_card) for repo, _, has_card, _ in lineage("org/child", partial=True))["org/refused"] is False


def test_a_base_without_a_card_is_a_base_that_says_nothing(hub):
    """The repository exists, its README.md does not (404 EntryNotFound): its pre-training is undisclosed, not
    unknown (a review's find: taken as missing, it left the base's pre-training out of the grade)."""
    add(hub, "org/child", "org/bare")
    add(hub, "org/bare")
    hub.fail(r"^GET /org/bare/resolve/main/README.md$", Fault(404, {"X-Error-Code": "EntryNotFound"}))
    assert dict((repo, (has_card, reason)) for repo, _, has_card, reason in lineage("org/child"))["org/bare"] == (True, "")


def test_lineage_is_the_same_offline(hub):
    add(hub, "org/c", "org/b")
    add(hub, "org/b", "org/a")
    add(hub, "org/a")
    online = lineage("org/c")
    requests = len(hub.log)
    assert lineage("org/c", offline=True) == online and len(hub.log) == requests
    assert online == [("org/b", 1, True, ""), ("org/a", 2, True, "")]


def test_lineage_requests_count_in_the_budget(hub, monkeypatch):
    from openlint.errors import HubIncomplete

    for i in range(4):
        add(hub, f"org/m{i}", f"org/m{i + 1}")
    add(hub, "org/m4")
    monkeypatch.setattr(limits, "HUB_CHECK_REQUESTS", 4)  # the metadata, the README, the first hop's card, one more
    try:
        lineage("org/m0")
    except HubIncomplete as exc:
        assert "more than 4 requests" in str(exc)
    else:
        raise AssertionError("the budget did not count the lineage's requests")


def test_a_base_model_that_does_not_exist_is_a_dead_pointer_and_releases_nothing(run, hub):
    add(hub, "custom/ft", "nobody/unknown-base")
    report = run("check", "custom/ft", "-f", "json").json()
    dead = [f for f in report["findings"] if f["code"] == "OLC008"]
    assert [f["message"] for f in dead] == ["Base model nobody/unknown-base does not exist on the Hub (or is private): the component it "
                                            "points to is graded as described, not released."]
    found = {c["id"]: c for c in report["components"]}
    for cid in ("training.code.pretraining", "training.data.pretraining"):
        assert (found[cid]["status"], found[cid]["level"]) == ("described", 1) and "does not exist on the Hub" in found[cid]["note"]
    assert report["complete"] is True


def test_an_adapter_configs_base_is_the_first_hop(hub):
    config = b'{"peft_type": "LORA", "base_model_name_or_path": "org/base"}'
    hub.add_model(Repo("org/lora", "1" * 40, files={"README.md": b"---\nlicense: mit\n---\n# a LoRA\n", "adapter_config.json": config,
                                                   "adapter_model.safetensors": b"x" * 16}, card_data={"license": "mit"}))
    add(hub, "org/base")
    assert lineage("org/lora") == [("org/base", 1, True, "")]


def test_id_lists_are_read_only_as_far_as_their_limits(monkeypatch):
    """A card (or the Hub's cardData) may list 100 000 ids: each list is read up to its limit, with constant-time
    de-duplication, never id against id (a quadratic scan took minutes)."""
    from openlint import assemble as assembly

    calls = []

    def counting(value, **options):
        calls.append(value)
        return True

    monkeypatch.setattr(assembly, "is_repo_id", counting)
    ids = [f"org/m{i}" for i in range(100_000)]
    assert assembly.base_models(["org/m0"] * 1000 + ids) == ids[: limits.MAX_BASES]
    assert len(calls) <= 1000 + limits.MAX_BASES
    calls.clear()
    lookups = assembly._metadata_lookups({"datasets": ids, "base_model": ids})
    assert len(lookups) == limits.MAX_LINKED and len(calls) == limits.MAX_LINKED


def test_a_disabled_base_is_an_answer_as_a_missing_one_is(hub):
    """A taken-down base answers 403 "disabled": an answer about it, not a read that failed (a review's find: since
    refusals became failed reads it left every check of its fine-tunes incomplete)."""
    add(hub, "org/child", "org/down")
    add(hub, "org/down")
    hub.fail(r"^GET /org/down/resolve/main/README.md$", *[Fault(403, {"X-Error-Message": "Access to this resource is disabled."})] * 4)
    assert dict((repo, (has_card, reason)) for repo, _, has_card, reason in lineage("org/child"))["org/down"] == (False, "disabled on the Hub")
