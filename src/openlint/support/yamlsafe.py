"""YAML loading for untrusted input: safe types only, no aliases, bounded size and nesting.

Aliases are refused outright: model metadata never needs them and they are the vehicle of "billion laughs"
expansion once a loaded document is walked or serialised.

Nesting is bounded before the document is composed: composing is recursive (libyaml's C composer overflows the
stack and kills the process at ~30 000 levels of "["), but parsing into events is not. A first pass counts the
depth of collection events (flow and block alike, so quotes, comments and brackets inside strings cannot fool it)
and refuses a document deeper than MAX_DEPTH before anything recursive runs.

Timestamps load as plain strings (model metadata never needs datetime objects, and an impossible date such as
2024-13-45 would otherwise fail in the constructor); any value the constructor refuses (an integer longer than
Python's digit limit, ...) is a YamlError, like a syntax error.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 100


class _PySafeLoader(yaml.SafeLoader):
    pass


_PySafeLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)

if hasattr(yaml, "CSafeLoader"):
    class _CSafeLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        pass

    _CSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)
    _Loader: Any = _CSafeLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PySafeLoader

_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(message)


def _refuse_aliases(loader: Any) -> None:
    # compose_node is where an alias is resolved; checking the event there costs nothing on alias-free input
    original = loader.compose_node

    def compose_node(parent: Any, index: Any) -> Any:
        if loader.check_event(yaml.AliasEvent):
            event = loader.peek_event()
            raise YamlError("YAML aliases are not allowed", event.start_mark.line + 1)
        return original(parent, index)

    loader.compose_node = compose_node


def _check_depth(text: str) -> None:
    """Walk the parser's events (iterative, no recursion) and refuse nesting deeper than MAX_DEPTH."""
    loader = _Loader(text)
    try:
        depth = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", event.start_mark.line + 1)
            elif isinstance(event, _CLOSE):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # PyYAML 6.0.4 bounds flow nesting in its scanner, which reads ahead of the events counted here: the same
        # refusal, said the same way whichever PyYAML is installed
        if "nesting depth" not in str(exc.problem or ""):
            raise
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()


def load(text: str, *, max_bytes: int = 5_000_000) -> Any:
    """Parse one YAML document. Raises YamlError with a 1-based line where known."""
    if len(text) > max_bytes:
        raise YamlError(f"YAML document larger than {max_bytes} bytes")
    loader = None
    try:
        _check_depth(text)
        if "*" in text:
            # only documents that could contain an alias pay for the pure-Python composer
            loader = _PySafeLoader(text)
            _refuse_aliases(loader)
        else:
            loader = _Loader(text)
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # an error at the end of the input is marked on the line after the last one: name the last line
        line = min(mark.line + 1, max(1, len(text.splitlines()))) if mark else None
        raise YamlError(f"{exc.problem or exc.context or 'invalid YAML'}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    except RecursionError:
        raise YamlError("YAML nested too deeply") from None
    except (ValueError, TypeError, OverflowError, MemoryError, KeyError, AttributeError) as exc:
        # the constructor refused a value: an integer past Python's digit limit, a float it cannot build, ...
        text_of = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise YamlError(f"a value YAML cannot load ({text_of[:200]})") from None
    finally:
        if loader is not None:
            loader.dispose()


def top_level_keys(text: str) -> list[tuple[str, int]]:
    """The keys of a document that load() accepted, if it is a mapping, each with its 1-based line, in order and
    with repeats (load() keeps the last of a repeated key silently). Scalar keys only: quoting does not matter."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return []
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(key.value), key.start_mark.line + 1) for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
