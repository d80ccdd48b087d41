"""Builders of weight files for tests and benchmarks: real formats, written byte by byte, never loaded."""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import zipfile
from pathlib import Path


def safetensors_bytes(tensors: dict[str, tuple[str, list[int]]], metadata: dict[str, str] | None = None) -> tuple[bytes, int]:
    """The header part of a safetensors file and the number of data bytes that must follow it."""
    sizes = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1}
    header: dict = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = sizes[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw, offset


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]], *, sparse: bool = False, metadata: dict[str, str] | None = None) -> None:
    head, data = safetensors_bytes(tensors, metadata)
    with open(path, "wb") as handle:
        handle.write(head)
        if sparse:
            handle.truncate(len(head) + data)  # a hole: the size is real, no bytes are written
        else:
            handle.write(bytes(data))


def write_sharded(folder: Path, shards: int, tensors_per_shard: int, shape: list[int], *, sparse: bool = True) -> None:
    weight_map, total = {}, 0
    for i in range(1, shards + 1):
        name = f"model-{i:05d}-of-{shards:05d}.safetensors"
        tensors = {f"layer.{i}.{j}.weight": ("BF16", shape) for j in range(tensors_per_shard)}
        write_safetensors(folder / name, tensors, sparse=sparse)
        for tensor in tensors:
            weight_map[tensor] = name
        n = 2
        for d in shape:
            n *= d
        total += n * tensors_per_shard
    (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}))


class Reduce:
    """An object whose pickle calls `function(*args)` on load."""

    def __init__(self, function, *args) -> None:
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def global_pickle(module: str, name: str, protocol: int = 2) -> bytes:
    """A pickle naming module.name with the GLOBAL opcode and calling it (never loaded by the tests)."""
    return b"\x80" + bytes([protocol]) + b"c" + f"{module}\n{name}\n".encode() + b"X\x01\x00\x00\x00x\x85R."


def memo_stack_global(module: str, name: str) -> bytes:
    """STACK_GLOBAL whose module and name come back through the memo (BINGET), after a decoy."""
    m, n = module.encode(), name.encode()
    return (b"\x80\x04" + b"\x8c" + bytes([len(m)]) + m + b"\x94" + b"\x8c" + bytes([len(n)]) + n + b"\x94"
            + b"0" + b"0"  # pop both: nothing on the stack names them any more
            + b"\x8c\x0bcollections\x8c\x0bOrderedDict\x93"  # a benign decoy
            + b"h\x00h\x01\x93" + b")R" + b"\x86.")


def torch_zip(pickle_bytes: bytes, name: str = "archive") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{name}/data.pkl", pickle_bytes)
        archive.writestr(f"{name}/version", "3\n")
        archive.writestr(f"{name}/data/0", os.urandom(64))
    return buffer.getvalue()


def benign_torch_pickle() -> bytes:
    return (b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00wq\x02"
            b"ctorch._utils\n_rebuild_tensor_v2\nq\x03(ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x000q\x05tq\x06Rq\x07s.")


def legacy_torch(data_pickle: bytes) -> bytes:
    magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    version = pickle.dumps(1001, protocol=2)
    sys_info = pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2)
    keys = pickle.dumps(["0"], protocol=2)
    return magic + version + sys_info + data_pickle + keys + os.urandom(256)


def gguf_bytes(kv: dict[str, str], tensors: int = 0, *, version: int = 3, tensor_count: int | None = None) -> bytes:
    out = b"GGUF" + struct.pack("<IQQ", version, tensor_count if tensor_count is not None else tensors, len(kv))
    for key, value in kv.items():
        k, v = key.encode(), value.encode()
        out += struct.pack("<Q", len(k)) + k + struct.pack("<I", 8) + struct.pack("<Q", len(v)) + v
    for i in range(tensors):
        name = f"t{i}".encode()
        out += struct.pack("<Q", len(name)) + name + struct.pack("<I", 2) + struct.pack("<QQ", 4, 8) + struct.pack("<IQ", 0, 0)
    return out


def sparse_gguf(path: Path, *, kv_count: int, tensor_count: int, size: int) -> None:
    """A GGUF header whose counts fit the file size, over a sparse file of zeros: zero bytes read as empty keys
    of type uint8, or as empty tensor names with 0 dimensions, so every entry parses."""
    with open(path, "wb") as handle:
        handle.write(b"GGUF" + struct.pack("<IQQ", 3, tensor_count, kv_count))
        handle.truncate(size)


def zip_with_many_members(count: int) -> bytes:
    """A zip whose central directory lists `count` members, all pointing at one stored local entry."""
    data = b"3\n"
    crc = __import__("zlib").crc32(data)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(data), len(data), 9, 0) + b"a/version" + data
    central = bytearray()
    for i in range(count):
        name = f"a/m{i:07d}".encode()
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc, len(data), len(data),
                               len(name), 0, 0, 0, 0, 0, 0) + name
    entries = min(count, 0xFFFF)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, len(central), len(local), 0)
    if count > 0xFFFF:  # zip64 end records carry the real count
        zip64_end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(central), len(local))
        locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(local) + len(central), 1)
        end = zip64_end + locator + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return local + bytes(central) + end


