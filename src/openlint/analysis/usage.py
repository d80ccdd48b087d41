"""What runs the model: the inference code a reviewer would point to.

A usage snippet that loads the model names its library (`from_pretrained` -> Transformers, `llama-cli` -> llama.cpp,
`vllm serve` -> vLLM, ...); so do `library_name`, a library tag, a weight format (GGUF -> llama.cpp) and the release's
own files (config.json -> Transformers, model_index.json -> Diffusers). Several of them are alternatives: any one
runs the model. Remote code (`trust_remote_code=True`, `auto_map`, modelling files in the release) ships with the
release, under the release's licence, and every library needs it alongside, but a runtime that implements the
architecture itself (llama.cpp, vLLM, Ollama) shown loading or running the model without the flag (`ollama run`,
a vLLM snippet): that is an alternative path of its own (disclosure._runtimes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from openlint.analysis.collect import Collector, Runtime
from openlint.analysis.model import Pointer
from openlint.knowledge import patterns
from openlint.knowledge.catalogue import Artefact, Catalogue
from openlint.knowledge.vocabulary import PromptTurns, Vocabulary
from openlint.readers import weights as weight_reader
from openlint.release.model import CODE_MAP_FILES, Block, Card, Evidence, Problem, Release
from openlint.support.text import snippet

MAX_SNIPPET = 4_000  # characters of a code block searched for imports
UNNEEDED_REMOTE_CODE = "usage.remote-code-unneeded"
_RE = patterns.Constants(__name__)
# `git clone [--depth 1 | -b v1 | --recursive ...] URL`, over HTTPS or SSH (git@host:owner/repo)
_CLONE = _RE(r"\bgit clone\b(?:[ \t]+-{1,2}[\w-]{1,40}(?:=\S{1,200}|[ \t]+(?!https?://|git@)[^\s-]\S{0,200})?){0,8}[ \t]+"
             r"(?:(https?://[\w.-]{1,100}/[\w.-]{1,100}/[\w.-]{1,100})|git@([\w.-]{1,100}):([\w.-]{1,100}/[\w.-]{1,100}))")
# `load_dataset(..., trust_remote_code=True)` runs a dataset's loading script, not the model's code
_DATASET_LOADS = _RE(r"\bload_dataset\s*\((?:[^()]|\([^()]{0,500}\)){0,2000}\)")
# "you no longer need trust_remote_code=True": the flag written in prose, said not to be needed
_NOT_NEEDED = _RE(r"\b(no longer|not|never|don'?t|doesn'?t)\s+(need|require)s?\b[^.\n]{0,30}trust_remote_code"
                  r"|\bno need (to|for)\b[^.\n]{0,30}trust_remote_code"
                  r"|trust_remote_code[^.\n]{0,40}\b((is |are )?(no longer|not) (needed|required|necessary)|unnecessary)")
_IMPORT = _RE(r"^[ \t]{0,8}(?:from|import)[ \t]+([A-Za-z_][\w]{0,60})", re.MULTILINE)


def read(release: Release, vocab: Vocabulary, catalogue: Catalogue, found: Collector) -> None:
    card = release.card
    if card is not None:
        _metadata(card, vocab, catalogue, found)
        _snippets(card, vocab, catalogue, found, _ships_code(release))
    _format(release, vocab, catalogue, found)
    _files(release, vocab, catalogue, found)


def _add(found: Collector, catalogue: Catalogue, runtime_id: str | None, evidence: Evidence, own_code: bool | None = None) -> None:
    artefact = catalogue.find(runtime_id) if runtime_id else None
    if artefact is not None:
        found.runtimes.append(Runtime(artefact, evidence, own_code))


def _metadata(card: Card, vocab: Vocabulary, catalogue: Catalogue, found: Collector) -> None:
    meta = card.metadata
    name = meta.get("library_name")
    if isinstance(name, str):
        _add(found, catalogue, vocab.library_names.get(name.lower()), Evidence(card.path, card.key_line("library_name"), f"library_name: {name}", "card-metadata"))
    tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
    for tag in tags:
        if isinstance(tag, str) and tag.lower() in vocab.library_names:
            _add(found, catalogue, vocab.library_names[tag.lower()], Evidence(card.path, card.key_line("tags"), f"tags: {tag}", "card-metadata"))


def _ships_code(release: Release) -> bool:
    """Whether trust_remote_code=True can load code of the release's own. It cannot when the release's files are known
    to hold none: a config.json without auto_map, no Python file, and no tokenizer or processor config that names
    remote code. The flag is then superfluous (often copied into a snippet for a Llama or Mistral model that
    Transformers implements itself). Without a config.json (a card alone, or one that could not be read), or with
    a tokenizer or processor config that could not be read, the snippet is taken at its word."""
    if not release.config or weight_reader.names_own_code(release.config, release.files):
        return True
    return any(path in release.files and release.code_maps.get(path, True) for path in CODE_MAP_FILES)


def _snippets(card: Card, vocab: Vocabulary, catalogue: Catalogue, found: Collector, ships_code: bool) -> None:
    for block in card.blocks:
        lower = block.text.lower()
        if "finetuning" not in found.stage_hits and _prompt_template(card, block, lower, vocab):
            # a chat format is learnt: a prompt template means the model was instruction-tuned
            found.stage_hits["finetuning"] = Evidence(card.path, block.line, snippet(f"prompt template: {block.text}"), "card-text")
            found.prompt_template = found.stage_hits["finetuning"]
        if block.kind != "code":
            _remote_code_in_prose(card, block, lower, vocab, catalogue, found, ships_code)
        else:
            _code_block(card, block, lower, vocab, catalogue, found, ships_code)


def _prompt_template(card: Card, block: Block, lower: str, vocab: Vocabulary) -> bool:
    """A prompt format the model was tuned to: a block with a known chat format's markers, or a code block in a
    section about the prompt format (its heading or one above it says so) that marks two different turns in a way of
    its own; not a training-data record, nor a base model's few-shot example or "{prompt}" alone."""
    if _data_record(block):
        return False
    if vocab.prompt_templates.search(lower):
        return True
    if block.kind != "code":
        return False
    headings = " ".join(card.heading_path(block.section)).lower()
    return vocab.prompt_template_sections.search(headings) is not None and _marks_turns(lower, vocab.prompt_turns)


