"""Licence statements a release makes: card metadata, a licence section of the card, licence files, weight headers,
declared component licences and the Hub's licence tags. Each becomes a LicenceClaim with the evidence behind it."""

from __future__ import annotations

import re
from typing import Any

from openlint.knowledge import licences, patterns
from openlint.release.model import Card, Declaration, Evidence, LicenceClaim, WeightFile

FILE_PREFIXES = ("license", "licence", "copying", "use_policy", "notice")
SECTION_LINES = 30  # a licence section names its licence near its heading
_RE = patterns.Constants(__name__)
_FIELD = _RE(r"licen[cs]e\s{0,3}:", re.IGNORECASE)  # a paragraph that opens "License:" (not bold)
_ABOUT_OTHERS = _RE(r"\b(data(sets?)?|corpus|corpora|(pre-?|post-?)?train(ing|ed)?|fine-?tun(ing|ed)|evaluations?|benchmarks?|results)\b",
                    re.IGNORECASE)
FIELD_SOURCE = "card-field"  # a plain "License:" line: the release's licence only when nothing else states one


def is_licence_file(path: str) -> bool:
    name = path.lower()
    return "/" not in path and name.startswith(FILE_PREFIXES) and not name.endswith((".pdf", ".png", ".jpg"))


def _claim(raw: str, evidence: Evidence, scope: str = "release") -> LicenceClaim:
    known = licences.lookup(raw)
    return LicenceClaim(raw, known.id if known else None, evidence, scope)


def from_card(card: Card) -> list[LicenceClaim]:
    """The `license` metadata (with `license_name` for `other`), and a licence section whose text names a licence."""
    meta = card.metadata
    raw = meta.get("license")
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    claims = [_metadata_claim(card, meta, str(value)) for value in values]
    for section in card.sections:
        if "licen" in section.title.lower():
            text = "\n".join(card.line(n) for n in range(section.line, min(section.end, section.line + SECTION_LINES) + 1))
            licence = licences.identify_text(text) or (None if _ABOUT_OTHERS.search(section.title) else _named_in_section(text))
            if licence is not None:
                claims.append(LicenceClaim(licence.id, licence.id, Evidence(card.path, section.line, section.title, "card-text")))
    return claims + _field_claims(card)


def _field_claims(card: Card) -> list[LicenceClaim]:
    """A bold lead-in used as a field ("**License:** AI2 ImpACT Low-risk license") states the licence on its line, if
    it names one; a plain "License: [glm-4-9b License](...)" paragraph or list item too, as a last resort
    (FIELD_SOURCE). Not under a heading about data, training or evaluation: there it is a dataset's or a benchmark's."""
    claims = []
    bold = {number for title, number in card.labels if "licen" in title.lower() and not _about_others(card, number)}
    plain = {block.line for block in card.blocks if block.kind in ("paragraph", "item") and _FIELD.match(block.text)
             and not _about_others(card, block.line)} - bold
    for number in sorted(bold | plain):
        licence = licences.identify_one(card.line(number)) or (_named(_stated(card.line(number))) if number in bold else None)
        evidence = Evidence(card.path, number, card.line(number)[:160], "card-text" if number in bold else FIELD_SOURCE)
        if licence is not None:
            claims.append(LicenceClaim(licence.id, licence.id, evidence))
        elif number in bold and (stated := _stated(card.line(number))):
            # "**License** A custom commercial license is available at: URL" states a licence openlint cannot
            # identify: the release has one (OLL002), it does not lack one (OLL001)
            claims.append(LicenceClaim(stated, None, evidence))
    return claims


# an unfilled template field or a field saying there is none: no licence stated ("[More Information Needed]")
_NOT_STATED = _RE(r"^\W*(more information needed|needs? more information|none|no licen[cs]e|n/?a|tbd|to be (determined|decided|added|announced)|"
                  r"not (yet )?(specified|stated|available|determined|decided)|unknown|unspecified|coming soon|\?+)?\W*$", re.IGNORECASE)


# "released under the Apache 2.0 license", "licensed under MIT", "the license type is CC BY-NC-ND 4.0": what follows
# names the licence
_UNDER = _RE(r"(?:\b(?:released|licen[cs]ed|distributed|published|available|provided)\s+under|\blicen[cs]e(?:\s+type)?\s+is)\s+(?:the\s+)?"
             r"((?:[^\n.]|\.(?=\S)){1,100})", re.IGNORECASE)  # up to the sentence's end ("2.0" is no end)
