"""CycloneDX 1.6 ML-BOM of a release: the model as a machine-learning-model component with its model card fields,
the datasets and code repositories it points to as components with their licences and roles, its weight files with
their hashes where the Hub gives them (openlint never reads tensor data to hash it), and the openness levels, grade
and crosswalk verdicts as properties."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

from openlint import __version__
from openlint.formats import RenderOptions
from openlint.report import Report
from openlint.support.text import snippet

KINDS = {"hub-dataset": "data", "hub-model": "machine-learning-model", "library": "library", "benchmark": "data"}
BY_SIDE = {"code": "application", "data": "data"}  # code repositories, paths and links: by the component they serve
MODEL_REF = "model"


def _licences(licence_id: str | None, stated: str | None = None) -> list[dict[str, Any]]:
    from openlint.knowledge import store

    if licence_id:
        spdx = store.load("spdx")["ids"].get(licence_id)
        return [{"license": {"id": spdx}}] if spdx else [{"license": {"name": licence_id}}]
    return [{"license": {"name": stated[:200]}}] if stated else []


def _property(name: str, value: Any) -> dict[str, str]:
    return {"name": f"openlint:{name}", "value": str(value)}


def _model_card(report: Report, datasets: list[str]) -> dict[str, Any]:
    card = report.release.card
    metadata = card.metadata if card is not None else {}
    parameters: dict[str, Any] = {}
    if isinstance(metadata.get("pipeline_tag"), str):
        parameters["task"] = metadata["pipeline_tag"]
    model_type = report.release.config.get("model_type") if isinstance(report.release.config, dict) else None
    if isinstance(model_type, str):
        parameters["architectureFamily"] = model_type
    if datasets:
        parameters["datasets"] = [{"ref": ref} for ref in datasets]
    properties = [_property(f"component:{r.id}", r.label) for r in report.components.values()]
    properties += [_property(f"{f.id}", f.verdict) for f in report.crosswalk.frameworks]
    card_data: dict[str, Any] = {"bom-ref": "model-card", "properties": properties}
    if parameters:
        card_data["modelParameters"] = parameters
    limitations = _section_text(report, report.assessment.disclosure.practice.get("limitations"))
    if limitations:
        card_data["considerations"] = {"technicalLimitations": limitations}
    return card_data


def _section_text(report: Report, heading: Any) -> list[str]:
    """The paragraphs and list items under a section's heading (the evidence points at the heading), up to the next
    heading; at most 10, each one line."""
    card = report.release.card
    if heading is None or card is None or heading.line is None:
        return []
    blocks = sorted(card.blocks, key=lambda b: b.line)
    start = next((i for i, b in enumerate(blocks) if b.line == heading.line and b.kind == "heading"), None)
    if start is None:
        return [heading.snippet] if heading.snippet else []
    texts = []
    for block in blocks[start + 1:]:
        if block.kind == "heading":
            break
        if block.kind in ("paragraph", "item") and block.text.strip():
            texts.append(snippet(block.text, 1000))
    return texts[:10]


def _pointed(report: Report) -> tuple[list[dict[str, Any]], list[str]]:
    """Components for what the release points to (datasets, code, base models), one per target, with roles."""
    found: dict[str, dict[str, Any]] = {}
    weight_files = {w.path for w in report.release.weights}  # written as file components, with their hashes
    for result in report.components.values():
        for pointer in result.pointers:
            if pointer.target in weight_files or pointer.kind == "remote-code":
                continue  # the release's own files: part of the model component, not something it points to
            kind = KINDS.get(pointer.kind) or BY_SIDE[result.component.side]
            ref = f"{pointer.kind}:{pointer.target}"
            entry = found.setdefault(ref, {"type": kind, "bom-ref": ref, "name": pointer.target[:200], "properties": []})
            entry["properties"].append(_property("role", result.component.title))
            if pointer.licence and "licenses" not in entry:
                entry["licenses"] = _licences(pointer.licence if _known(pointer.licence) else None, pointer.licence)
            if kind == "data":
                entry["data"] = [{"type": "dataset", "name": pointer.target[:200]}]
            if pointer.target.startswith(("http://", "https://")):
                entry["externalReferences"] = [{"type": "vcs" if kind == "application" else "website", "url": pointer.target}]
    components = list(found.values())
    return components, [c["bom-ref"] for c in components if c["type"] == "data"]


def _known(licence: str) -> bool:
    from openlint.knowledge import licences

    return licences.lookup(licence) is not None


def _weights(report: Report) -> list[dict[str, Any]]:
    files = []
    for weight in report.release.weights:
        entry: dict[str, Any] = {"type": "file", "bom-ref": f"file:{weight.path}", "name": weight.path[:200],
                                 "properties": [_property("format", weight.format), _property("safety", weight.safety),
                                                _property("size", weight.size)]}
        listed = report.release.files.get(weight.path)
        if listed is not None and listed.lfs_sha256:
            entry["hashes"] = [{"alg": "SHA-256", "content": listed.lfs_sha256}]
        files.append(entry)
    return files


def _model(report: Report, datasets: list[str]) -> dict[str, Any]:
    release = report.release
    weights = next((r for r in report.components.values() if r.component.covered_by_release_licence and r.component.side == "data"), None)
    licence = report.assessment.licence
    model: dict[str, Any] = {
        "type": "machine-learning-model", "bom-ref": MODEL_REF, "name": release.name[:200],
        "licenses": _licences(licence.licence.id if licence.licence and licence.licence.identified else None,
                              licence.claim.raw if licence.claim else None),
        "modelCard": _model_card(report, datasets),
        "properties": [_property("grade", report.grade.letter), _property("score", f"{report.grade.score:g}"),
                       *[_property("not-assessed", title) for title in report.not_assessed()],
                       _property("source", release.source), _property("location", release.location)],
    }
    if release.revision:
        model["version"] = release.revision
    if release.source == "hub":
        model["externalReferences"] = [{"type": "distribution", "url": f"https://huggingface.co/{release.location}"}]
    if weights is not None:
        model["properties"].append(_property("weights-level", weights.label))
    return model


def render(report: Report, options: RenderOptions) -> str:
    pointed, datasets = _pointed(report)
    files = _weights(report)
    bom = {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": f"urn:uuid:{uuid.uuid4()}", "version": 1,
        "metadata": {"timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
                     "tools": {"components": [{"type": "application", "name": "openlint", "version": __version__}]},
                     "component": _model(report, datasets)},
        "components": [*pointed, *files],
        "dependencies": [{"ref": MODEL_REF, "dependsOn": [c["bom-ref"] for c in pointed + files]}],
    }
    return json.dumps(bom, indent=2, ensure_ascii=False) + "\n"