def _marks_turns(lower: str, turns: PromptTurns) -> bool:
    """Two different special tokens ("<|user|>" ... "<|assistant|>"), or a placeholder for the prompt and two
    different line labels ("### Question:\n{prompt}\n### Answer:"): a filled-in few-shot example has no placeholder."""
    if _distinct((match.group(0) for match in turns.tokens.compiled.finditer(lower)), 2):
        return True
    if turns.placeholders.search(lower) is None:
        return False
    labels = (match.group(1).strip() for pattern in turns.labels for match in pattern.compiled.finditer(lower))
    return _distinct(labels, 2)


def _distinct(items: Iterator[str], enough: int) -> bool:
    """Whether the items hold `enough` different values (read only as far as needed)."""
    seen: set[str] = set()
    for item in items:
        seen.add(item)
        if len(seen) >= enough:
            return True
    return False


_JSON_RECORD = _RE(r"\s*[\[{]\s*[\"']")  # '{"prompt": ...', '[ {"prompt"', over one line or several


def _data_record(block: Block) -> bool:
    """A JSON record in a code block ({"prompt": "Human: ... Assistant:", "chosen": ...}) shows the format of
    training data a tutorial asks for, not the prompt format this model was tuned to."""
    return block.kind == "code" and (block.lang.lower() in ("json", "jsonl") or _JSON_RECORD.match(block.text) is not None)


def _code_block(card: Card, block: Block, lower: str, vocab: Vocabulary, catalogue: Catalogue, found: Collector, ships_code: bool) -> None:
    """What a code block of the card runs the model with, and whether it scores it."""
    imported = _imported(block.text, catalogue)
    flagged = vocab.remote_code.search(_DATASET_LOADS.sub("", lower)) is not None
    remote = ships_code and flagged
    if flagged and not ships_code:
        _unneeded_remote_code(card, block, found)
    _block_runtime(card, block, lower, imported, remote, vocab, catalogue, found)
    if remote:
        flag = Evidence(card.path, block.line, "trust_remote_code=True: the release's own code runs", "card-text")
        found.remote_code.append(flag)
        found.remote_code_snippets.append(flag)
    scores = vocab.evaluation.code.search(lower) is not None
    if scores:
        found.evaluation_code.append(Evidence(card.path, block.line, snippet(f"evaluation code in the card ({block.lang or 'code'})"), "card-text"))
    harness = _playing(imported, "evaluation-harness")
    if harness is not None and (not harness.plays("inference-runtime") or scores):
        # a snippet scoring the model with a harness's package ("from human_eval.evaluation import ...") names it; a
        # package that also runs the model ("from gliner import GLiNER") names it only where the snippet scores
        found.role("evaluation-harness").pointers.append(Pointer(
            "code-repo", harness.url or harness.id, Evidence(card.path, block.line, snippet(f"evaluation code imports {harness.name}"), "card-text"), harness.licence))


def _block_runtime(card: Card, block: Block, lower: str, imported: list[Artefact], remote: bool, vocab: Vocabulary, catalogue: Catalogue,
                   found: Collector) -> None:
    """The runtime a code block uses: a usage pattern, else an imported package the catalogue knows as an inference
    library ("from llmlingua import PromptCompressor"), else a cloned runtime repository."""
    library = _playing(imported, "inference-runtime")
    runtime = (next((runtime for pattern, runtime in vocab.usage_code if pattern.search(lower)), None) or (library.id if library else None)
               or _cloned_runtime(block.text, catalogue))
    if runtime is None:
        return
    first = next((line for line in block.text.splitlines() if line.strip()), "")
    # only a block that loads or runs the model shows it running without the release's own code; an installation
    # (pip install, git clone, a venv) shows nothing either way
    shown = True if remote else (False if vocab.usage_loads.search(lower) else None)
    _add(found, catalogue, runtime, Evidence(card.path, block.line, snippet(f"usage ({block.lang or 'code'}): {first}"), "card-text"), shown)


