"""Hostile weight files, by family of hole: each one is generated here, judged by the command line with the
default --fail-on error, and must fail it (exit 1, an error finding, never "safe"/"allowlisted"). Benign files
written the way torch and numpy write them must keep passing, and agree with picklescan."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import pickle
import struct
import zipfile
import zlib

import pytest

from conftest import by_code, report_of
from picklescan.scanner import scan_file_path

from openlint.readers import pickles
from openlint.readers.pickles import policy as pickle_policy
from openlint.readers.weights import classify_global
from weightgen import (Call, Global, benign_torch_pickle, global_pickle, legacy_torch, npy_bytes, numpy_object_array,
                       stub_pickle, tar_of, torch_state_dict, torch_tar, torch_zip, zip_with_many_members)

CARD = "---\nlicense: apache-2.0\n---\n# m\n"
PASSING = ("safe", "allowlisted")


def check(run, release, files: dict[str, bytes]) -> tuple[dict[str, str], dict[str, list[dict]], int]:
    """(safety by path, findings by code, exit code) of `openlint check` with the default fail-on."""
    folder = release({"README.md": CARD, **files})
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code in (0, 1), result.err
    report = result.json()
    return {w["path"]: w["safety"] for w in report["weights"]}, by_code(report), result.code


def assert_refused(run, release, name: str, content: bytes, codes: set[str]) -> dict[str, list[dict]]:
    safety, found, code = check(run, release, {name: content})
    assert safety[name] not in PASSING, safety
    assert code == 1
    errors = {c for c, items in found.items() if any(f["severity"] == "error" and f["file"] == name for f in items)}
    assert errors & codes, (errors, {c: [f["message"] for f in v] for c, v in found.items() if c.startswith("OLW")})
    return found


def reduce_call(module: str, name: str, protocol: int = 4) -> bytes:
    """A pickle calling module.name("x"), written with STACK_GLOBAL (protocol 4+) or GLOBAL."""
    return stub_pickle(Call(Global(module, name), ("x",)), protocol)


def ops(*parts: bytes) -> bytes:
    return b"".join(parts)


def short(text: str) -> bytes:
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


# -- 1. an allow-list, exact after the unpickler's own mapping -------------------------------------------------------

@pytest.mark.parametrize("module, name, protocol", [
    ("cPickle", "loads", 2),  # fix_imports: pickle.loads
    ("_pickle", "loads", 4),
    ("__builtin__", "getattr", 2),  # builtins.getattr
    ("builtins", "getattr", 4),
    ("_operator", "methodcaller", 4),
    ("cProfile", "run", 2),
    ("profile", "run", 4),
    ("timeit", "timeit", 4),
    ("copyreg", "add_extension", 2),
    ("copy_reg", "add_extension", 2),
    ("path", "os.system", 4),  # a dotted name reaching os through another module
    ("torch", "serialization.os.system", 4),
    ("collections", "OrderedDict.__init__.__globals__", 4),
    ("torch._utils._rebuild_tensor_v2", "x", 4),  # an allowed name as a prefix
    ("torch", "_utils._rebuild_tensor_v2", 4),  # the allowed pair split differently
    ("transformers.training_args", "TrainingArguments", 2),  # not reviewed: an error too, not a warning
    ("builtins", "print", 4),
    ("numpy", "load", 2),
])
def test_any_import_off_the_allow_list_is_an_error(run, release, module, name, protocol):
    content = reduce_call(module, name, protocol)
    found = assert_refused(run, release, "model.bin", content, {"OLW003", "OLW004"})
    resolved = pickle_policy.resolve(module, name, protocol)
    assert pickle_policy.verdict(pickle_policy.Import("m", *resolved)) != pickle_policy.ALLOWED
    if "." not in name:  # the string form cannot tell how a dotted name was split
        assert classify_global(f"{module}.{name}") != "safe"
    messages = " ".join(f["message"] for f in found.get("OLW003", []) + found.get("OLW004", []))
    assert name.split(".")[-1] in messages


@pytest.mark.parametrize("content", [
    ops(b"\x80\x02", b"\x82\x01", b"X\x01\x00\x00\x00x\x85R."),  # EXT1
    ops(b"\x80\x02", b"\x83\x01\x02", b"X\x01\x00\x00\x00x\x85R."),  # EXT2
    ops(b"\x80\x02", b"\x84\x01\x02\x03\x04", b"X\x01\x00\x00\x00x\x85R."),  # EXT4
    ops(torch_state_dict({"w": [2]})[:-1], b"0\x82\x07)R0."),  # after a benign state dict
])
def test_extension_registry_opcodes_cannot_be_verified(run, release, content):
    found = assert_refused(run, release, "model.pt", content, {"OLW011"})
    assert "copyreg registry" in found["OLW011"][0]["message"]


@pytest.mark.parametrize("written, protocol, allowed", [
    (("__builtin__", "set"), 2, True),  # fix_imports maps it to builtins.set
    (("copy_reg", "_reconstructor"), 2, True),
    (("__builtin__", "set"), 3, False),  # no mapping from protocol 3: not the allowed name
    (("UserDict", "UserDict"), 2, False),  # mapped to collections.UserDict, which is not allowed
    (("__builtin__", "reduce"), 2, False),  # mapped to functools.reduce
])
def test_python2_names_are_mapped_as_the_unpickler_maps_them(written, protocol, allowed):
    module, name = written
    resolved = pickle_policy.resolve(module, name, protocol)
    verdict = pickle_policy.verdict(pickle_policy.Import("m", *resolved))
    assert (verdict == pickle_policy.ALLOWED) is allowed


def test_escaped_global_names_are_judged_as_the_unpickler_reads_them(run, release):
    # genops unescapes GLOBAL's text to "OrderedDict"; the unpickler imports the literal name
    content = b"\x80\x02ccollections\nOrdered\\x44ict\n)R."
    assert_refused(run, release, "model.bin", content, {"OLW004"})


def test_every_allow_list_entry_gives_its_reason():
    for module, names in pickle_policy.allowed_entries().items():
        for name, why in names.items():
            assert isinstance(why, str) and len(why) > 10 and "\n" not in why, (module, name)


def test_unresolvable_stack_global_is_dangerous():
    result = pickles.ScanResult()
    pickles.scan_pickle_stream(io.BytesIO(b"\x80\x04\x8c\x01a\x8c\x01b\x86\x8c\x01c\x93."), "x", result)
    assert result.globals == [("x", pickles.UNKNOWN)]


def test_memo_rewritten_between_push_and_stack_global_is_not_trusted():
    # memo 0 = "collections", memo 1 = "OrderedDict"; push GET 0, GET 1, then overwrite memo 0: the module pushed
    # is still "collections" (values are taken when pushed, not when STACK_GLOBAL runs)
    content = (b"\x80\x04" + short("collections") + b"\x94" + short("OrderedDict") + b"\x94" + b"00"
               + b"h\x00h\x01" + b"q\x00" + b"\x93)R.")
    result = pickles.scan_file(io.BytesIO(content), "x", len(content))
    assert [i.qualified for i in result.imports] == ["collections.OrderedDict"]
    os_first = (b"\x80\x04" + short("posix") + b"\x94" + short("system") + b"\x94" + b"00"
                + b"h\x00h\x01" + b"\x8c\x01x" + b"q\x00" + b"0" + b"\x93)R.")
    result = pickles.scan_file(io.BytesIO(os_first), "x", len(os_first))
    assert all(i.qualified != "collections.OrderedDict" for i in result.imports)


# -- 2. every pickle a loader would run ----------------------------------------------------------------------------

OS_SYSTEM_PROTOCOL0 = b"cos\nsystem\n(S'echo pwned'\ntR."


def _tar_with(pickle_member: bytes = benign_torch_pickle(), **kwargs) -> bytes:
    return torch_tar(pickle_member, **kwargs)


def _npz(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _pt2(inner: bytes, compression: int = zipfile.ZIP_STORED) -> bytes:
    return _npz({"archive/serialized_exported_program.json": b"{}", "archive/serialized_state_dict.pt": inner,
                 "archive/version": b"1"}, compression)


EVERY_PICKLE = {
    "protocol 0 after protocol 2 in a legacy torch stream": ("model.bin", legacy_torch(OS_SYSTEM_PROTOCOL0)),
    "protocol 0 after protocol 2 in a plain stream": ("model.pkl", pickle.dumps([1], protocol=2) + OS_SYSTEM_PROTOCOL0),
    "protocol 1 after protocol 4": ("model.pkl", pickle.dumps({}, protocol=4) + b"cos\nsystem\nq\x00."),
    "the 17th pickle of a stream": ("model.pkl", pickle.dumps(0, protocol=2) * 16 + global_pickle("os", "system")),
    "the 200th pickle of a stream": ("model.pkl", pickle.dumps([], protocol=0) * 199 + global_pickle("os", "system")),
    "a second pickle member of a zip, not named .pkl": ("model.pt", _npz({
        "archive/data.pkl": benign_torch_pickle(), "archive/extra": global_pickle("os", "system")})),
    "a second .pkl member of a zip": ("model.pt", _npz({
        "archive/data.pkl": benign_torch_pickle(), "archive/more/x.pkl": OS_SYSTEM_PROTOCOL0})),
    "an object array in an .npz member without the .npy suffix": ("arrays.npz", _npz({
        "a.npy": npy_bytes("<f4", bytes(4)), "b": npy_bytes("|O", global_pickle("os", "system"))})),
    "an object array whose descr is spelled 'object'": ("arrays.npz", _npz({
        "a.npy": npy_bytes("<f4", bytes(4)), "b.npy": npy_bytes("object", global_pickle("os", "system"))})),
    "an object array under data/ in an .npz": ("arrays.npz", _npz({"data/b.npy": npy_bytes("|O", global_pickle("os", "system"))})),
    "an object array under data/ without a suffix": ("arrays.npz", _npz({"data/0": npy_bytes("|O", global_pickle("os", "system"))})),
    # a data.pkl member made the archive read as a torch checkpoint, whose data/ members were skipped as storages
    # a member whose name ends in "/" reads as a directory, yet numpy loads it by name
    "an object array in a member named like a directory": ("arrays.npz", _npz({
        "a.npy": npy_bytes("<f4", bytes(4)), "evi_": npy_bytes("|O", global_pickle("os", "system"))}).replace(b"evi_", b"evi/")),
    "an object array under data/ beside a data.pkl": ("arrays.npz", _npz({
        "data.pkl": pickle.dumps({"a": 1}, protocol=2), "data/x": npy_bytes("|O", global_pickle("os", "system"))})),
    "a structured dtype with an object field": ("x.npy", npy_bytes("[('a', '<f4'), ('b', '|O')]", global_pickle("os", "system"))),
    "a compressed .npz (savez_compressed)": ("arrays.npz", _npz({"b.npy": npy_bytes("|O", global_pickle("os", "system"))}, zipfile.ZIP_DEFLATED)),
    "joblib zlib": ("model.joblib", zlib.compress(global_pickle("os", "system"))),
    "joblib's old ZF zlib format": ("model.pkl", b"ZF0x" + b"0" * 17 + zlib.compress(global_pickle("os", "system"))),
    "a .pkl with a gzip header": ("model.pkl", gzip.compress(global_pickle("os", "system"))),
    "a .pkl with a bz2 header": ("model.pkl", bz2.compress(global_pickle("os", "system"))),
    "a .pkl with an xz header": ("model.pkl", lzma.compress(global_pickle("os", "system"))),
    "a .pkl with an lzma header": ("model.pkl", lzma.compress(global_pickle("os", "system"), format=lzma.FORMAT_ALONE)),
    ".pkl.gz": ("frame.pkl.gz", gzip.compress(pickle.dumps([1], protocol=4) + global_pickle("subprocess", "Popen"))),
    ".joblib.xz": ("model.joblib.xz", lzma.compress(global_pickle("os", "system"))),
    "a legacy tar checkpoint's pickle": ("model.pt", _tar_with(OS_SYSTEM_PROTOCOL0)),
    "a legacy tar checkpoint's storage record": ("old.pth.tar", _tar_with(storages=[(
        stub_pickle(("0", "cpu", Global("torch", "FloatStorage"))), 2, 4),
        (stub_pickle(("1", Call(Global("os", "system"), ("x",)), Global("torch", "FloatStorage"))), 1, 4)])),
    "a legacy tar checkpoint's tensor record": ("model.bin", _tar_with(tensors=[global_pickle("os", "system")])),
    # torch unpickles the storage views after the last storage (a security review's find)
    "a legacy tar checkpoint's storage views": ("model.bin", _tar_with(views=OS_SYSTEM_PROTOCOL0)),
    "a .pt2 archive nesting a torch.save archive": ("model.pt2", _pt2(torch_zip(global_pickle("os", "system")))),
    "a deflated .pt2 member": ("model.pt2", _pt2(torch_zip(global_pickle("os", "system")), zipfile.ZIP_DEFLATED)),
    "a .nemo tar holding a checkpoint": ("model.nemo", None),
}


def _nemo() -> bytes:
    import tarfile
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, content in {"model_config.yaml": b"a: 1\n", "model_weights.ckpt": torch_zip(global_pickle("os", "system"))}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(EVERY_PICKLE))
def test_every_pickle_a_loader_runs_is_scanned(run, release, case):
    name, content = EVERY_PICKLE[case]
    if content is None:
        content = _nemo()
    found = assert_refused(run, release, name, content, {"OLW003"})
    assert any(g in f["message"] for f in found["OLW003"] for g in ("os.system", "posix.system", "subprocess.Popen"))


@pytest.mark.parametrize("name, content", [
    ("model.pkl", b"\x04\x22\x4d\x18" + bytes(32)),  # lz4 (joblib decompresses it)
    ("model.joblib", b"\x28\xb5\x2f\xfd" + bytes(32)),  # zstd
    ("model.pkl", zlib.compress(global_pickle("os", "system"))[:-8]),  # a corrupt zlib stream
])
def test_compression_that_cannot_be_undone_is_unverified(run, release, name, content):
    assert_refused(run, release, name, content, {"OLW011", "OLW003"})


# -- 3. a scan that stops is not a pass ----------------------------------------------------------------------------

GENOPS_DISAGREES = {
    "INT written in hex": b"I0x1\n0" + OS_SYSTEM_PROTOCOL0,
    "INT written in negative hex": b"I-0x1\n0" + OS_SYSTEM_PROTOCOL0,
    "LONG written in hex": b"L0x10L\n0" + OS_SYSTEM_PROTOCOL0,
    "non-UTF-8 bytes in BINUNICODE": b"\x80\x02X\x02\x00\x00\x00\xff\xfe0" + global_pickle("os", "system")[2:],
    "non-ASCII bytes in STRING": b"S'\xff'\n0" + OS_SYSTEM_PROTOCOL0,
    "a truncated opcode argument": b"\x80\x02J\x01\x02",
    "a pickle that ends before STOP": b"\x80\x02]q\x00(K\x01K\x02e",
    "a second pickle that breaks": pickle.dumps([1], protocol=2) + b"I0x1\n." + OS_SYSTEM_PROTOCOL0,
}


@pytest.mark.parametrize("case", sorted(GENOPS_DISAGREES))
def test_a_pickle_genops_cannot_read_is_unverified(run, release, case):
    found = assert_refused(run, release, "model.pkl", GENOPS_DISAGREES[case], {"OLW011"})
    assert "malformed pickle" in found["OLW011"][0]["message"]


def _zip_entries(entries: list[tuple[str, str, bytes]], duplicate_offset: bool = False) -> bytes:
    """A stored zip written by hand: (central name, local name, data) per entry."""
    body, central = b"", b""
    offsets = []
    for central_name, local_name, data in entries:
        crc = zlib.crc32(data)
        offsets.append(len(body))
        local = local_name.encode()
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(data), len(data), len(local), 0) + local + data
    for index, (central_name, _local_name, data) in enumerate(entries):
        name = central_name.encode()
        offset = offsets[0] if duplicate_offset else offsets[index]
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                               len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(body), 0)
    return body + central + end


@pytest.mark.parametrize("content", [
    _zip_entries([("archive/data.pkl", "archive/data.pkl", benign_torch_pickle()), ("archive/version", "archive/xersion", b"3\n")]),
    _zip_entries([("archive/data.pkl", "archive/other.pkl", benign_torch_pickle())]),
    _zip_entries([("archive/data.pkl", "archive/data.pkl", benign_torch_pickle()), ("archive/data.pkl", "archive/data.pkl", global_pickle("os", "system"))]),
    _zip_entries([("archive/data.pkl", "archive/data.pkl", benign_torch_pickle()), ("archive/x.pkl", "archive/data.pkl", benign_torch_pickle())], duplicate_offset=True),
])
def test_zip_whose_readers_could_disagree_is_unverified(run, release, content):
    assert_refused(run, release, "model.pt", content, {"OLW011", "OLW003"})


def test_limits_make_a_file_unverified(run, release, monkeypatch):
    monkeypatch.setattr(pickles.limits, "MAX_PICKLES", 50)
    monkeypatch.setattr(pickles.limits, "MAX_DECOMPRESSED_BYTES", 1_000_000)
    monkeypatch.setattr(pickles.limits, "MAX_ZIP_MEMBERS", 100)
    monkeypatch.setattr(pickles.limits, "MAX_OPCODES", 10_000)
    files = {
        "many.pkl": pickle.dumps(0, protocol=2) * 60,
        "inflated.joblib": zlib.compress(pickle.dumps(b"x" * 2_000_000, protocol=2) * 2),
        "members.pt": zip_with_many_members(200),
        "long.pkl": pickle.dumps(list(range(20_000)), protocol=4),
        "ratio.pt": _npz({"archive/data.pkl": b"\x80\x02" + bytes(5_000_000) + b"."}, zipfile.ZIP_DEFLATED),
    }
    safety, found, code = check(run, release, files)
    assert code == 1
    unverified = {f["file"]: f["message"] for f in found["OLW011"]}
    assert set(files) <= set(unverified), unverified
    assert all(safety[name] not in PASSING for name in files)
    assert "more than 50 pickles" in unverified["many.pkl"]
    assert "decompressed bytes" in unverified["inflated.joblib"]
    assert "zip members" in unverified["members.pt"]
    assert "opcodes" in unverified["long.pkl"]
    assert "compression ratio" in unverified["ratio.pt"]
    assert {f["severity"] for f in found["OLW011"]} == {"error"}


def test_time_limit_makes_a_file_unverified(run, release, monkeypatch):
    monkeypatch.setattr(pickles.limits, "SCAN_SECONDS", 0.0)
    found = assert_refused(run, release, "model.pkl", pickle.dumps(list(range(10_000)), protocol=2), {"OLW011"})
    assert "longer than" in found["OLW011"][0]["message"]


def test_long_arguments_are_skipped_not_read():
    # a 64 MiB bytes argument in the middle: skipped by seeking, the import after it still seen
    content = b"\x80\x04\x8e" + struct.pack("<Q", 64 * 2**20) + bytes(64 * 2**20) + b"0" + global_pickle("os", "system")[2:]
    result = pickles.scan_file(io.BytesIO(content), "x", len(content))
    assert [i.qualified for i in result.imports] == ["os.system"] and not result.unverified
    forged = b"\x80\x04\x8e" + struct.pack("<Q", 2**60) + b"x."
    result = pickles.scan_file(io.BytesIO(forged), "x", len(forged))
    assert result.unverified and not result.imports


# -- benign files keep passing ---------------------------------------------------------------------------------------

def _benign() -> dict[str, bytes]:
    state = {"layer.0.weight": [4, 4], "layer.0.bias": [4], "scale": []}
    return {
        "torch_zip_protocol2.bin": torch_zip(torch_state_dict(state)),
        "torch_zip_parameters.pt": torch_zip(torch_state_dict(state, parameter=True)),
        "torch_zip_protocol4.pth": torch_zip(torch_state_dict(state, protocol=4)),
        "legacy_stream.bin": legacy_torch(torch_state_dict(state)),
        "legacy_tar.pt": torch_tar(torch_state_dict(state)),
        "object_array.npy": npy_bytes("|O", numpy_object_array([1, "a", 2.0])),
        "plain.npy": npy_bytes("<f4", bytes(16), (4,)),
        "arrays.npz": _npz({"a.npy": npy_bytes("<i8", bytes(8)), "b.npy": npy_bytes("|O", numpy_object_array(["x"], 4))}),
        "compressed.npz": _npz({"a.npy": npy_bytes("<f8", bytes(8))}, zipfile.ZIP_DEFLATED),
        "plain_dict.pkl": pickle.dumps({"a": 1, "b": [1.0, 2.0], "c": (1, 2), "d": {1, 2}}, protocol=2),
        "protocol5.pkl": pickle.dumps({"a": [b"x" * 10, bytearray(b"y")]}, protocol=5),
        "compressed.joblib": zlib.compress(pickle.dumps({"w": [1.0] * 100}, protocol=4)),
        "frame.pkl.gz": gzip.compress(pickle.dumps({"w": [1.0] * 100}, protocol=4)),
        "export.pt2": _pt2(torch_zip(torch_state_dict(state))),
    }


def test_benign_files_written_as_torch_and_numpy_write_them_pass(run, release):
    benign = _benign()
    safety, found, _code = check(run, release, benign)
    for name in benign:
        assert safety[name] in PASSING, (name, safety[name], [f["message"] for c in ("OLW003", "OLW004", "OLW011") for f in found.get(c, []) if f["file"] == name])
    for code in ("OLW003", "OLW004", "OLW011"):
        assert code not in found, found.get(code)


def test_benign_files_agree_with_picklescan(tmp_path):
    for name, content in _benign().items():
        path = tmp_path / name
        path.write_bytes(content)
        if name.endswith((".pkl", ".bin", ".pt", ".pth")):  # picklescan needs numpy for .npy
            assert scan_file_path(str(path)).infected_files == 0, name
        with open(path, "rb") as handle:
            result = pickles.scan_file(handle, name, len(content))
        assert not result.unverified, (name, result.unverified)
        assert all(pickle_policy.verdict(i) == pickle_policy.ALLOWED for i in result.imports), (name, result.globals)


def test_legacy_stream_stops_where_torch_reads_raw_storage_bytes():
    # the five pickles, then storage bytes that happen to look like a broken pickle: not unpickled by torch
    content = legacy_torch(torch_state_dict({"w": [2]}))[:-256] + struct.pack("<q", 0x49) + b"I0x1\n" + bytes(32)
    result = pickles.scan_file(io.BytesIO(content), "x", len(content))
    assert result.kind == "torch-legacy" and result.pickles == 5 and not result.unverified


# -- 4. bounded work: counts that fit a sparse file, headers and archives past the caps ------------------------------

def _sparse(path, head: bytes, size: int) -> None:
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)


@pytest.mark.parametrize("head, fragment", [
    (b"GGUF" + struct.pack("<IQQ", 3, 0, 1_000_000_000), "metadata entries"),  # 13 bytes each fit 20 GB of zeros
    (b"GGUF" + struct.pack("<IQQ", 3, 600_000_000, 0), "tensors"),
    (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 15) + b"general.strings" + struct.pack("<IIQ", 9, 8, 2**31), "array strings"),
])
def test_sparse_gguf_with_huge_counts_is_unverified_quickly(run, release, tmp_path, head, fragment):
    folder = release({"README.md": CARD})
    _sparse(folder / "m.gguf", head, 20 * 2**30)
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1
    report = result.json()
    assert report["weights"][0]["safety"] not in PASSING
    found = by_code(report)["OLW011"]
    assert fragment in found[0]["message"] and found[0]["severity"] == "error"


def test_gguf_string_elements_are_capped_across_arrays(run, release, monkeypatch):
    from openlint.readers import gguf
    monkeypatch.setattr(gguf, "MAX_ARRAY_STRINGS", 1000)
    arrays = b"".join(struct.pack("<Q", 7) + b"tok.%03d" % i + struct.pack("<IIQ", 9, 8, 600) + bytes(8 * 600) for i in range(3))
    safety, found, code = check(run, release, {"m.gguf": b"GGUF" + struct.pack("<IQQ", 3, 0, 3) + arrays})
    assert code == 1 and safety["m.gguf"] not in PASSING
    assert "array strings" in found["OLW011"][0]["message"]


def test_gguf_string_arrays_are_streamed_not_listed():
    from openlint.readers import gguf
    count = 100_000
    body = struct.pack("<Q", 12) + b"tokenizer.tk" + struct.pack("<IIQ", 9, 8, count) + (struct.pack("<Q", 1) + b"a") * count
    content = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + body
    header = gguf.read_header(io.BytesIO(content), len(content))
    assert header.kv_count == 1 and header.metadata == {}


def _safetensors(header: bytes, data: int) -> bytes:
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + bytes(data)


@pytest.mark.parametrize("content, fragment", [
    (lambda: _safetensors(b'{"__metadata__": {"x": "' + b"a" * (17 * 2**20) + b'"}}', 0), "header of"),
    (lambda: _safetensors(b"{" + b",".join(b'"t%d":{"dtype":"U8","shape":[1],"data_offsets":[%d,%d]}' % (i, i, i + 1) for i in range(30_000)) + b"}", 30_000), "tensors"),
    (lambda: _safetensors(b'{"__metadata__": {"x": "' + b"{" * 30_000 + b'"}}', 0), "tensors"),  # braces in a string count too
    # millions of one-element dimensions: a Python call each, 3.5 s a file before they were counted
    (lambda: _safetensors(b'{"a":{"dtype":"U8","shape":[' + b",".join([b"1"] * 2_000_000) + b'],"data_offsets":[0,1]}}', 1), "integers"),
])
def test_safetensors_past_the_caps_are_unverified(run, release, content, fragment):
    safety, found, code = check(run, release, {"model.safetensors": content()})
    assert code == 1 and safety["model.safetensors"] not in PASSING
    (item,) = found["OLW011"]
    assert fragment in item["message"] and item["severity"] == "error"


def test_shard_index_past_the_cap_is_an_error(run, release):
    from weightgen import write_sharded
    folder = release({"README.md": CARD})
    write_sharded(folder, shards=2, tensors_per_shard=1, shape=[2], sparse=False)
    index = folder / "model.safetensors.index.json"
    index.write_bytes(index.read_bytes() + b" " * (17 * 2**20))
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1
    (item,) = by_code(result.json())["OLW011"]
    assert "shard index" in item["message"] and item["file"] == "model.safetensors.index.json"


def test_zip_with_too_many_members_is_refused_before_it_is_parsed(run, release):
    found = assert_refused(run, release, "model.pt", zip_with_many_members(pickles.limits.MAX_ZIP_MEMBERS + 1), {"OLW011"})
    assert "zip members" in found["OLW011"][0]["message"]


# -- 5. YAML: nesting bounded before parsing, constructor failures are YAML errors ----------------------------------

@pytest.mark.parametrize("document", [
    "license: " + "[" * 30_000,
    "license: " + "{a: " * 30_000,
    "license: mit\nx:\n" + "- " * 30_000 + "x",  # block sequences
    "license: mit\nx:\n" + "".join(" " * i + "a:\n" for i in range(1, 150)) + " " * 150 + "b",  # block mappings
    "license: " + "[ ']', " * 200,  # brackets inside quoted strings do not hide the depth
    "license: " + '[ "]", ' * 200,
    "license: " + "[ # ]\n" * 200,  # nor inside comments
])
def test_deep_yaml_is_refused_not_crashed(run, release, document):
    from openlint.support import yamlsafe
    with pytest.raises(yamlsafe.YamlError, match="nested more than 100"):
        yamlsafe.load(document)
    folder = release({"README.md": "---\n" + document + "\n---\n# m\n"})
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code in (0, 1), result.err  # a finding, never a crash or an internal error
    assert "nested more than 100" in result.out
    config = release({"README.md": CARD}, name="with-config")
    (config / ".openlint.yaml").write_text(document + "\n")
    result = run("check", str(config), "-f", "json")
    assert result.code == 2 and "nested" in result.err and len(result.err.strip().splitlines()) == 1, result.err


@pytest.mark.parametrize("document", [
    "license: mit\ndate: 2024-13-45\n",
    "license: mit\nn: " + "9" * 5000 + "\n",
    "license: mit\nwhen: 2024-02-30 25:61:00\n",
])
def test_yaml_constructor_failures_are_yaml_errors_not_internal_errors(run, release, document):
    from openlint.support import yamlsafe
    try:
        data = yamlsafe.load(document)
    except yamlsafe.YamlError:
        data = None
    if data is not None:  # timestamps load as plain strings
        assert all(isinstance(v, (str, int)) for v in data.values())
    folder = release({"README.md": "---\n" + document + "---\n# m\n"})
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code in (0, 1), result.err
    config = release({"README.md": CARD}, name="with-config")
    (config / ".openlint.yaml").write_text("fail-on: error\nx: " + "9" * 5000 + "\n")
    result = run("check", str(config), "-f", "json")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result.err


def test_yaml_depth_within_the_limit_still_loads():
    from openlint.support import yamlsafe
    value, depth = yamlsafe.load("a: " + "[" * 99 + "]" * 99)["a"], 1  # with the mapping: 100 levels
    while value:
        value, depth = value[0], depth + 1
    assert depth == 99
    assert yamlsafe.load("d: 2024-01-01") == {"d": "2024-01-01"}


def test_a_tar_checkpoint_with_duplicate_member_names_is_unverified(run, release):
    """Readers disagree on which of two same-named members counts; thousands of members are counted in one pass."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for index in range(3000):
            info = tarfile.TarInfo(f"m{index}" if index != 2999 else "m0")
            archive.addfile(info, io.BytesIO(b""))
    folder = release({"model.pth.tar": buffer.getvalue(), "README.md": "---\nlicense: mit\n---\n# m\n"})
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1
    unverified = [f for f in result.json()["findings"] if f["code"] == "OLW011"]
    assert unverified and "duplicate" in unverified[0]["message"]


