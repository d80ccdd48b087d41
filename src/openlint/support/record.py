"""Record classes: fields from annotations, slots, optional immutability; cheap to make, cheap to import.

openlint's ~80 classes that only hold values used to be dataclasses, then msgspec Structs. A dataclass compiles its
generated methods when its class is made (~1.3 ms a class, ~75 ms of the hook's start-up); importing msgspec brings
typing_extensions, uuid, platform and subprocess with it (~20-30 ms of a ~0.2 s hook run). A Record class compiles
nothing when it is made: every record class starts with one shared `__init__` that reads the class's field plan (a
few microseconds a call; a check makes a few hundred records), and a class made HOT times in one process compiles an
`__init__` of its own (~0.3 ms once, then ~10x faster a call), which behaves the same.

    class Finding(Record, frozen=True, eq=False):
        code: str
        notes: list[str] = field(default_factory=list)

Options, each inherited by subclasses unless they set it again: `frozen` (no attribute can be set after `__init__`;
a frozen record that compares by value hashes by value), `eq` (compare by field values, the default; `eq=False`
compares by identity), `dict` (the instances have a `__dict__`, e.g. for functools.cached_property). As in msgspec:
fields with a default follow those without, an empty list, dict, set or bytearray default is copied for each record
and any other mutable default is refused; nothing is checked against the annotations. A module that defines records
needs `from __future__ import annotations` (the annotations are read as strings).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any

HOT = 64  # calls of the shared __init__ after which a class compiles its own

_MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__slots__": ()})()
_set = object.__setattr__
_CLASS_VAR = re.compile(r"^(typing\.)?ClassVar\b")
# the names a compiled __init__ uses itself: a class with a field of one of these keeps the shared __init__
_COMPILED_NAMES = re.compile(r"^(self|_set|_MISSING|_factory\d+|_default\d+)$")


class _Field:
    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any, default_factory: Any) -> None:
        self.default = default
        self.default_factory = default_factory

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is _MISSING


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | Any = _MISSING) -> Any:
    """A field's default, given as a value or as a function that makes a fresh one for each record."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise TypeError("field() takes default or default_factory, not both")
    return _Field(default, default_factory)


class _RecordType(type):
    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **options: bool) -> type:
        settings, defaults, names = _inherited(bases)
        unknown = set(options) - set(settings)
        if unknown:
            raise TypeError(f"{name}: unknown record option(s) {', '.join(sorted(unknown))}")
        had_dict = settings["dict"]
        settings.update(options)
        own = _own_fields(name, namespace, defaults)
        names += [n for n in own if n not in names]
        _check_order(name, names, defaults)
        namespace["__slots__"] = _slots(bases, own, settings["dict"] and not had_dict)
        namespace["__record_fields__"] = namespace["__match_args__"] = fields = tuple(names)
        namespace["__record_defaults__"] = defaults
        namespace["__record_options__"] = settings
        namespace["__record_plan__"] = tuple((n, *_default_of(defaults.get(n))) for n in fields)
        namespace["__record_post_init__"] = "__post_init__" in namespace or any(hasattr(b, "__post_init__") for b in bases)
        namespace["__record_values__"] = _values_getter(fields)
        namespace["__record_calls__"] = [0]  # a list, changed in place: setting a class attribute would reset caches
        _add_methods(namespace, settings)
        return super().__new__(mcls, name, bases, namespace)


def _inherited(bases: tuple[type, ...]) -> tuple[dict[str, bool], dict[str, _Field], list[str]]:
    """The options, defaults and field names a class gets from the records it derives from."""
    settings: dict[str, bool] = {"frozen": False, "eq": True, "dict": False}
    defaults: dict[str, _Field] = {}
    names: list[str] = []
    for base in reversed(bases):
        if isinstance(base, _RecordType):
            settings.update(base.__record_options__)
            defaults.update(base.__record_defaults__)
            names += [n for n in base.__record_fields__ if n not in names]
    return settings, defaults, names


def _own_fields(name: str, namespace: dict[str, Any], defaults: dict[str, _Field]) -> list[str]:
    """The fields a class statement annotates (a ClassVar is none); their defaults move from the namespace into
    `defaults`, since a class attribute named like a slot would hide the slot."""
    if "__annotations__" not in namespace and "__annotate__" in namespace:
        raise TypeError(f"{name}: a record class's module needs `from __future__ import annotations`")
    own = [n for n, kind in namespace.get("__annotations__", {}).items() if not _CLASS_VAR.match(str(kind))]
    for field_name in own:
        spec = namespace.pop(field_name, _MISSING)
        spec = spec if isinstance(spec, _Field) else _Field(spec, _MISSING)
        if isinstance(spec.default, (list, dict, set, bytearray)):
            if spec.default:
                raise TypeError(f"{name}.{field_name}: a mutable default must be empty (or use default_factory)")
            spec = _Field(_MISSING, type(spec.default))
        if spec.required:
            defaults.pop(field_name, None)
        else:
            defaults[field_name] = spec
    return own


def _default_of(spec: _Field | None) -> tuple[Any, Any]:
    return (_MISSING, _MISSING) if spec is None else (spec.default, spec.default_factory)


def _check_order(name: str, names: list[str], defaults: dict[str, _Field]) -> None:
    with_default = None
    for field_name in names:
        if field_name in defaults:
            with_default = field_name
        elif with_default:
            raise TypeError(f"{name}: field {field_name!r} without a default follows {with_default!r}, which has one")


def _slots(bases: tuple[type, ...], own: list[str], with_dict: bool) -> tuple[str, ...]:
    taken = {slot for base in bases for klass in base.__mro__ for slot in getattr(klass, "__slots__", ())}
    slots = tuple(n for n in own if n not in taken)
    return slots + ("__dict__",) if with_dict else slots


