"""The working state of one disclosure reading: passes add signals here; the result is frozen at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from openlint.analysis.model import Disclosure, Pointer, Signals, Stage
from openlint.knowledge import taxonomy
from openlint.release.model import Evidence


@dataclass
class Found:
    pointers: list[Pointer] = field(default_factory=list)
    described: list[Evidence] = field(default_factory=list)
    withheld: list[Evidence] = field(default_factory=list)

    def freeze(self) -> Signals:
        return Signals(tuple(self.pointers), tuple(self.described), tuple(self.withheld))


@dataclass
class Collector:
    components: dict[str, Found] = field(default_factory=lambda: {cid: Found() for cid in taxonomy.ids()})
    practice: dict[str, Evidence | None] = field(default_factory=dict)
    stage_hits: dict[str, Evidence] = field(default_factory=dict)
    open_claims: list[Evidence] = field(default_factory=list)
    placeholders: list[Evidence] = field(default_factory=list)
    benchmarks: dict[str, tuple[object, Evidence]] = field(default_factory=dict)  # name -> (Benchmark, evidence)
    described_sections: list[tuple[str, str, Evidence]] = field(default_factory=list)  # component, title, evidence

    def role(self, role: str) -> Found:
        return self.components[taxonomy.by_role(role).id]

    def freeze(self, stages: dict[str, Stage], base_models: list[str], library: str | None) -> Disclosure:
        return Disclosure(
            components=MappingProxyType({cid: found.freeze() for cid, found in self.components.items()}),
            stages=MappingProxyType(dict(stages)),
            practice=MappingProxyType(dict(self.practice)),
            open_claims=tuple(self.open_claims),
            placeholders=tuple(self.placeholders),
            safety_benchmarks=tuple((name, evidence) for name, (_, evidence) in self.benchmarks.items()),
            base_models=tuple(base_models),
            library=library,
        )
