"""Weight files: identify each by name and judge it from its header only (shard indexes: readers/shards.py).

Readers receive an `opener` so that the same code serves any source; the local source's opener refuses
anything but a regular file inside the release.
"""

from __future__ import annotations

import re

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from functools import cache
from typing import TYPE_CHECKING, Any, BinaryIO

from openlint.knowledge import store
from openlint.readers import safetensors
from openlint.release.model import Problem, WeightFile

if TYPE_CHECKING:
    from openlint.readers.pickles import policy as pickle_policy

Opener = Callable[[str], AbstractContextManager[BinaryIO]]

LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_GGUF_SPLIT = re.compile(r"^(?P<series>.*)-(?P<part>\d{5})-of-(?P<total>\d{5})\.gguf$", re.IGNORECASE)  # gguf-split's names
SPLIT_METADATA_ONLY = "GGUF split: the first file, with the metadata only"


def _first_of_split(path: str) -> bool:
    split = _GGUF_SPLIT.match(path)
    return split is not None and int(split["part"]) == 1 and int(split["total"]) > 1


def settle_splits(weights: list[WeightFile], problems: list[Problem]) -> None:
    """A split's metadata-only first file is weights when another file of the same split holds tensors; alone (or
    beside empty parts) it is a placeholder, as any GGUF file without tensors is (a review's find: the name alone let
    an empty `m-00001-of-00001.gguf` pass for fully open weights)."""
    holding = {(m["series"].lower(), m["total"]) for w in weights if (m := _GGUF_SPLIT.match(w.path))
               and w.detail != SPLIT_METADATA_ONLY and w.safety not in ("invalid",) and w.parameters != 0}
    for weight in weights:
        split = _GGUF_SPLIT.match(weight.path)
        if weight.detail == SPLIT_METADATA_ONLY and split is not None and (split["series"].lower(), split["total"]) not in holding:
            mark_invalid(weight, "weights.placeholder", "the first file of a GGUF split, holding no tensors, and no other file of "
                         "the split holds any: not weights", problems)


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
    found = by_name.get(name)
    dot = name.find(".")
    while found is None and dot != -1:
        entry = by_suffix.get(name[dot:])
        under = entry.get("under") if entry is not None else None
        if entry is not None and (not under or any(f"/{u}" in f"/{lower}" for u in under)):
            found = entry
        dot = name.find(".", dot + 1)
    # a file inside a Core ML package (".../weights/weight.bin") is part of that package, not a PyTorch pickle
    if found is not None and ".mlpackage/" in lower:
        return by_suffix.get(".mlpackage", found)
    return found


def is_code(path: str) -> bool:
    return path.lower().endswith(_formats()[2])


def names_own_code(config: dict[str, Any], files: Iterable[str]) -> bool:
    """Whether a release says it ships code that trust_remote_code would load: config.json's auto_map or custom
    pipelines, or a Python file among its files."""
    return bool(config.get("auto_map")) or bool(config.get("custom_pipelines")) or any(is_code(path) for path in files)


def custom_components(index: dict[str, Any], files: Iterable[str], links: dict[str, str] | None = None) -> list[str]:
    """The release's Python files a Diffusers model_index.json has the pipeline load: a component's [module, class]
    whose module is `FOLDER/MODULE.py` of the release, and a `_class_name` [module, class] whose module is `MODULE.py`
    at the root (a custom pipeline). Library names (["diffusers", "UNet2DConditionModel"]) name no such file."""
    present = set(files)
    found = []
    for key, value in index.items():
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and value[0]:
            folder = (links or {}).get(key, key)  # a component folder that is a symlink: its module is at the target
            path = f"{value[0]}.py" if key == "_class_name" else f"{folder}/{value[0]}.py"
            if path in present:
                found.append(path)
    return found


def code_references(config: dict[str, Any], *, list_form: bool = False) -> list[str]:
    """Every module reference a config hands to Transformers' dynamic loading: each auto_map value (a reference, or
    a list of them: AutoTokenizer's [slow, fast], either may be null) and each custom pipeline's `impl`.
    `list_form`: an auto_map that is itself a list counts (tokenizer_config.json's legacy form, which AutoTokenizer
    still loads; a list anywhere else names no class a loader looks up)."""
    auto_map = config.get("auto_map")
    values = list(auto_map.values()) if isinstance(auto_map, dict) else [auto_map] if list_form and isinstance(auto_map, list) else []
    pipelines = config.get("custom_pipelines")
    for task in pipelines.values() if isinstance(pipelines, dict) else ():
        if isinstance(task, dict):
            values.append(task.get("impl"))
    return [reference for value in values for reference in (value if isinstance(value, list) else [value]) if isinstance(reference, str)]


