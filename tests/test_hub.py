"""Hub repositories, read by the real huggingface_hub client from a fake Hub on 127.0.0.1."""

from __future__ import annotations


import pytest

from conftest import EXAMPLE, by_code, corpus_repo
from fakehub import Fault, Repo, VirtualFile

BERT = "google-bert/bert-base-uncased"
BERT_SHA = "86b5e0934494bd15c9632b12f734a8a67f723594"


@pytest.fixture
def bert(hub):
    hub.add_model(corpus_repo("google-bert__bert-base-uncased", BERT, sha=BERT_SHA))
    hub.add_dataset(Repo("bookcorpus/bookcorpus", "1" * 40, card_data={"license": "unknown"}))
    hub.add_dataset(Repo("legacy-datasets/wikipedia", "2" * 40, card_data={"license": "cc-by-sa-3.0"}, tags=["license:cc-by-sa-3.0"]))
    hub.redirects["wikipedia"] = "legacy-datasets/wikipedia"
    hub.add_dataset(Repo("bookcorpus", "3" * 40, card_data={"license": "unknown"}))
    return hub


def levels(report: dict) -> dict[str, str]:
    return {c["id"]: c["label"] for c in report["components"]}


def test_hub_repository_is_graded_without_reading_weight_bodies(run, bert):
    result = run("check", BERT, "-f", "json")
    assert result.code in (0, 1), result.err
    report = result.json()
    assert report["release"]["source"] == "hub" and report["release"]["revision"] == BERT_SHA
    weights = {w["path"]: w for w in report["weights"]}
    assert weights["model.safetensors"]["safety"] == "safe" and weights["model.safetensors"]["parameters"] > 100_000_000
    assert weights["pytorch_model.bin"]["safety"] == "unchecked"
    licence = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert licence["licence"] == "apache-2.0"
    linked = {l["repo_id"]: l for l in report["release"]["hub"]["linked"]}
    assert linked["wikipedia"]["licence"] == "cc-by-sa-3.0"  # the renamed repository's redirect was followed
    # no request ever reads a weight file's body: safetensors only by Range, other weights never
    for request in bert.requests(pattern=r"/resolve/"):
        path = request["path"]
        if path.endswith(".safetensors"):
            assert request["range"] and request["range"].startswith(("bytes=0-", "bytes=8-"))
        assert not path.endswith((".bin", ".h5", ".msgpack", ".onnx", ".ot", ".mlmodel"))


def test_request_budget_and_warm_cache(run, bert):
    assert run("check", BERT, "-f", "json").code in (0, 1)
    info = [r for r in bert.requests(pattern=r"^/api/models/") if BERT in r["path"]]
    assert len(info) == 1
    resolved = bert.requests(pattern=r"/resolve/")
    assert not bert.requests("HEAD"), "one GET per file, no HEAD first"
    small = [r for r in resolved if not r["range"]]
    # (tokenizer_config.json: its auto_map may name another repository's code, so it is read with the first batch)
    assert sorted(r["path"].rsplit("/", 1)[1] for r in small) == ["LICENSE", "README.md", "config.json", "tokenizer_config.json"]
    assert [r["range"] for r in resolved if r["range"]] == ["bytes=0-99999"]  # the one safetensors header fits the probe
    before = len(bert.log)
    assert run("check", BERT, "-f", "json").code in (0, 1)
    second = bert.log[before:]
    assert not [r for r in second if "/resolve/" in r["path"]], "unchanged files are served from the cache"
    assert len([r for r in second if r["path"].startswith("/api/models/")]) == 1


def test_url_and_revision_forms(run, bert):
    bert.models[BERT].revisions["v1.0"] = BERT_SHA
    by_url = run("check", f"https://huggingface.co/{BERT}/tree/v1.0", "-f", "json")
    assert by_url.code in (0, 1) and by_url.json()["release"]["requested_revision"] == "v1.0"
    by_option = run("check", BERT, "--revision", "v1.0", "-f", "json").json()
    assert levels(by_option) == levels(by_url.json())
    missing = run("check", BERT, "--revision", "nope")
    assert missing.code == 2 and "revision 'nope' not found" in missing.err and missing.err.count("\n") == 1


