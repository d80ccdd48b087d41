"""support/record.py: the record classes every stage's values are made of."""

from __future__ import annotations

import copy
import pickle
import typing
from functools import cached_property
from typing import ClassVar

import pytest

from openlint.support import record
from openlint.support.record import HOT, Record, asdict, field, fields, replace


class Point(Record, frozen=True):
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    kind: ClassVar[str] = "point"


class Box(Record):  # changeable, compared by value
    items: list[int]
    label: str = "box"


class Handle(Record, frozen=True, eq=False):  # compared by identity
    name: str


class Labelled(Point):  # options and fields are inherited
    label: str = ""


class Cached(Record, frozen=True, eq=False, dict=True):
    n: int

    @cached_property
    def square(self) -> int:
        return self.n * self.n


class Checked(Record):
    n: int
    seen: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seen.append(self.n)


def test_fields_by_position_by_name_and_from_defaults():
    assert fields(Point) == ("x", "y", "tags") == fields(Point(1))
    p = Point(1, tags=["a"])
    assert (p.x, p.y, p.tags) == (1, 0, ["a"])
    assert Point(1).tags == [] and Point(1).tags is not Point(1).tags  # a fresh value from the factory each time
    assert Point.kind == "point" and "kind" not in fields(Point)
    assert fields(Labelled) == ("x", "y", "tags", "label") and Labelled(1, label="l").label == "l"


BAD_CALLS = [
    (lambda kind: kind(), "missing 1 required positional argument: 'x'"),
    (lambda kind: kind(1, 2, [], 4), "takes from 2 to 4 positional arguments but 5 were given"),
    (lambda kind: kind(1, x=2), "got multiple values for argument 'x'"),
    (lambda kind: kind(1, z=2), "got an unexpected keyword argument 'z'"),
]


@pytest.mark.parametrize("call, message", BAD_CALLS)
def test_a_wrong_call_is_a_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        call(Point)


def test_the_compiled_init_behaves_as_the_shared_one_errors_included():
    class Fresh(Record, frozen=True):
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)

    def outcomes() -> list[str]:
        seen = []
        for call, _ in BAD_CALLS:
            with pytest.raises(TypeError) as error:
                call(Fresh)
            seen.append(str(error.value))
        return seen + [repr(Fresh(1)), repr(Fresh(1, tags=["t"], y=2))]

    before = outcomes()
    assert Fresh.__init__ is record._init
    for i in range(HOT):
        Fresh(i)
    assert Fresh.__init__ is not record._init
    assert outcomes() == before


def test_a_subclass_compiles_its_own_init_after_its_base_did():
    class Base(Record, frozen=True):
        x: int

    class Child(Base):
        y: int = 0

    for i in range(HOT):
        Base(i)
    assert Child(1, 2) == Child(x=1, y=2) and Child(1).y == 0
    with pytest.raises(TypeError):
        Base(1, 2)


def test_a_class_with_its_own_init_keeps_it():
    class Own(Record):
        n: int

        def __init__(self, text: str) -> None:
            record._init(self, int(text))

    for _ in range(HOT + 1):
        assert Own("3").n == 3


def test_a_field_named_like_a_name_of_the_compiled_init_keeps_the_shared_one():
    class Clash(Record):
        self: int
        _set: int = 0

    for _ in range(HOT + 1):
        made = Clash(1, 2)
    assert (made.self, made._set) == (1, 2) and Clash.__init__ is record._init


def test_defaults_as_msgspec_gives_them():
    class Defaults(Record):
        a: int = field()  # no default: required
        items: list[int] = []  # copied for each record
        table: dict[str, int] = {}
        note: ClassVar[str] = "not a field"
        other: typing.ClassVar[int] = 1

    assert fields(Defaults) == ("a", "items", "table")
    one, two = Defaults(1), Defaults(2)
    assert one.items == [] and one.items is not two.items and one.table is not two.table
    with pytest.raises(TypeError, match="missing"):
        Defaults()
    with pytest.raises(TypeError, match="must be empty"):
        exec("class Bad(Record):\n    a: list = [1]\n", {"Record": Record})
    with pytest.raises(TypeError, match="'b' without a default follows 'a'"):
        exec("class Bad(Record):\n    a: int = 0\n    b: int = field()\n", {"Record": Record, "field": field})