def foreign_code(config: dict[str, Any], *, list_form: bool = False) -> dict[str, list[str]]:
    """The code a config names in other repositories, by repository: "org/repo--modeling_x.XModel" is how
    Transformers names a class whose module lives in org/repo, which trust_remote_code downloads and runs."""
    found: dict[str, set[str]] = {}
    for reference in code_references(config, list_form=list_form):
        if "--" in reference:
            repo, _, name = reference.partition("--")
            found.setdefault(repo.strip(), set()).add(name.strip())
    return {repo: sorted(names) for repo, names in sorted(found.items())}


def classify_global(qualified: str) -> str:
    """'safe' (on the allow-list), 'dangerous' (on the deny-list, or unresolvable) or 'suspicious' (on neither) for
    one imported global such as 'os.system'. Only 'safe' passes: the other two are both errors."""
    from openlint.readers.pickles import policy as pickle_policy

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


def inspect(path: str, size: int, opener: Opener, problems: list[Problem], out_of_time: str | None = None) -> WeightFile | None:
    """A weight file judged from its header. `out_of_time`: why the check has no time left for header scans; a file
    that needs one is then unverified without being opened (an error, never a pass)."""
    entry = identify(path)
    if entry is None:
        return None
    weight = WeightFile(path=path, format=entry["format"], loads=entry["loads"], size=size)
    if out_of_time and entry.get("scan") != "none" and size:
        mark_unverified(weight, out_of_time, problems)
        return weight
    if size == 0:
        # judged by name alone, an empty .onnx_data or .msgpack would pass for weights: a placeholder is not weights
        mark_invalid(weight, "weights.empty", "an empty file, not weights", problems)
        return weight
    if entry.get("magic") and not _starts_as(entry, path, opener, weight, problems):
        return weight
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
            problems.append(Problem(unreadable_kind(entry), path, None, weight.detail))
    return weight


def _starts_as(entry: dict[str, Any], path: str, opener: Opener, weight: WeightFile, problems: list[Problem]) -> bool:
    """Whether a file of a format judged by name starts as files of that format do (rules/weight-formats.yaml
    `magic`): a text placeholder named model.onnx is not weights. A file that cannot be read is left to the format's
    own judgement."""
    span = max(len(LFS_POINTER), *(at + len(bytes.fromhex(raw)) for at, raw in _magic(entry)))
    try:
        with opener(path) as handle:
            head = handle.read(span)
    except OSError:
        return True
    if head.startswith(LFS_POINTER):  # as for the formats scanned: a checkout without its LFS objects
        mark_invalid(weight, "weights.lfs-pointer", "a Git LFS pointer, not the weights (fetch with git lfs pull)", problems)
        return False
    if any(head[at:at + len(bytes.fromhex(raw))] == bytes.fromhex(raw) for at, raw in _magic(entry)):
        return True
    mark_invalid(weight, "weights.placeholder", f"it does not start as a {entry['format']} file does, so it holds no weights", problems)
    return False


def _magic(entry: dict[str, Any]) -> list[tuple[int, str]]:
    return [(item.get("at", 0), item["hex"].replace(" ", "")) for item in entry["magic"]]


# the names loaders take a model's weights from: a trainer's scheduler.pt, an optimizer's state, a Lightning
# checkpoint of hyper-parameters hold no tensors and are no placeholders (a review's find)
_MODEL_WEIGHTS = re.compile(r"^(?:pytorch_model|diffusion_pytorch_model|adapter_model|consolidated|model)(?:[.-][\w.-]*)?\.(?:bin|pt|pth)$",
                            re.IGNORECASE)


def _holds_arrays(qualified: str) -> bool:
    return qualified.split(".", 1)[0] in ("torch", "numpy")


def unreadable_kind(entry: dict[str, Any]) -> str:
    """A file a loader would unpickle that cannot be read is unverified (an error: the loader may follow a symlink
    or read a FIFO the scan would not); one of a format that runs no code on load is only uninspected."""
    return "weights.unverified" if entry.get("scan") == "pickle" else "weights.unreadable"


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
    if not header.tensors:  # `{}`: ten bytes that would pass for fully open weights
        mark_invalid(weight, "weights.placeholder", "a safetensors file that holds no tensors, not weights", problems)
        return
    weight.safety = "safe"
    weight.parameters = header.parameters
    weight.dtypes = header.dtypes()
    weight.metadata = _kept(header.metadata)
    weight.tensors = {name: end - begin for name, (_, _, begin, end) in header.tensors.items()}
    for warning in header.warnings:
        problems.append(Problem("weights.safetensors-warning", weight.path, None, warning))


