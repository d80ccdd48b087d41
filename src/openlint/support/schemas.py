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
    """Every violation as (path inside the document, message), in document order."""
    if name in FAST and not full:
        from openlint.support import minischema

        return minischema.errors(schema(name), instance)
    import jsonschema

    document_schema = schema(name)
    validator = jsonschema.validators.validator_for(document_schema)(document_schema)
    found = []
    for error in validator.iter_errors(instance):
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        found.append((path, error.message))
    return sorted(found)
