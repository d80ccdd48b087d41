"""Sharded checkpoints: each shard index names existing shards, numbered completely, matching their headers.

Runs after every weight file was inspected: the safetensors headers already read are what an index is checked
against; no shard is read again.
"""

from __future__ import annotations

import json
from typing import Any

from openlint.knowledge import patterns
from openlint.readers.weights import Opener, identify
from openlint.release import limits
from openlint.release.limits import said
from openlint.release.model import Problem, Release, WeightFile

_RE = patterns.Constants(__name__)
# a shard index, a variant's too: Transformers and Diffusers put the variant before ".json"
# (pytorch_model.bin.index.fp16.json, model.safetensors.index.fp16.json)
_INDEX = _RE(r"\.(?:safetensors|bin)\.index(?:\.[\w-]+)?\.json$")
_SHARD = _RE(r"^(?P<prefix>.*?)-(?P<index>\d{5})-of-(?P<total>\d{5})(?P<suffix>\.[A-Za-z0-9_.]+)$")
MAX_INDEX_BYTES = limits.INDEX_BYTES


def is_index(path: str) -> bool:
    return _INDEX.search(path) is not None


def check_indexes(release: Release, opener: Opener | None) -> None:
    """Sharded checkpoints: the index names existing shards, numbered completely, matching their headers."""
    by_path = {w.path: w for w in release.weights}
    for path in sorted(release.files):
        if not is_index(path):
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
    index = _parse(text)
    if index is None:
        release.problems.append(Problem("weights.index-invalid", path, 1, "not a valid shard index (a JSON object with a weight_map of tensor -> file)"))
        return
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    shards: dict[str, list[str]] = {}
    for tensor, shard in index["weight_map"].items():
        shards.setdefault(shard, []).append(tensor)
    crooked = [s for s in sorted(shards) if not _plain(s)]
    for shard in crooked:
        del shards[shard]
    # a loader joins the name to the folder ("./x", "a/../x", "/abs"): what it opens is not the file of that name
    # openlint looked for, so it is neither missing nor scanned
    said(release.problems, crooked,
         lambda shard: Problem("weights.unverified", path, None, f"the index maps tensors to {shard!r}, a path a loader resolves "
                               "to some other file than one of that name in the release, so it is not checked"),
         lambda more: Problem("weights.unverified", path, None, f"the index maps tensors to {more} more such paths"))
    _check_shards_exist(release, path, folder, shards)
    _check_shards_scanned(release, path, folder, shards, by_path)
    if ".safetensors.index." in path:
        _check_against_headers(release.problems, path, folder, shards, index, by_path)


def _plain(shard: str) -> bool:
    """A relative path of named parts only: no "." or ".." part, no empty part, not absolute; nothing a Windows loader
    reads otherwise (a backslash, a drive or stream colon, a part ending in a dot or a space) and no control character."""
    parts = shard.split("/")
    return (bool(shard) and not any(c in shard for c in "\\:") and all(ord(c) >= 32 for c in shard)
            and all(part not in ("", ".", "..") and not part.endswith((".", " ")) for part in parts))


def _parse(text: str) -> dict[str, Any] | None:
    """The index, when it is a JSON object whose weight_map maps tensor names to file names; else None."""
    try:
        index = json.loads(text)
        weight_map = index["weight_map"]
        if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return index


def _check_shards_exist(release: Release, path: str, folder: str, shards: dict[str, list[str]]) -> None:
    """Every shard the index maps is in the release, and every numbered series (-00001-of-00003) is complete."""
    totals: dict[tuple[str, str], set[int]] = {}
    absent: list[str] = []
    for shard in sorted(shards):
        match = _SHARD.match(shard)
        if match:
            totals.setdefault((match["prefix"] + match["suffix"], match["total"]), set()).add(int(match["index"]))
        if folder + shard not in release.files:
            absent.append(shard)
    _absent(release, path, folder, shards, absent)
    _incomplete(release, path, totals)


def _absent(release: Release, path: str, folder: str, shards: dict[str, list[str]], absent: list[str]) -> None:
    said(release.problems, absent,
         lambda shard: Problem("weights.shard-missing", path, None, f"the index maps {len(shards[shard])} tensors to {shard}, which is not in the release", {"shard": shard}),
         lambda more: Problem("weights.shard-missing", path, None, f"the index maps tensors to {more} more files not in the release"))
    folders = frozenset((*release.set_aside, *release.submodules))
    hidden = [folder + shard for shard in absent if _left_out(release, folder + shard, folders)]
    said(release.problems, hidden,  # there, and a loader reads it: not scanned is unverified, never a pass
         lambda full: Problem("weights.unverified", full, None, f"the shard index {path} maps tensors to it, in a folder openlint leaves "
                              "out of the release or cannot see whole (a checkout's .git, an untracked environment, a submodule)"),
         lambda more: Problem("weights.unverified", path, None, f"it maps tensors to {more} more files in folders openlint leaves out of the release"))