def test_local_clone_and_hub_repository_give_the_same_levels(run, hub, tmp_path):
    files = {p.relative_to(EXAMPLE).as_posix(): p.read_bytes() for p in EXAMPLE.rglob("*") if p.is_file()}
    hub.add_model(Repo("examples/open-release", "4" * 40, files=files, card_data={"license": "apache-2.0"}))
    hub.add_dataset(Repo("openlint-examples/tiny-stories-pretraining", "5" * 40, card_data={"license": "cc-by-4.0"}))
    remote = run("check", "examples/open-release", "-f", "json").json()
    local = run("check", str(EXAMPLE), "-f", "json").json()
    assert levels(remote) == levels(local)
    assert remote["grade"] == local["grade"]


def test_bert_hub_and_local_agree_except_where_the_hub_adds_dataset_licences(run, bert, tmp_path):
    from conftest import corpus_release, CORPUS

    remote = levels(run("check", BERT, "-f", "json").json())
    local = levels(run("check", str(corpus_release(CORPUS / "cards" / "google-bert__bert-base-uncased", tmp_path / "bert-base-uncased")), "-f", "json").json())
    differing = {k for k in remote if remote[k] != local[k]}
    assert differing <= {"training.data.pretraining", "deployment.data.weights"}


def test_gated_repository_without_token_is_graded_from_public_files_and_metadata(run, hub):
    hub.add_model(corpus_repo("meta-llama__Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", gated="manual"))
    result = run("check", "meta-llama/Llama-2-7b-hf", "-f", "json")
    assert result.code in (0, 1), result.err
    report = result.json()
    assert report["complete"] is True and report["release"]["hub"]["gated"] == "manual"
    # the card and the licence files are public, as on the real Hub: read and graded as they are
    unreadable = report["release"]["hub"]["unreadable_files"]
    assert "README.md" not in unreadable and "LICENSE.txt" not in unreadable and "USE_POLICY.md" not in unreadable
    assert "config.json" in unreadable and "model-00001-of-00002.safetensors (header)" in unreadable
    assert report["release"]["card"] == "README.md"
    weights = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert weights["licence"] == "llama2" and weights["label"] != "D1"
    assert not any(f["code"] == "OLL001" for f in report["findings"]), "the licence file was read: no 'no licence' error"
    note = next(f for f in report["findings"] if f["code"] == "OLH001")
    assert "gated (manual)" in note["message"] and "weight headers were not inspected" in note["message"] and "--token" in note["message"]
    files = {w["path"]: w for w in report["weights"]}
    assert set(files) >= {"model-00001-of-00002.safetensors", "pytorch_model-00001-of-00002.bin"}
    assert "gated" in files["model-00001-of-00002.safetensors"]["detail"] and files["model-00001-of-00002.safetensors"]["size"] > 1e9


def test_token_is_used_but_never_printed(run, hub):
    secret = "hf_SuperSecretToken1234567890"
    hub.add_model(corpus_repo("meta-llama__Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", gated="manual"))
    ok = run("check", "meta-llama/Llama-2-7b-hf", "--token", secret, "-f", "json")
    assert ok.code in (0, 1) and not ok.json()["release"]["hub"]["unreadable_files"]
    assert any(r["authorization"] == f"Bearer {secret}" for r in hub.log)
    hub.fail(r"^GET /api/models/", Fault(403, {"X-Error-Message": f"token {secret} rejected"}))
    denied = run("check", "meta-llama/Llama-2-7b-hf", "--token", secret)
    assert denied.code == 2
    for text in (ok.out, ok.err, denied.out, denied.err):
        assert secret not in text