def _two_directories() -> bytes:
    """One zip, two central directories: Python's zipfile adds the bytes it infers were prepended to every offset and
    reads the second (a benign data.pkl); torch's miniz takes the end record's offsets as written and reads the first
    (os.system)."""
    def local(name: bytes, data: bytes) -> bytes:
        return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data), len(name), 0) + name + data

    def central(name: bytes, data: bytes, offset: int) -> bytes:
        return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                           len(name), 0, 0, 0, 0, 0, offset) + name

    evil, benign, version = OS_SYSTEM_PROTOCOL0, benign_torch_pickle(), b"3\n"
    pkl, ver = b"archive/data.pkl", b"archive/version"
    body = local(pkl, evil) + bytes(200)
    at_benign = len(body)
    body += local(pkl, benign)
    at_version = len(body)
    body += local(ver, version)
    for_torch = central(pkl, evil, 0) + central(ver, version, at_version)
    shift = len(for_torch)
    for_python = central(pkl, benign, at_benign - shift) + central(ver, version, at_version - shift)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(for_torch), len(body), 0)
    return body + for_torch + for_python + end


def _unicode_path_renamed() -> bytes:
    """A member stored as archive/data.pkl whose Unicode Path extra field renames it, in Python 3.12+'s zipfile, to
    a raw-storage name openlint never unpickles; torch finds it by the stored name."""
    renamed = struct.pack("<BL", 1, zlib.crc32(b"archive/data.pkl")) + b"archive/data/0"
    info = zipfile.ZipInfo("archive/data.pkl")
    info.extra = struct.pack("<HH", 0x7075, len(renamed)) + renamed
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, OS_SYSTEM_PROTOCOL0)
        archive.writestr("archive/extra.pkl", benign_torch_pickle())
        archive.writestr("archive/version", "3\n")
    return buffer.getvalue()


