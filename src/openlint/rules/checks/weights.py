"""Checks on the weight files and on code the release would run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openlint.analysis.model import Assessment
from openlint.knowledge import taxonomy
from openlint.readers.weights import is_code
from openlint.release.model import WeightFile
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
    release = assessment.release
    files = [p for p in release.files if is_code(p)]
    auto_map = release.config.get("auto_map")
    if files and (auto_map or any(p.rsplit("/", 1)[-1].startswith(_MODELLING) for p in files)):
        listed = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        yield Hit({"files": listed, "count": len(files)}, "config.json" if auto_map else files[0], None, taxonomy.by_role("inference-runtime").id)