def zip_of_near_limit_members(count: int, size: int) -> bytes:
    """`count` deflated pickle members of `size` bytes each whose compression ratio stays under 200:1: each is a
    run of NONE opcodes broken by a random byte-string every ~600 bytes, so a scanner must walk every opcode."""
    import random
    rng = random.Random(0)
    chunk = bytearray()
    while len(chunk) < 1_000_000:
        chunk += b"N" * 600 + b"U\x02" + bytes([rng.randrange(256), rng.randrange(256)]) + b"0"
    body = bytes(chunk) * (size // len(chunk) + 1)
    content = b"\x80\x02" + body[:size] + b"."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            archive.writestr(f"archive/p{i}.pkl", content)
    return buffer.getvalue()


# -- pickles written as torch and numpy write them, without either installed ------------------------------------------

class Global:
    """Stands for module.name in a pickle: written as GLOBAL (protocol < 4) or STACK_GLOBAL, never imported."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args):  # the pickler requires reduce functions to be callable; never called
        raise AssertionError("a stub global is never called")


class Call:
    """An object whose pickle is `function(*args)`, then BUILD with `state`, then SETITEMs of `items`."""

    def __init__(self, function: Global, args: tuple = (), state=None, items: dict | None = None) -> None:
        self.function, self.args, self.state, self.items = function, args, state, items

    def __reduce__(self):
        return (self.function, self.args, self.state, None, iter(self.items.items()) if self.items is not None else None)


class Storage:
    """A torch storage: pickled by torch as a persistent id ('storage', type, key, location, numel)."""

    def __init__(self, dtype: str, key: str, numel: int) -> None:
        self.dtype, self.key, self.numel = dtype, key, numel


class _StubPickler(pickle._Pickler):
    dispatch = pickle._Pickler.dispatch.copy()

    def save_stub_global(self, obj: Global) -> None:
        if self.proto >= 4:
            self.save(obj.module)
            self.save(obj.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[Global] = save_stub_global

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", Global("torch", obj.dtype), obj.key, "cpu", obj.numel)
        return None


def stub_pickle(obj, protocol: int = 2) -> bytes:
    buffer = io.BytesIO()
    _StubPickler(buffer, protocol=protocol).dump(obj)
    return buffer.getvalue()


def torch_state_dict(tensors: dict[str, list[int]], protocol: int = 2, *, parameter: bool = False) -> bytes:
    """data.pkl of torch.save(model.state_dict()): an OrderedDict with _metadata, each tensor rebuilt by
    torch._utils._rebuild_tensor_v2 from a persistent-id storage (optionally wrapped as a Parameter)."""
    rebuild = Global("torch._utils", "_rebuild_tensor_v2")
    ordered = Global("collections", "OrderedDict")
    items = {}
    for i, (name, shape) in enumerate(tensors.items()):
        numel = 1
        for d in shape:
            numel *= d
        stride, step = [], 1
        for d in reversed(shape):
            stride.insert(0, step)
            step *= d
        tensor = Call(rebuild, (Storage("FloatStorage", str(i), numel), 0, tuple(shape), tuple(stride), False, Call(ordered)))
        if parameter:
            tensor = Call(Global("torch._utils", "_rebuild_parameter"), (tensor, True, Call(ordered)))
        items[name] = tensor
    metadata = Call(ordered, items={"": {"version": 1}})
    return stub_pickle(Call(ordered, state={"_metadata": metadata}, items=items), protocol)


def numpy_object_array(values: list, protocol: int = 2) -> bytes:
    """A pickle of numpy.array(values, dtype=object) as numpy writes it: _reconstruct, then BUILD with the items."""
    reconstruct = Global("numpy.core.multiarray", "_reconstruct")
    dtype = Call(Global("numpy", "dtype"), ("O8", False, True), state=(3, "|", None, None, None, -1, -1, 63))
    array = Call(reconstruct, (Global("numpy", "ndarray"), (0,), b"b"), state=(1, (len(values),), dtype, False, values))
    return stub_pickle(array, protocol)


def npy_bytes(descr: str, payload: bytes, shape: tuple = (1,)) -> bytes:
    header = f"{{'descr': {descr!r}, 'fortran_order': False, 'shape': {shape!r}, }}".encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def torch_tar(pickle_member: bytes, storages: list[tuple[bytes, int, int]] | None = None, tensors: list[bytes] | None = None,
              views: bytes | None = None) -> bytes:
    """torch's oldest checkpoint format: a tar of sys_info, pickle, storages (ending with the storage views' pickle)
    and tensors (legacy_load)."""
    if storages is None:
        storages = [(stub_pickle(("0", "cpu", Global("torch", "FloatStorage"))), 4, 4)]
    stor = pickle.dumps(len(storages), protocol=2)
    for args, numel, size in storages:
        stor += args + struct.pack("<q", numel) + bytes(numel * size)
    stor += pickle.dumps([], protocol=2) if views is None else views
    tens = pickle.dumps(len(tensors or []), protocol=2)
    for args in tensors or []:
        tens += args + struct.pack("<ii", 1, 0) + struct.pack("<qqq", 4, 1, 0)
    return tar_of({"sys_info": pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2),
                   "pickle": pickle_member, "storages": stor, "tensors": tens})


def tar_of(members: dict[str, bytes]) -> bytes:
    """A tar archive of regular files, in the PAX format torch wrote."""
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def smallest_weights(path: str) -> bytes | None:
    """The smallest valid file of a weight format openlint reads (safetensors, GGUF, a pickle), for a placeholder of a
    listed file whose contents are not known; None for other files (an empty placeholder will do)."""
    from openlint.readers.weights import identify

    entry = identify(path)
    scan = entry.get("scan") if entry else None
    if scan == "safetensors":
        head, data = safetensors_bytes({"w": ("U8", [1])})
        return head + b"\0" * data
    if scan == "gguf":
        return gguf_bytes({}, tensors=1)
    if scan == "pickle":
        return torch_zip(benign_torch_pickle())
    return None