def _two_zip64_records() -> bytes:
    """Two zip64 end records: Python's zipfile reads the one right before the locator (a benign data.pkl), torch's
    miniz the one the locator points at (os.system)."""
    def local(name: bytes, data: bytes) -> bytes:
        return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data), len(name), 0) + name + data

    def central(name: bytes, data: bytes, offset: int) -> bytes:
        return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                           len(name), 0, 0, 0, 0, 0, offset) + name

    def record(count: int, size: int, offset: int) -> bytes:
        return struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)

    pkl, ver = b"archive/data.pkl", b"archive/version"
    body = local(pkl, OS_SYSTEM_PROTOCOL0)
    at_benign = len(body)
    body += local(pkl, benign_torch_pickle())
    at_version = len(body)
    body += local(ver, b"3\n")
    for_torch = central(pkl, OS_SYSTEM_PROTOCOL0, 0) + central(ver, b"3\n", at_version)
    at_torch = len(body)
    body += for_torch
    at_torch_record = len(body)
    body += record(2, len(for_torch), at_torch)
    for_python = central(pkl, benign_torch_pickle(), at_benign) + central(ver, b"3\n", at_version)
    at_python = len(body)
    body += for_python + record(2, len(for_python), at_python)
    body += struct.pack("<4sLQL", b"PK\x06\x07", 0, at_torch_record, 1)
    return body + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)


