"""Lineage: what kind of release this is, what it was made from, and what it inherits from the root of its chain.

The paper grades the whole pipeline: a fine-tune of a model with closed pre-training data has closed pre-training
data. So a derivative (fine-tune, merge, adapter, quantisation) takes its inherited components (rules/taxonomy.yaml
`inherited`) from its root: in Hub mode from the root's own card, read hop by hop (release.lineage); from the
catalogue when the root is a known model; otherwise they are "inherited, not assessed" (UNK) with how to assess them.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

from collections.abc import Callable, Mapping

from openlint.analysis.card_text import quoted
from openlint.analysis.model import ComponentResult, Lineage
from openlint.knowledge import licences, patterns, taxonomy
from openlint.knowledge.catalogue import Artefact, Catalogue, Inherited
from openlint.knowledge.vocabulary import Vocabulary
from openlint.release.model import ADAPTER_CONFIG, Ancestor, Block, Card, Evidence, Release, WeightFile

PRIORITY = ("quantisation", "adapter", "merge")  # a GGUF of a merge is a quantisation; a LoRA of a merge an adapter
INTRO_BLOCKS = 40  # where a card says what it is
MAX_BLOCK_SCAN = 20_000  # characters of one block searched for model ids or a task head
_RE = patterns.Constants(__name__)
_HUB_MODEL = _RE(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/)([\w.-]+/[\w.-]+)/?(?:$|[?#]|/(?:tree|blob|resolve)/)")
_HUB_ID = _RE(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95}$")
# a Hub id written as text: its name has a letter ("CLIP ViT-L/14" names no repository)
_HUB_MODEL_IN_TEXT = _RE(r"\b(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/)([\w.-]{1,96}/[\w.-]{1,96})")
# a catalogued model's own repository name written bare right after the phrase ("based on Bloomz-7b1-mt", "initialized
# from deepseek-coder-33b-base"): read whole, with a digit and a hyphen, which no ordinary word has
_BARE_NAME = _RE(r"\s*(?:the |an? )?(?:original |base |pre-?trained )?(?:model )?((?=[\w.-]*\d)(?=[\w.-]*-)[a-z0-9][\w.-]{2,80}[a-z0-9])(?![\w/-])")
_AS_SOURCE = _RE(r"\b(generated|produced|synthesi[sz]ed|created|written|labell?ed|annotated|judged|distilled) (by|with|using|from) $")
_TEXT_ID = _RE(r"(?<![\w/.:-])([A-Za-z0-9][\w.-]{0,95}/(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]{0,95})(?![\w/])")


# assesses a root model's own release (built from its card) and returns its components
AssessRoot = Callable[[Release], "dict[str, ComponentResult]"]


def trace(release: Release, catalogue: Catalogue, vocab: Vocabulary, tuned: bool, pretrained: bool, assess_root: AssessRoot,
          tuned_by: Evidence | None = None, task_model: Evidence | None = None) -> Lineage:
    """`tuned`: the card or the name says the model was fine-tuned (a derivative even without a named base), and
    `tuned_by` the card's sentence that says so, if any;
    `task_model`: where the card shows a task model (a classifier's pipeline_tag or head), a fine-tuned encoder;
    `pretrained`: the card describes pre-training this model (a base, even when its name shares a family's);
    `assess_root`: the analysis itself, applied to a root model read from its card (Hub mode)."""
    card = release.card
    meta = card.metadata if card else {}
    itself = catalogued(release, catalogue)
    bases = _other_bases(release, named_bases(release, catalogue, vocab), itself, catalogue)
    if itself is not None and not itself.base and not bases:
        # a model the catalogue knows as trained from scratch: its own publisher's facts are its pre-training's
        inherited = {c.id: _from_catalogue(c, itself, itself.pipeline[c.id]) for c in taxonomy.components().values()
                     if c.inherited and c.id in itself.pipeline}
        return _catalogued_base(release, itself, meta, vocab, MappingProxyType(inherited))
    kind, evidence, note = _kind(release, meta, bases, vocab, (tuned, tuned_by), catalogue, pretrained, task_model)
    if kind == "base":
        return Lineage("base", evidence, note)
    root, source, facts, guessed = _root(release, bases, catalogue, vocab)
    found = assess_root(_as_release(facts)) if source == "hub" else {}
    dead = bool(bases) and release.missing_on_hub(bases[0])
    inherited = {c.id: _inherit(c, root, source, facts, found, bases, dead) for c in taxonomy.components().values() if c.inherited}
    made_from = _made_from(bases, catalogue, vocab) or _traced_from(bases, source, facts)
    return Lineage(kind, evidence, note, tuple(bases), root, source, MappingProxyType(inherited), made_from, _root_licence(source, facts),
                   _vouched_family(source, facts, guessed))


def _other_bases(release: Release, bases: list[str], itself: Artefact | None, catalogue: Catalogue) -> list[str]:
    """The bases the card's text names that are not the release's own catalogue entry: a catalogued model's card naming
    another version its entry files tells that family's history ("initialized with the weights of Stable-Diffusion-v1-2"
    on a copy of SD 1.5, "initialized from deepseek-coder-33b-base" on the instruct model the entry files beside it).
    A base given in `base_model` or an adapter's config is the publisher's statement and stands."""
    stated = release.card is not None and bool(_as_ids(release.card.metadata.get("base_model")))
    if itself is None or stated or bases == [release.adapter_base]:
        return bases
    return [b for b in bases if getattr(catalogue.find(b), "id", None) != itself.id]


def _traced_from(bases: list[str], source: str, facts: Any) -> str:
    """What the Hub trace shows the model a release was made from to be: the root itself (its card names no base), or
    a derivative of it."""
    if source != "hub" or not bases or not isinstance(facts, Ancestor):
        return ""
    return "root" if facts.repo_id.lower() == bases[0].lower() else "derivative"


def _vouched_family(source: str, facts: Any, guessed: bool) -> str | None:
    """The catalogued root's family, when the release names its root: one guessed from a family licence or the card's
    prose is too weak to vouch for the model's architecture."""
    return facts.family if source == "catalogue" and isinstance(facts, Artefact) and not guessed else None


def _root_licence(source: str, facts: Any) -> str | None:
    """The root's own licence: its catalogue entry's, or the one its card's metadata states (Hub mode)."""
    if source == "catalogue" and isinstance(facts, Artefact):
        return facts.licence
    if source == "hub" and isinstance(facts, Ancestor) and facts.card is not None:
        stated = facts.card.metadata.get("license")
        return stated if isinstance(stated, str) else None
    return None


def _made_from(bases: list[str], catalogue: Catalogue, vocab: Vocabulary) -> str:
    """What the catalogue knows the model a release was made from to be: a "derivative" (Stheno, a Llama 3 fine-tune),
    so a quantisation of it went through that fine-tuning, or a "root" trained from scratch (Llama-2-70b-hf), so a
    quantisation of it went through none. The catalogue files a family's chat variants under its base model, so a
    tuned name ("-chat-hf") is no root; a model the catalogue does not know proves nothing."""
    known = catalogue.find(bases[0]) if bases else None
    if known is None or known.section != "models":
        return ""
    if known.base:
        return "derivative"
    return "" if vocab.stages["tuned_name"].search(bases[0].lower()) else "root"


# -- what it was made from ------------------------------------------------------------------------------------------

def _as_ids(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def named_bases(release: Release, catalogue: Catalogue, vocab: Vocabulary) -> list[str]:
    """The models a release says it was made from: `base_model`, else the base its adapter config names, else Hub model links or known models named right
    after "fine-tuned from", "original model", "based on" and the like, near the top of the card."""
    card = release.card
    bases = [b for b in _as_ids(card.metadata.get("base_model")) if _HUB_ID.match(b)] if card is not None else []
    if bases:
        return bases[:8]
    if release.adapter_base and _short(release.adapter_base) not in _own_names(release):
        return [release.adapter_base]
    if card is None:
        return []
    found = [name for index, block in enumerate(card.blocks[:INTRO_BLOCKS]) for name in _bases_in(card, index, block, catalogue, vocab)]
    own, data = _own_names(release), _not_models(card)
    return [b for b in dict.fromkeys(found) if _short(b) not in own and b.lower() not in data and not _not_a_model(b, catalogue)][:8]


_HUB_OTHER = _RE(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:datasets|spaces)/([\w.-]+/[\w.-]+)")


def _not_models(card: Card) -> set[str]:
    """Ids the card itself gives as something other than a model: a link to huggingface.co/datasets/ID or a Space,
    the text of a link that goes anywhere but a Hub model (`[my-org/my-model-sft](https://github.com/...)`: code),
    its `datasets:` list. "fine-tuned on the instruction data [my-org/sft-mix](.../datasets/my-org/sft-mix)" names no
    base model."""
    ids = {m.group(1).lower() for link in card.links if (m := _HUB_OTHER.match(link.url))}
    ids |= {link.text.strip().lower() for link in card.links if link.text and not _HUB_MODEL.match(link.url)}
    return ids | {d.lower() for d in _as_ids(card.metadata.get("datasets"))}


def _bases_in(card: Card, index: int, block: Block, catalogue: Catalogue, vocab: Vocabulary) -> list[str]:
    """The models one block names right after a phrase such as "fine-tuned from"."""
    lower = block.text.lower()
    phrase = vocab.lineage.made_from.search(lower) if block.kind != "code" else None
    if phrase is None or vocab.lineage.architecture.search(lower[phrase.end():phrase.end() + 80]):
        return []  # a code comment, or an architecture ("based on the GPT-2 architecture"), names no base
    found = [m.group(1) for link in card.links if link.block == index and (m := _HUB_MODEL.match(link.url))]
    # a Hub id written as text starts near the phrase; it is read whole, never cut at the window's edge
    found += [m.group(1).rstrip(".") for m in _TEXT_ID.finditer(block.text, phrase.end()) if m.start() < phrase.end() + 200]
    return found + _known_models_after(lower, phrase.end(), catalogue)


def _known_models_after(lower: str, start: int, catalogue: Catalogue) -> list[str]:
    """The catalogued models named in the words after a "made from" phrase: any alias in the next 120 characters, the
    window ending at a word's end (a name is never cut: "qwen2-7b-instruct" is not "qwen2-7b"), except a model named
    as the source of something else ("images generated by Stable Diffusion 1.5"); and a model's bare repository name
    right after the phrase."""
    end = start + 120
    window = lower[start:end + len(lower[end:].split(maxsplit=1)[0]) if lower[end:end + 1].strip() else end]
    found = [_named_version(artefact, key) for artefact, key in catalogue.mentions(window)
             if artefact.section == "models" and not _AS_SOURCE.search(window[:max(window.find(key), 0)])]
    bare = _BARE_NAME.match(lower, start)
    if bare and (artefact := catalogue.find_repository(bare.group(1))) is not None and artefact.section == "models":
        found.append(_named_version(artefact, bare.group(1)))
    return found


def _named_version(artefact: Artefact, key: str) -> str:
    """The Hub id of the very model the text names: the catalogue files a family's versions under one entry
    ("Mistral-7B-v0.3" under Mistral-7B-v0.1), and among its aliases is that version's own id."""
    if "/" not in key:
        for alias in artefact.aliases:
            if "/" in alias and alias.rsplit("/", 1)[-1].lower() == key and _HUB_ID.match(alias):
                return alias
    return artefact.id


def _not_a_model(name: str, catalogue: Catalogue) -> bool:
    """A Hub-like id the catalogue knows as code or data ("based on huggingface/transformers") is no base model."""
    known = catalogue.find(name)
    return known is not None and known.section != "models"


def _short(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.rsplit("/", 1)[-1].lower())


def _own_names(release: Release) -> set[str]:
    """The names a release goes by (its id or folder, its model_name, its card's title): a link to itself is no base."""
    card = release.card
    names = {_short(release.name), _short(release.name.replace("__", "/"))}
    if card is not None:
        if isinstance(card.metadata.get("model_name"), str):
            names.add(_short(card.metadata["model_name"]))
        title = next((s.title for s in card.sections if s.level == 1), None)
        if title:
            names.add(_short(title))
    return names - {""}


def _kind(release: Release, meta: dict[str, Any], bases: list[str], vocab: Vocabulary, tuned: tuple[bool, Evidence | None],
          catalogue: Catalogue, pretrained: bool, task_model: Evidence | None = None) -> tuple[str, Evidence | None, str]:
    """What the release is: the metadata's relation, an adapter's files, its tags, its name, the top of its card, a
    precision in its name (a format copy), quantised weight files (unless the card says the model was pre-trained or
    fine-tuned), a named base, a tuned name, a family, a task model; else a model trained from scratch."""
    for decide in (_by_relation, _by_adapter_files, _by_tags, _by_name, _by_text, _by_precision):
        found = decide(release, meta, vocab)
        if found is not None:
            return found
    quantised = _by_quantised_files(release, vocab) if not pretrained and tuned[1] is None else None
    return quantised or _by_base(release, bases, vocab, tuned, catalogue, pretrained, task_model)


def _by_base(release: Release, bases: list[str], vocab: Vocabulary, tuned: tuple[bool, Evidence | None], catalogue: Catalogue,
             pretrained: bool, task_model: Evidence | None) -> tuple[str, Evidence | None, str]:
    """A named base, the catalogue's knowledge of the release, a list of merged models, a tuned name, a family, a task
    model; else a model trained from scratch."""
    if bases and bases == [release.adapter_base]:
        return "fine-tune", Evidence(ADAPTER_CONFIG, None, f"base_model_name_or_path: {bases[0]}", "file"), "Made from another model"
    if bases:
        card = release.card
        line = card.key_line("base_model") if card and "base_model" in card.metadata else None
        said = f"base_model: {', '.join(bases[:3])}" if line else f"made from {', '.join(bases[:3])}"
        return "fine-tune", Evidence(card.path if card else None, line, said, "card-metadata" if line else "card-text"), "Made from another model"
    itself = catalogued(release, catalogue)
    if itself is not None and itself.base:
        return "fine-tune", None, f"The catalogue knows {itself.name} as made from {itself.base}"
    listed = _ingredients(release.card, vocab) if release.card is not None and not pretrained else None
    if listed is not None:
        return "merge", listed, "The card lists the models merged into it"
    if tuned[0]:
        return _tuned(tuned[1])
    return _by_family_or_task(release, catalogue, vocab, pretrained, task_model)


def _ingredients(card: Card, vocab: Vocabulary) -> Evidence | None:
    """A heading that is exactly "Models used" (or "Models and LoRAs used") over at least two model ids: what a
    community merge was made of. Other headings over model lists ("Models used for comparison") say nothing."""
    listing = {index for index, section in enumerate(card.sections) if vocab.lineage.ingredients.search(section.title.strip().lower())}
    if not listing:
        return None
    ids: dict[int, set[str]] = {index: set() for index in listing}
    for block in card.blocks:  # one pass: the blocks right under such a heading
        if block.section in ids and len(ids[block.section]) < 2:
            text = block.text[:MAX_BLOCK_SCAN]
            ids[block.section].update(match.group(1) for match in _TEXT_ID.finditer(text))
            ids[block.section].update(match.group(1) for match in _HUB_MODEL_IN_TEXT.finditer(text))
    index = next((index for index in sorted(listing) if len(ids[index]) >= 2), None)
    return None if index is None else Evidence(card.path, card.sections[index].line, card.sections[index].title[:160], "card-text")


def shows_task_model(release: Release, vocab: Vocabulary) -> Evidence | None:
    """Where the card shows a task model, a pre-trained encoder fine-tuned for its task: its pipeline_tag, or (with no
    pipeline_tag) a usage snippet loading this very release with a task head ("BertForSequenceClassification",
    "CrossEncoder("), not one setting up a new head to fine-tune (num_labels=). Not a library whose task models are
    trained from scratch (fastText, spaCy)."""
    card = release.card
    if card is None:
        return None
    names = vocab.lineage
    library = card.metadata.get("library_name")
    if isinstance(library, str) and library.strip().lower() in names.from_scratch_libraries:
        return None
    tag = card.metadata.get("pipeline_tag")
    if isinstance(tag, str) and tag.strip():
        found = tag.strip().lower() in names.task_pipelines
        return Evidence(card.path, card.key_line("pipeline_tag"), f"pipeline_tag: {tag.strip()[:40]}", "card-metadata") if found else None
    own = release.name.replace("__", "/").rsplit("/", 1)[-1].lower()
    # the release's own id, whole, closes a string in the snippet: from_pretrained("org/name"), model_id = 'name'
    loads_itself = re.compile(rf"""(?<![\w.-]){re.escape(own)}["']""")
    for block in card.blocks:
        lower = block.text[:MAX_BLOCK_SCAN].lower()
        if (block.kind == "code" and loads_itself.search(lower) and not names.fine_tuning_example.search(lower)
                and (head := names.task_heads.search(lower))):
            return Evidence(card.path, block.line, f"usage loads it as a task model ({head.group(0)[:60]})", "card-text")
    return None


def _by_family_or_task(release: Release, catalogue: Catalogue, vocab: Vocabulary, pretrained: bool,
                       task_model: Evidence | None) -> tuple[str, Evidence | None, str]:
    """Without a named base: a family's name or licence, else a task model, makes a derivative, unless the card
    describes pre-training this model."""
    if pretrained:
        return "base", None, "The card describes pre-training this model"
    family = family_of(release, catalogue, vocab)
    if family is not None:
        return "fine-tune", None, f"Its name, tags or licence place it in the {family.name} family, and it is not {family.name} itself"
    if task_model is not None:
        return "fine-tune", task_model, "A task model (classifier, tagger, question answering, sentence encoder): a pre-trained encoder fine-tuned for its task"
    return "base", None, "Nothing says it was made from another model: treated as trained from scratch"


def _catalogued_base(release: Release, itself: Artefact, meta: dict[str, Any], vocab: Vocabulary,
                     inherited: Mapping[str, ComponentResult]) -> Lineage:
    """A release the catalogue knows as (one of the names of) a model trained from scratch: that model, a quantised copy
    or adapter its own name or tags say it is ("TheBloke/Yi-34B-Chat-AWQ"), or a tuned variant ("-instruct") the
    catalogue files under the base."""
    variant = _tuned_variant(release, itself, vocab)
    copy = _by_name(release, meta, vocab) or _by_tags(release, meta, vocab)
    if copy is not None and copy[0] in ("quantisation", "adapter"):
        return Lineage(copy[0], copy[1], f"{copy[2]}, of {itself.name}", bases=(itself.id,), root=itself.name, source="catalogue",
                       inherited=inherited, made_from="derivative" if variant else "root", root_licence=itself.licence, root_family=itself.family)
    if variant is not None:
        # the catalogue files a family's chat and instruct variants under its base: the release is one of them
        return Lineage("fine-tune", None, f"A tuned variant ({variant!r} in its name) of {itself.name}, a model trained from scratch",
                       root=itself.name, source="catalogue", inherited=inherited, root_licence=itself.licence, root_family=itself.family)
    return Lineage("base", None, f"{itself.name}, a model trained from scratch", root=itself.name, source="catalogue",
                   inherited=inherited, root_licence=itself.licence, root_family=itself.family)


def _tuned_variant(release: Release, itself: Artefact, vocab: Vocabulary) -> str | None:
    """What in the release's own name says it is a tuned variant ("-instruct", "-chat") of the base the catalogue files
    it under, when the catalogue's entry is not itself named as one (ChatGLM is; Phi-3, filed under its
    instruct model's id, is not)."""
    own = vocab.stages["tuned_name"].search(release.name.replace("__", "/").rsplit("/", 1)[-1].lower())
    if own is None or vocab.stages["tuned_name"].search(itself.name.lower()):
        return None
    return own.group(0)


def _tuned(said: Evidence | None) -> tuple[str, Evidence | None, str]:
    # the sentence that says so, shown: a reader can tell a fine-tuning tutorial from this model's own tuning
    return "fine-tune", said, "The card says the model was tuned" if said else "Its name or tags say the model was tuned"


def _by_relation(release: Release, meta: dict[str, Any], vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    relation = meta.get("base_model_relation")
    if not isinstance(relation, str) or relation not in vocab.lineage.relations:
        return None
    card = release.card
    evidence = Evidence(card.path if card else None, card.key_line("base_model_relation") if card else None, f"base_model_relation: {relation}", "card-metadata")
    return vocab.lineage.relations[relation], evidence, "The card's metadata says so"


def _by_adapter_files(release: Release, meta: dict[str, Any], vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    """An adapter's own files (adapter_config.json, pytorch_lora_weights.*), when the release holds no full weights
    besides (a merged copy): a trainer's saved state does not count. Judged by name and size alone, which a Hub
    listing and a folder give alike."""
    names = vocab.lineage
    adapter = next((path for path in sorted(release.files) if names.adapter_files.search(path.lower())), None)
    if adapter is None:
        return None
    others = [w for w in _model_weights(release, vocab) if not names.adapter_files.search(w.path.lower())]
    return None if others else ("adapter", Evidence(adapter, None, "an adapter's file", "file"), "The release holds an adapter's files")


def _by_quantised_files(release: Release, vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    """Weights only in a quantised format (GGUF, GGML), or a config.json naming a post-training quantisation method."""
    names = vocab.lineage
    weights = _model_weights(release, vocab)
    formats = {weight.format for weight in weights}
    if formats and formats <= names.quantised_formats:
        first = min(weight.path for weight in weights)
        return "quantisation", Evidence(first, None, f"weights only in {', '.join(sorted(formats))}", "file"), "The release's weights are only in a quantised format"
    quantisation = release.config.get("quantization_config")
    method = quantisation.get("quant_method") if isinstance(quantisation, dict) else None
    if isinstance(method, str) and method.lower() in names.quantisation_methods:
        return "quantisation", Evidence("config.json", None, f"quantization_config: {method[:40]}", "file"), "Its config.json says it was quantised"
    return None


def _model_weights(release: Release, vocab: Vocabulary) -> list[WeightFile]:
    """The weight files that can hold the model: not empty, not a trainer's saved state. (Not judged by their headers,
    which a Hub check reads only for some files: the lineage must not depend on what could be read.)"""
    return [w for w in release.weights if w.size > 0 and not vocab.lineage.trainer_state.search(w.path.lower())]


def _by_tags(release: Release, meta: dict[str, Any], vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    tags = {t.lower() for t in _as_ids(meta.get("tags"))} | ({meta["library_name"].lower()} if isinstance(meta.get("library_name"), str) else set())
    kind = next((k for k in PRIORITY if any(vocab.lineage.tags.get(tag) == k for tag in tags)), None)
    return (kind, None, f"The card's tags say it is {_a(kind)}") if kind else None


def _by_name(release: Release, meta: dict[str, Any], vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    name = release.name.rsplit("/", 1)[-1].lower()
    kind = next((k for k in PRIORITY if k in vocab.lineage.names and vocab.lineage.names[k].search(name)), None)
    return (kind, None, f"The release's name says it is {_a(kind)}") if kind else None


def _by_text(release: Release, meta: dict[str, Any], vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    return _stated_kind(release.card, vocab) if release.card else None


def _by_precision(release: Release, meta: dict[str, Any], vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    """A precision in the name ("-fp16") makes a format copy, weighed after what the card's text says it is: many
    merges and fine-tunes name their own full-size weights so."""
    precision = vocab.lineage.names.get("precision")
    if precision is None or not precision.search(release.name.rsplit("/", 1)[-1].lower()):
        return None
    return "quantisation", None, "The release's name gives its weights' precision: a format copy"


def catalogued(release: Release, catalogue: Catalogue) -> Artefact | None:
    """The catalogue's entry for the release itself (by its Hub id, or an org__name folder), if it has one."""
    for name in (release.name, release.name.replace("__", "/")):
        found = catalogue.find_repository(name)
        if found is not None and found.section == "models":
            return found
    return None


def _publisher(name: str) -> str:
    return name.replace("__", "/").split("/", 1)[0].lower() if "/" in name.replace("__", "/") else ""


def _family_named(release: Release, catalogue: Catalogue) -> Artefact | None:
    """The known family the release's name or a tag names by its pattern ("CodeFuse-CodeLlama-34B")."""
    meta = release.card.metadata if release.card else {}
    for name in [release.name.replace("__", "/").rsplit("/", 1)[-1], *_as_ids(meta.get("tags"))]:
        found = catalogue.family(re.sub(r"[\s_]", "-", name))
        if found is not None:
            return found
    return None


def family_of(release: Release, catalogue: Catalogue, vocab: Vocabulary) -> Artefact | None:
    """The known model family a release's name, tags or family licence place it in, unless the release is that
    catalogued model itself or its publisher's own (a publisher's new model in its family is not a derivative by
    name)."""
    if catalogued(release, catalogue) is not None:
        return None
    found = _family_by_name(release, catalogue, vocab)
    if found is not None and _publisher(release.name) and _publisher(release.name) == _publisher(found.id):
        return None
    return found


def _family_by_name(release: Release, catalogue: Catalogue, vocab: Vocabulary) -> Artefact | None:
    meta = release.card.metadata if release.card else {}
    found = _family_named(release, catalogue)
    if found is not None:
        return found
    stated = [licences.lookup(raw) for raw in _as_ids(meta.get("license"))]
    for licence in stated:
        root = vocab.lineage.family_licences.get(licence.id) if licence is not None else None
        if root is not None and catalogue.find(root) is not None:
            return catalogue.find(root)
    # a version-less family tag is weak evidence: not on a release under a licence that lets it be relicensed, which
    # that family's use-restricted licence would not allow (a new model's template tags, not a derivative's)
    if any(licence is not None and "relicense" in licence.grants for licence in stated):
        return None
    for tag in _as_ids(meta.get("tags")):
        root = vocab.lineage.family_tags.get(tag.lower())
        if root is not None and catalogue.find(root) is not None:
            return catalogue.find(root)
    return None


def _stated_kind(card: Card, vocab: Vocabulary) -> tuple[str, Evidence | None, str] | None:
    """What the top of the card says the release is."""
    # not what an original card the release quotes says of its own model ("# Original model card")
    own = [block for block in card.blocks[:INTRO_BLOCKS] if not quoted(card, block.line, vocab)]
    for kind in (*PRIORITY, "base"):
        pattern = vocab.lineage.text.get(kind)
        for block in own if pattern else ():
            if pattern.search(block.text.lower()):
                return kind, Evidence(card.path, block.line, block.text[:160], "card-text"), f"The card says it is {_a(kind)}" if kind != "base" else "The card says it was trained from scratch"
    copy = next((block for block in own if vocab.lineage.copy.search(block.text.strip().lower())), None)
    return ("quantisation", Evidence(card.path, copy.line, copy.text[:160], "card-text"), "The card says it is a copy of another model") if copy else None


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


# -- its root ---------------------------------------------------------------------------------------------------------

def _root(release: Release, bases: list[str], catalogue: Catalogue, vocab: Vocabulary) -> tuple[str | None, str, Any, bool]:
    """(the root's name, where its facts come from, the facts: a catalogue entry or the root's card, whether it is
    only guessed: from a family licence, a version-less family tag or the families the card's prose names)."""
    itself = catalogued(release, catalogue)
    if itself is not None:
        root = catalogue.root_of(itself)
        return root.name, "catalogue", root, False
    for ancestor in sorted(release.lineage, key=lambda a: -a.depth):  # the deepest first: the root, if it was reached
        known = _known(ancestor.repo_id, catalogue)
        if known is not None:
            return known.name, "catalogue", known, False
        if ancestor.card is not None and not _as_ids(ancestor.card.metadata.get("base_model")):
            return ancestor.repo_id, "hub", ancestor, False
    for base in bases:
        known = _known(base, catalogue)
        if known is not None:
            return known.name, "catalogue", known, False
    known = family_of(release, catalogue, vocab)
    if known is not None:
        root = catalogue.root_of(known)
        # a family licence or a version-less family tag places a release in a family, but guesses its architecture
        return root.name, "catalogue", root, _family_named(release, catalogue) is None
    known = family_in_text(release.card, catalogue)
    if known is not None:
        root = catalogue.root_of(known)
        return root.name, "catalogue", root, True
    return (bases[0] if bases else None), "", None, False


def family_in_text(card: Card | None, catalogue: Catalogue) -> Artefact | None:
    """The known family a derivative's card names most often ("a Llama 2 13B fine-tune", "Mistral 7B based"), when
    nothing else names its root: a reviewer reads the root from the card's prose."""
    if card is None:
        return None
    counts: dict[str, int] = {}
    found: dict[str, Artefact] = {}
    for block in card.blocks:
        for model in catalogue.families_named(re.sub(r"\s+", "-", block.text.lower())):
            counts[model.id] = counts.get(model.id, 0) + 1
            found.setdefault(model.id, model)
    return found[max(counts, key=lambda k: counts[k])] if counts else None


def _known(name: str, catalogue: Catalogue) -> Artefact | None:
    """The catalogued root of a model named by its Hub id, or by a family its id belongs to."""
    found = catalogue.find(name)
    if found is not None and found.section == "models":
        return catalogue.root_of(found)
    family = catalogue.family(name)
    return catalogue.root_of(family) if family is not None else None


def _inherit(component: taxonomy.Component, root: str | None, source: str, facts: Any, found: dict[str, ComponentResult],
             bases: list[str], dead: bool = False) -> ComponentResult:
    if source == "catalogue":
        item = facts.pipeline.get(component.id)
        if item is not None:
            return _from_catalogue(component, facts, item)
    if source == "hub":
        return _from_card(component, facts, found[component.id])
    base = bases[0] if bases else None
    if dead:  # a pointer to nothing is no release (as a dead dataset link): described, not unknown
        return ComponentResult(component, "described", 1, note=f"Inherited from {base}, which does not exist on the Hub (or is private): "
                               "nothing is released through it")
    how = f"; run `openlint check {base}` to assess it" if base and _HUB_ID.match(base) else ""
    reason = f"inherited from {root or 'its base model'}, whose {component.title.lower()} openlint could not assess{how}"
    return ComponentResult(component, "unknown", None, note=reason[:1].upper() + reason[1:])


def _from_catalogue(component: taxonomy.Component, root: Artefact, item: Inherited) -> ComponentResult:
    evidence = (Evidence(None, None, f"{root.name}: {item.why}"[:160], "catalogue"),)
    note = f"Inherited from {root.name} ({root.source or root.url}): {item.why}"
    if item.level is None and item.status != "not-applicable":
        return ComponentResult(component, "unknown", None, evidence=evidence, note=note)
    if item.level is None:
        return ComponentResult(component, "not-applicable", None, evidence=evidence, note=note)
    licence = licences.lookup(item.licence) if item.licence else None
    level = item.level
    if item.status == "released" and licence is not None and licence.identified:
        # openlint applies the rubric to the licence as written, as it does for every released component (the
        # authors' own tables differ for some licences; the catalogue's `why` says where)
        level = licences.level(component.side, licence)
    return ComponentResult(component, item.status, level, licence, item.licence, evidence, note=note,
                           locations=tuple(filter(None, (_published_at(component, name) for name in item.artefacts))))


def _published_at(component: taxonomy.Component, artefact: str) -> str | None:
    """A catalogue artefact as a declaration's location: a code host's repository as its URL, a Hub id as hf://; a
    bare name ("mc4") locates nothing."""
    if artefact.startswith(("github.com/", "gitlab.com/")):
        return f"https://{artefact}"
    if _HUB_ID.match(artefact) and "/" in artefact:
        return f"hf://datasets/{artefact}" if component.side == "data" else f"hf://{artefact}"
    return None


def _as_release(ancestor: Ancestor) -> Release:
    """The root's own card, read as a release of its own (it is a base model: nothing is inherited further)."""
    return Release(name=ancestor.repo_id, source="hub", location=ancestor.repo_id, card=ancestor.card)


def _from_card(component: taxonomy.Component, ancestor: Ancestor, result: ComponentResult) -> ComponentResult:
    evidence = tuple(Evidence(f"{ancestor.repo_id}/{e.file}" if e.file else None, e.line, e.snippet, e.source) for e in result.evidence)
    return ComponentResult(component, result.status, result.level, result.licence, result.licence_raw, evidence, result.pointers,
                           note=f"Inherited from {ancestor.repo_id} (its card): {result.note}")
