"""Weight files judged from their headers: safetensors, shard indexes, pickles (measured against picklescan),
GGUF, other formats, and hostile input. Nothing here is ever loaded or unpickled."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import struct
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from conftest import WEIGHTS, by_code, report_of
from picklescan.scanner import scan_file_path

from openlint.readers import gguf, pickles, safetensors
from openlint.readers.weights import classify_global
from weightgen import (Reduce, benign_torch_pickle, global_pickle, gguf_bytes, legacy_torch, memo_stack_global, safetensors_bytes,
                       torch_zip, write_safetensors, write_sharded)

CARD = "---\nlicense: apache-2.0\n---\n# m\n"
SAFE = (lambda header: header[0] + b"\x00" * header[1])(safetensors_bytes({"w": ("F32", [2])}))  # a valid safetensors file




# -- safetensors -----------------------------------------------------------------------------------------------

def test_valid_safetensors_reports_parameters_and_dtypes(run, release):
    folder = release({"README.md": CARD})
    write_safetensors(folder / "model.safetensors", {"a": ("F32", [2, 3]), "b": ("F16", [4])}, metadata={"format": "pt"})
    report = report_of(run, folder)
    (weight,) = report["weights"]
    assert weight["safety"] == "safe" and weight["parameters"] == 10
    assert weight["dtypes"] == {"F32": 6, "F16": 4}
    assert "OLW005" not in by_code(report)


def _raw_header(header: dict, data: int, pad: bytes = b"") -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + bytes(data) + pad


@pytest.mark.parametrize("content, fragment", [
    (b"\x01\x02", "header too small"),
    (struct.pack("<Q", 100_000_001) + b"{}", "header too large"),
    (struct.pack("<Q", 100_000_000) + b"{" + b" " * 1000, "invalid header length"),
    (struct.pack("<Q", 4) + b"[1]\n", "does not start with '{'"),
    (struct.pack("<Q", 2) + b"\xff\xfe", "not UTF-8"),
    (_raw_header({"a": {"dtype": "F99", "shape": [1], "data_offsets": [0, 4]}}, 4), "unknown dtype"),
    (_raw_header({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, 4), "invalid shape, data type, or offset"),
    (_raw_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}}, 6), "overlaps"),
    (_raw_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, 8), "gap"),
    (_raw_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, 4, pad=b"trailing"), "not fully covered"),
    (_raw_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, 2), "truncated"),
    (_raw_header({"__metadata__": {"k": 1}}, 0), "__metadata__"),
])
def test_invalid_safetensors_are_errors_naming_the_violation(run, release, content, fragment):
    folder = release({"README.md": CARD, "model.safetensors": content})
    found = by_code(report_of(run, folder))
    assert fragment in found["OLW005"][0]["message"]


def test_duplicate_keys_are_rejected():
    raw = b'{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}'
    with pytest.raises(safetensors.HeaderError, match="duplicate"):
        safetensors.parse_header(raw, 8 + len(raw) + 1)


def test_sharded_checkpoint_consistency(run, release):
    folder = release({"README.md": CARD})
    write_sharded(folder, shards=3, tensors_per_shard=2, shape=[4, 4], sparse=False)
    assert not {"OLW006"} & set(by_code(report_of(run, folder)))
    # a missing shard, a tensor mapped to the wrong shard, and a wrong total_size
    (folder / "model-00002-of-00003.safetensors").unlink()
    index = json.loads((folder / "model.safetensors.index.json").read_text())
    index["weight_map"]["layer.1.0.weight"] = "model-00003-of-00003.safetensors"
    index["metadata"]["total_size"] += 1
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    messages = [f["message"] for f in by_code(report_of(run, folder))["OLW006"]]
    assert any("model-00002-of-00003.safetensors, which is not in the release" in m for m in messages)
    assert any("model-00003-of-00003.safetensors" in m and "absent from its header" in m for m in messages)


def test_a_shard_the_index_maps_under_a_name_openlint_does_not_scan_is_unverified(run, release):
    """transformers torch.loads every file a .bin index maps: 'pytorch_model-b.dat' is read as weights, unscanned."""
    import pickle
    from collections import OrderedDict

    folder = release({"README.md": CARD})
    (folder / "pytorch_model-a.bin").write_bytes(pickle.dumps(OrderedDict(a=1), protocol=2))
    (folder / "pytorch_model-b.dat").write_bytes(b"\x80\x02cos\nsystem\nX\x01\x00\x00\x00x\x85R.")
    (folder / "pytorch_model.bin.index.json").write_text(json.dumps(
        {"metadata": {"total_size": 4}, "weight_map": {"a": "pytorch_model-a.bin", "b": "pytorch_model-b.dat"}}))
    result = run("check", str(folder), "-f", "json")
    assert result.code == 1 and {f["file"] for f in by_code(result.json())["OLW011"]} == {"pytorch_model-b.dat"}


def test_a_shard_mapped_under_a_name_judged_safe_by_name_is_unverified(run, release):
    """transformers torch.loads a shard not named .safetensors whatever its name: model.onnx too."""
    from weightgen import global_pickle, torch_zip

    folder = release({"README.md": CARD})
    (folder / "model.onnx").write_bytes(torch_zip(global_pickle("os", "system")))
    (folder / "pytorch_model.bin.index.json").write_text(json.dumps({"metadata": {}, "weight_map": {"a": "model.onnx"}}))
    result = run("check", str(folder), "-f", "json")
    assert result.code == 1 and {f["file"] for f in by_code(result.json())["OLW011"]} == {"model.onnx"}


@pytest.mark.parametrize("mapped", ["./shard.dat", "sub/../shard.dat", "/tmp/shard.dat", "sub//shard.dat", "sub\\shard.dat",
                                    "C:shard.dat", "shard.dat.", "shard.dat ", "shard.dat:stream", "shard\x01.dat"])
def test_a_shard_mapped_by_a_path_a_loader_resolves_elsewhere_is_unverified(run, release, mapped):
    """A loader joins the mapped name to the folder: './shard.dat' opens shard.dat, a pickle openlint never scanned
    (not a weight file's name). Not a missing shard (OLW006, which a declaration may waive): an unverified file."""
    from weightgen import global_pickle, torch_zip

    folder = release({"README.md": CARD})
    (folder / "shard.dat").write_bytes(torch_zip(global_pickle("os", "system")))
    (folder / "pytorch_model.bin.index.json").write_text(json.dumps({"metadata": {}, "weight_map": {"a": mapped}}))
    result = run("check", str(folder), "-f", "json")
    unverified = by_code(result.json())["OLW011"]
    assert result.code == 1 and any(repr(mapped) in f["message"] for f in unverified), unverified


@pytest.mark.parametrize("index", ["pytorch_model.bin.index.fp16.json", "model.safetensors.index.fp16.json"])
def test_a_variants_shard_index_is_checked_too(run, release, index):
    """from_pretrained(..., variant="fp16") reads pytorch_model.bin.index.fp16.json: the files it maps are loaded."""
    from weightgen import global_pickle, torch_zip

    folder = release({"README.md": CARD})
    (folder / "shard.dat").write_bytes(torch_zip(global_pickle("os", "system")))
    (folder / index).write_text(json.dumps({"metadata": {}, "weight_map": {"a": "shard.dat"}}))
    result = run("check", str(folder), "-f", "json")
    assert result.code == 1 and [f["file"] for f in by_code(result.json()).get("OLW011", [])] == ["shard.dat"]


def test_incomplete_shard_numbering_is_reported(run, release):
    folder = release({"README.md": CARD})
    write_sharded(folder, shards=3, tensors_per_shard=1, shape=[2], sparse=False)
    index = json.loads((folder / "model.safetensors.index.json").read_text())
    index["weight_map"] = {k: v for k, v in index["weight_map"].items() if "00002" not in v}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    messages = [f["message"] for f in by_code(report_of(run, folder))["OLW006"]]
    assert any("incomplete" in m and "00002" in m for m in messages)


def test_sparse_five_gigabyte_shards_are_judged_from_headers(run, release):
    folder = release({"README.md": CARD})
    write_sharded(folder, shards=2, tensors_per_shard=1, shape=[50_000, 50_000], sparse=True)  # 5 GB each, holes on disk
    report = report_of(run, folder)
    assert {w["safety"] for w in report["weights"]} == {"safe"}
    assert sum(w["parameters"] for w in report["weights"]) == 2 * 50_000 * 50_000
    assert "OLW006" not in by_code(report)


# -- pickles, measured against picklescan ----------------------------------------------------------------------

def _pickle_cases() -> dict[str, bytes]:
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as outer:
        outer.writestr("inner/model.pt", torch_zip(pickle.dumps(Reduce(os.system, "echo pwned"), protocol=4)))
    return {
        "benign_torch_zip.bin": torch_zip(benign_torch_pickle()),
        "benign_ordered_dict.pkl": pickle.dumps({"a": 1, "b": [1.0, 2.0]}, protocol=2),
        "benign_legacy.bin": legacy_torch(benign_torch_pickle()),
        "os_system_global.pkl": global_pickle("os", "system"),
        "builtins_eval_global.pkl": global_pickle("__builtin__", "eval"),
        "posix_system_stack_global.pkl": pickle.dumps(Reduce(os.system, "echo pwned"), protocol=4),
        "eval_stack_global.pt": torch_zip(pickle.dumps(Reduce(eval, "1+1"), protocol=4)),
        "memo_indirection.pkl": memo_stack_global("posix", "system"),
        "nested_zip.pth": nested.getvalue(),
        "legacy_dangerous.bin": legacy_torch(global_pickle("subprocess", "Popen")),
        "second_pickle_dangerous.pkl": pickle.dumps([1, 2], protocol=2) + global_pickle("runpy", "run_path"),
        "exec_protocol0.pkl": b"cbuiltins\nexec\n(S'x=1'\ntR.",
    }


@pytest.fixture(scope="module")
def pickle_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pickles")
    (folder / "README.md").write_text(CARD)
    for name, content in _pickle_cases().items():
        (folder / name).write_bytes(content)
    return folder


def test_every_file_picklescan_flags_is_flagged_and_benign_files_are_not(run, pickle_folder):
    report = report_of(run, pickle_folder)
    safety = {w["path"]: w["safety"] for w in report["weights"]}
    flagged_by_picklescan = {name for name in _pickle_cases() if scan_file_path(str(pickle_folder / name)).infected_files > 0}
    assert flagged_by_picklescan  # the reference scanner sees the attacks too
    for name in _pickle_cases():
        if name.startswith("benign"):
            assert safety[name] == "allowlisted", (name, safety[name])
            assert scan_file_path(str(pickle_folder / name)).infected_files == 0
        else:
            assert safety[name] == "dangerous", (name, safety[name])
    assert flagged_by_picklescan <= {n for n, s in safety.items() if s == "dangerous"}


def test_dangerous_imports_are_named_with_their_file(run, pickle_folder):
    found = by_code(report_of(run, pickle_folder))
    named = {(f["file"], f["message"].split("imports ")[1].split(" ")[0]) for f in found["OLW003"]}
    assert ("memo_indirection.pkl", "posix.system") in named
    assert ("os_system_global.pkl", "os.system") in named
    assert ("builtins_eval_global.pkl", "builtins.eval") in named  # __builtin__ is mapped as the unpickler maps it
    assert ("second_pickle_dangerous.pkl", "runpy.run_path") in named
    assert ("nested_zip.pth", "posix.system") in named
    # the folder's pickles have no safetensors alternative: one finding for the folder, counting them all
    (grouped,) = found["OLW002"]
    assert grouped["message"].startswith(f"{len(_pickle_cases())} pickle weight file(s) in the release root")


def test_unresolvable_stack_global_is_dangerous():
    result = pickles.ScanResult()
    # STACK_GLOBAL fed by a value built at load time (a tuple), which no static reading can resolve
    pickles.scan_pickle_stream(io.BytesIO(b"\x80\x04\x8c\x01a\x8c\x01b\x86\x8c\x01c\x93."), "x", result)
    assert result.globals == [("x", pickles.UNKNOWN)]
    assert classify_global(pickles.UNKNOWN) == "dangerous"


@pytest.mark.parametrize("qualified, verdict", [
    ("torch._utils._rebuild_tensor_v2", "safe"), ("collections.OrderedDict", "safe"), ("numpy.core.multiarray._reconstruct", "safe"),
    ("os.system", "dangerous"), ("os.path.join", "dangerous"), ("builtins.getattr", "dangerous"), ("subprocess.Popen", "dangerous"),
    ("transformers.training_args.TrainingArguments", "suspicious"), ("builtins.print", "suspicious"),
])
def test_global_classification(qualified, verdict):
    assert classify_global(qualified) == verdict


def test_object_npy_is_scanned_and_plain_npy_is_data(run, release):
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    object_npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + global_pickle("os", "system")
    plain_header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
    plain_header += b" " * (-(10 + len(plain_header) + 1) % 64) + b"\n"
    plain_npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(plain_header)) + plain_header + bytes(8)
    folder = release({"README.md": CARD, "obj.npy": object_npy, "plain.npy": plain_npy})
    safety = {w["path"]: w["safety"] for w in report_of(run, folder)["weights"]}
    assert safety == {"obj.npy": "dangerous", "plain.npy": "safe"}


