"""JSON Schema validation of documents: user files (declarations, configs, rule files) and the bundled data.

jsonschema costs ~0.2 s to import, so it is imported only when a document needs it; the two small schemas read on
most runs (declaration and config) go through minischema, which a test holds to jsonschema's verdicts.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from openlint.support.resources import schemas_dir


@cache
def schema(name: str) -> dict[str, Any]:
    with open(schemas_dir() / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


def exists(name: str) -> bool:
    return (schemas_dir() / f"{name}.schema.json").is_file()


# schemas small enough, and used on every run that has such a document, to be read by minischema
FAST = ("declaration", "config")


def errors(name: str, instance: Any, *, full: bool = False) -> list[tuple[str, str]]:
    """Every violation as (path inside the document, message), in document order. A message says what is expected
    and never quotes a value of the document: the document may be a file someone made openlint read."""
    if name in FAST and not full:
        from openlint.support import minischema

        return minischema.errors(schema(name), instance)
    import jsonschema

    document_schema = schema(name)
    validator = jsonschema.validators.validator_for(document_schema)(document_schema)
    found = []
    for error in validator.iter_errors(instance):
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        found.append((path, _expected(error)))
    return sorted(found)


# what each keyword expects, in words, from the schema alone (keys of the document may be named: they are its path)
_EXPECTED = {
    "type": lambda v: f"expected {' or '.join(v) if isinstance(v, list) else v}",
    "enum": lambda v: f"expected one of: {', '.join(str(item) for item in v)}",
    "const": lambda v: f"expected {v!r}",
    "minLength": lambda v: f"shorter than {v} character(s)",
    "maxLength": lambda v: f"longer than {v} characters",
    "pattern": lambda v: f"does not match the pattern {v}",
    "minItems": lambda v: "should be non-empty" if v == 1 else f"fewer than {v} items",
    "maxItems": lambda v: f"more than {v} items",
    "minimum": lambda v: f"less than the minimum {v!r}",
    "maximum": lambda v: f"more than the maximum {v!r}",
    "minProperties": lambda v: "should be non-empty" if v == 1 else f"fewer than {v} keys",
    "oneOf": lambda v: "matches none, or more than one, of the allowed forms",
    "anyOf": lambda v: "matches none of the allowed forms",
}


def _expected(error: Any) -> str:
    if error.validator in ("required", "additionalProperties", "dependentRequired"):
        return str(error.message)  # names keys: of the schema, or the document's own (its path), never a value
    if error.validator == "propertyNames":
        return "a key that is not allowed here"
    describe = _EXPECTED.get(str(error.validator))
    return describe(error.validator_value) if describe else f"fails the schema's {error.validator} check"