def test_a_subclass_may_set_an_option_again():
    class Loose(Record, eq=False):
        n: int

    class Strict(Loose, eq=True, frozen=True):
        pass

    class Thawed(Strict, frozen=False):
        pass

    assert Loose(1) != Loose(1) and Strict(1) == Strict(1) and hash(Strict(1)) == hash(Strict(1))
    thawed = Thawed(1)
    thawed.n = 2
    assert thawed == Thawed(2)
    with pytest.raises(TypeError, match="unhashable"):
        hash(thawed)


def test_frozen_records_cannot_change_and_hash_by_value():
    p = Point(1, 2)
    with pytest.raises(AttributeError, match="immutable"):
        p.x = 3
    with pytest.raises(AttributeError, match="immutable"):
        del p.y
    assert p == Point(1, 2) and p != Point(1, 3) and hash(Point(1, 2, ())) == hash(Point(1, 2, ()))
    assert p != Labelled(1, 2)  # another class is never equal, even with the same values
    assert not hasattr(p, "__dict__")  # slots: no per-instance dict unless asked for


def test_changeable_records_compare_by_value_and_are_unhashable():
    box = Box([1])
    box.items.append(2)
    box.label = "b"
    assert box == Box([1, 2], "b")
    with pytest.raises(TypeError, match="unhashable"):
        hash(box)


def test_eq_false_compares_by_identity():
    a = Handle("h")
    assert a == a and a != Handle("h") and len({a, Handle("h")}) == 2


def test_dict_option_allows_cached_properties_on_frozen_records():
    c = Cached(3)
    assert c.square == 9 and c.__dict__ == {"square": 9}

    class MoreCached(Cached, dict=True):  # the __dict__ slot is the base's
        m: int = 0

    assert MoreCached(2).square == 4 and copy.copy(c).__dict__ == {"square": 9}


def test_post_init_runs_after_the_fields_are_set_and_not_again_on_copy():
    made = Checked(5)
    assert made.seen == [5] and copy.copy(made).seen == [5]


def test_replace_asdict_copy_pickle_repr():
    p = Point(1, 2, ["t"])
    assert replace(p, y=5) == Point(1, 5, ["t"]) and p.y == 2
    with pytest.raises(TypeError, match="no field"):
        replace(p, z=1)
    assert asdict(p) == {"x": 1, "y": 2, "tags": ["t"]}
    assert copy.copy(p) == p and pickle.loads(pickle.dumps(p)) == p
    assert repr(p) == "Point(x=1, y=2, tags=['t'])"
    assert asdict(Handle("hi")) == {"name": "hi"} and copy.copy(Handle("hi")).name == "hi" and pickle.loads(pickle.dumps(Checked(1))).seen == [1, 1]
    assert asdict(Record()) == {}


def test_a_hot_class_gets_its_own_init_which_behaves_the_same():
    class Hot(Record, frozen=True):
        a: int
        b: list[int] = field(default_factory=list)
        c: str = "c"

        def __post_init__(self) -> None:
            self.b.append(self.a)

    made = [Hot(i) for i in range(HOT + 1)]
    assert Hot.__init__ is not record._init  # compiled after HOT calls
    assert made[0] == Hot(0) == Hot(0, [], "c") and made[-1].b == [HOT] and made[0].b is not made[1].b
    assert Hot(1, c="x", b=[]) == Hot(1, [], "x")
    with pytest.raises(TypeError):
        Hot()
    with pytest.raises(TypeError):
        Hot(1, d=2)


@pytest.mark.parametrize("statement, message", [
    ("class Bad(Record):\n    a: int = 1\n    b: int\n", "'b' without a default follows 'a'"),
    ("class Bad(Record, slots=True):\n    a: int\n", "unknown record option"),
])
def test_a_bad_class_statement_is_refused(statement, message):
    with pytest.raises(TypeError, match=message):
        exec(statement, {"Record": Record})


def test_field_takes_one_kind_of_default():
    with pytest.raises(TypeError):
        field(default=1, default_factory=list)
