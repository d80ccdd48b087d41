"""The 12 pipeline components and the level scale (rules/taxonomy.yaml), typed.

Code never names a component: it asks for the component that plays a role (`by_role("weights")`), and the data
says which component that is.
"""

from __future__ import annotations

from functools import cache

from openlint.support.record import Record

from openlint.errors import DataFileError
from openlint.knowledge import store


class Component(Record, frozen=True):
    """One of the 12 components of a model release (rules/taxonomy.yaml)."""

    id: str
    stage: str  # training, evaluation, deployment
    side: str  # code or data
    title: str
    recommendation: str
    role: str
    exists_if: str | None = None  # the training stage without which the component does not apply
    stage_describes: bool = False  # the stage's evidence describes the component itself (an internal benchmark named)
    covered_by_release_licence: bool = False
    inherited: bool = False  # a derivative has it from the root of its lineage

    @property
    def letter(self) -> str:
        return "C" if self.side == "code" else "D"

    def label(self, level: int | None) -> str:
        return "N/A" if level is None else f"{self.letter}{level}"


@cache
def components() -> dict[str, Component]:
    return {entry["id"]: Component(**entry) for entry in store.load("taxonomy")["components"]}


def ids() -> list[str]:
    return list(components())


@cache
def _roles() -> dict[str, Component]:
    by_role: dict[str, Component] = {}
    for component in components().values():
        if component.role in by_role:
            raise DataFileError(store.path_of("taxonomy"), f"role {component.role!r} is played by two components")
        by_role[component.role] = component
    return by_role


def by_role(role: str) -> Component:
    try:
        return _roles()[role]
    except KeyError:
        raise DataFileError(store.path_of("taxonomy"), f"no component plays the role {role!r}") from None


def has_role(role: str) -> bool:
    return role in _roles()


def category(level: int | None) -> str:
    if level is None:
        return "not applicable"
    return store.load("taxonomy")["categories"][level - 1]


def level_for_points(side: str, points: int) -> int:
    return int(store.load("taxonomy")["levels"][side][points])


def api_only_level(side: str) -> int:
    return int(store.load("taxonomy")["levels"]["api_only"].get(side, 1))
