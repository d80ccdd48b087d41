"""The published schemas are valid, and minischema (used on the hot path) agrees with jsonschema on them."""

from __future__ import annotations

import json

import jsonschema
import pytest

from openlint.support import minischema
from openlint.support.resources import schemas_dir
from openlint.support.schemas import schema

DECLARATIONS = [
    {"components": {"deployment.data.weights": {"status": "released", "location": "model.safetensors", "license": "mit"}}},
    {"version": 1, "components": {"training.code.alignment": {"status": "not-applicable", "note": "base model"}}},
    {"components": {"training.data.sft": {"status": "released", "location": ["hf://datasets/a/b", "https://x.org"]}}},
    {"components": {"training.data.sft": {"status": "released"}}},  # released without a location
    {"components": {"training.data.sft": {"status": "open"}}},
    {"components": {"training.data.everything": {"status": "released", "location": "x"}}},
    {"components": {}},
    {"version": 2, "components": {"training.data.sft": {"status": "not-released"}}},
    {"components": {"training.data.sft": {"status": "released", "location": []}}},
    {"components": {"training.data.sft": {"status": "released", "location": "", "license": "mit"}}},
    {"components": {"training.data.sft": {"status": "not-released", "extra": 1}}},
    {"components": {"training.data.sft": "released"}},
    [],
    None,
    {"components": {"training.data.sft": {"status": "released", "location": "x", "license": 5}}},
]
CONFIGS = [
    {},
    {"select": ["OLS"], "ignore": ["OLP006"], "fail-on": "warning", "min-grade": "C"},
    {"severity": {"OLP006": "warning"}, "waivers": [{"rule": "OLT001", "reason": "the corpus is licensed from a partner"}]},
    {"waivers": [{"rule": "OLT001"}]},
    {"waivers": [{"rule": "OLT001", "reason": "short"}]},
    {"fail-on": "sometimes"},
    {"severity": {"OLP006": "loud"}},
    {"unknown-key": True},
    {"waivers": [{"rule": "OLT001", "reason": "a good long reason", "component": "nope"}]},
    {"select": "OLS"},
]


@pytest.mark.parametrize("name", ["declaration", "config", "rules", "report"])
def test_schema_is_valid(name):
    jsonschema.validators.validator_for(schema(name)).check_schema(schema(name))


@pytest.mark.parametrize("name, instance", [("declaration", d) for d in DECLARATIONS] + [("config", c) for c in CONFIGS])
def test_minischema_agrees_with_jsonschema(name, instance):
    expected = list(jsonschema.validators.validator_for(schema(name))(schema(name)).iter_errors(instance))
    assert bool(minischema.errors(schema(name), instance)) == bool(expected)


def test_minischema_refuses_keywords_it_does_not_know():
    with pytest.raises(ValueError, match="does not support"):
        minischema.errors({"type": "object", "patternProperties": {}}, {})


def test_schema_files_are_json():
    for path in schemas_dir().glob("*.json"):
        json.loads(path.read_text())