# -- GGUF ----------------------------------------------------------------------------------------------------------

def test_gguf_metadata_becomes_evidence(run, release):
    folder = release({"README.md": "# no front matter\n", "model-Q4_K_M.gguf": gguf_bytes({"general.architecture": "llama", "general.license": "mit", "general.name": "tiny"}, tensors=2)})
    report = report_of(run, folder)
    (weight,) = report["weights"]
    assert weight["safety"] == "safe" and weight["parameters"] == 2 * 4 * 8
    assert weight["metadata"]["general.license"] == "mit"
    weights = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert weights["licence"] == "mit" and weights["label"] == "D5"


def test_gguf_licence_conflicting_with_the_card_is_reported(run, release):
    folder = release({"README.md": CARD, "m.gguf": gguf_bytes({"general.license": "llama2"}, tensors=1)})
    (conflict,) = by_code(report_of(run, folder))["OLL003"]
    assert "apache-2.0 in README.md:2" in conflict["message"] and "llama2 in m.gguf" in conflict["message"]


@pytest.mark.parametrize("content, fragment", [
    (gguf_bytes({}, version=1), "version 1"),
    (gguf_bytes({}, version=7), "unknown GGUF version"),
    (gguf_bytes({}, tensor_count=2**62), "claims 4611686018427387904 tensors"),
    (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 2**40) + b"abc" + bytes(100), "claims 1099511627776 bytes"),
    (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 3) + b"key" + struct.pack("<IIQ", 9, 8, 2**50), "strings"),
    (b"GGUX", "bad magic"),
])
def test_hostile_gguf_is_rejected_before_allocating(content, fragment):
    with pytest.raises(gguf.GGUFError, match=fragment):
        gguf.read_header(io.BytesIO(content), len(content))


