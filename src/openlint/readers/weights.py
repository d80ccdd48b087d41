"""Weight files: identify each by name, judge it from its header only, and check sharded indexes.

Readers receive an `opener` so that the same code serves any source; the local source's opener refuses
anything but a regular file inside the release.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import cache
from typing import Any, BinaryIO

from openlint.knowledge import store
from openlint.readers import gguf, pickle_policy, pickles, safetensors
from openlint.release import limits
from openlint.release.model import Problem, Release, WeightFile

Opener = Callable[[str], AbstractContextManager[BinaryIO]]

LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_SHARD = re.compile(r"^(?P<prefix>.*?)-(?P<index>\d{5})-of-(?P<total>\d{5})(?P<suffix>\.[A-Za-z0-9_.]+)$")
MAX_INDEX_BYTES = limits.INDEX_BYTES


@cache
def _formats() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], tuple[str, ...]]:
    """(format by exact file name, format by suffix, suffixes of code files): lookups, not scans, because a
    release can hold 100 000 files."""
    data = store.load("weight-formats")
    by_name = {name: entry for entry in data["formats"] for name in entry.get("names", ())}
    by_suffix = {suffix: entry for entry in data["formats"] for suffix in entry.get("suffixes", ())}
    return by_name, by_suffix, tuple(data["code_suffixes"])


def identify(path: str) -> dict[str, Any] | None:
    """The format entry of a file name, or None when it is not a weight or model artifact."""
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    by_name, by_suffix, _ = _formats()
    if name in by_name:
        return by_name[name]
    dot = name.find(".")
    while dot != -1:
        entry = by_suffix.get(name[dot:])
        if entry is not None:
            under = entry.get("under")
            if not under or any(f"/{u}" in f"/{lower}" for u in under):
                return entry
        dot = name.find(".", dot + 1)
    return None


def is_code(path: str) -> bool:
    return path.lower().endswith(_formats()[2])


def classify_global(qualified: str) -> str:
    """'safe' (on the allow-list), 'dangerous' (on the deny-list, or unresolvable) or 'suspicious' (on neither) for
    one imported global such as 'os.system'. Only 'safe' passes: the other two are both errors."""
    return pickle_policy.classify(qualified)


def judge_by_format(weight: WeightFile, entry: dict[str, Any]) -> bool:
    """Formats judged by their name alone; True when this decided the file's safety."""
    if entry["loads"] == "code":
        weight.safety = "may-execute"
        weight.detail = entry.get("note", "loading this format can run code")
        return True
    if entry["scan"] == "none":
        weight.safety = "safe"
        return True
    return False


def mark_invalid(weight: WeightFile, kind: str, message: str, problems: list[Problem]) -> None:
    weight.safety, weight.detail = "invalid", message
    problems.append(Problem(kind, weight.path, None, message))


def mark_unverified(weight: WeightFile, message: str, problems: list[Problem]) -> None:
    """A file whose check stopped at a limit: not a pass. An error (OLW011), and never safe."""
    weight.safety, weight.detail = "unchecked", f"unverified: {message}"
    problems.append(Problem("weights.unverified", weight.path, None, message))


def inspect(path: str, size: int, opener: Opener, problems: list[Problem]) -> WeightFile | None:
    entry = identify(path)
    if entry is None:
        return None
    weight = WeightFile(path=path, format=entry["format"], loads=entry["loads"], size=size)
    if not judge_by_format(weight, entry):
        try:
            with opener(path) as handle:
                head = handle.read(len(LFS_POINTER))
                handle.seek(0)
                if head == LFS_POINTER:
                    mark_invalid(weight, "weights.lfs-pointer", "a Git LFS pointer, not the weights (fetch with git lfs pull)", problems)
                    return weight
                _SCANNERS[entry["scan"]](weight, handle, problems)
        except OSError as exc:
            weight.safety = "unchecked"
            weight.detail = f"could not be read: {exc.strerror or exc}"
            problems.append(Problem("weights.unreadable", path, None, weight.detail))
    return weight


def _scan_safetensors(weight: WeightFile, handle: BinaryIO, problems: list[Problem]) -> None:
    try:
        header = safetensors.read_header(handle, weight.size)
    except safetensors.HeaderLimit as exc:
        mark_unverified(weight, str(exc), problems)
        return
    except safetensors.HeaderError as exc:
        mark_invalid(weight, "weights.invalid-safetensors", str(exc), problems)
        return
    apply_safetensors_header(weight, header, problems)


def apply_safetensors_header(weight: WeightFile, header: safetensors.SafetensorsHeader, problems: list[Problem]) -> None:
    weight.safety = "safe"
    weight.parameters = header.parameters
    weight.dtypes = header.dtypes()
    weight.metadata = dict(header.metadata)
    weight.tensors = {name: end - begin for name, (_, _, begin, end) in header.tensors.items()}
    for warning in header.warnings:
        problems.append(Problem("weights.safetensors-warning", weight.path, None, warning))


def _scan_gguf(weight: WeightFile, handle: BinaryIO, problems: list[Problem]) -> None:
    try:
        header = gguf.read_header(handle, weight.size)
    except gguf.GGUFLimit as exc:
        mark_unverified(weight, str(exc), problems)
        return
    except gguf.GGUFError as exc:
        mark_invalid(weight, "weights.invalid-gguf", str(exc), problems)
        return
    weight.safety = "safe"
    weight.parameters = header.parameters
    weight.metadata = header.metadata
    weight.detail = f"GGUF v{header.version}, {header.tensor_count} tensors"