SHORT_NAME = 60  # a licence section's first line this short may be the licence's bare name ("MIT", "Apache 2.0")
SUBJECT_WINDOW = 80  # characters before "released under" searched for what is released
_OTHER_SUBJECT = _RE(r"\b(code|software|scripts?|repo(sitory)?|source|data(sets?)?|corpus|corpora|base model|original model|parent model)\b",
                     re.IGNORECASE)
_SENTENCE_END = _RE(r"[.!?](?:\s|$)")


def _named(phrase: str) -> licences.Licence | None:
    """The licence a field's value or a phrase names by its id or name ("apache-2.0", "Apache 2.0", "MIT License"),
    when that is an identified licence."""
    licence = licences.by_name(phrase) if phrase else None
    return licence if licence is not None and licence.identified else None


def _named_in_section(text: str) -> licences.Licence | None:
    """A licence section that names its licence rather than quoting it: "This model is released under the Apache 2.0
    license." or a first line that is the name alone ("MIT"). The heading line is skipped."""
    lines = [line.strip(" \t*_>-#") for line in text.splitlines()[1:] if line.strip()]
    if lines and len(lines[0]) <= SHORT_NAME and (bare := _named(lines[0])) is not None:
        return bare
    prose = " ".join(lines)
    for stated in _UNDER.finditer(prose):
        # "The code in this repo is released under Apache-2.0" is the code's licence, not the model's; so is one
        # stated for the data or the base model
        subject = _SENTENCE_END.split(prose[max(0, stated.start() - SUBJECT_WINDOW):stated.start()])[-1]
        if not _OTHER_SUBJECT.search(subject) and (named := _named(stated.group(1))) is not None:
            return named
    return None


def _stated(line: str) -> str:
    """What a licence field says, without its label ("**License:**", "License:") and markup; empty when it states none."""
    text = re.sub(r"\*\*[^*]*licen[cs]e[^*]*\*\*\s*:?", "", line, count=1, flags=re.IGNORECASE)
    text = re.sub(r"^[\s*_>-]*licen[cs]e\s{0,3}:", "", text, count=1, flags=re.IGNORECASE)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip(" :-*_")
    return "" if _NOT_STATED.match(text) else text[:120]


def _about_others(card: Card, line: int) -> bool:
    """Whether a line sits under a heading about data, training or evaluation (the card's title aside: its first
    heading, when that is of level 1)."""
    stack = card.enclosing[line - 1] if 1 <= line <= len(card.enclosing) else ()
    title = card.sections[0] if card.sections and card.sections[0].level == 1 else None
    return any(section is not title and _ABOUT_OTHERS.search(section.title) for section in stack)


def _metadata_claim(card: Card, meta: dict[str, Any], value: str) -> LicenceClaim:
    licence = licences.lookup(value)
    name = meta.get("license_name")
    if licence is not None and licence.id == "other" and isinstance(name, str):
        return _claim(name, Evidence(card.path, card.key_line("license_name"), f"license_name: {name}", "card-metadata"))
    return _claim(value, Evidence(card.path, card.key_line("license"), f"license: {value}", "card-metadata"))


def from_file(path: str, text: str) -> LicenceClaim | None:
    """A LICENSE/COPYING file, recognised by its key phrases; USE_POLICY and NOTICE files state no licence."""
    if path.lower().startswith(("use_policy", "notice")):
        return None
    licence = licences.identify_text(text)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return LicenceClaim(licence.id if licence else first[:80], licence.id if licence else None,
                        Evidence(path, 1, first[:120], "licence-file"))


def from_weight(weight: WeightFile) -> LicenceClaim | None:
    """A licence stated in a weight file's own metadata (GGUF general.license, safetensors __metadata__)."""
    key = "general.license" if weight.format == "gguf" else "license"
    value = weight.metadata.get(key)
    if isinstance(value, str) and value.strip():
        return _claim(value, Evidence(weight.path, None, f"{key}: {value}", "weights-header"), scope=f"file:{weight.path}")
    return None


def from_declaration(declaration: Declaration) -> list[LicenceClaim]:
    return [
        _claim(declared.licence, Evidence(declaration.path, declared.line, f"license: {declared.licence}", "declaration"), scope=declared.id)
        for declared in declaration.components.values() if declared.licence
    ]


def from_hub_tags(tags: list[str]) -> list[LicenceClaim]:
    return [_claim(tag, Evidence(None, None, f"Hub licence tag: {tag}", "hub")) for tag in tags]
