"""Turning the small text files of a release into evidence; shared by every source."""

from __future__ import annotations

import json

from openlint import licences
from openlint.readers import card as card_reader
from openlint.readers import declaration as declaration_reader
from openlint.release import Evidence, LicenceClaim, Problem, Release

CARD_NAMES = ("README.md", "MODEL_CARD.md", "README.MD", "readme.md", "ModelCard.md", "model_card.md")
LICENCE_PREFIXES = ("license", "licence", "copying", "use_policy", "notice")
MAX_SMALL_FILE = 1_000_000  # licence texts, configs, declarations: read up to this many bytes


def card_path(paths: object) -> str | None:
    return next((name for name in CARD_NAMES if name in paths), None)


def is_licence_file(path: str) -> bool:
    name = path.lower()
    return "/" not in path and name.startswith(LICENCE_PREFIXES) and not name.endswith((".pdf", ".png", ".jpg"))


def add_card(release: Release, path: str, raw: bytes, size: int) -> None:
    text = card_reader.decode(raw, path, release.problems, size=size)
    release.card = card_reader.parse(text, path, release.problems)
    release.licences.extend(card_licence_claims(release.card, release.card.metadata))


def add_config(release: Release, raw: bytes) -> None:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        release.problems.append(Problem("config.invalid", "config.json", 1, "config.json is not valid JSON"))
        return
    if isinstance(data, dict):
        release.config = data


def add_licence_file(release: Release, path: str, text: str) -> None:
    release.texts[path] = text
    if path.lower().startswith(("use_policy", "notice")):
        return
    licence = licences.identify_text(text)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    release.licences.append(LicenceClaim(licence.id if licence else first[:80], licence.id if licence else None,
                                         Evidence(path, 1, first[:120], "licence-file")))


def add_declaration(release: Release, path: str | None, text: str | None) -> None:
    """The declaration file if there is one, else the card's `openness:` block."""
    in_card = release.card is not None and declaration_reader.CARD_KEY in release.card.metadata
    if path is not None and text is not None:
        release.declaration = declaration_reader.read_file(text, path, release.problems)
        if in_card:
            release.problems.append(Problem("declaration.duplicate", release.card.path, release.card.key_line("openness"),
                                            f"the card's front matter also has an `openness:` block; {path} takes precedence"))
    elif in_card:
        card = release.card
        release.declaration = declaration_reader.parse(card.metadata["openness"], card.path, card.lines, card.key_line("openness"), release.problems)
    for declared in (release.declaration.components.values() if release.declaration else ()):
        if declared.licence:
            licence = licences.lookup(declared.licence)
            release.licences.append(LicenceClaim(declared.licence, licence.id if licence else None,
                                                 Evidence(release.declaration.path, declared.line, f"license: {declared.licence}", "declaration"), scope=declared.id))


def add_weight_licence(release: Release, weight: object) -> None:
    """A licence stated in a weight file's own metadata (GGUF general.license, safetensors __metadata__)."""
    key = "general.license" if weight.format == "gguf" else "license"
    value = weight.metadata.get(key)
    if isinstance(value, str) and value.strip():
        known = licences.lookup(value)
        release.licences.append(LicenceClaim(value, known.id if known else None,
                                             Evidence(weight.path, None, f"{key}: {value}", "weights-header"), scope=f"file:{weight.path}"))


def card_licence_claims(card: card_reader.Card, meta: dict) -> list[LicenceClaim]:
    """Licence statements in the card: the `license` metadata (with `license_name` for `other`), and a
    licence section in the prose whose text names a known licence."""
    claims: list[LicenceClaim] = []
    raw = meta.get("license")
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    line = card.key_line("license")
    for value in values:
        value = str(value)
        licence = licences.lookup(value)
        if licence is not None and licence.id == "other" and isinstance(meta.get("license_name"), str):
            named = licences.lookup(meta["license_name"])
            claims.append(LicenceClaim(meta["license_name"], named.id if named else None,
                                       Evidence(card.path, card.key_line("license_name"), f"license_name: {meta['license_name']}", "card-metadata")))
            continue
        claims.append(LicenceClaim(value, licence.id if licence else None, Evidence(card.path, line, f"license: {value}", "card-metadata")))
    for section in card.sections:
        if "licen" in section.title.lower():
            text = "\n".join(card.line(n) for n in range(section.line, min(section.end, section.line + 30) + 1))
            licence = licences.identify_text(text)
            if licence is not None:
                claims.append(LicenceClaim(licence.id, licence.id, Evidence(card.path, section.line, section.title, "card-text")))
    return claims