def _scan_pickle(weight: WeightFile, handle: BinaryIO, problems: list[Problem]) -> None:
    """Every pickle a loader would run is scanned; any import off the allow-list is an error, and a scan that
    could not finish leaves the file unverified (an error too), never safe."""
    result = pickles.scan_file(handle, weight.path, weight.size)
    found: dict[str, tuple[str, pickle_policy.Import]] = {}
    for item in result.imports:
        found.setdefault(item.qualified, (pickle_policy.verdict(item), item))
    weight.imports = sorted(found)
    refused = False
    for qualified, (verdict, item) in found.items():
        if verdict == pickle_policy.ALLOWED:
            continue
        refused = True
        if verdict == pickle_policy.UNLISTED:
            problems.append(Problem("weights.suspicious-import", weight.path, None,
                                    f"imports {item.shown} (in {item.member}), which is not on the allow-list of tensor-rebuilding imports",
                                    {"global": qualified}))
        elif verdict == pickle_policy.UNRESOLVED:
            problems.append(Problem("weights.dangerous-import", weight.path, None,
                                    f"imports {qualified} ({item.opcode}: {item.raw}) (in {item.member})", {"global": qualified}))
        else:
            problems.append(Problem("weights.dangerous-import", weight.path, None, f"imports {item.shown} (in {item.member})",
                                    {"global": qualified}))
    for reason in result.unverified:
        problems.append(Problem("weights.unverified", weight.path, None, reason))
    if refused:
        weight.safety = "dangerous"
    elif result.unverified:
        weight.safety = "unchecked"
        weight.detail = f"unverified: {result.unverified[0]}"
    elif weight.format == "numpy" and not result.pickles and not result.not_pickle:
        weight.safety = "safe"
    elif result.pickles:
        weight.safety = "allowlisted"
    else:
        weight.safety = "invalid"
        weight.detail = "no pickle could be read from this file"
        problems.append(Problem("weights.invalid-pickle", weight.path, None, weight.detail))
    weight.detail = weight.detail or f"{result.kind}, {result.pickles} pickle(s), {len(found)} import(s)"


_SCANNERS = {"safetensors": _scan_safetensors, "gguf": _scan_gguf, "pickle": _scan_pickle}


def check_indexes(release: Release, opener: Opener | None) -> None:
    """Sharded checkpoints: the index names existing shards, numbered completely, matching their headers."""
    by_path = {w.path: w for w in release.weights}
    for path in sorted(release.files):
        if not path.endswith(".index.json") or not (".safetensors" in path or ".bin" in path):
            continue
        text = release.texts.get(path)
        entry = release.files[path]
        if text is None and entry.size > MAX_INDEX_BYTES:
            release.problems.append(Problem("weights.unverified", path, None,
                                            f"a shard index of {entry.size} bytes; more than openlint's limit of {MAX_INDEX_BYTES}, "
                                            "so the shards it maps are not checked against it"))
            continue
        if text is None and opener is not None:
            if entry.special:
                continue
            try:
                with opener(path) as handle:
                    text = handle.read(MAX_INDEX_BYTES).decode("utf-8", errors="replace")
            except OSError:
                continue
        if text is None:
            continue
        _check_index(release, path, text, by_path)


def _check_index(release: Release, path: str, text: str, by_path: dict[str, WeightFile]) -> None:
    problems = release.problems
    try:
        index = json.loads(text)
        weight_map = index["weight_map"]
        if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        problems.append(Problem("weights.index-invalid", path, 1, "not a valid shard index (a JSON object with a weight_map of tensor -> file)"))
        return
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    shards: dict[str, list[str]] = {}
    for tensor, shard in weight_map.items():
        shards.setdefault(shard, []).append(tensor)
    totals: dict[tuple[str, str], set[int]] = {}
    for shard in sorted(shards):
        match = _SHARD.match(shard)
        if match:
            totals.setdefault((match["prefix"] + match["suffix"], match["total"]), set()).add(int(match["index"]))
        full = folder + shard
        if full not in release.files:
            problems.append(Problem("weights.shard-missing", path, None, f"the index maps {len(shards[shard])} tensors to {shard}, which is not in the release", {"shard": shard}))
    for (_, total), present in totals.items():
        missing = sorted(set(range(1, int(total) + 1)) - present)
        if missing:
            names = ", ".join(f"{i:05d}" for i in missing[:5])
            problems.append(Problem("weights.shard-missing", path, None, f"shard numbering of {total} is incomplete: no tensors mapped to shard(s) {names}"))
    if not path.endswith(".safetensors.index.json"):
        return
    summed = 0
    complete = True
    for shard, tensors in shards.items():
        weight = by_path.get(folder + shard)
        if weight is None or weight.tensors is None:
            complete = False
            continue
        mapped, actual = set(tensors), set(weight.tensors)
        if mapped != actual:
            extra, absent = sorted(actual - mapped), sorted(mapped - actual)
            parts = []
            if absent:
                parts.append(f"{len(absent)} mapped tensor(s) absent from its header (e.g. {absent[0]})")
            if extra:
                parts.append(f"{len(extra)} tensor(s) in its header not in the map (e.g. {extra[0]})")
            problems.append(Problem("weights.shard-mismatch", path, None, f"{shard}: " + "; ".join(parts), {"shard": shard}))
        summed += sum(weight.tensors.values())
    total_size = index.get("metadata", {}).get("total_size") if isinstance(index.get("metadata"), dict) else None
    if complete and isinstance(total_size, int) and total_size != summed:
        problems.append(Problem("weights.shard-mismatch", path, None, f"metadata.total_size is {total_size} but the shard headers hold {summed} tensor bytes"))