def _unneeded_remote_code(card: Card, block: Block, found: Collector) -> None:
    """OLI003, once per release: the card enables remote code the release does not ship."""
    if not any(p.kind == UNNEEDED_REMOTE_CODE for p in found.problems):
        where = "usage snippet" if block.kind == "code" else "card"
        found.problems.append(Problem(UNNEEDED_REMOTE_CODE, card.path, block.line, f"the {where} enables remote code (trust_remote_code), but the "
                                      "release ships no code for it to run (no auto_map in its configs, no Python file)"))


def _imported(code: str, catalogue: Catalogue) -> list[Artefact]:
    """The code artefacts of the catalogue a snippet imports, in the order it imports them."""
    found = (catalogue.find(package) for package in _IMPORT.findall(code[:MAX_SNIPPET]))
    return [artefact for artefact in found if artefact is not None and artefact.section == "code"]


def _cloned_runtime(code: str, catalogue: Catalogue) -> str | None:
    """A snippet that clones a repository the catalogue knows as what runs models ("git clone
    https://github.com/neonbjb/tortoise-tts.git", then its scripts) runs the model with it."""
    for https, host, path in _CLONE.findall(code[:MAX_SNIPPET]):
        url = https or f"https://{host}/{path}"
        artefact = catalogue.from_url(url.removesuffix(".git"))
        if artefact is not None and artefact.section == "code" and artefact.plays("inference-runtime"):
            return artefact.id
    return None


def _playing(artefacts: list[Artefact], role: str) -> Artefact | None:
    return next((artefact for artefact in artefacts if artefact.plays(role)), None)


def _remote_code_in_prose(card: Card, block: Block, lower: str, vocab: Vocabulary, catalogue: Catalogue, found: Collector,
                          ships_code: bool) -> None:
    """"... so the trust_remote_code=True finds the module" in prose: the model loads with Transformers and its own code.
    "No longer need trust_remote_code!": it loads with Transformers' own code (the flag is Transformers' argument)."""
    if block.kind not in ("paragraph", "item") or "trust_remote_code" not in lower:
        return
    evidence = Evidence(card.path, block.line, snippet(block.text), "card-text")
    if _NOT_NEEDED.search(lower):
        _add(found, catalogue, vocab.library_names.get("transformers"), evidence, own_code=False)
    elif vocab.remote_code.search(_DATASET_LOADS.sub("", lower)):
        _add(found, catalogue, vocab.library_names.get("transformers"), evidence, own_code=ships_code)
        if ships_code:
            found.remote_code.append(evidence)
        else:
            _unneeded_remote_code(card, block, found)


def _format(release: Release, vocab: Vocabulary, catalogue: Catalogue, found: Collector) -> None:
    """A weight format in the release's name or tags (this release is in that format) implies its runtime."""
    card = release.card
    tags = [t.lower() for t in (card.metadata.get("tags") or []) if isinstance(t, str)] if card and isinstance(card.metadata.get("tags"), list) else []
    named = vocab.formats.search(release.name.rsplit("/", 1)[-1].lower().replace("_", "-").replace(".", "-"))
    tagged = next((t for t in tags if t in vocab.format_runtimes), None)
    fmt = named.group(1) if named else tagged
    if fmt is not None:
        _add(found, catalogue, vocab.format_runtimes[fmt], Evidence(card.path if card else None, None, f"the release is in {fmt.upper()} format", "card-metadata"))


def _files(release: Release, vocab: Vocabulary, catalogue: Catalogue, found: Collector) -> None:
    """The release's own files: the library files, config.json, GGUF weights, and modelling code shipped with it."""
    for file, runtime in vocab.library_files.items():
        if release.has_file(file):
            _add(found, catalogue, runtime, Evidence(file, None, f"{file} is read by {runtime.rsplit('/', 1)[-1]}", "file"))
    config: dict[str, Any] = release.config
    if config.get("model_type") or config.get("architectures"):
        _add(found, catalogue, vocab.library_names.get("transformers"), Evidence("config.json", None, "config.json loads with Transformers", "file"))
    gguf = next((w for w in release.weights if w.format == "gguf"), None)
    if gguf is not None:
        _add(found, catalogue, vocab.format_runtimes.get("gguf"), Evidence(gguf.path, None, "GGUF weights run on llama.cpp", "file"))
    if config.get("auto_map"):
        found.remote_code.append(Evidence("config.json", None, "auto_map: the release's own modelling code runs", "file"))
