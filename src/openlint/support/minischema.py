"""A small validator for the JSON Schema keywords openlint's own schemas use.

Declarations and configs are validated on every run that has one, and importing jsonschema costs ~0.1 s, too
much for a pre-commit hook. This interprets the same schema files (schemas/*.json) for the subset of keywords
they use; any other keyword is an error, so a schema edit cannot be silently ignored. The test suite checks
that its verdicts match jsonschema's on valid and invalid documents.
"""

from __future__ import annotations

import re
from typing import Any

SUPPORTED = {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "enum", "const", "required", "properties",
             "additionalProperties", "propertyNames", "minProperties", "items", "minItems", "maxItems", "minLength",
             "maxLength", "pattern", "minimum", "maximum", "oneOf", "if", "then"}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def errors(schema: dict[str, Any], instance: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    _check(schema, instance, schema, [], found)
    return sorted(found)


def _check(node: dict[str, Any], value: Any, root: dict[str, Any], path: list[str], found: list[tuple[str, str]]) -> None:
    unknown = set(node) - SUPPORTED
    if unknown:
        raise ValueError(f"minischema does not support {sorted(unknown)}")
    if "$ref" in node:
        target = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        _check(target, value, root, path, found)
    if not _value(node, value, "/".join(path) or "(top level)", found):
        return
    if isinstance(value, str):
        _string(node, value, "/".join(path) or "(top level)", found)
    if _is(value, "number"):
        _number(node, value, "/".join(path) or "(top level)", found)
    if isinstance(value, list):
        _array(node, value, root, path, found)
    if isinstance(value, dict):
        _object(node, value, root, path, found)
    _combinators(node, value, root, path, found)


def _value(node: dict[str, Any], value: Any, where: str, found: list[tuple[str, str]]) -> bool:
    """type, const and enum; False when the type is wrong, which makes every other keyword moot."""
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_is(value, t) for t in types):
            found.append((where, f"expected {' or '.join(types)}"))
            return False
    if "const" in node and value != node["const"]:
        found.append((where, f"expected {node['const']!r}"))
    if "enum" in node and value not in node["enum"]:
        found.append((where, f"expected one of: {', '.join(str(v) for v in node['enum'])}"))
    return True


def _string(node: dict[str, Any], value: str, where: str, found: list[tuple[str, str]]) -> None:
    if len(value) < node.get("minLength", 0):
        found.append((where, f"shorter than {node['minLength']} character(s)"))
    if "maxLength" in node and len(value) > node["maxLength"]:
        found.append((where, f"longer than {node['maxLength']} characters"))
    if "pattern" in node and not re.search(node["pattern"], value):
        found.append((where, f"does not match the pattern {node['pattern']}"))


def _number(node: dict[str, Any], value: float, where: str, found: list[tuple[str, str]]) -> None:
    if "minimum" in node and value < node["minimum"]:
        found.append((where, f"less than the minimum {node['minimum']!r}"))
    if "maximum" in node and value > node["maximum"]:
        found.append((where, f"more than the maximum {node['maximum']!r}"))


def _array(node: dict[str, Any], value: list[Any], root: dict[str, Any], path: list[str], found: list[tuple[str, str]]) -> None:
    where = "/".join(path) or "(top level)"
    if len(value) < node.get("minItems", 0):
        found.append((where, "should be non-empty" if node["minItems"] == 1 else f"fewer than {node['minItems']} items"))
    if "maxItems" in node and len(value) > node["maxItems"]:
        found.append((where, f"more than {node['maxItems']} items"))
    if "items" in node:
        for index, item in enumerate(value):
            _check(node["items"], item, root, [*path, str(index)], found)


def _object(node: dict[str, Any], value: dict[str, Any], root: dict[str, Any], path: list[str], found: list[tuple[str, str]]) -> None:
    where = "/".join(path) or "(top level)"
    for key in node.get("required", []):
        if key not in value:
            found.append((where, f"{key!r} is a required property"))
    if len(value) < node.get("minProperties", 0):
        found.append((where, "should be non-empty"))
    for key, item in value.items():
        if "propertyNames" in node:
            names: list[tuple[str, str]] = []
            _check(node["propertyNames"], key, root, path, names)
            if names:
                found.append((where, f"{key!r} is not a valid property name: {names[0][1]}"))
                continue
        _property(node, key, item, root, path, found)


def _property(node: dict[str, Any], key: str, item: Any, root: dict[str, Any], path: list[str], found: list[tuple[str, str]]) -> None:
    properties = node.get("properties", {})
    if key in properties:
        _check(properties[key], item, root, [*path, str(key)], found)
    elif node.get("additionalProperties") is False:
        found.append(("/".join(path) or "(top level)", f"Additional properties are not allowed ({key!r} was unexpected)"))
    elif isinstance(node.get("additionalProperties"), dict):
        _check(node["additionalProperties"], item, root, [*path, str(key)], found)


def _combinators(node: dict[str, Any], value: Any, root: dict[str, Any], path: list[str], found: list[tuple[str, str]]) -> None:
    if "oneOf" in node:
        matching = sum(1 for option in node["oneOf"] if not _sub(option, value, root))
        if matching != 1:
            found.append(("/".join(path) or "(top level)", "matches none of the allowed forms" if matching == 0 else "matches more than one of the allowed forms"))
    if "if" in node and not _sub(node["if"], value, root) and "then" in node:
        _check(node["then"], value, root, path, found)


def _sub(node: dict[str, Any], value: Any, root: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    _check(node, value, root, [], found)
    return found
