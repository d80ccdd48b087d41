"""The openness grade: a score from the component levels by the formula in rules/grade.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openlint import bundled
from openlint.assess import ComponentResult

GRADES = ("A", "B", "C", "D", "E", "F")


@dataclass
class Grade:
    letter: str
    score: float
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    caps: list[dict[str, str]] = field(default_factory=list)
    uncapped: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"grade": self.letter, "score": self.score, "uncapped_grade": self.uncapped, "caps": self.caps, "breakdown": self.breakdown}


def compute(components: dict[str, ComponentResult]) -> Grade:
    formula = bundled.load("grade")
    earned = possible = 0.0
    breakdown = []
    for cid, weight in formula["weights"].items():
        result = components[cid]
        if result.level is None:
            breakdown.append({"component": cid, "weight": weight, "level": None, "earned": None, "possible": 0})
            continue
        part = weight * (result.level - 1) / 4
        earned += part
        possible += weight
        breakdown.append({"component": cid, "weight": weight, "level": result.level, "earned": round(part, 3), "possible": weight})
    score = round(100 * earned / possible, 1) if possible else 0.0
    letter = next(band["grade"] for band in formula["bands"] if score >= band["min"])
    uncapped, caps = letter, []
    for cap in formula.get("caps", []):
        applicable = [components[c] for c in cap["components"] if components[c].level is not None]
        if applicable and all(r.level <= cap["max_level"] for r in applicable) and GRADES.index(letter) < GRADES.index(cap["max_grade"]):
            letter = cap["max_grade"]
            caps.append({"name": cap["name"], "max_grade": cap["max_grade"], "why": cap["why"]})
    return Grade(letter, score, breakdown, caps, uncapped)


def at_least(letter: str, minimum: str) -> bool:
    return GRADES.index(letter) <= GRADES.index(minimum)
