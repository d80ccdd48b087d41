"""JSON Schema validation of user-supplied documents (declarations, configs, extra rule files).

jsonschema costs ~0.2 s to import, so it is imported only when a document needs validating; the bundled rules
are validated by the test suite instead of on every run.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from openlint.resources import schemas_dir


@cache
def schema(name: str) -> dict[str, Any]:
    with open(schemas_dir() / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


# schemas small enough, and used on every run that has such a document, to be read by minischema
FAST = ("declaration", "config")


def errors(name: str, instance: Any) -> list[tuple[str, str]]:
    """Every violation as (path inside the document, message), in document order."""
    if name in FAST:
        from openlint import minischema

        return minischema.errors(schema(name), instance)
    import jsonschema

    document_schema = schema(name)
    validator = jsonschema.validators.validator_for(document_schema)(document_schema)
    found = []
    for error in validator.iter_errors(instance):
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        found.append((path, error.message))
    return sorted(found)
