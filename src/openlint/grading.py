"""The openness grade: a score from the component levels by the formula in rules/grade.yaml.

Each applicable component earns (level - 1) / 4 of its weight; N/A components are left out of both sides, so they
never lower a grade. Caps then bound the letter ("open weights, closed recipe" is at most C).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openlint.support.record import Record

from openlint.analysis.model import ComponentResult
from openlint.knowledge import store

GRADES = ("A", "B", "C", "D", "E", "F")


class Grade(Record, frozen=True):
    """The release's grade: its letter, score and how they were reached."""

    letter: str
    score: float
    breakdown: tuple[dict[str, Any], ...] = ()
    caps: tuple[dict[str, str], ...] = ()
    uncapped: str = ""


def compute(components: Mapping[str, ComponentResult]) -> Grade:
    formula = store.load("grade")
    earned = possible = 0.0
    breakdown = []
    for cid, weight in formula["weights"].items():
        result = components[cid]
        if result.level is None:
            # not applicable, or not assessed: left out of both sides, so it never lowers the grade
            breakdown.append({"component": cid, "weight": weight, "level": None, "earned": None, "possible": 0,
                              "assessed": result.status != "unknown"})
            continue
        part = weight * (result.level - 1) / 4
        earned += part
        possible += weight
        breakdown.append({"component": cid, "weight": weight, "level": result.level, "earned": round(part, 3), "possible": weight,
                          "assessed": True})
    score = round(100 * earned / possible, 1) if possible else 0.0
    letter = next(band["grade"] for band in formula["bands"] if score >= band["min"])
    uncapped, caps = letter, []
    for cap in formula.get("caps", []):
        if any(components[c].status == "unknown" for c in cap["components"]):
            continue  # a component not assessed (a partial check) might lift it: the cap cannot be told
        applicable = [components[c] for c in cap["components"] if components[c].level is not None]
        if applicable and all(r.level <= cap["max_level"] for r in applicable) and GRADES.index(letter) < GRADES.index(cap["max_grade"]):
            letter = cap["max_grade"]
            caps.append({"name": cap["name"], "max_grade": cap["max_grade"], "why": cap["why"]})
    return Grade(letter, score, tuple(breakdown), tuple(caps), uncapped)


def at_least(letter: str, minimum: str) -> bool:
    return GRADES.index(letter) <= GRADES.index(minimum)
