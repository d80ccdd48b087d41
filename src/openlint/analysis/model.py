"""What the analysis concludes about a release. Frozen: every later stage reads it, none changes it."""

from __future__ import annotations

from collections.abc import Mapping

from openlint.support.record import Record, field

from openlint.knowledge.licences import Licence
from openlint.knowledge.taxonomy import Component, category, level_for_points
from openlint.release.model import Evidence, LicenceClaim, Problem, Release

STATUS_TEXT = {
    "released": "released",
    "api-only": "available only through a paid API",
    "described": "described, not released",
    "not-released": "not released",  # the note says who says so: the card, a declaration, the root's catalogue entry
    "undisclosed": "undisclosed",
    "not-applicable": "not applicable",
    "unknown": "not assessed",
}


UNKNOWN_LABEL = "UNK"  # a component openlint could not assess: neither a level nor N/A


class Pointer(Record, frozen=True):
    """A concrete pointer to an artefact: a Hub id, a code repository, a path in the release, a named benchmark."""

    kind: str  # hub-dataset, hub-model, code-repo, path, benchmark, library, url
    target: str
    evidence: Evidence
    licence: str | None = None
    gated: bool = False  # public with limits on access (a gated Hub repository)
    needs_own_code: bool = False  # a library that runs the model only with the release's own (remote) code


class Signals(Record, frozen=True):
    """What the release shows of one component: pointers to it, prose describing it, statements it was withheld."""

    pointers: tuple[Pointer, ...] = ()
    described: tuple[Evidence, ...] = ()
    withheld: tuple[Evidence, ...] = ()


class Stage(Record, frozen=True):
    """Whether the card shows a training stage took place, and where."""

    present: bool
    evidence: Evidence | None
    note: str
    unknown: bool = False  # whether it took place cannot be told (a copy of a model openlint cannot identify)


class Disclosure(Record, frozen=True, eq=False):  # compared by identity
    """What the card discloses: signals by component, stages, practices, claims."""

    components: Mapping[str, Signals]
    stages: Mapping[str, Stage]
    practice: Mapping[str, Evidence | None]
    open_claims: tuple[Evidence, ...]
    placeholders: tuple[Evidence, ...]
    safety_benchmarks: tuple[tuple[str, Evidence], ...]
    base_models: tuple[str, ...]
    library: str | None
    problems: tuple[Problem, ...] = ()  # what the reading found wrong with the card's pointers
    weights_delta: Evidence | None = None  # where the card says its weights are a delta to apply to its base's


class ReleaseLicence(Record, frozen=True):
    """The release's own licence, and every statement of it."""

    licence: Licence | None
    claim: LicenceClaim | None
    claims: tuple[LicenceClaim, ...]


class ComponentResult(Record, frozen=True):
    """The judgement of one component: its status, openness level, licence and evidence."""

    component: Component
    status: str
    level: int | None
    licence: Licence | None = None
    licence_raw: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointers: tuple[Pointer, ...] = ()
    note: str = ""
    declared: bool = False
    # where it is published when no pointer of the release shows it: an inherited component's artefacts, as the
    # catalogue gives them for the root (https:// or hf:// locations, for a declaration openlint init writes)
    locations: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.component.id

    @property
    def label(self) -> str:
        return UNKNOWN_LABEL if self.status == "unknown" else self.component.label(self.level)

    @property
    def distinct_evidence(self) -> tuple[Evidence, ...]:
        """The evidence, each place and quote once (pointers named in one sentence share its evidence)."""
        return tuple(dict.fromkeys(self.evidence))

    @property
    def category(self) -> str:
        return "not assessed" if self.status == "unknown" else category(self.level)

    @property
    def points(self) -> int | None:
        """The rubric points the level follows from; None when it follows from no one licence (not released, or a
        catalogued root's mix of parts whose level the catalogue states, with why)."""
        if self.status != "released":
            return None
        if self.licence is not None and self.licence.identified:
            return self.licence.points
        return 0 if self.level is None or self.level <= level_for_points(self.component.side, 0) else None


DERIVED = ("fine-tune", "merge", "quantisation", "adapter")


class Lineage(Record, frozen=True):
    """What kind of release this is, what it was made from, and the model trained from scratch at its root."""

    kind: str  # base, fine-tune, merge, quantisation, adapter
    evidence: Evidence | None
    note: str
    bases: tuple[str, ...] = ()  # the models it was made from, as named
    root: str | None = None  # the root model, when identified
    source: str = ""  # where the root's facts come from: "catalogue", "hub" (its card, read), "" (not found)
    inherited: Mapping[str, ComponentResult] = field(default_factory=dict)  # what it has from the root
    # what the catalogue knows the model it was made from to be (the named base, else the entry or family the release's
    # name or tags place it in): "derivative", "root" or "" (unknown)
    made_from: str = ""
    root_licence: str | None = None  # the root's own licence, as its catalogue entry or its card states it
    root_family: str | None = None  # the catalogued root's family (`family` in rules/catalogue/models.yaml), if one
    # for a catalogued model trained from scratch: what its catalogue entry knows of its own evaluation (released
    # harnesses and data a card may only point to by "see the paper"), for components its card leaves undisclosed
    known: Mapping[str, ComponentResult] = field(default_factory=dict)

    @property
    def derived(self) -> bool:
        return self.kind in DERIVED


class Assessment(Record, frozen=True, eq=False):  # compared by identity
    """One release, read and judged: the disclosure, the licence, each component's level, every problem."""

    release: Release
    disclosure: Disclosure
    licence: ReleaseLicence
    components: Mapping[str, ComponentResult]
    problems: tuple[Problem, ...] = field(default=())
    lineage: Lineage | None = None
