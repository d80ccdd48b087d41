"""Who published a release: its Hub id's owner, or, for a folder (which has no owner in its name), the owner its card
gives its own id (the usage snippet's `from_pretrained("org/name")`, a link to huggingface.co/org/name)."""

from __future__ import annotations

import re

from openlint.knowledge import patterns
from openlint.release.model import Release

_RE = patterns.Constants(__name__)
# a Hub id written as text: its name has a letter ("CLIP ViT-L/14" names no repository)
# a Hub repository id, whole ("org/name")
HUB_ID = _RE(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95}$")
TEXT_ID = _RE(r"(?<![\w/.:-])([A-Za-z0-9][\w.-]{0,95}/(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]{0,95})(?![\w/])")
# a link to a model's Hub page (not a dataset, a Space or a document), its id captured
HUB_MODEL_LINK = _RE(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/)([\w.-]+/[\w.-]+)/?(?:$|[?#]|/(?:tree|blob|resolve)/)")


def short(name: str) -> str:
    """A name without its owner, lower case, letters and digits only: how two spellings of one name are compared."""
    return re.sub(r"[^a-z0-9]", "", name.rsplit("/", 1)[-1].lower())


def own_name(release: Release) -> str:
    """The release's own name, without its owner ("org__name" folders and "org/name" ids alike)."""
    return release.name.replace("__", "/").rsplit("/", 1)[-1]


def publisher_of(name: str) -> str:
    """The owner in an "org/name" id or an "org__name" folder, lower case; "" for a bare name."""
    return name.replace("__", "/").split("/", 1)[0].lower() if "/" in name.replace("__", "/") else ""


def own_hub_id(release: Release) -> str:
    """The release's own Hub id as its card's usage snippet writes it (`from_pretrained("deepseek-ai/deepseek-moe-16b-base")`
    in the folder of that name), or ""."""
    card, own = release.card, short(release.name)
    if card is None or not own:
        return ""
    for block in card.blocks:
        if block.kind == "code":
            for match in TEXT_ID.finditer(block.text):
                # the folder of that name, or one named after its owner too ("facebook_dinov2-large")
                if own in (short(match.group(1)), re.sub(r"[^a-z0-9]", "", match.group(1).lower())):
                    return match.group(1)
    return ""


def publisher(release: Release) -> str:
    """Who published the release: the owner in its id, else the one its card's snippet or its own Hub page link gives."""
    found = publisher_of(release.name) or publisher_of(own_hub_id(release))
    if found or release.card is None:
        return found
    own = short(release.name)
    for link in release.card.links:
        match = HUB_MODEL_LINK.match(link.url)
        if match is not None and own and short(match.group(1)) == own:
            return publisher_of(match.group(1))
    return ""


def check_hint(name: str | None) -> str:
    """How to assess a model openlint could not: "; run `openlint check ORG/NAME` to assess it" for a Hub id, nothing
    for a name in prose (it gives no command to run)."""
    return f"; run `openlint check {name}` to assess it" if name and HUB_ID.match(name) else ""