# -- other formats ---------------------------------------------------------------------------------------------------

def test_other_formats_are_identified_and_classed(run, release):
    folder = release({"README.md": CARD, "model.onnx": b"\x08\x07", "tf_model.h5": b"\x89HDF\r\n\x1a\n", "flax_model.msgpack": b"\x80",
                      "saved_model/saved_model.pb": b"\x08", "modeling_custom.py": "import os\n", "config.json": '{"auto_map": {"AutoModel": "modeling_custom.Model"}}'})
    report = report_of(run, folder)
    safety = {w["path"]: (w["format"], w["safety"]) for w in report["weights"]}
    assert safety["model.onnx"] == ("onnx", "safe")
    assert safety["flax_model.msgpack"] == ("flax-msgpack", "safe")
    assert safety["tf_model.h5"] == ("keras-h5", "may-execute")
    assert safety["saved_model/saved_model.pb"] == ("tensorflow-savedmodel", "may-execute")
    found = by_code(report)
    assert "modeling_custom.py" in found["OLW009"][0]["message"]
    assert {f["file"] for f in found["OLW008"]} == {"tf_model.h5", "saved_model/saved_model.pb"}


@pytest.mark.parametrize("name, content", [
    ("model.onnx", b"placeholder\n"), ("tf_model.h5", b"placeholder\n"), ("flax_model.msgpack", b"placeholder\n"),
    ("model.tflite", b"placeholder\n"), ("model.mlmodel", b"placeholder\n"), ("model.ggmlv3", b"placeholder\n"),
    ("model.safetensors", b"\x02\x00\x00\x00\x00\x00\x00\x00{}"),  # a valid header with no tensors
    ("model.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 0)),  # a valid header with no tensors
    ("pytorch_model.bin", pickle.dumps([1, 2, 3], protocol=2)),  # a pickle that rebuilds no tensor (a new user's find)
])
def test_a_placeholder_with_a_weight_files_name_releases_no_weights(run, release, name, content):
    """`echo placeholder > model.onnx` graded the weights D5 and lifted the no-weights cap (a new user's find); so did
    ten bytes of safetensors holding no tensor (a security review's). A file of a format judged by name must start as
    that format does; a header must hold a tensor."""
    report = report_of(run, release({"README.md": CARD, name: content}))
    (weight,) = report["weights"]
    assert weight["safety"] == "invalid"
    assert by_code(report)["OLW012"][0]["file"] == name
    weights = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert weights["status"] != "released" and weights["level"] in (None, 1)


def test_a_split_ggufs_metadata_only_first_file_is_no_placeholder(run, release):
    """gguf-split (and convert_hf_to_gguf --no-tensor-first-split) write a first file holding the metadata alone: part
    of the weights, not a placeholder (a review's find)."""
    from weightgen import gguf_bytes

    report = report_of(run, release({"README.md": CARD, "m-00001-of-00002.gguf": gguf_bytes({"split.count": "2"}),
                                     "m-00002-of-00002.gguf": gguf_bytes({}, tensors=1)}))
    assert "OLW012" not in by_code(report) and {w["safety"] for w in report["weights"]} == {"safe"}


@pytest.mark.parametrize("files", [
    {"m-00001-of-00001.gguf": b""},  # a "split" of one
    {"m-00001-of-00002.gguf": b""},  # its other part missing
    {"m-00001-of-00002.gguf": b"", "m-00002-of-00002.gguf": b""},  # every part empty
    {"m-00002-of-00002.gguf": b""},  # not the first part
])
def test_a_gguf_split_whose_parts_hold_no_tensors_is_no_weights(run, release, files):
    """The exemption went by the name alone: an empty m-00001-of-00001.gguf graded A, weights D5 (a review's find)."""
    from weightgen import gguf_bytes

    report = report_of(run, release({"README.md": CARD, **{name: gguf_bytes({}) for name in files}}))
    assert {w["safety"] for w in report["weights"]} == {"invalid"} and "OLW012" in by_code(report)


def test_training_state_pickles_without_tensors_are_no_placeholders(run, release):
    """A trainer's scheduler.pt (floats and ints), an optimizer's empty state, a Lightning checkpoint of
    hyper-parameters: no tensors, and no weights either, but no placeholder for the model's weights (a review's find:
    OLW012 failed CI on checkpoint folders)."""
    files = {"README.md": CARD, "model.safetensors": WEIGHTS, "checkpoint-10/scheduler.pt": pickle.dumps({"last_epoch": 3, "lr": [0.1]}, protocol=2),
             "checkpoint-10/optimizer.pt": pickle.dumps({"state": {}, "param_groups": []}, protocol=2),
             "lightning/last.ckpt": pickle.dumps({"hyper_parameters": {"lr": 0.1}}, protocol=2)}
    report = report_of(run, release(files))
    assert "OLW012" not in by_code(report), by_code(report).get("OLW012")


def test_real_starts_of_the_formats_judged_by_name_are_weights(run, release):
    files = {"a.onnx": b"\x08\x07\x12\x04onnx", "b.h5": bytes(512) + b"\x89HDF\r\n\x1a\n", "b2.hdf5": bytes(4096) + b"\x89HDF\r\n\x1a\n", "c.keras": b"PK\x03\x04" + bytes(26),
             "d.msgpack": b"\x81\xa6params\x80", "e.tflite": b"\x1c\x00\x00\x00TFL3", "f.mlmodel": b"\x08\x04",
             "g.ggml": b"tjgg\x01\x00\x00\x00"}
    report = report_of(run, release({"README.md": CARD, **files}))
    assert {w["path"]: w["safety"] for w in report["weights"]} == {
        "a.onnx": "safe", "b.h5": "may-execute", "b2.hdf5": "may-execute", "c.keras": "may-execute", "d.msgpack": "safe", "e.tflite": "safe",
        "f.mlmodel": "safe", "g.ggml": "safe"}


# -- remote code -----------------------------------------------------------------------------------------------------

CROSS_REPO = {"model_type": "llama", "auto_map": {
    "AutoConfig": "evil/repo--configuration_x.XConfig", "AutoModelForCausalLM": "evil/repo--modeling_x.XModel",
    "AutoTokenizer": ["other/tok--tokenization_x.XTokenizer", None]}}  # [slow, fast]: either may be null


def test_auto_map_naming_another_repositorys_code_is_remote_code_without_a_python_file(run, release):
    """transformers' org/repo--module.Class fetches and runs org/repo's code: no .py file need ship for that."""
    found = by_code(report_of(run, release({"README.md": CARD, "config.json": json.dumps(CROSS_REPO)})))
    (finding,) = found["OLW009"]
    assert finding["file"] == "config.json"
    assert finding["message"] == ("config.json names code from 2 other repositories for loading to fetch: evil/repo (configuration_x.XConfig, "
                                  "modeling_x.XModel), other/tok (tokenization_x.XTokenizer); loading with trust_remote_code runs that code.")


def test_shipped_code_and_another_repositorys_code_are_two_findings(run, release):
    config = {"auto_map": {"AutoModel": "modeling_custom.Model", "AutoTokenizer": [None, "org/base--tokenization_b.Fast"]}}
    found = by_code(report_of(run, release({"README.md": CARD, "config.json": json.dumps(config), "modeling_custom.py": "import os\n"})))
    messages = sorted(f["message"] for f in found["OLW009"])
    assert len(messages) == 2 and "1 Python file(s) ship with the model (modeling_custom.py)" in messages[0]
    assert "another repository for loading to fetch: org/base (tokenization_b.Fast)" in messages[1]


@pytest.mark.parametrize("path", ["tokenizer_config.json", "processor_config.json", "preprocessor_config.json"])
def test_a_tokenizer_or_processor_config_naming_another_repositorys_code_is_remote_code(run, release, path):
    """AutoTokenizer and AutoProcessor follow their own config's auto_map as AutoModel follows config.json's."""
    other = {"auto_map": {"AutoTokenizer": ["evil/tok--tokenization_x.XTokenizer", None]}}
    found = by_code(report_of(run, release({"README.md": CARD, "config.json": '{"model_type": "llama"}', path: json.dumps(other)})))
    (finding,) = found["OLW009"]
    assert finding["file"] == path
    assert finding["message"].startswith(f"{path} names code from another repository for loading to fetch: evil/tok (tokenization_x.XTokenizer)")
    both = by_code(report_of(run, release({"README.md": CARD, "config.json": json.dumps(CROSS_REPO), path: json.dumps(other)}, "both")))
    assert sorted(f["file"] for f in both["OLW009"]) == sorted(["config.json", path])


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "{" * 2_000_001])
@pytest.mark.parametrize("path", ["config.json", "tokenizer_config.json"])
def test_a_configuration_that_is_no_json_object_is_a_finding(run, release, path, text):
    """A loader cannot read it either (the same json module): broken, not a way in."""
    found = by_code(report_of(run, release({"README.md": CARD, path: text})))
    (finding,) = found["OLC006"]
    assert finding["file"] == path and "is not a valid JSON object" in finding["message"]


