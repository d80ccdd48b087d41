"""What the crosswalk concludes: per framework, a verdict on each of its items and on the whole, each with its reason
and the source of the mapping. Frozen, like the assessment it is computed from."""

from __future__ import annotations

from openlint.support.record import Record


CANNOT_TELL = "cannot tell"


class ItemVerdict(Record, frozen=True):
    id: str
    name: str
    verdict: str  # the framework's own words (open / partial / closed, meets / does not meet, ...) or "cannot tell"
    reason: str
    source: str  # where the mapping of this item comes from
    klass: int | None = None  # MOF class
    required: bool = True
    licence: str | None = None


class FrameworkVerdict(Record, frozen=True):
    id: str
    name: str
    version: str
    source: str
    verdict: str  # MOF: "Class I" .. "Class III", "not met" or "cannot tell"; OSAID: meets / does not meet / cannot tell
    reason: str
    items: tuple[ItemVerdict, ...]
    classes: tuple[tuple[str, str], ...] = ()  # MOF: ("III", "met" | "not met" | "cannot tell"), ...


class Crosswalk(Record, frozen=True):
    frameworks: tuple[FrameworkVerdict, ...]

    def get(self, framework_id: str) -> FrameworkVerdict | None:
        return next((f for f in self.frameworks if f.id == framework_id), None)