@pytest.mark.parametrize("fault, fragment", [
    (Fault(401, {"X-Error-Code": "RepoNotFound"}), "repository not found"),
    (Fault(403), "access denied (403)"),
    (Fault(200, {"Content-Type": "application/json"}, b'{"id": "x", "sha": '), "invalid response"),
])
def test_faults_are_one_line_errors(run, bert, fault, fragment):
    bert.fail(r"^GET /api/models/google-bert", fault)
    result = run("check", BERT)
    assert result.code == 2 and fragment in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_missing_repository(run, hub):
    result = run("check", "nobody/nothing")
    assert result.code == 2 and result.err.startswith("openlint: error: nobody/nothing: ") and "repository not found" in result.err


def test_rate_limits_and_server_errors_are_retried_then_given_up(run, bert):
    bert.fail(r"^GET /api/models/google-bert", Fault(429, {"Retry-After": "0"}), Fault(503))
    assert run("check", BERT, "-f", "json").code in (0, 1)
    assert len(bert.requests("GET", r"^/api/models/google-bert")) == 3
    bert.fail(r"^GET /api/models/google-bert", *[Fault(502) for _ in range(4)])
    failed = run("check", BERT)
    assert failed.code == 2 and "502" in failed.err and "gave up after 3 retries" in failed.err


def test_a_stalled_server_times_out(run, bert):
    bert.fail(r"^GET /api/models/google-bert", *[Fault(200, stall=2) for _ in range(4)])
    result = run("check", BERT, "--timeout", "0.5")
    assert result.code == 2 and "did not answer within 0.5 s" in result.err and "gave up after 3 retries" in result.err


def test_offline_with_an_empty_cache_is_a_clear_error(run, bert, monkeypatch):
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    result = run("check", BERT)
    assert result.code == 2 and "offline" in result.err and "cache" in result.err
    assert not bert.log


def test_a_dangerous_file_flagged_by_the_hub_scan_is_an_error(run, hub):
    repo = hub.add_model(Repo("someone/model", "6" * 40, files={"README.md": b"---\nlicense: mit\n---\n# m\n", "pytorch_model.bin": VirtualFile(b"", 1000)},
                              card_data={"license": "mit"}, security={"scansDone": True, "filesWithIssues": [{"path": "pytorch_model.bin", "level": "danger"}]}))
    report = run("check", repo.id, "-f", "json").json()
    assert any(f["code"] == "OLW003" and "Hub's security scan" in f["message"] for f in report["findings"])


def test_invalid_remote_safetensors_header_is_reported(run, hub):
    bad = VirtualFile(b"\x10\x00\x00\x00\x00\x00\x00\x00" + b'{"a": 1}        ', 5000)
    hub.add_model(Repo("someone/broken", "7" * 40, files={"README.md": b"---\nlicense: mit\n---\n# m\n", "model.safetensors": bad}, card_data={"license": "mit"}))
    report = run("check", "someone/broken", "-f", "json").json()
    assert any(f["code"] == "OLW005" for f in report["findings"])


def test_a_renamed_model_repository_is_followed(run, bert):
    bert.redirects["bert-base-uncased"] = BERT
    result = run("check", "https://huggingface.co/bert-base-uncased", "-f", "json")
    assert result.code in (0, 1), result.err
    assert result.json()["release"]["hub"]["repo_id"] == BERT


def test_gated_repository_and_gated_datasets_are_semi_open(run, hub):
    from weightgen import safetensors_bytes

    head, data = safetensors_bytes({"w": ("F32", [4])})
    card = b"---\nlicense: apache-2.0\ndatasets:\n  - org/gated-data\n---\n# gated\n"
    hub.add_model(Repo("org/gated-bert", "9" * 40, files={"README.md": card, "model.safetensors": head + bytes(data)},
                       card_data={"license": "apache-2.0", "datasets": ["org/gated-data"]}, gated="auto"))
    hub.add_dataset(Repo("org/gated-data", "8" * 40, card_data={"license": "cc-by-4.0"}, gated="manual"))
    report = run("check", "org/gated-bert", "--token", "hf_x", "-f", "json").json()
    found = {c["id"]: c for c in report["components"]}
    assert found["deployment.data.weights"]["label"] == "D4"  # apache-2.0, but gated
    assert found["training.data.pretraining"]["label"] == "D4"  # cc-by-4.0, but gated


