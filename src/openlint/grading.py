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
    # the letter with every component not assessed (UNK) at level 1: what a gate can count on. The grade itself
    # leaves them out (an incomplete check is never shown as a lower grade), so naming a base nobody can look up
    # would otherwise lift it past a --min-grade that the release's known parts do not reach
    lowest: str = ""


def compute(components: Mapping[str, ComponentResult]) -> Grade:
    formula = store.load("grade")
    levels = {cid: components[cid].level for cid in formula["weights"]}
    unknown = {cid for cid, result in components.items() if result.status == "unknown"}
    score, breakdown = _score(formula, levels, unknown)
    letter, caps = _capped(formula, _band(formula, score), levels, unknown)
    lowest = letter
    if unknown:
        worst = {cid: 1 if cid in unknown else level for cid, level in levels.items()}
        lowest, _ = _capped(formula, _band(formula, _score(formula, worst, set())[0]), worst, set())
    return Grade(letter, score, tuple(breakdown), tuple(caps), _band(formula, score), lowest)


def _score(formula: Mapping[str, Any], levels: Mapping[str, int | None], unknown: set[str]) -> tuple[float, list[dict[str, Any]]]:
    earned = possible = 0.0
    breakdown = []
    for cid, weight in formula["weights"].items():
        level = levels[cid]
        if level is None:
            # not applicable, or not assessed: left out of both sides, so it never lowers the grade
            breakdown.append({"component": cid, "weight": weight, "level": None, "earned": None, "possible": 0,
                              "assessed": cid not in unknown})
            continue
        part = weight * (level - 1) / 4
        earned += part
        possible += weight
        breakdown.append({"component": cid, "weight": weight, "level": level, "earned": round(part, 3), "possible": weight,
                          "assessed": True})
    return (round(100 * earned / possible, 1) if possible else 0.0), breakdown


def _band(formula: Mapping[str, Any], score: float) -> str:
    return next(band["grade"] for band in formula["bands"] if score >= band["min"])


def _capped(formula: Mapping[str, Any], letter: str, levels: Mapping[str, int | None], unknown: set[str]) -> tuple[str, list[dict[str, str]]]:
    caps = []
    for cap in formula.get("caps", []):
        if any(c in unknown for c in cap["components"]):
            continue  # a component not assessed (a partial check) might lift it: the cap cannot be told
        applicable = [levels[c] for c in cap["components"] if levels.get(c) is not None]
        if applicable and all(level <= cap["max_level"] for level in applicable) and GRADES.index(letter) < GRADES.index(cap["max_grade"]):
            letter = cap["max_grade"]
            caps.append({"name": cap["name"], "max_grade": cap["max_grade"], "why": cap["why"]})
    return letter, caps


def at_least(letter: str, minimum: str) -> bool:
    return GRADES.index(letter) <= GRADES.index(minimum)