def _ignoring_everything_it_may(folder) -> None:
    """The release's own configuration, switching off every rule a release may switch off."""
    (folder / ".openlint.yaml").write_text("ignore: [OLC, OLD, OLI, OLP, OLT, OLL]\n", encoding="utf-8")


@pytest.mark.parametrize("path", ["config.json", "tokenizer_config.json", "video_preprocessor_config.json"])
def test_a_code_config_too_large_to_read_whole_is_a_security_finding_the_release_cannot_ignore(run, release, path):
    """A loader reads it whole, auto_map and all: cut at the limit, the code it names is unknown, not absent."""
    padded = json.dumps({"auto_map": {"AutoTokenizer": ["evil/repo--tok.T", None]}, "pad": "x" * 5_000_001})
    folder = release({"README.md": CARD, "model.safetensors": SAFE, path: padded})
    _ignoring_everything_it_may(folder)
    done = run("check", str(folder), "-f", "json")
    (finding,) = [f for f in done.json()["findings"] if f["code"] == "OLW009"]
    assert finding["file"] == path and "could not be checked" in finding["message"] and "limit of 5 MB" in finding["message"]


def test_a_code_config_symlinked_out_of_the_release_is_a_security_finding(run, release, tmp_path):
    outside = tmp_path / "elsewhere.json"
    outside.write_text(json.dumps({"auto_map": {"AutoTokenizer": ["evil/repo--tok.T", None]}}), encoding="utf-8")
    folder = release({"README.md": CARD, "model.safetensors": SAFE})
    (folder / "tokenizer_config.json").symlink_to(outside)
    _ignoring_everything_it_may(folder)
    (finding,) = [f for f in run("check", str(folder), "-f", "json").json()["findings"] if f["code"] == "OLW009"]
    assert finding["file"] == "tokenizer_config.json" and "symlink outside the release" in finding["message"]