def test_offline_after_an_online_check_uses_the_cache(run, bert, monkeypatch):
    import huggingface_hub.constants as constants

    online = run("check", BERT, "-f", "json").json()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    before = len(bert.log)
    result = run("check", BERT, "-f", "json")
    assert result.code in (0, 1), result.err
    offline = result.json()
    assert len(bert.log) == before  # no request at all
    assert offline["release"]["revision"] == BERT_SHA
    assert offline == online


def test_gated_repository_with_a_token_is_read_as_a_public_one(run, hub, tmp_path, monkeypatch):
    repo = hub.add_model(corpus_repo("meta-llama__Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf"))
    public = run("check", "meta-llama/Llama-2-7b-hf", "-f", "json").json()
    repo.gated = "manual"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-cache"))  # read again, now with the token
    gated = run("check", "meta-llama/Llama-2-7b-hf", "--token", "hf_accepted_the_terms_123", "-f", "json").json()
    assert any(r["authorization"] and "/resolve/" in r["path"] and r["range"] for r in hub.log)
    assert gated["release"]["hub"]["unreadable_files"] == [] and not any(f["code"] == "OLH001" for f in gated["findings"])
    assert [(w["path"], w["safety"], w["parameters"]) for w in gated["weights"]] == \
        [(w["path"], w["safety"], w["parameters"]) for w in public["weights"]]
    assert any(w["safety"] == "safe" and w["parameters"] for w in gated["weights"])  # headers read
    differing = {cid for cid, label in levels(gated).items() if levels(public)[cid] != label}
    assert differing <= {"deployment.data.weights"}  # gated: semi-open at most, whatever the licence


def test_a_tokenizer_config_is_read_with_the_first_batch_and_its_foreign_code_is_a_finding(run, hub):
    card = '---\nlicense: llama2\n---\n# m\n\n```python\nm = AutoModelForCausalLM.from_pretrained("org/m", trust_remote_code=True)\n```\n'
    config = b'{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}'
    elsewhere = b'{"auto_map": {"AutoTokenizer": ["org/base--tokenization_x.XTokenizer", null]}}'
    hub.add_model(Repo("org/flagged", "6" * 40, files={"README.md": card.encode(), "config.json": config, "tokenizer_config.json": elsewhere}))
    hub.add_model(Repo("org/quiet", "9" * 40, files={"README.md": b"---\nlicense: mit\n---\n# m\n", "config.json": config,
                                                    "tokenizer_config.json": elsewhere}))
    hub.add_model(Repo("org/plain", "7" * 40, files={"README.md": b"---\nlicense: mit\n---\n# m\n", "config.json": config,
                                                    "tokenizer_config.json": b"{}"}))
    flagged = run("check", "org/flagged", "-f", "json").json()
    # the tokenizer's code comes from another repository: the flag is needed, the release's licence bounds the path
    assert not any(f["code"] == "OLI003" for f in flagged["findings"])
    assert levels(flagged)["deployment.code.inference"] == "C3"
    # AutoTokenizer fetches that code whatever the card says: a finding, at the file that names it
    for report in (flagged, run("check", "org/quiet", "-f", "json").json()):
        (found,) = [f for f in report["findings"] if f["code"] == "OLW009"]
        assert found["file"] == "tokenizer_config.json" and "org/base" in found["message"]
    plain = run("check", "org/plain", "-f", "json").json()
    assert not any(f["code"] == "OLW009" for f in plain["findings"])
    # one round trip: read with the card and config.json, never on its own
    for repo in ("flagged", "quiet", "plain"):
        (read,) = hub.requests(pattern=rf"/org/{repo}/resolve/[0-9a-f]+/tokenizer_config\.json")
        batch = [r for r in hub.requests(pattern=rf"/org/{repo}/resolve/") if not r["range"]]
        assert {r["path"].rsplit("/", 1)[1] for r in batch} >= {"README.md", "config.json", "tokenizer_config.json"}
    # a read that fails is not graded around
    hub.add_model(Repo("org/failing", "8" * 40, files={"README.md": card.encode(), "config.json": config, "tokenizer_config.json": elsewhere}))
    hub.fail(r"/org/failing/resolve/[0-9a-f]+/tokenizer_config\.json", *[Fault(503) for _ in range(8)])
    failing = run("check", "org/failing")
    assert failing.code == 2 and "tokenizer_config.json" in failing.err


