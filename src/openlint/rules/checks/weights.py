"""Checks on the weight files and on code the release would run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openlint.analysis.model import Assessment
from openlint.errors import printable
from openlint.knowledge import taxonomy
from openlint.readers.weights import is_code
from openlint.release.model import Release, WeightFile
from openlint.rules.registry import Hit, check

_SAFETY = ["may-execute", "suspicious", "dangerous", "invalid", "unchecked", "unverified"]
_MODELLING = ("modeling_", "modelling_", "configuration_", "tokenization_")


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


@check("pickle-without-safetensors")
def pickle_without_safetensors(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    """One finding per folder holding pickled weights and no safetensors file."""
    weights = assessment.release.weights
    safe_dirs = {_folder(w.path) for w in weights if w.format == "safetensors"}
    by_folder: dict[str, list[WeightFile]] = {}
    for weight in weights:
        if weight.loads == "pickle" and weight.format != "numpy":
            by_folder.setdefault(_folder(weight.path), []).append(weight)
    component = taxonomy.by_role("weights").id
    for folder, group in sorted(by_folder.items()):
        if folder in safe_dirs:
            continue
        names = ", ".join(w.path for w in group[:3]) + (f" and {len(group) - 3} more" if len(group) > 3 else "")
        yield Hit({"files": names, "count": len(group), "folder": folder or "the release root", "format": group[0].format},
                  group[0].path, None, component, key=folder)


@check("weights-safety", {
    "type": "object", "required": ["safety"], "additionalProperties": False,
    "properties": {"safety": {"type": "array", "minItems": 1, "items": {"enum": _SAFETY}}},
})
def weights_safety(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    component = taxonomy.by_role("weights").id
    for weight in assessment.release.weights:
        if weight.safety in options["safety"]:
            yield Hit({"file": weight.path, "format": weight.format, "detail": weight.detail}, weight.path, None, component, key=weight.path)


@check("remote-code")
def remote_code(assessment: Assessment, options: dict[str, Any]) -> Iterator[Hit]:
    """One finding for the Python files the release ships, when an auto_map (config.json's, a tokenizer's or a
    processor's), custom pipelines or a modelling file's name says they are the model's; one per config for the
    modules it names in other repositories (org/repo--module.Class), which loading fetches from there even when the
    release ships no code; one per config that could not be checked (over the size limit, a symlink out)."""
    component = taxonomy.by_role("inference-runtime").id
    yield from _shipped_code(assessment.release, component)
    yield from _code_elsewhere(assessment.release, component)


def _shipped_code(release: Release, component: str) -> Iterator[Hit]:
    files = [p for p in release.files if is_code(p)]
    auto_map = release.config.get("auto_map") or release.config.get("custom_pipelines")
    # a tokenizer's or processor's auto_map loads shipped code as config.json's does
    mapped = auto_map or any(release.code_maps.values())
    if files and (mapped or any(p.rsplit("/", 1)[-1].startswith(_MODELLING) for p in files)):
        listed = _listed(files, 5)
        yield Hit({"files": listed, "count": len(files), "detail": f"{len(files)} Python file(s) ship with the model ({listed})"},
                  "config.json" if auto_map else files[0], None, component)


def _code_elsewhere(release: Release, component: str) -> Iterator[Hit]:
    """One finding per configuration file whose auto_map names code in other repositories (config.json's, a
    tokenizer's or a processor's: AutoTokenizer fetches and runs the one it names as readily as AutoModel)."""
    own = release.location.lower() if release.source == "hub" else None  # its own code is the shipped files' finding
    for path, why in release.unchecked_code.items():
        yield Hit({"files": path, "count": 0, "repositories": "unknown",
                   "detail": f"{path} could not be checked for the code it may name ({why})"},
                  path, None, component, key=f"unchecked:{path}")
    for path, found in release.foreign_code.items():
        elsewhere = {repo: names for repo, names in found.items() if repo.lower() != own}
        if not elsewhere:
            continue
        references = [f"{repo}--{name}" for repo, names in elsewhere.items() for name in names]
        # a release's text, shown escaped and cut (errors.printable); only the names shown are escaped
        named = [f"{printable(repo, 80)} ({_listed(names, 3, 80)})" for repo, names in list(elsewhere.items())[:3]]
        other = "another repository" if len(elsewhere) == 1 else f"{len(elsewhere)} other repositories"
        more = f" and {len(elsewhere) - 3} more" if len(elsewhere) > 3 else ""
        yield Hit({"files": _listed(references, 5, 160), "count": len(references), "repositories": _listed(list(elsewhere), 3, 80),
                   "detail": f"{path} names code from {other} for loading to fetch: {', '.join(named)}{more}"},
                  path, release.code_map_lines.get(path), component, key="auto_map" if path == "config.json" else f"auto_map:{path}")


def _listed(items: list[str], shown: int, width: int = 0) -> str:
    head = [printable(item, width) if width else item for item in items[:shown]]
    return ", ".join(head) + (f" and {len(items) - shown} more" if len(items) > shown else "")