def test_a_zip64_record_away_from_its_locator_is_unverified(run, release):
    found = assert_refused(run, release, "model.bin", _two_zip64_records(), {"OLW011"})
    assert any("zip64 end record" in f["message"] for f in found["OLW011"])


def test_a_zip64_archive_laid_out_as_writers_do_is_read(run, release):
    """One zip64 end record, right before its locator (as Python's zipfile, numpy and torch write one for a large
    archive): every reader agrees, and the checkpoint is allowlisted."""
    def local(name: bytes, data: bytes) -> bytes:
        return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data), len(name), 0) + name + data

    def central(name: bytes, data: bytes, offset: int) -> bytes:
        return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                           len(name), 0, 0, 0, 0, 0, offset) + name

    pkl, ver = b"archive/data.pkl", b"archive/version"
    body = local(pkl, benign_torch_pickle())
    at_version = len(body)
    body += local(ver, b"3\n")
    directory = central(pkl, benign_torch_pickle(), 0) + central(ver, b"3\n", at_version)
    at_directory = len(body)
    body += directory
    at_record = len(body)
    body += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 2, 2, len(directory), at_directory)
    body += struct.pack("<4sLQL", b"PK\x06\x07", 0, at_record, 1)
    body += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    safety, found, code = check(run, release, {"model.bin": body})
    assert safety["model.bin"] in PASSING and "OLW011" not in found, found.get("OLW011")


