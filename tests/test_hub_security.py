"""A hostile Hub (issue 11, items 11-13): server data never builds a path, no answer is unbounded, an invalid id in a
card is a finding, and a token a server echoes back is printed nowhere."""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
from pathlib import Path

import pytest

from conftest import by_code, report_of
from fakehub import Fault, Repo, VirtualFile
from weightgen import safetensors_bytes

CARD = b"---\nlicense: mit\n---\n# A model\n\nTrained on public data.\n"
SHA = "a" * 40
HEX_NAME = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64}(?:\.json|\.bin)?|refs|headers|hub|v3|openlint|bundled\.json)$")
# openlint's own data cache beside the Hub cache (parsed rules, derived patterns): names from its own modules, written
# only by the first check of a process, so whether a test sees them depends on the test order
OWN_DATA = re.compile(r"^(?:(?:bundled|derived-[\w.-]+)-[0-9a-f]{8,16}\.json|installations\.json)$")


def cache_names(root) -> list[str]:
    """Every name under the cache that is neither a digest nor a validated id, openlint's own data files aside."""
    own = root / "openlint"
    return sorted(p.name for p in root.rglob("*") if not HEX_NAME.match(p.name) and not (p.parent == own and OWN_DATA.match(p.name)))


def model(hub, repo_id: str = "org/model", **fields) -> Repo:
    head, data = safetensors_bytes({"w": ("F32", [4])})
    files = {"README.md": CARD, "model.safetensors": head + bytes(data), "config.json": b'{"model_type": "llama"}'}
    return hub.add_model(Repo(repo_id, SHA, files={**files, **fields.pop("files", {})}, card_data={"license": "mit"}, **fields))


def written_outside(root: Path, allowed: list[Path]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not any(a in p.parents for a in allowed)]


# -- item 11: no path from server data ------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile, fragment", [
    ({"sha": "../../../../../tmp/openlint-evil"}, "commit id is not 40 hexadecimal digits"),
    ({"sha": "g" * 40}, "commit id is not 40 hexadecimal digits"),
    ({"sha": "A" * 40}, "commit id is not 40 hexadecimal digits"),
    ({"id": "../../escape"}, "repository id is not a valid Hub id"),
    ({"siblings": [{"rfilename": "model.safetensors", "size": 100, "lfs": {"sha256": "../../../home/x", "size": 100}}]}, "LFS hash"),
    ({"siblings": [{"rfilename": "model.safetensors", "size": 100, "lfs": {"sha256": "0" * 63 + "/", "size": 100}}]}, "LFS hash"),
    ({"siblings": "not a list"}, "file list is not a list"),
    ({"siblings": [{"rfilename": ""}]}, "no valid name"),
])
def test_invalid_identifiers_from_the_server_are_refused_before_any_use(run, hub, tmp_path, hostile, fragment):
    model(hub, hostile=hostile)
    result = run("check", "org/model")
    assert result.code == 2 and "invalid response" in result.err and fragment in result.err
    assert result.err.count("\n") == 1
    assert not written_outside(tmp_path, [tmp_path / "xdg-cache"])
    assert not list((tmp_path / "xdg-cache").rglob("*evil*")) and not list(tmp_path.parent.rglob("openlint-evil"))


def test_hostile_etag_and_commit_headers_are_never_used_as_names(run, hub, tmp_path):
    model(hub, resolve_headers={"ETag": '"../../../../../tmp/evil-etag"', "X-Repo-Commit": "../../../evil-commit",
                                "X-Linked-Etag": '"../../x"', "Location": "/etc/passwd"})
    result = run("check", "org/model", "-f", "json")
    assert result.code in (0, 1), result.err
    assert result.json()["release"]["revision"] == SHA  # the commit is the validated one from the listing
    assert not written_outside(tmp_path, [tmp_path / "xdg-cache"])
    assert list((tmp_path / "xdg-cache").rglob("*")) and cache_names(tmp_path / "xdg-cache") == []