@pytest.mark.parametrize("config", [
    {"auto_map": ["evil/repo--tokenization_x.XTok", None]},  # AutoTokenizer's legacy form: a list, not a mapping
    {"custom_pipelines": {"text-generation": {"impl": "evil/repo--pipe.EvilPipe", "pt": ["AutoModelForCausalLM"]}}},
])
def test_every_form_transformers_loads_code_from_is_read(run, release, config):
    path = "config.json" if "custom_pipelines" in config else "tokenizer_config.json"
    found = by_code(report_of(run, release({"README.md": CARD, path: json.dumps(config)})))
    (finding,) = found["OLW009"]
    assert finding["file"] == path and "evil/repo" in finding["message"]


def test_shipped_code_named_only_by_a_tokenizers_auto_map_is_remote_code(run, release):
    tokenizer = {"auto_map": {"AutoTokenizer": ["tok_x.XTok", None]}}
    found = by_code(report_of(run, release({"README.md": CARD, "config.json": '{"model_type": "llama"}',
                                            "tokenizer_config.json": json.dumps(tokenizer), "tok_x.py": "import os\n"})))
    (finding,) = found["OLW009"]
    assert "tok_x.py" in finding["message"]


@pytest.mark.parametrize("auto_map", [{"AutoModel": "modeling_custom.Model"}, {"AutoTokenizer": [None, None]}, ["evil/repo--x.X"], "evil/repo--x.X", {}])
def test_auto_map_naming_no_other_repository_and_no_shipped_code_is_no_remote_code(run, release, auto_map):
    found = by_code(report_of(run, release({"README.md": CARD, "config.json": json.dumps({"auto_map": auto_map})})))
    assert "OLW009" not in found