def test_a_zip_whose_readers_would_see_different_central_directories_is_unverified(run, release):
    found = assert_refused(run, release, "model.bin", _two_directories(), {"OLW011"})
    assert any("bytes before the zip archive" in f["message"] for f in found["OLW011"])


def test_a_zip_member_renamed_by_its_unicode_path_field_is_not_trusted_by_its_new_name(run, release):
    # Python 3.12+ renames it (unverified: OLW011); before 3.12, zipfile reads the stored name and finds os.system
    assert_refused(run, release, "model.bin", _unicode_path_renamed(), {"OLW011", "OLW003"})


def test_a_storage_record_naming_two_storage_types_is_unverified(run, release):
    """torch skips a storage's bytes by the type its record's tuple holds; the scan took the last type the record
    imported. A record importing DoubleStorage, then FloatStorage it drops, shifted the scan 16 bytes short of
    torch, into a harmless pickle, while torch loaded the storage views hidden in the skipped bytes (a review's find)."""
    record = b"\x80\x02X\x01\x00\x00\x000X\x03\x00\x00\x00cpuctorch\nDoubleStorage\nctorch\nFloatStorage\n0\x87."
    hidden = bytes(12) + OS_SYSTEM_PROTOCOL0
    storages = (pickle.dumps(1, protocol=2) + record + struct.pack("<q", 4) + bytes(16)
                + b"\x80\x02U" + bytes([len(hidden)]) + hidden + b"0].")
    content = tar_of({"sys_info": pickle.dumps({}, protocol=2), "pickle": pickle.dumps({}, protocol=2), "storages": storages,
                       "tensors": pickle.dumps(0, protocol=2)})
    found = assert_refused(run, release, "model.bin", content, {"OLW011"})
    assert any("2 storage types" in f["message"] for f in found["OLW011"])