def test_a_pipeline_components_config_is_read_from_the_hub_with_the_first_batch(run, hub):
    index = b'{"_class_name": "MyPipeline", "transformer": ["diffusers", "AutoModel"]}'
    named = b'{"auto_map": {"AutoModel": "org/elsewhere--my_model.MyModel"}}'
    hub.add_model(Repo("org/pipeline", "6" * 40, files={"README.md": b"---\nlicense: mit\n---\n# p\n", "model_index.json": index,
                                                      "transformer/config.json": named}))
    report = run("check", "org/pipeline", "-f", "json").json()
    (found,) = [f for f in report["findings"] if f["code"] == "OLW009"]
    assert found["file"] == "transformer/config.json" and "org/elsewhere" in found["message"]
    batch = {r["path"].split("/resolve/", 1)[1].split("/", 1)[1] for r in hub.requests(pattern=r"/org/pipeline/resolve/") if not r["range"]}
    assert batch >= {"README.md", "model_index.json", "transformer/config.json"}


def _gguf_with_vocabulary(licence: str, tokens: int) -> bytes:
    """A GGUF header as llama.cpp writes one: general.* keys first, then a vocabulary that runs past the Hub probe."""
    import struct

    def string(text: str) -> bytes:
        raw = text.encode()
        return struct.pack("<Q", len(raw)) + raw

    kv = string("general.architecture") + struct.pack("<I", 8) + string("llama")
    kv += string("general.license") + struct.pack("<I", 8) + string(licence)
    kv += string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, tokens) + b"".join(string(f"token{i}") for i in range(tokens))
    tensor = string("t0") + struct.pack("<I", 2) + struct.pack("<QQ", 4, 8) + struct.pack("<IQ", 0, 0)
    return b"GGUF" + struct.pack("<IQQ", 3, 1, 3) + kv + tensor + bytes(128)


@pytest.mark.parametrize("name, content", [
    ("garbage", b"<html>not found</html>" * 50),
    ("counts beyond the file", b"GGUF" + __import__("struct").pack("<IQQ", 3, 10**9, 1) + bytes(4000)),
    ("valid, header past the probe", _gguf_with_vocabulary("apache-2.0", 20_000)),
    ("invalid past the probe", _gguf_with_vocabulary("apache-2.0", 20_000).replace(b"GGUF" + __import__("struct").pack("<IQQ", 3, 1, 3),
                                                                                   b"GGUF" + __import__("struct").pack("<IQQ", 3, 1, 4), 1)),
    ("empty", b""),
])
def test_a_gguf_file_is_judged_from_its_start_on_the_hub(run, hub, tmp_path, name, content):
    card = b"---\nlicense: mit\n---\n# m\n"
    repo = hub.add_model(Repo("someone/quant", "5" * 40, files={"README.md": card, "m.Q4_K_M.gguf": content}, card_data={"license": "mit"}))
    folder = tmp_path / "quant"
    folder.mkdir()
    (folder / "README.md").write_bytes(card)
    (folder / "m.Q4_K_M.gguf").write_bytes(content)
    remote, local = run("check", repo.id, "-f", "json").json(), run("check", str(folder), "-f", "json").json()

    def judged(report: dict) -> tuple:
        weight = next(w for w in report["weights"] if w["path"] == "m.Q4_K_M.gguf")
        component = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
        return (weight["safety"], weight["metadata"].get("general.license"), component["label"], component["licence"],
                sorted(f["code"] for f in report["findings"] if f.get("file") == "m.Q4_K_M.gguf"))

    if name.startswith(("garbage", "counts")):  # what the file's start shows is judged alike
        assert judged(remote) == judged(local) and judged(local)[0] == "invalid", (judged(remote), judged(local))
    else:
        # the rest of a real header (its vocabulary) is not fetched, nor a file listed with size 0 (empty, or of
        # unknown size): unchecked on the Hub, never called safe, as before GGUF starts were read
        assert judged(remote)[0] == "unchecked" and judged(local)[0] == ("safe" if name.startswith("valid") else "invalid")
    if name.startswith("valid"):
        assert judged(remote)[1:] == judged(local)[1:]  # the general.* keys were read (general.license)
    ranges = [r["range"] for r in hub.requests(pattern=r"\.gguf$")]
    assert ranges == (["bytes=0-32767"] if len(content) > 32_768 else [f"bytes=0-{len(content) - 1}"] if content else []), ranges