def test_another_repositorys_name_is_printable_in_the_finding(run, release):
    config = {"auto_map": {"AutoModel": "evil/\x1b]8;;https://x\x07repo\n::error::pwned\u202e--modeling_x.X" + "y" * 500}}
    found = by_code(report_of(run, release({"README.md": CARD, "config.json": json.dumps(config)})))
    (finding,) = found["OLW009"]
    message = finding["message"]
    assert "\x1b" not in message and "\n" not in message and "\u202e" not in message and "\x07" not in message
    assert "evil/\\x1b]8;;https://x\\x07repo\\n::error::pwned\\u202e" in message and len(message) < 400


def test_a_hub_repositorys_reference_to_its_own_code_is_the_shipped_files_finding(run, hub):
    from fakehub import Repo

    config = json.dumps({"auto_map": {"AutoModel": "org/self--modeling_s.S", "AutoConfig": "org/base--configuration_b.B"}}).encode()
    hub.add_model(Repo("org/self", "5" * 40, files={"README.md": CARD.encode(), "config.json": config, "modeling_s.py": b"class S: ...\n"}))
    report = run("check", "org/self", "-f", "json").json()
    messages = sorted(f["message"] for f in report["findings"] if f["code"] == "OLW009")
    assert len(messages) == 2 and "modeling_s.py" in messages[0] and "org/self" not in messages[1]
    assert "another repository for loading to fetch: org/base (configuration_b.B)" in messages[1]