def test_a_sparse_tar_member_is_unverified(run, release):
    """tarfile reads a GNU sparse member through its map; the scan read its stored bytes as they lie. A map that
    skips a stored stop opcode hid os.system from the scan (a review's find)."""
    import tarfile

    def octal(number: int, width: int) -> bytes:
        return b"%0*o" % (width - 1, number) + b"\0"

    stored = b"\x80\x02NNN" + b".AAAA" + OS_SYSTEM_PROTOCOL0
    real = len(stored) - 5
    header = bytearray(512)
    header[0:6] = b"pickle"
    header[100:108], header[108:116], header[116:124] = octal(0o644, 8), octal(0, 8), octal(0, 8)
    header[124:136], header[136:148] = octal(len(stored), 12), octal(0, 12)
    header[156:157], header[257:265] = b"S", b"ustar  \0"
    for index, (offset, size) in enumerate([(0, 5), (0, real)]):
        at = 386 + 24 * index
        header[at:at + 12], header[at + 12:at + 24] = octal(offset, 12), octal(size, 12)
    header[483:495] = octal(real, 12)
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name, content in {"sys_info": pickle.dumps({}, protocol=2), "storages": pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2),
                              "tensors": pickle.dumps(0, protocol=2)}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        archive.fileobj.write(bytes(header) + stored + bytes(-len(stored) % 512))
        archive.offset += 512 + len(stored) + (-len(stored) % 512)
    found = assert_refused(run, release, "model.bin", buffer.getvalue(), {"OLW011"})
    assert any("sparse" in f["message"] for f in found["OLW011"])