MAX_KEPT_VALUE = 65_536  # characters of one metadata value kept for the report
MAX_KEPT_METADATA = 1_000_000  # characters of one file's metadata kept in all


def _kept(metadata: dict[str, Any]) -> dict[str, Any]:
    """A header's metadata as the report keeps it: evidence, not a copy; a 16 MB value would cost seconds and
    hundreds of MB to escape for every output."""
    kept: dict[str, Any] = {}
    total = 0
    for key, value in metadata.items():
        if isinstance(value, str) and len(value) > MAX_KEPT_VALUE:
            value = value[:MAX_KEPT_VALUE] + "\u2026"
        total += len(key) + (len(value) if isinstance(value, str) else 16)
        if total > MAX_KEPT_METADATA:
            break
        kept[key] = value
    return kept


def _scan_gguf(weight: WeightFile, handle: BinaryIO, problems: list[Problem]) -> None:
    from openlint.readers import gguf  # imported when a release has GGUF files, like the pickle scanner

    _judge_gguf(weight, lambda: gguf.read_header(handle, weight.size), problems)


def judge_gguf_prefix(weight: WeightFile, data: bytes, problems: list[Problem]) -> None:
    """A remote GGUF file from its first bytes: the same checks, errors and general.* keys as a local read of those
    bytes, so that a garbage file is invalid in both modes; the rest of the header is not fetched."""
    from openlint.readers import gguf

    _judge_gguf(weight, lambda: gguf.read_prefix(data, weight.size), problems)


def _judge_gguf(weight: WeightFile, read: Callable[[], Any], problems: list[Problem]) -> None:
    from openlint.readers import gguf

    try:
        header = read()
    except gguf.GGUFLimit as exc:
        mark_unverified(weight, str(exc), problems)
        return
    except gguf.GGUFError as exc:
        mark_invalid(weight, "weights.invalid-gguf", str(exc), problems)
        return
    if header.tensor_count == 0:
        if _first_of_split(weight.path):
            # a split's first file may hold the metadata alone (gguf-split, convert_hf_to_gguf
            # --no-tensor-first-split): weights only if another file of its split holds tensors (settle_splits)
            weight.safety, weight.parameters, weight.detail = "safe", 0, SPLIT_METADATA_ONLY
            weight.metadata = header.metadata
            return
        mark_invalid(weight, "weights.placeholder", "a GGUF file that holds no tensors, not weights", problems)
        return
    weight.metadata = header.metadata
    if not header.complete:  # what the rest of the header holds was not read: not a pass, as before it was fetched
        weight.detail = f"GGUF v{header.version}, {header.tensor_count} tensors; only the start of its header was read (a Hub check)"
        return
    weight.safety = "safe"
    weight.parameters = header.parameters
    weight.detail = f"GGUF v{header.version}, {header.tensor_count} tensors"


def _scan_pickle(weight: WeightFile, handle: BinaryIO, problems: list[Problem]) -> None:
    """Every pickle a loader would run is scanned; any import off the allow-list is an error, and a scan that
    could not finish leaves the file unverified (an error too), never safe. The scanner is imported only when a
    release has pickles: the hook's start-up time counts."""
    from openlint.readers import pickles
    from openlint.readers.pickles import policy as pickle_policy

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
    _judge_pickle(weight, result, refused, found, problems)
    weight.detail = weight.detail or f"{result.kind}, {result.pickles} pickle(s), {len(found)} import(s)"


def _judge_pickle(weight: WeightFile, result: Any, refused: bool, found: dict[str, Any], problems: list[Problem]) -> None:
    if refused:
        weight.safety = "dangerous"
    elif result.unverified:
        weight.safety = "unchecked"
        weight.detail = f"unverified: {result.unverified[0]}"
        weight.broken = result.broken > 0 and not result.pickles
    elif weight.format == "numpy" and not result.pickles and not result.not_pickle:
        weight.safety = "safe"
    elif result.pickles and _MODEL_WEIGHTS.match(weight.path.rsplit("/", 1)[-1]) and not any(_holds_arrays(q) for q in found):
        # `pickle.dump([1, 2, 3], open("pytorch_model.bin", "wb"))` is no checkpoint: torch's tensors and numpy's
        # arrays are rebuilt by their own globals, and a pickle naming none of them holds no weights
        mark_invalid(weight, "weights.placeholder", "a pickle that rebuilds no tensor or array, so it holds no weights", problems)
    elif result.pickles:
        weight.safety = "allowlisted"
    else:
        weight.safety = "invalid"
        weight.detail = "no pickle could be read from this file"
        problems.append(Problem("weights.invalid-pickle", weight.path, None, weight.detail))


_SCANNERS = {"safetensors": _scan_safetensors, "gguf": _scan_gguf, "pickle": _scan_pickle}