def test_lfs_pointer_is_not_mistaken_for_weights(run, release):
    folder = release({"README.md": CARD, "model.safetensors": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"})
    found = by_code(report_of(run, folder))
    assert "Git LFS pointer" in found["OLH002"][0]["message"] and "OLW010" not in found  # one summary (rules/hub.yaml)


# -- hostile release folders -----------------------------------------------------------------------------------------

def test_truncated_zip_and_zip_bomb_are_reported_not_decompressed(run, release):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02" + b"\x00" * 50_000_000)
    folder = release({"README.md": CARD, "bomb.pt": bomb.getvalue(), "truncated.pt": torch_zip(benign_torch_pickle())[:40]})
    found = by_code(report_of(run, folder))
    # neither can be verified: an error (OLW011), no longer a warning
    messages = " ".join(f["message"] for f in found["OLW011"])
    assert "zip bomb" in messages
    assert {"bomb.pt", "truncated.pt"} <= {f["file"] for f in found["OLW011"]}
    assert {f["severity"] for f in found["OLW011"]} == {"error"}


def test_pickle_with_a_million_opcodes_finishes_unverified(run, release):
    # the opcode cap keeps every file within ~1 s; a scan cut off by it is not a pass (it was "allowlisted" before)
    folder = release({"README.md": CARD, "big.pkl": pickle.dumps(list(range(1_000_000)), protocol=4)})
    report = report_of(run, folder)
    assert report["weights"][0]["safety"] == "unchecked"
    message = by_code(report)["OLW011"][0]["message"]
    assert "opcodes" in message or "longer than" in message  # the opcode cap, or the deadline on a loaded machine


def test_symlinks_outside_and_loops_are_not_followed(run, release, tmp_path):
    outside = tmp_path / "outside.pkl"
    outside.write_bytes(global_pickle("os", "system"))
    folder = release({"README.md": CARD})
    (folder / "model.bin").symlink_to(outside)
    (folder / "loop_a").symlink_to(folder / "loop_b")
    (folder / "loop_b").symlink_to(folder / "loop_a")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)
    report = report_of(run, folder)
    found = by_code(report)
    assert "OLW003" not in found  # the dangerous file outside was never read
    problems = {place["file"]: f["message"] for f in found["OLC007"] for place in f["locations"]}
    assert "outside the release" in problems["model.bin"]
    assert "loop_a" in problems and "loop_b" in problems


def test_fifo_named_like_weights_does_not_block(run, release):
    folder = release({"README.md": CARD})
    os.mkfifo(folder / "model.bin")
    found = by_code(report_of(run, folder))
    assert "model.bin" in {f["file"] for f in found["OLC007"]}
    # a loader would unpickle what it reads from the FIFO: an unverified pickle is an error, not a pass
    assert "model.bin" in {f["file"] for f in found["OLW011"]}


def test_a_pickle_weight_that_cannot_be_read_fails_and_a_safetensors_one_warns(run, release, tmp_path):
    """A symlink leading out of the release is not followed; a loader would follow it and unpickle the target."""
    outside = tmp_path / "evil.bin"
    outside.write_bytes(b"\x80\x02cos\nsystem\nX\x01\x00\x00\x00x\x85R.")
    folder = release({"README.md": CARD})
    (folder / "pytorch_model.bin").symlink_to(outside)
    (folder / "model.safetensors").symlink_to(outside)
    result = run("check", str(folder), "-f", "json")
    found = by_code(result.json())
    assert result.code == 1 and {f["file"] for f in found["OLW011"]} == {"pytorch_model.bin"}
    assert "model.safetensors" in {f["file"] for f in found["OLW010"]}


@pytest.fixture
def scratch_folder(tmp_path):
    """A folder in memory (tmpfs) when the machine has one: creating 100,000 files on disk takes ~8 s of kernel time,
    in memory ~3 s; what openlint does with them is the same."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        for left in shm.glob("openlint-test-*"):  # left by a run that was killed: memory until a reboot otherwise
            if left.is_dir() and not left.is_symlink() and left.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(left, ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix="openlint-test-", dir=shm))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path


def test_a_hundred_thousand_small_files(run, scratch_folder):
    folder = scratch_folder / "release"
    folder.mkdir()
    (folder / "README.md").write_text(CARD, encoding="utf-8")
    for i in range(100):
        sub = folder / f"d{i}"
        sub.mkdir()
        for j in range(1000):
            os.close(os.open(sub / f"f{j}.txt", os.O_CREAT | os.O_WRONLY, 0o644))
    report = report_of(run, folder)
    assert report["components"][-1]["status"] == "undisclosed"


@pytest.mark.parametrize("text", ["placeholder\n", "TODO: upload weights\n", "garbage\n"])
@pytest.mark.parametrize("path", ["pytorch_model.bin", "model.ckpt"])
def test_a_text_placeholder_under_a_pickle_name_is_no_weights_but_still_an_error(run, release, path, text):
    """Text whose first byte is a pickle opcode starts a pickle that breaks at once: a loader fails on it (having run
    what came before the break, so it stays unverified), and it holds no weights to grade."""
    report = report_of(run, release({"README.md": CARD, path: text}))
    found = by_code(report)
    assert "OLW011" in found and "OLW001" in found
    assert {c["id"]: c["label"] for c in report["components"]}["deployment.data.weights"] == "D1"
    # a pickle that ends, then a broken one after it: weights were read, so they count (and stay unverified)
    whole = pickle.dumps({"w": 1}, protocol=2) + text.encode()
    both = report_of(run, release({"README.md": CARD, path: whole}, "whole"))
    assert "OLW011" in by_code(both) and "OLW001" not in by_code(both)


def test_a_diffusers_pipelines_custom_components_are_remote_code(run, release):
    """model_index.json ["my_unet", "MyUNet"] for "unet" with unet/my_unet.py: Diffusers loads that file."""
    index = {"_class_name": "StableDiffusionPipeline", "unet": ["my_unet", "MyUNet"], "vae": ["diffusers", "AutoencoderKL"]}
    custom = by_code(report_of(run, release({"README.md": CARD, "model_index.json": json.dumps(index), "unet/my_unet.py": "import os\n"})))
    (finding,) = custom["OLW009"]
    assert "unet/my_unet.py" in finding["message"]
    pipeline = {"_class_name": ["pipeline", "MyPipeline"], "vae": ["diffusers", "AutoencoderKL"]}
    root = by_code(report_of(run, release({"README.md": CARD, "model_index.json": json.dumps(pipeline), "pipeline.py": "import os\n"}, "root")))
    assert "pipeline.py" in root["OLW009"][0]["message"]
    # library components, and a script the index names nowhere: no code the pipeline loads
    plain = by_code(report_of(run, release({"README.md": CARD, "model_index.json": json.dumps({"unet": ["diffusers", "UNet2DConditionModel"]}),
                                            "train.py": "import os\n"}, "plain")))
    assert "OLW009" not in plain


def test_a_deeply_nested_config_is_read_to_its_top_and_never_crashes_the_check(run, release):
    deep = '{"auto_map": {"AutoModel": "evil/repo--m.M"}, "x": ' + "[" * 600 + "]" * 600 + "}"
    found = by_code(report_of(run, release({"README.md": CARD, "config.json": deep})))
    assert "evil/repo" in found["OLW009"][0]["message"]
    # too deep for the parser: what it names is unknown, a security finding (a loader's parser may get through)
    deeper = '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (unchecked,) = by_code(report_of(run, release({"README.md": CARD, "config.json": deeper}, "deeper")))["OLW009"]
    assert "nested too deeply" in unchecked["message"]


def test_a_pipeline_components_config_names_code_as_a_models_does(run, release):
    """Diffusers' AutoModel loads a component from its folder and runs the code its config.json auto_map names
    (transformer/config.json); a component's tokenizer is loaded by AutoTokenizer the same way."""
    index = json.dumps({"_class_name": "MyPipeline", "transformer": ["diffusers", "AutoModel"], "tokenizer": ["transformers", "AutoTokenizer"]})
    shipped = {"README.md": CARD, "model_index.json": index, "transformer/my_model.py": "import os\n",
               "transformer/config.json": json.dumps({"auto_map": {"AutoModel": "my_model.MyModel"}})}
    (finding,) = by_code(report_of(run, release(shipped)))["OLW009"]
    assert "transformer/my_model.py" in finding["message"]
    elsewhere = {"README.md": CARD, "model_index.json": index,
                 "tokenizer/tokenizer_config.json": json.dumps({"auto_map": ["evil/repo--tok.Slow", None]})}
    (finding,) = by_code(report_of(run, release(elsewhere, "elsewhere")))["OLW009"]
    assert "evil/repo" in finding["message"] and finding["file"] == "tokenizer/tokenizer_config.json"
    # a component's config that could not be read whole names unknown code: a security finding, never a pass
    padded = {"README.md": CARD, "model_index.json": index,
              "unet/config.json": '{"auto_map": {"AutoModel": "evil/repo--m.M"}, "pad": "' + "x" * 5_000_001 + '"}'}
    (finding,) = by_code(report_of(run, release(padded, "padded")))["OLW009"]
    assert "unet/config.json could not be checked" in finding["message"]
    linked = release({"README.md": CARD, "model_index.json": index, "unet/placeholder": "x"}, "linked")
    (linked / "unet" / "config.json").symlink_to(linked.parent / "padded" / "unet" / "config.json")
    (finding,) = by_code(report_of(run, linked))["OLW009"]
    assert "unet/config.json could not be checked" in finding["message"] and "outside" in finding["message"]
    # a plain pipeline: nothing named
    plain = {"README.md": CARD, "model_index.json": json.dumps({"unet": ["diffusers", "UNet2DConditionModel"]}),
             "unet/config.json": json.dumps({"_class_name": "UNet2DConditionModel"}), "train.py": "import os\n"}
    assert "OLW009" not in by_code(report_of(run, release(plain, "plain")))
    # a folder outside any pipeline: AutoModel.from_pretrained(repo, subfolder="checkpoint-500") reads it too
    checkpoints = {"README.md": CARD, "train.py": "import os\n",
                   "checkpoint-500/config.json": json.dumps({"auto_map": {"AutoModel": "evil/repo--m.M"}})}
    (finding,) = [f for f in by_code(report_of(run, release(checkpoints, "checkpoints")))["OLW009"] if "evil/repo" in f["message"]]
    assert finding["file"] == "checkpoint-500/config.json"
    plain_folders = {"README.md": CARD, "train.py": "import os\n", "checkpoint-500/config.json": json.dumps({"model_type": "llama"})}
    assert "OLW009" not in by_code(report_of(run, release(plain_folders, "plain-folders")))


def test_more_folder_configs_than_openlint_reads_is_not_a_pass(run, release):
    files = {"README.md": CARD}
    files.update({f"part{i:02}/config.json": "{}" for i in range(70)})
    (found,) = by_code(report_of(run, release(files)))["OLW009"]
    assert "limit of 64 folder configs" in found["message"]
    assert sorted(place["file"] for place in found["locations"]) == [f"part{i}/config.json" for i in range(64, 70)]


def test_a_component_folder_that_is_a_symlink_is_read_at_its_target(run, release):
    """A re-review: "unet" -> src/pkg/unet_impl with my_unet.py and a config naming another repository's code; the
    loader reads them through the link, and OLW009 said nothing."""
    folder = release({"README.md": CARD, "model_index.json": json.dumps({"_class_name": "P", "unet": ["my_unet", "MyUNet"]}),
                      "src/pkg/unet_impl/my_unet.py": "import os\n",
                      "src/pkg/unet_impl/config.json": json.dumps({"auto_map": {"AutoModel": "evil/repo--m.M"}})})
    (folder / "unet").symlink_to(folder / "src" / "pkg" / "unet_impl")
    messages = " ".join(f["message"] for f in by_code(report_of(run, folder))["OLW009"])
    assert "evil/repo" in messages and "my_unet.py" in messages


def test_another_repositorys_code_is_flagged_at_the_line_that_names_it(run, release):
    config = '{\n  "model_type": "llama",\n  "architectures": ["X"],\n  "auto_map": {\n    "AutoModel": "evil/repo--m.M"\n  }\n}\n'
    (finding,) = [f for f in by_code(report_of(run, release({"README.md": CARD, "config.json": config})))["OLW009"] if "evil/repo" in f["message"]]
    assert finding["file"] == "config.json" and finding["line"] == 4