@pytest.mark.parametrize("link_type", ["LNKTYPE", "SYMTYPE"])
def test_a_tar_checkpoint_member_that_links_to_another_is_unverified(run, release, link_type):
    """torch's tar.extract("storages") and extractfile("pickle") follow a link to the member it names: a hard link
    named `storages` ran a pickle kept in `notes.txt` (a security review's find)."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, content in {"notes.txt": pickle.dumps(0, protocol=2) + OS_SYSTEM_PROTOCOL0,
                              "tensors": pickle.dumps(0, protocol=2), "pickle": benign_torch_pickle()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        link = tarfile.TarInfo("storages")
        link.type, link.linkname = getattr(tarfile, link_type), "notes.txt"
        archive.addfile(link)
    found = assert_refused(run, release, "model.bin", buffer.getvalue(), {"OLW011"})
    assert any("is a link to 'notes.txt'" in f["message"] for f in found["OLW011"])


@pytest.mark.parametrize("name, content", [
    ("model.safetensors", b""),  # empty
    ("model.safetensors", os.urandom(100)),  # garbage
    ("pytorch_model.bin", b"not a pickle at all" * 10),
    ("model.onnx_data", b""),  # a format judged by its name alone
    ("flax_model.msgpack", b""),
    ("weights.npy", b""),
    ("model.safetensors", b"version https://git-lfs.github.com/spec/v1\n"),  # a pointer that names no object
], ids=["empty", "random-bytes", "not-a-pickle", "empty-onnx-data", "empty-msgpack", "empty-npy", "objectless-pointer"])
def test_files_that_are_not_weights_do_not_release_the_weights(run, release, name, content):
    # a stranger's pull request that adds a placeholder must not make the weights "fully open": the release is
    # graded exactly as one without the file
    card = ("---\nlicense: apache-2.0\ndatasets: [allenai/dolma]\nlibrary_name: transformers\n---\n# m\n"
            "Trained from scratch with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox).\n")
    folder = release({"README.md": card, name: content}, name="placeholder-weights")
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1
    report = result.json()
    weights = next(c for c in report["components"] if c["id"] == "deployment.data.weights")
    assert (weights["status"], weights["level"]) == ("undisclosed", 1) and "not valid weights" in weights["note"]
    assert "usable weight file" in by_code(report)["OLW001"][0]["message"]
    bare = run("check", str(release({"README.md": card}, name="no-weights")), "-f", "json", "--no-config").json()
    assert report["grade"] == bare["grade"] and "no-weights" in [cap["name"] for cap in report["grade"]["caps"]]


@pytest.mark.parametrize("path, expected", [
    ("coreml/text/float32_model.mlpackage/Data/com.apple.CoreML/weights/weight.bin", "coreml"),  # not a pickle
    ("float32_model.mlpackage/Data/com.apple.CoreML/model.mlmodel", "coreml"),
    ("x.mlpackage/Manifest.json", None),
    ("pytorch_model.bin", "pytorch-pickle"),
])
def test_files_inside_a_core_ml_package_are_that_package(path, expected):
    from openlint.readers.weights import identify

    entry = identify(path)
    assert (entry["format"] if entry else None) == expected


@pytest.mark.parametrize("shape", [
    "[" + ",".join(["9" * 4000] * 300) + ",0]",  # huge literal dimensions: seconds of big-integer products before
    "[" + ",".join(["1" + "0" * 2500] * 2) + "]",  # a 5001-digit product: an internal error when it was printed
    "[" + ",".join(["4294967296"] * 3) + "]",  # 2**96 elements: no u64 holds the count
    "[1099511627776,1099511627776,0]",  # the library's product overflows before it reaches the 0
])
def test_a_safetensors_shape_no_64_bit_reader_accepts_is_invalid(run, release, shape):
    """The library reads dimensions and their product as u64: anything past that is an invalid header, found fast."""
    content = _safetensors(b'{"t":{"dtype":"F32","shape":' + shape.encode() + b',"data_offsets":[0,0]}}', 0)
    safety, found, code = check(run, release, {"model.safetensors": content})
    assert code == 1 and safety["model.safetensors"] not in PASSING
    assert "64 bits" in found["OLW005"][0]["message"]


def test_weight_metadata_kept_for_the_report_is_bounded(run, release):
    """A 4 MB metadata value of control characters (each escaped four-fold in every output), and GGUF general.*
    strings past a megabyte: the report keeps evidence, not a copy."""
    from weightgen import gguf_bytes

    value = "\u0085" * 4_000_000
    header = json.dumps({"__metadata__": {"license": "mit", "x": value}, "t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}},
                        ensure_ascii=False).encode()
    many = {f"general.k{i}": "a" * 60_000 for i in range(40)}  # 2.4 MB of general.* strings
    folder = release({"README.md": CARD, "model.safetensors": _safetensors(header, 1), "m.gguf": gguf_bytes(many, tensors=1)})
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code in (0, 1), result.err
    weights = {w["path"]: w for w in result.json()["weights"]}
    kept = weights["model.safetensors"]["metadata"]
    assert kept["license"] == "mit" and kept["x"].startswith("\\x85") and len(kept["x"]) <= 65_537 * 4  # each escaped as \x85
    assert sum(len(v) for v in weights["m.gguf"]["metadata"].values() if isinstance(v, str)) <= 1_000_000


def test_gguf_number_arrays_kept_for_the_report_are_bounded():
    """general.* arrays of 1024 numbers each, 2000 of them: two million values were kept and escaped for every output
    (8 such files took 2.2 GB; a security review's find). Numbers count toward the file's kept total as strings do."""
    import struct as packing

    entries = b""
    for i in range(2000):
        key = f"general.k{i}".encode()
        values = packing.pack("<1024Q", *range(i * 1024, i * 1024 + 1024))
        entries += packing.pack("<Q", len(key)) + key + packing.pack("<IIQ", 9, 10, 1024) + values
    data = b"GGUF" + packing.pack("<IQQ", 3, 0, 2000) + entries
    from openlint.readers import gguf

    kept = gguf.read_header(io.BytesIO(data), len(data)).metadata
    assert 0 < sum(len(v) for v in kept.values() if isinstance(v, list)) <= gguf.MAX_KEPT_TOTAL // 16


def test_weight_scans_share_one_time_budget_per_check(run, release, monkeypatch):
    """Each file has 1 s, but sixty slow files are a minute: past the check's budget the rest are unverified
    (errors), not scanned one by one for as long as the pull request likes."""
    from openlint.release import limits
    from weightgen import benign_torch_pickle, torch_zip

    monkeypatch.setattr(limits, "WEIGHT_SCAN_SECONDS", 0.0)
    safety, found, code = check(run, release, {"a.bin": torch_zip(benign_torch_pickle()), "b.safetensors": _safetensors(b"{}", 0)})
    # every header scan shares the time: 40 safetensors files of 1.4 MB headers took 12 s, and a release may hold 500 000
    assert code == 1 and safety["a.bin"] not in PASSING and safety["b.safetensors"] not in PASSING
    assert "for weight scans ran out" in found["OLW011"][0]["message"] and "The same in 1 other file" in found["OLW011"][0]["message"]


def test_gguf_keys_do_not_use_up_the_kept_metadata_budget(run, release):
    """A megabyte of general.* values, then more keys: later values are not kept, the file is not invalid."""
    from weightgen import gguf_bytes

    kv = {f"general.note{i:02d}": "x" * 60_000 for i in range(16)}
    used = sum(len(k) + len(v) for k, v in kv.items())
    kv["general.pad"] = "y" * (1_000_000 - used - len("general.pad") - 5)  # the kept total now a few bytes short of 1 MB
    kv["general.license"] = "mit"
    safety, found, code = check(run, release, {"m.gguf": gguf_bytes(kv, tensors=1)})
    assert "OLW007" not in found and safety["m.gguf"] in PASSING


def test_a_folder_symlink_out_of_the_release_is_unverified(run, release, tmp_path):
    """diffusers loads subfolder="unet" through the link: the weights outside are never checked, so not a pass."""
    from weightgen import global_pickle, torch_zip

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "diffusion_pytorch_model.bin").write_bytes(torch_zip(global_pickle("os", "system")))
    folder = release({"README.md": CARD})
    (folder / "unet").symlink_to(outside, target_is_directory=True)
    result = run("check", str(folder), "-f", "json")
    assert result.code == 1 and [f["file"] for f in by_code(result.json())["OLW011"]] == ["unet"]


def test_a_folder_past_the_file_limit_is_an_incomplete_check_not_a_pass(run, release, monkeypatch):
    """Files past the inventory limit were never listed, so a malicious pickle among them would go unseen."""
    from openlint.sources import local
    from weightgen import global_pickle, torch_zip

    folder = release({"README.md": CARD, "aaa/pytorch_model.bin": torch_zip(global_pickle("os", "system"))})
    for i in range(5):
        (folder / f"zzz-{i}.txt").write_text("x")
    monkeypatch.setattr(local, "MAX_FILES", 3)
    result = run("check", str(folder), "-f", "json")
    assert result.code == 2 and "not graded" in result.err, (result.code, result.err)
    partial = run("check", str(folder), "-f", "json", "--partial")
    assert partial.code != 0 and partial.json()["complete"] is False


def test_a_shard_index_naming_thousands_of_series_is_read_in_one_pass_and_said_in_bounded_findings(run, release):
    """Each "-00001-of-99999" series named its 99998 missing shards as a set (15 ms a series: a 15 MB index ran for
    hours), and each missing file was a finding of its own."""
    from openlint.readers.shards import MAX_SAID, _first_missing

    assert _first_missing({1, 2, 4}, 10**12, 3) == [3, 5, 6] and _first_missing({1, 2}, 2, 5) == []
    index = {"weight_map": {f"t{i}": f"s{i}-00001-of-99999.bin" for i in range(3000)}}
    report = report_of(run, release({"README.md": CARD, "pytorch_model.bin.index.json": json.dumps(index)}))
    places = [place for f in report["findings"] if f["code"] == "OLW006" for place in f["locations"]]
    said = " ".join(place["message"] for place in places)
    assert len(places) <= 2 * MAX_SAID + 2 and "2980 more files not in the release" in said and "2980 more numbered series" in said



@pytest.mark.parametrize("name", ["./s{}.safetensors", "s{}.bin.txt"])
def test_every_kind_of_shard_finding_is_said_in_bounded_findings(run, release, name):
    """A review: paths a loader resolves elsewhere ("./x") were a finding each, 300 000 of them in a 10 MB index (a
    440 MB report); so were mapped files openlint does not scan."""
    from openlint.readers.shards import MAX_SAID

    files = {"README.md": CARD}
    if not name.startswith("./"):
        files.update({name.format(i): "x" for i in range(60)})
    index = {"weight_map": {f"t{i}": name.format(i) for i in range(3000 if name.startswith("./") else 60)}}
    files["model.safetensors.index.json"] = json.dumps(index)
    report = report_of(run, release(files))
    places = [place for f in report["findings"] if f["code"] == "OLW011" for place in f["locations"]]
    assert MAX_SAID < len(places) <= MAX_SAID + 1 and "more" in places[-1]["message"] + " ".join(p["message"] for p in places)