def _incomplete(release: Release, path: str, totals: dict[tuple[str, str], set[int]]) -> None:
    """Numbered series with a number no tensor is mapped to: the first MAX_SAID named, the rest counted."""
    incomplete = 0
    for (_, total), present in totals.items():
        if incomplete < MAX_SAID:
            missing = _first_missing(present, int(total), 5)
            if missing:
                names = ", ".join(f"{i:05d}" for i in missing)
                release.problems.append(Problem("weights.shard-missing", path, None, f"shard numbering of {total} is incomplete: no tensors mapped to shard(s) {names}"))
            incomplete += bool(missing)
        else:
            incomplete += sum(1 <= i <= int(total) for i in present) != int(total)
    if incomplete > MAX_SAID:
        release.problems.append(Problem("weights.shard-missing", path, None, f"{incomplete - MAX_SAID} more numbered series of shards are incomplete"))


MAX_SAID = limits.MAX_SAID


def _first_missing(present: set[int], total: int, wanted: int) -> list[int]:
    """The first `wanted` numbers of 1..total not in `present`: found within len(present) + wanted steps, whatever
    total the file names claim (a crafted index named one series per tensor "-00001-of-99999": hours as a set)."""
    found: list[int] = []
    number = 1
    while number <= total and len(found) < wanted:
        if number not in present:
            found.append(number)
        number += 1
    return found


def _left_out(release: Release, path: str, hidden: frozenset[str]) -> bool:
    """A path openlint did not list though a loader may find a file there: under the checkout's .git (any case: a
    case-folding system opens .GIT/x as .git/x), a folder set aside, a submodule (a recursive clone fills in what
    this checkout lacks). `hidden`: those folders; each of the path's parents is looked up once."""
    if path.lower().startswith(".git/"):
        return True
    parts = path.split("/")[:-1]
    return any("/".join(parts[:i]) in hidden for i in range(1, len(parts) + 1))


def _check_shards_scanned(release: Release, path: str, folder: str, shards: dict[str, list[str]], by_path: dict[str, WeightFile]) -> None:
    """A loader reads every file a shard index maps, whatever its name: transformers torch.loads each shard not named
    .safetensors, whichever index maps it. One openlint did not scan as a pickle (an unknown name, or one judged by
    its name alone such as model.onnx) is unverified."""
    unscanned = []
    for shard in sorted(shards):
        full = folder + shard
        if full.endswith(".safetensors") or full not in release.files:
            continue
        entry = identify(full)
        if full not in by_path or entry is None or entry.get("scan") != "pickle":
            unscanned.append(full)
    said(release.problems, unscanned,
         lambda full: Problem("weights.unverified", full, None, f"the shard index {path} maps tensors to it, so a loader "
                              "reads it as weights, but its name is not one openlint scans as a weight file"),
         lambda more: Problem("weights.unverified", path, None, f"it maps tensors to {more} more files openlint does not scan as weight files"))


def _check_against_headers(problems: list[Problem], path: str, folder: str, shards: dict[str, list[str]],
                           index: dict[str, Any], by_path: dict[str, WeightFile]) -> None:
    """Each shard's header holds exactly the tensors mapped to it; metadata.total_size is their bytes, when every
    shard's header was read."""
    summed = 0
    complete = True
    differing = 0
    for shard, tensors in shards.items():
        weight = by_path.get(folder + shard)
        if weight is None or weight.tensors is None:
            complete = False
            continue
        difference = _difference(set(tensors), set(weight.tensors))
        if difference and differing < MAX_SAID:
            problems.append(Problem("weights.shard-mismatch", path, None, f"{shard}: {difference}", {"shard": shard}))
        differing += bool(difference)
        summed += sum(weight.tensors.values())
    if differing > MAX_SAID:
        problems.append(Problem("weights.shard-mismatch", path, None, f"{differing - MAX_SAID} more shards hold other tensors than it maps to them"))
    total_size = index.get("metadata", {}).get("total_size") if isinstance(index.get("metadata"), dict) else None
    if complete and isinstance(total_size, int) and total_size != summed:
        problems.append(Problem("weights.shard-mismatch", path, None, f"metadata.total_size is {total_size} but the shard headers hold {summed} tensor bytes"))


def _difference(mapped: set[str], actual: set[str]) -> str:
    """How the tensors an index maps to a shard differ from those in its header; empty when they do not."""
    if mapped == actual:
        return ""
    extra, absent = sorted(actual - mapped), sorted(mapped - actual)
    parts = []
    if absent:
        parts.append(f"{len(absent)} mapped tensor(s) absent from its header (e.g. {absent[0]})")
    if extra:
        parts.append(f"{len(extra)} tensor(s) in its header not in the map (e.g. {extra[0]})")
    return "; ".join(parts)
