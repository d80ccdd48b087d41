"""The working state of one disclosure reading: passes add signals here; the result is frozen at the end."""

from __future__ import annotations

from types import MappingProxyType

from openlint.support.record import Record, field

from openlint.analysis.model import Disclosure, Pointer, Signals, Stage
from openlint.knowledge import taxonomy
from openlint.knowledge.catalogue import Artefact
from openlint.release.model import Evidence, Problem


class Found(Record, eq=False):  # compared by identity
    """What was found for one component while reading: pointers, descriptions, withheld statements."""

    pointers: list[Pointer] = field(default_factory=list)
    described: list[Evidence] = field(default_factory=list)
    withheld: list[Evidence] = field(default_factory=list)

    def freeze(self) -> Signals:
        return Signals(tuple(self.pointers), tuple(self.described), tuple(self.withheld))


class Mention(Record, frozen=True):
    """A catalogued artefact the release names or links, with the words around it."""

    artefact: Artefact
    evidence: Evidence
    sentence: str  # lower case: the sentence or line that names it
    context: str  # lower case: the sentence with its block and heading path


def name_span(mention: Mention) -> tuple[int, int] | None:
    """Where the sentence first names the artefact (by its id, name or an alias): (start, end), or None."""
    artefact = mention.artefact
    sentence = mention.sentence
    spans = [(i, i + len(n)) for n in (artefact.id, artefact.name, *artefact.aliases) if n and (i := sentence.find(n.lower())) >= 0]
    return min(spans) if spans else None


class Runtime(Record, frozen=True):
    """Something that says which library or runtime runs the model: a usage snippet, a library name, a format."""

    artefact: Artefact
    evidence: Evidence
    # True: its snippet loads the release's own code (trust_remote_code=True); False: its snippet loads or runs the
    # model without it; None: named, tagged, linked or only installed, not shown running the model
    own_code: bool | None = None


class Collector(Record, eq=False):  # compared by identity
    """What reading a release finds, gathered before it is frozen into a Disclosure."""

    components: dict[str, Found] = field(default_factory=lambda: {cid: Found() for cid in taxonomy.ids()})
    practice: dict[str, Evidence | None] = field(default_factory=dict)
    stage_hits: dict[str, Evidence] = field(default_factory=dict)
    open_claims: list[Evidence] = field(default_factory=list)
    placeholders: list[Evidence] = field(default_factory=list)
    benchmarks: dict[str, tuple[object, Evidence]] = field(default_factory=dict)  # safety benchmark -> (artefact, evidence)
    described_sections: list[tuple[str, str, Evidence]] = field(default_factory=list)  # component, title, evidence
    training_code: list[Mention] = field(default_factory=list)  # its stage is known only once the stages are
    own_code: list[Mention] = field(default_factory=list)  # the release's own project repository
    training_data: list[Mention] = field(default_factory=list)
    runtimes: list[Runtime] = field(default_factory=list)
    remote_code: list[Evidence] = field(default_factory=list)
    remote_code_snippets: list[Evidence] = field(default_factory=list)  # those of remote_code only a snippet's flag shows
    evaluation: list[Evidence] = field(default_factory=list)  # results reported
    evaluation_code: list[Evidence] = field(default_factory=list)  # the card's own code computing its metrics
    leaderboard: list[tuple[Evidence, str]] = field(default_factory=list)  # results from a public leaderboard, the program that scored them
    pending_results: list[Evidence] = field(default_factory=list)  # results announced, not given
    safety_evaluation: list[Evidence] = field(default_factory=list)
    weights_delta: list[Evidence] = field(default_factory=list)  # the card says its weights are a delta to its base's
    prompt_template: Evidence | None = None  # a chat format the card shows, when it is the card's evidence of fine-tuning
    problems: list[Problem] = field(default_factory=list)

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
            problems=tuple(self.problems),
            weights_delta=self.weights_delta[0] if self.weights_delta else None,
        )