def _values_getter(fields: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from a record to the tuple of its field values (attrgetter gives a bare value for one name)."""
    if len(fields) > 1:
        return attrgetter(*fields)
    return (lambda record: (getattr(record, fields[0]),)) if fields else (lambda record: ())


def _add_methods(namespace: dict[str, Any], settings: dict[str, bool]) -> None:
    """The methods the options ask for, set on every class (a subclass may change an option), unless the class
    statement defines its own."""
    chosen = {
        "__init__": _init,
        "__eq__": _equal if settings["eq"] else object.__eq__,
        # equal by value but changeable: unhashable, as a dataclass
        "__hash__": object.__hash__ if not settings["eq"] else _hash if settings["frozen"] else None,
        "__setattr__": _immutable if settings["frozen"] else object.__setattr__,
        "__delattr__": _immutable if settings["frozen"] else object.__delattr__,
    }
    for method, value in chosen.items():
        namespace.setdefault(method, value)


def _equal(self: Any, other: object) -> bool:
    if type(other) is not type(self):
        return NotImplemented
    values = type(self).__record_values__  # an attrgetter: not bound to the instance
    return values(self) == values(other)


def _hash(self: Any) -> int:
    return hash(type(self).__record_values__(self))


def _immutable(self: Any, *_: Any) -> None:
    raise AttributeError(f"immutable type: {type(self).__name__!r}")


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    """The shared __init__: fields by position, then by name, then from their defaults. Its errors read as those of
    the compiled one (Python's own)."""
    kind = type(self)
    plan = kind.__record_plan__
    if len(args) > len(plan):
        required = sum(default is _MISSING and factory is _MISSING for _, default, factory in plan)
        takes = f"{len(plan) + 1}" if required == len(plan) else f"from {required + 1} to {len(plan) + 1}"
        raise TypeError(f"{kind.__qualname__}.__init__() takes {takes} positional arguments but {len(args) + 1} were given")
    for (name, _, _), value in zip(plan, args):
        _set(self, name, value)
    missing = []
    for name, default, factory in plan[len(args):]:
        if name in kwargs:
            _set(self, name, kwargs.pop(name))
        elif default is not _MISSING:
            _set(self, name, default)
        elif factory is not _MISSING:
            _set(self, name, factory())
        else:
            missing.append(name)
    if kwargs:
        name = next(iter(kwargs))
        problem = "got multiple values for argument" if name in kind.__record_fields__ else "got an unexpected keyword argument"
        raise TypeError(f"{kind.__qualname__}.__init__() {problem} {name!r}")
    if missing:
        raise TypeError(f"{kind.__qualname__}.__init__() missing {len(missing)} required positional argument{'s' if len(missing) > 1 else ''}: "
                        + _listed(missing))
    if kind.__record_post_init__:
        self.__post_init__()
    _count(kind)


def _listed(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + (", and " if len(quoted) > 2 else " and ") + quoted[-1]


def _count(kind: Any) -> None:
    counter = kind.__dict__["__record_calls__"]
    counter[0] += 1
    # a class with its own __init__ that calls this one keeps its own
    if counter[0] == HOT and kind.__dict__.get("__init__") is _init and not any(map(_COMPILED_NAMES.match, kind.__record_fields__)):
        type.__setattr__(kind, "__init__", _compiled_init(kind))


def _compiled_init(kind: Any) -> Callable[..., None]:
    """An __init__ with the fields as its parameters (field names are identifiers: the class statement made them)."""
    parameters, body = [], []
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_set": _set}
    for i, (name, default, factory) in enumerate(kind.__record_plan__):
        if factory is not _MISSING:
            scope[f"_factory{i}"] = factory
            parameters.append(f"{name}=_MISSING")
            body.append(f"    if {name} is _MISSING: {name} = _factory{i}()")
        elif default is not _MISSING:
            scope[f"_default{i}"] = default
            parameters.append(f"{name}=_default{i}")
        else:
            parameters.append(name)
        body.append(f"    _set(self, {name!r}, {name})")
    if kind.__record_post_init__:
        body.append("    self.__post_init__()")
    exec(f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body or ["    pass"]), scope)  # noqa: S102
    init = scope["__init__"]
    init.__qualname__ = f"{kind.__qualname__}.__init__"
    return init


class Record(metaclass=_RecordType):
    """The base of a record class (see the module's documentation)."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_fields__)
        return f"{type(self).__name__}({shown})"

    def __copy__(self) -> Any:  # the same values, without running __post_init__ again
        twin = object.__new__(type(self))
        for name, value in zip(self.__record_fields__, type(self).__record_values__(self)):
            _set(twin, name, value)
        if hasattr(self, "__dict__"):
            _set(twin, "__dict__", dict(self.__dict__))
        return twin

    def __reduce__(self) -> tuple[Any, ...]:  # pickle through __init__, which a frozen record allows
        return type(self), type(self).__record_values__(self)


def fields(kind: type | Record) -> tuple[str, ...]:
    """The field names of a record class or instance, in order."""
    return kind.__record_fields__  # type: ignore[union-attr]


def asdict(record: Record) -> dict[str, Any]:
    """The fields of a record as a dict (one level: records inside are left as they are)."""
    return dict(zip(record.__record_fields__, type(record).__record_values__(record)))


def replace(record: Any, **changes: Any) -> Any:
    """A copy of a record with some fields changed (frozen records too)."""
    unknown = set(changes) - set(record.__record_fields__)
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field(s) {', '.join(sorted(unknown))}")
    return type(record)(**{**asdict(record), **changes})
