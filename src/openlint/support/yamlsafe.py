"""YAML loading for untrusted input: safe types only, no aliases, bounded size.

Aliases are refused outright: model metadata never needs them and they are the vehicle of "billion laughs"
expansion once a loaded document is walked or serialised.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def load(text: str, *, max_bytes: int = 5_000_000) -> Any:
    """Parse one YAML document. Raises YamlError with a 1-based line where known."""
    if len(text) > max_bytes:
        raise YamlError(f"YAML document larger than {max_bytes} bytes")
    if "*" in text:
        # only documents that could contain an alias pay for the pure-Python composer
        loader = yaml.SafeLoader(text)
        _refuse_aliases(loader)
    else:
        loader = _Loader(text)
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlError(f"{exc.problem or exc.context or 'invalid YAML'}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    except RecursionError:
        raise YamlError("YAML nested too deeply") from None
    finally:
        loader.dispose()