def test_a_pickle_a_loader_would_run_is_unverified_on_the_hub(run, hub):
    """A Hub check reads no weight file's body: a pickle with no safetensors file beside it was never scanned, and the
    Hub's own scan (a list of known-bad imports, and the server's word) is no pass."""
    from weightgen import global_pickle, safetensors_bytes, torch_zip

    pickle = torch_zip(global_pickle("os", "system"))
    card = b"---\nlicense: mit\n---\n# m\n"
    hub.add_model(Repo("org/pickled", "4" * 40, files={"README.md": card, "pytorch_model.bin": pickle}, card_data={"license": "mit"},
                       security={"scansDone": True, "filesWithIssues": []}))
    result = run("check", "org/pickled", "-f", "json")
    assert result.code == 1 and [f["file"] for f in by_code(result.json())["OLW011"]] == ["pytorch_model.bin"]
    head, data = safetensors_bytes({"w": ("F32", [4])})
    hub.add_model(Repo("org/both", "3" * 40, files={"README.md": card, "pytorch_model.bin": pickle, "model.safetensors": head + bytes(data)},
                       card_data={"license": "mit"}))
    assert "OLW011" not in by_code(run("check", "org/both", "-f", "json").json())  # loaders take the safetensors file
    # ... but only the one a loader takes instead: Transformers still loads pytorch_model.bin beside other safetensors
    for sha, files, unverified in [("2", {"pytorch_model.bin": pickle, "training_extras.safetensors": head + bytes(data)}, ["pytorch_model.bin"]),
                                   ("1", {"unet/diffusion_pytorch_model.bin": pickle, "unet/diffusion_pytorch_model.fp16.safetensors": head + bytes(data)},
                                    ["unet/diffusion_pytorch_model.bin"]),
                                   ("0", {"unet/diffusion_pytorch_model.bin": pickle, "unet/diffusion_pytorch_model.safetensors": head + bytes(data)}, []),
                                   # a lone shard is not what Transformers looks for; .pt, .pkl loaders never look for safetensors
                                   ("5", {"pytorch_model.bin": pickle, "model-00001-of-00001.safetensors": head + bytes(data)}, ["pytorch_model.bin"]),
                                   ("6", {"optimizer.pt": pickle, "optimizer.safetensors": head + bytes(data)}, ["optimizer.pt"]),
                                   ("7", {"model.pkl": pickle, "model.safetensors": head + bytes(data)}, ["model.pkl"]),
                                   ("8", {"text_encoder/pytorch_model.fp16.bin": pickle, "text_encoder/model.fp16.safetensors": head + bytes(data)}, []),
                                   ("9", {"open_clip_pytorch_model.bin": pickle, "open_clip_model.safetensors": head + bytes(data)}, [])]:
        hub.add_model(Repo(f"org/case{sha}", sha * 40, files={"README.md": card, **files}, card_data={"license": "mit"}))
        found = by_code(run("check", f"org/case{sha}", "-f", "json").json()).get("OLW011", [])
        assert [f["file"] for f in found] == unverified, (files, found)
