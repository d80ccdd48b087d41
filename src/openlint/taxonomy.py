"""The 12 pipeline components and the level scale (rules/taxonomy.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from openlint import bundled


@dataclass(frozen=True)
class Component:
    id: str
    stage: str
    side: str  # "code" or "data"
    title: str
    recommendation: str


@cache
def components() -> dict[str, Component]:
    return {entry["id"]: Component(**entry) for entry in bundled.load("taxonomy")["components"]}


def component_ids() -> list[str]:
    return list(components())


def category(level: int | None) -> str:
    if level is None:
        return "not applicable"
    return bundled.load("taxonomy")["categories"][level - 1]


def label(side: str, level: int | None) -> str:
    if level is None:
        return "N/A"
    return f"{'C' if side == 'code' else 'D'}{level}"
