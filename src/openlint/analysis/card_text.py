"""Passes over a model card's text, each adding what it finds to the collector: sections and bold labels that
describe a component or meet a practice; lines that state a stage, name a benchmark, claim openness, leave a
placeholder or say something was withheld; links, routed to the component they point to; Hub dataset ids.

Every vocabulary is one compiled alternation, so each pass is linear in the card's size.
"""

from __future__ import annotations

import re

from openlint.analysis.collect import Collector
from openlint.analysis.model import Pointer
from openlint.knowledge import taxonomy
from openlint.knowledge.vocabulary import Vocabulary
from openlint.release.model import Card, Evidence, Release
from openlint.support.text import snippet

SECTION_CONTENT = 40  # lines of a section read to tell an empty template heading from a written one
HUB_DATASET = re.compile(r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+/[\w.-]+|[\w.-]+)/?(?:$|[?#]|/(?:tree|blob|viewer)/)")
CODE_HOST = re.compile(r"^https?://(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/([\w.-]+/[\w.-]+)", re.IGNORECASE)
_HEDGE = re.compile(r"\b(not|no|without|never|should|urge|recommend\w*|advise\w*|encourage\w*|may|might|could|can be|if)\b")
_EVALUATION = re.compile(r"evaluat|benchmark|test set")
_URL_SPAN = re.compile(r"\S*://\S*")
_TEXT_DATASET = re.compile(r"(?:\bdatasets?\b\W{0,6}|`)([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95})\b`?", re.IGNORECASE)
_NOT_A_DATASET = ("py", "json", "md", "txt", "yaml")


def _evidence(card: Card, number: int) -> Evidence:
    return Evidence(card.path, number, snippet(card.line(number)), "card-text")


# -- sections and labels ------------------------------------------------------------------------------------------

def read_sections(card: Card, vocab: Vocabulary, found: Collector) -> None:
    """Headings that describe a component or meet a practice, when something is written under them."""
    for section in card.sections:
        content = (card.line(n) for n in range(section.line + 1, min(section.end, section.line + SECTION_CONTENT) + 1))
        written = any(line.strip() and not vocab.placeholders.search(line.lower()) and not line.lstrip().startswith("#") for line in content)
        if written:
            _describe(section.title.lower(), _evidence(card, section.line), vocab, found)


def read_labels(card: Card, vocab: Vocabulary, found: Collector) -> None:
    """Bold lead-ins used as headings ("**Training Data:** ..."), when they lead to something written."""
    for title, number in card.labels:
        rest = card.line(number).split("**", 2)[-1].strip(" :") or card.line(number + 1).strip()
        if rest and not vocab.placeholders.search(rest.lower()):
            _describe(title.lower(), _evidence(card, number), vocab, found)


def _describe(title: str, evidence: Evidence, vocab: Vocabulary, found: Collector) -> None:
    for cid, pattern in vocab.sections.items():
        if pattern.search(title):
            found.described_sections.append((cid, title, evidence))
    for name, pattern in vocab.practice_sections.items():
        if found.practice.get(name) is None and pattern.search(title):
            found.practice[name] = evidence


# -- lines ----------------------------------------------------------------------------------------------------------

def read_lines(card: Card, vocab: Vocabulary, found: Collector) -> None:
    for number in card.body_lines():
        text = card.line(number)
        if text.strip():
            _read_line(card, number, text, vocab, found)


def _read_line(card: Card, number: int, text: str, vocab: Vocabulary, found: Collector) -> None:
    lower = text.lower()
    _stages_and_benchmarks(card, number, text, lower, vocab, found)
    if claim := vocab.open_claims.search(lower):
        # quote around the claim: on a long line the first 160 characters may not contain it
        start = max(0, claim.start() - 40)
        found.open_claims.append(Evidence(card.path, number, ("\u2026" if start else "") + snippet(text[start:]), "card-text"))
    if vocab.placeholders.search(lower):
        found.placeholders.append(_evidence(card, number))
    if vocab.withheld.search(lower):
        context = lower + " " + " ".join(card.headings_at(number)).lower()
        for cid, pattern in vocab.withheld_context.items():
            if pattern.search(context):
                found.components[cid].withheld.append(_evidence(card, number))
    for name, pattern in vocab.practice_phrases.items():
        if found.practice.get(name) is None and pattern.search(lower):
            found.practice[name] = _evidence(card, number)


def _stages_and_benchmarks(card: Card, number: int, text: str, lower: str, vocab: Vocabulary, found: Collector) -> None:
    for name, pattern in vocab.stages.items():
        if name != "tuned_name" and name not in found.stage_hits and (match := pattern.search(lower)) and not _hedged(lower, match):
            found.stage_hits[name] = _evidence(card, number)
    for benchmark in vocab.benchmarks:
        if benchmark.name not in found.benchmarks and benchmark.pattern.search(text if benchmark.case_sensitive else lower):
            found.benchmarks[benchmark.name] = (benchmark, _evidence(card, number))


def _hedged(lower: str, match: re.Match[str]) -> bool:
    """A stage phrase under negation or advice ("it is not DPO tuned", "we urge ... safety testing") is no disclosure."""
    return bool(_HEDGE.search(lower[max(0, match.start() - 25) : match.end()]))


# -- links ------------------------------------------------------------------------------------------------------------

def read_links(release: Release, vocab: Vocabulary, found: Collector) -> None:
    card = release.card
    assert card is not None
    for link in card.links:
        text = card.line(link.line)
        context = (text + " " + " ".join(card.headings_at(link.line))).lower()
        evidence = _evidence(card, link.line)
        if match := HUB_DATASET.match(link.url):
            cid = data_component(context, vocab)
            if cid is not None:
                found.components[cid].pointers.append(Pointer("hub-dataset", match.group(1), evidence))
        elif match := CODE_HOST.match(link.url):
            _code_link(link.url, match, text.lower(), context, evidence, vocab, found)
        elif not link.url.startswith(("http://", "https://")):
            _release_link(release, link.url, text.lower(), evidence, vocab, found)


def data_component(context: str, vocab: Vocabulary) -> str | None:
    """The data component a dataset mentioned in this context belongs to; datasets named around evaluation are
    benchmarks (only safety ones are graded), not training data."""
    routing = vocab.routing
    order = routing.evaluation_data_links if _EVALUATION.search(context) else routing.data_links
    return next((cid for cid in order if vocab.data_context[cid].search(context)), None)


def _code_link(url: str, match: re.Match[str], lower: str, context: str, evidence: Evidence, vocab: Vocabulary, found: Collector) -> None:
    repo = match.group(2).removesuffix(".git")
    key = repo.lower()
    target = f"https://{match.group(1).lower()}/{repo}"
    if key in vocab.harnesses:
        found.role("evaluation-harness").pointers.append(Pointer("code-repo", target, evidence, vocab.harnesses[key]))
        return
    # issues pages are contact channels, PDFs are papers, frameworks and notebooks are not the pipeline's code
    if (re.search(r"/(issues|discussions|pulls?)(/|$)", url) or url.lower().endswith(".pdf")
            or key in vocab.generic_code or vocab.code_exclude.search(lower)):
        return
    licence = vocab.code_licences.get(key)
    cid = next((c for c in vocab.routing.code_links if vocab.code_context[c].search(lower)), None)
    inference = taxonomy.by_role("inference-runtime").id
    if cid is None and vocab.code_context[inference].search(context):
        cid = inference
    if cid is not None:
        found.components[cid].pointers.append(Pointer("code-repo", target, evidence, licence))


def _release_link(release: Release, url: str, lower: str, evidence: Evidence, vocab: Vocabulary, found: Collector) -> None:
    """A link to a script of the release itself."""
    path = url.split("#")[0].lstrip("./")
    if not path.endswith(".py") or not release.has_file(path):
        return
    cid = next((c for c in vocab.routing.local_code_links if vocab.code_context[c].search(lower)), None)
    if cid is not None:
        found.components[cid].pointers.append(Pointer("path", path, evidence))


def read_dataset_ids(card: Card, vocab: Vocabulary, found: Collector) -> None:
    """Hub dataset ids written in the text ("**Dataset:** org/name", or in backticks on a line about data)."""
    for number in card.body_lines():
        text = card.line(number)
        if "dataset" in text.lower() and "/" in text:
            _dataset_ids_in(card, number, text, vocab, found)


def _dataset_ids_in(card: Card, number: int, text: str, vocab: Vocabulary, found: Collector) -> None:
    urls = [m.span() for m in _URL_SPAN.finditer(text)]
    context = (text.lower() + " " + " ".join(card.headings_at(number))).lower()
    for match in _TEXT_DATASET.finditer(text):
        repo = match.group(1)
        if any(start <= match.start(1) < end for start, end in urls) or repo.rsplit(".", 1)[-1] in _NOT_A_DATASET:
            continue
        cid = data_component(context, vocab) or (vocab.routing.default_data if not _EVALUATION.search(context) else None)
        if cid is not None and not any(p.target == repo for p in found.components[cid].pointers):
            found.components[cid].pointers.append(Pointer("hub-dataset", repo, _evidence(card, number)))