def test_cache_file_names_are_digests_and_validated_ids_only(run, hub, tmp_path):
    model(hub, files={"../../../escape.json": b"{}", "sub/../../LICENSE": b"MIT"})
    hub.add_dataset(Repo("org/data", "b" * 40, card_data={"license": "cc-by-4.0"}))
    assert run("check", "org/model", "-f", "json").code in (0, 1)
    assert list((tmp_path / "xdg-cache").rglob("*")) and cache_names(tmp_path / "xdg-cache") == []
    assert not written_outside(tmp_path, [tmp_path / "xdg-cache"])


# -- item 12: bounded answers ---------------------------------------------------------------------------------------

def test_a_range_request_answered_with_two_gigabytes_is_cut_at_the_range(run, hub):
    model(hub)
    hub.fail(r"^GET /org/model/resolve/.*/model\.safetensors$", Fault(200, body_size=2_000_000_000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = report_of(run, "org/model")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB on Linux
    assert grown < 300_000, f"memory grew by {grown} KiB"
    weight = next(w for w in report["weights"] if w["path"] == "model.safetensors")
    assert weight["safety"] == "invalid"  # the zeros it read are not a header: judged, not read whole
    assert len(hub.requests("GET", r"model\.safetensors$")) == 1


@pytest.mark.parametrize("fault, fragment", [
    (Fault(200, {"Content-Type": "application/json"}, body_size=200_000_000), "over openlint's limit"),
    (Fault(200, {"Content-Type": "application/json"}, body_size=40_000_000, no_length=True), "over openlint's limit"),
    (Fault(200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, gzip.compress(bytes(100_000_000))), "over openlint's limit"),
    (Fault(200, {"Content-Encoding": "br"}, b"{}"), "unsupported content encoding"),
    (Fault(200, header_lines=1_000, body=b"{}"), "more than 256 HTTP headers"),
    # a million empty objects under the byte limit: parsed, 10 million took 1.5 GB (a review's find)
    (Fault(200, body=b'{"id": "org/model", "cardData": [' + b",".join([b"{}"] * 1_000_000) + b"]}"), "more than 250000 JSON objects"),
])
def test_oversized_metadata_answers_are_clear_errors(run, hub, fault, fragment):
    model(hub)
    hub.fail(r"^GET /api/models/org/model$", fault)
    result = run("check", "org/model")
    assert result.code == 2 and fragment in result.err and result.err.count("\n") == 1


def test_oversized_http_headers_are_refused_by_the_http_layer(run, hub):
    model(hub)
    hub.fail(r"^GET /api/models/org/model$", *[Fault(200, header_bytes=300_000, body=b"{}") for _ in range(4)])
    result = run("check", "org/model")
    assert result.code == 2 and "cut off or malformed" in result.err and "gave up after 3 retries" in result.err


def test_a_body_that_drips_is_abandoned(run, hub):
    model(hub)
    hub.fail(r"^GET /org/model/resolve/.*/README\.md$", *[Fault(200, body=b"x" * 1000, drip=0.05) for _ in range(4)])
    result = run("check", "org/model", "--timeout", "0.3")
    assert result.code == 2 and "README.md: the answer arrives too slowly" in result.err


def test_headers_that_drip_are_abandoned_at_the_timeout(run, hub):
    """The HTTP layer's timeouts are per read: a server sending its headers a byte at a time kept the check waiting
    past --timeout and the check's 300 s (a review's find). The headers must arrive within --timeout."""
    model(hub)
    hub.fail(r"^GET /org/model/resolve/.*/README\.md$", *[Fault(200, header_drip=4) for _ in range(4)])
    result = run("check", "org/model", "--timeout", "0.5")
    assert result.code == 2 and "did not send its answer's headers within 0.5 s" in result.err, result.err


def test_a_listing_over_twenty_thousand_files_is_refused(run, hub):
    files = {f"shard-{i:05d}.bin": VirtualFile(b"", 10) for i in range(20_001)}
    hub.add_model(Repo("org/huge", SHA, files=files))
    result = run("check", "org/huge")
    assert result.code == 2 and "lists 20001 files, more than openlint's limit of 20000" in result.err


def test_twenty_thousand_index_files_cost_a_bounded_number_of_requests(run, hub):
    files = {f"part-{i:05d}.safetensors.index.json": b'{"weight_map": {}}' for i in range(19_990)}
    hub.add_model(Repo("org/indexes", SHA, files={"README.md": CARD, **files}, card_data={"license": "mit"}))
    stopped = run("check", "org/indexes")
    assert stopped.code == 2 and "over openlint's limit of 32 shard indexes per check (and 19957 more)" in stopped.err
    report = run("check", "org/indexes", "--partial", "-f", "json").json()
    assert report["complete"] is False and len(report["missing"]) == 19_958
    assert len(hub.requests("GET", r"/resolve/")) <= 2 * 33


def test_the_check_as_a_whole_is_bounded(run, hub, monkeypatch):
    from openlint.release import limits

    model(hub)
    monkeypatch.setattr(limits, "HUB_CHECK_REQUESTS", 2)
    result = run("check", "org/model")
    assert result.code == 2 and "more than 2 requests (openlint's limit per check)" in result.err
    monkeypatch.setattr(limits, "HUB_CHECK_REQUESTS", 3_000)
    monkeypatch.setattr(limits, "HUB_CHECK_BYTES", 100)
    result = run("check", "org/model")
    assert result.code == 2 and "more than 0 MB (openlint's limit per check)" in result.err
    monkeypatch.setattr(limits, "HUB_CHECK_BYTES", 256_000_000)
    monkeypatch.setattr(limits, "HUB_CHECK_SECONDS", 0.0)
    result = run("check", "org/model")
    assert result.code == 2 and "took longer than 0 s" in result.err


def test_a_safetensors_header_over_the_remote_limit_is_a_finding(run, hub):
    head = (30_000_000).to_bytes(8, "little") + b"{"
    model(hub, files={"model.safetensors": VirtualFile(head, 40_000_000)})
    report = report_of(run, "org/model")
    assert report["complete"] is True
    found = by_code(report)
    assert any("more than openlint's limit" in f["message"] for f in found["OLW011"])  # unverified, as a local file
    assert [r["range"] for r in hub.requests("GET", r"model\.safetensors$")] == ["bytes=0-99999"]


# -- item 13: ids in the card, echoed tokens ------------------------------------------------------------------------

@pytest.mark.parametrize("datasets, invalid", [
    (["a--b"], ["a--b"]),
    (["org/ok", "has space", "../../etc/passwd"], ["has space", "/etc/passwd"]),  # (messages fold '..' into '.')
    (["x" * 200, "org/data.git", "ünï/code"], ["x" * 60, "org/data.git", "\\xfcn\\xef/code"]),
])
def test_an_invalid_dataset_id_is_a_finding_about_the_card(run, hub, release, datasets, invalid):
    meta = {"license": "mit", "datasets": datasets, "base_model": "not a model"}
    card = ("---\n" + json.dumps(meta) + "\n---\n# m\n").encode()
    hub.add_model(Repo("org/model", SHA, files={"README.md": card}, card_data=meta))
    report = report_of(run, "org/model")
    messages = [f["message"] for f in by_code(report)["OLH003"]]
    for name in invalid:
        assert any(name in m and "not a valid Hub dataset id" in m for m in messages), (name, messages)
    assert any("`base_model` names 'not a model'" in m for m in messages)
    assert not hub.requests(pattern=r"a--b|has space|passwd|not a model")  # never looked up
    local = report_of(run, release({"README.md": card}))
    assert sorted(f["message"] for f in by_code(local)["OLH003"]) == sorted(messages)


SECRET = "hf_EchoedBackSecret0123456789abcdef"


def _all_outputs(run, tmp_path, target: str, *args: str) -> list[str]:
    texts = []
    for fmt in ("text", "json", "sarif", "github", "markdown"):
        result = run("check", target, "-f", fmt, "-v", *args)
        texts += [result.out, result.err]
    written = tmp_path / "report.json"
    result = run("check", target, "-o", f"json:{written}", "-o", f"markdown:{tmp_path / 'report.md'}", *args)
    texts += [result.out, result.err, written.read_text(), (tmp_path / "report.md").read_text()]
    return texts


def test_a_token_echoed_into_a_card_is_printed_nowhere(run, hub, tmp_path):
    card = (b"---\nlicense: mit\ndatasets:\n- org/{{TOKEN}}\n---\n# m\n\n## Training data\n\nTrained on {{TOKEN}} "
            b"data released at https://huggingface.co/datasets/org/{{TOKEN}}.\n\n## Evaluation\n\nToken {{TOKEN}} again.\n")
    model(hub, files={"README.md": card, "LICENSE": b"MIT License {{TOKEN}}"})
    outputs = _all_outputs(run, tmp_path, "org/model", "--token", SECRET)
    assert any(r["authorization"] == f"Bearer {SECRET}" for r in hub.log)  # the server did get it, and echoed it
    for text in outputs:
        assert SECRET not in text
    assert any("*" * len(SECRET) in text for text in outputs)  # masked where it was quoted


def test_a_token_in_the_servers_metadata_or_errors_is_printed_nowhere(run, hub, tmp_path, monkeypatch):
    escaped = "".join(f"\\u{ord(c):04x}" for c in SECRET)  # JSON-escaped: decodes to the token
    info = ('{"id": "org/model", "sha": "' + SHA + '", "cardData": {"license": "mit", "model_name": "' + escaped + '"}, '
            '"tags": ["license:' + escaped + '"], "siblings": [{"rfilename": "README.md", "size": 10}, '
            '{"rfilename": "weights-' + SECRET + '.bin", "size": 10}]}')
    model(hub)
    monkeypatch.setenv("HF_TOKEN", SECRET)  # the implicit token: redacted as well
    for _ in range(6):
        hub.fail(r"^GET /api/models/org/model$", Fault(200, {"Content-Type": "application/json"}, info.encode()))
    outputs = _all_outputs(run, tmp_path, "org/model")
    for text in outputs:
        assert SECRET not in text
    hub.fail(r"^GET /api/models/org/model$", Fault(403, {"X-Error-Message": f"token {SECRET} rejected"}, f"bad {SECRET}".encode()))
    denied = run("check", "org/model")
    assert denied.code == 2 and "access denied (403)" in denied.err and SECRET not in denied.err


INVALID_HEADER = (20).to_bytes(8, "little") + b'{"w": not json!!!!!}'


def test_one_refusal_is_not_kept_as_a_fact_nor_taken_from_a_repository_that_is_not_gated(run, hub, tmp_path):
    """One 403 on a gated repository's weight header was recorded as a refusal for good: the file was "unchecked"
    instead of the invalid header it is, a better grade (D for E) on every later run. And a 401 GatedRepo from a
    repository whose listing says it is not gated was taken as a refusal too (a review's finds)."""
    head, data = safetensors_bytes({"w": ("F32", [4])})
    model(hub, gated="manual", files={"model.safetensors": VirtualFile(INVALID_HEADER, len(head) + data)})
    args = ("check", "org/model", "-f", "json", "--token", "hf_ThisIsMyTestToken1234567890abcd")
    hub.fail(r"^GET /org/model/resolve/.*/model\.safetensors$", Fault(403))
    refused = run(*args)
    assert {w["safety"] for w in refused.json()["weights"]} == {"unchecked"}  # gated, refused: said as such
    again = run(*args).json()  # the server healthy again: asked again, not served the refusal
    assert {w["safety"] for w in again["weights"]} == {"invalid"} and again["grade"]["grade"] > refused.json()["grade"]["grade"]
    # not gated: a 401 GatedRepo is a read that failed, not a fact about who may read
    hub.add_model(Repo("org/open", SHA, files={"README.md": CARD, "model.safetensors": VirtualFile(INVALID_HEADER, len(head) + data)},
                       card_data={"license": "mit"}))
    hub.fail(r"^GET /org/open/resolve/.*/model\.safetensors$", Fault(401, {"X-Error-Code": "GatedRepo"}))
    failed = run("check", "org/open", "-f", "json")
    assert failed.code == 2 and "not graded" in failed.err


def test_a_token_echoed_across_a_read_limit_is_masked_in_the_cache_too(run, hub, tmp_path):
    """Reads are cut at their limit before the token is masked: a token straddling the card's limit was kept in the
    cache but for its last character (a review's find). The start of a secret at the very end is masked too."""
    import base64

    cut = 1_000_000  # the card's read limit (release/limits.py CARD_BYTES), plus one byte to tell a longer card
    card = CARD + b"y" * (cut + 1 - len(CARD) - len(SECRET) + 1) + b"{{TOKEN}}\n"  # all but its last character read
    model(hub, files={"README.md": card})
    result = run("check", "org/model", "--token", SECRET, "-f", "json")
    assert result.code in (0, 1), result.err
    stored = b""
    for path in tmp_path.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            stored += raw
            try:
                stored += base64.b64decode(json.loads(raw).get("b64", ""))
            except (ValueError, AttributeError, UnicodeDecodeError):
                pass
    assert SECRET[:20].encode() not in stored


def test_a_header_read_from_one_endpoint_is_never_served_for_another(run, hub, monkeypatch):
    """Headers are cached by LFS hash; a hostile endpoint claimed an honest file's hash for a valid header of its
    own, and the honest repository's invalid header was then never read (grade E became C: a review's find)."""
    import huggingface_hub.constants as constants

    from fakehub import FakeHub

    head, data = safetensors_bytes({"w": ("F32", [4])})
    victim = model(hub, "org/victim", files={"model.safetensors": VirtualFile(INVALID_HEADER, len(head) + data)})
    claimed = victim.oid("model.safetensors")
    hostile = FakeHub().start()
    try:
        model(hostile, "x/bait", files={"model.safetensors": head + bytes(data)},
              hostile={"siblings": [{"rfilename": "model.safetensors", "size": len(head) + data,
                                     "lfs": {"sha256": claimed, "size": len(head) + data}},
                                    {"rfilename": "README.md", "size": len(CARD)}]})
        with monkeypatch.context() as patch:
            patch.setattr(constants, "ENDPOINT", hostile.endpoint)
            patch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", hostile.endpoint + "/{repo_id}/resolve/{revision}/{filename}")
            assert run("check", "x/bait", "-f", "json").code in (0, 1)
    finally:
        hostile.stop()
    report = run("check", "org/victim", "-f", "json").json()
    assert {w["safety"] for w in report["weights"]} == {"invalid"}


def test_offline_a_private_repository_is_shown_only_to_the_token_that_read_it(run, hub):
    """Online without a token a private repository is "not found"; offline, a cache warmed with a token gave the whole
    report to anyone (a review's find)."""
    model(hub, private=True)
    token = ("--token", "hf_PrivateReaderToken0123456789abcd")
    assert run("check", "org/model", *token).code in (0, 1)
    assert run("check", "org/model", "--offline", *token).code in (0, 1)  # the same viewer: reproduced
    anonymous = run("check", "org/model", "--offline")
    assert anonymous.code == 2 and "run the check once online" in anonymous.err
