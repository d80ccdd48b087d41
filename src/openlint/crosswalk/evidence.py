"""What openlint's assessment shows of one crosswalk item: the components that play its roles, the model card, a
practice, a link. Reads only the Assessment; says "unknown" where the assessment does not know."""

from __future__ import annotations

from openlint.support.record import Record

from openlint.analysis.model import Assessment, ComponentResult
from openlint.knowledge import taxonomy
from openlint.analysis import card_text
from openlint.knowledge.crosswalk import EvidenceSpec
from openlint.release.model import Card, Link

RELEASED = "released"
DOCUMENTED = ("released", "described")


class Parts(Record, frozen=True):
    """The applicable components behind an item (not-applicable ones left out)."""

    results: tuple[ComponentResult, ...]

    @property
    def empty(self) -> bool:
        return not self.results

    @property
    def unknown(self) -> tuple[ComponentResult, ...]:
        return tuple(r for r in self.results if r.status == "unknown")

    @property
    def released(self) -> tuple[ComponentResult, ...]:
        return tuple(r for r in self.results if r.status == RELEASED)

    @property
    def withheld(self) -> tuple[ComponentResult, ...]:
        return tuple(r for r in self.results if r.status not in (RELEASED, "unknown"))


def parts(assessment: Assessment, spec: EvidenceSpec) -> Parts:
    found = _applicable(assessment, spec.roles)
    if not found and spec.fallback_roles:
        found = _applicable(assessment, spec.fallback_roles)
    return Parts(found)


def _applicable(assessment: Assessment, roles: tuple[str, ...]) -> tuple[ComponentResult, ...]:
    results = (assessment.components.get(taxonomy.by_role(role).id) for role in roles)
    return tuple(r for r in results if r is not None and r.status != "not-applicable")


def describe(result: ComponentResult) -> str:
    """`Pre-training code (released, apache-2.0)`: a component as a reason names it."""
    licence = result.licence.id if result.licence else (result.licence_raw or "licence not identified")
    detail = f"released, {licence}" if result.status == RELEASED else result.status.replace("-", " ")
    return f"{result.component.title} ({detail})"


def names(results: tuple[ComponentResult, ...]) -> str:
    return "; ".join(describe(r) for r in results)


def card_unread(assessment: Assessment) -> bool:
    """The release has a card that could not be read (a partial check): what it would show cannot be told."""
    release = assessment.release
    return release.card is not None and release.unread(release.card.path)


def has_card(assessment: Assessment) -> bool:
    card = assessment.release.card
    return card is not None and any(line.strip() for line in card.lines)


def practice(assessment: Assessment, name: str) -> bool | None:
    """Whether the card meets a practice; None when openlint's vocabulary has no such practice."""
    known = assessment.disclosure.practice
    if name not in known:
        return None
    return known[name] is not None


def card_section(assessment: Assessment, spec: EvidenceSpec) -> str | None:
    """The card's metadata key or heading that shows the item, or None."""
    card = assessment.release.card
    if card is None:
        return None
    for key in spec.metadata:
        if card.metadata.get(key):
            return f"card metadata `{key}`"
    if spec.pattern is not None:
        for section in card.sections:
            if spec.pattern.search(section.title):
                return f"card section \"{section.title}\" ({card.path}:{section.line})"
    return None


def link(assessment: Assessment, spec: EvidenceSpec) -> str | None:
    """The first link of the kind `spec.pattern` names that the card presents as the model's own: said so by its
    anchor text or sentence ("our paper", "Paper:") or the section it is in ("Citation"). A link in a table cell
    cites a source for a value (the RoPE paper in a hyper-parameter table), and "the Pile paper" is a dataset's."""
    card = assessment.release.card
    if card is None or spec.pattern is None:
        return None
    for item in card.links:
        if spec.pattern.search(item.url) and _presented_as_own(card, item, spec):
            return item.url
    return None


def _presented_as_own(card: Card, item: Link, spec: EvidenceSpec) -> bool:
    if spec.context is None and spec.sections is None:
        return True
    block = card.blocks[item.block] if 0 <= item.block < len(card.blocks) else None
    if block is not None and block.kind == "table":
        return False
    text = block.text if block is not None else card.line(item.line)
    sentence = next((s for s in card_text.sentences(text) if item.text and item.text in s), text)
    if spec.context is not None and (spec.context.search(item.text) or spec.context.search(sentence)):
        return True
    heads = " ".join(card.heading_path(block.section)) if block is not None else ""
    return spec.sections is not None and bool(spec.sections.search(heads))
