"""The bundled data files of rules/: parsed once, checked, cached.

Every file under rules/ names its `kind`, and schemas/<kind>.schema.json describes it. The test suite validates every
bundled file against its schema (tests/test_bundled.py); at run time, when the cache is rebuilt, each file gets a
cheap check (a known kind) and the typed loaders check what they use (a licence that resolves, a pattern that
compiles), so a broken edit still exits 2 naming the file and the entry. Full validation of all 24 files takes ~3.6 s,
which every fresh CI runner would pay. Set OPENLINT_VALIDATE_DATA=1 to validate in full when editing rules/.

Parsing costs ~0.35 s; a pre-commit hook runs often, so the parsed data is cached as JSON (which cannot run code) in
the user's cache folder, keyed by each file's size and modification time. An unwritable cache is skipped silently:
it is only an optimisation. What users supply (configurations, rule files, catalogues) is always validated in full.

Structures derived from the bundled data alone (the catalogue's alias index, ...) can be cached the same way with
`derived`: JSON again, keyed by openlint's version, the bundled files' content digest and the deriving module, and
rebuilt on any mismatch or error. Nothing a release or a user supplies is ever cached.

Each installation has its own cache files; a rebuild prunes those unused for a while (`_prune_once`).
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from openlint import __version__
from openlint.errors import DataFileError
from openlint.support.resources import rules_dir


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "openlint"


def _files() -> dict[str, Path]:
    """Bundled data files by name: `taxonomy` for rules/taxonomy.yaml, `catalogue/code` for a subfolder's file."""
    root = rules_dir()
    paths = sorted(root.glob("*.yaml")) + sorted(root.glob("*/*.yaml"))
    return {path.relative_to(root).with_suffix("").as_posix(): path for path in paths}


def _parse(path: Path) -> Any:
    import yaml

    with open(path, encoding="utf-8") as handle:
        try:
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise DataFileError(str(path), f"invalid YAML: {str(exc).splitlines()[0]}") from None


def validate(path: Path | str, data: Any, *, full: bool = True) -> None:
    """Raise DataFileError for an unknown kind, and (`full`) for the first violation of the kind's schema."""
    from openlint.support import schemas

    kind = data.get("kind") if isinstance(data, dict) else None
    if not isinstance(kind, str) or not schemas.exists(kind):
        raise DataFileError(str(path), f"unknown `kind: {kind}`; every data file names a kind with a schema in schemas/")
    if not full:
        return
    for where, message in schemas.errors(kind, data, full=True)[:1]:
        raise DataFileError(str(path), message, entry_name(data, where))


def entry_name(data: Any, where: str) -> str:
    """`entries/12/licence` becomes `entries/12 (id: the-pile)/licence`: the entry is named, not only counted."""
    parts = where.split("/")
    if len(parts) >= 2 and parts[0] in ("entries", "rules", "licenses", "components") and parts[1].isdigit():
        items = data.get(parts[0]) if isinstance(data, dict) else None
        index = int(parts[1])
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            name = items[index].get("id") or items[index].get("code")
            if name:
                parts[1] = f"{parts[1]} ({name})"
    return "/".join(parts)


def _installation() -> str:
    # crc32 of where the bundled data is installed: a name, not a check (hashlib's import alone costs the hook ~4 ms)
    return f"{zlib.crc32(str(rules_dir()).encode()):08x}"


def _cache_file(prefix: str) -> Path:
    # one file per installation: a pre-commit environment, a virtual environment and a pipx install of openlint
    # must not keep replacing each other's cache (each rebuild parses and validates every file)
    return cache_dir() / f"{prefix}-{_installation()}.json"


def _read_cache(cache_file: Path, key: Any) -> Any:
    """The cached value under `key`, or None when there is none, it is unreadable or its key differs. A file used
    is marked used (its modification time, at most once a day): pruning removes only files unused for a while."""
    try:
        cached = json.loads(_read_regular(cache_file, mark_used=True))
        if cached.get("key") == key:
            return cached
    except (OSError, ValueError, AttributeError, RecursionError):
        pass
    return None


def _read_regular(file: Path, mark_used: bool = False) -> bytes:
    """A regular file's bytes (OSError for anything else: a FIFO must not hang a check, a folder is no cache)."""
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{file}: not a regular file")
        if mark_used and status.st_mtime < time.time() - USED_EVERY:
            try:
                # Windows sets times only by path (os.utime on a descriptor raises TypeError there)
                os.utime(descriptor if os.utime in os.supports_fd else file)
            except (OSError, NotImplementedError, TypeError):
                pass
        return handle.read()


def _write_cache(cache_file: Path, content: dict[str, Any]) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        _replace(cache_file, json.dumps(content))
    except OSError:
        return
    _prune_once(cache_file.parent)


def _replace(file: Path, text: str) -> None:
    temporary = file.with_suffix(f".{os.getpid()}.tmp")
    try:
        temporary.unlink(missing_ok=True)  # a leftover, or a link or FIFO put there: never written through
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, file)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


# -- pruning: each installation leaves ~1.5 MB of cache behind it (a pre-commit environment per hook revision, every
# virtual environment); without pruning the folder only grows. A cache folder may be shared by machines or containers
# that see different installations, so nothing in use is removed: a file counts as used when it is read (its
# modification time is refreshed at most once a day), and only files unused for a while go. ---------------------

INSTALLATIONS = "installations.json"  # which installation (rules folder) each cache file's suffix names
USED_EVERY = 86_400  # a cache file read is marked used when its mark is older than this (seconds)
GONE_DAYS = 3  # an installation whose folder is gone, here: its files unused this long are removed
STALE_DAYS = 30  # any other cache file unused this long (an older version's, an unrecorded installation's)
# the names this module writes: (kind)-(installation).json, older versions' names, and temporary files
_CACHE_NAME = (r"(bundled|derived-[\w.-]{1,120})-([0-9a-f]{8}|[0-9a-f]{16})\.json|bundled\.json|[\w.-]{1,160}\.\d{1,10}\.tmp")


@cache
def _prune_once(folder: Path) -> None:
    """After a rebuild (never on a cache hit, the hook's usual path): record this installation, and remove cache
    files unused for GONE_DAYS whose installation's folder no longer exists here, and any other unused for
    STALE_DAYS. Only names this module writes are touched, never through a link; an error leaves the rest as it is."""
    index = _installations(folder / INSTALLATIONS)
    index[_installation()] = str(rules_dir())
    gone = {suffix for suffix, where in index.items() if not os.path.isdir(where)}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    names = re.compile(_CACHE_NAME)
    now = time.time()
    kept = set()
    for entry in entries:
        if named := names.fullmatch(entry.name):
            suffix = named.group(2)
            if not _remove_if_unused(Path(entry.path), now - 86_400 * (GONE_DAYS if suffix in gone else STALE_DAYS)):
                kept.add(suffix)
    try:
        # an installation gone here may live on for another machine sharing the folder: recorded while it has files
        _replace(folder / INSTALLATIONS, json.dumps({k: v for k, v in sorted(index.items()) if k not in gone or k in kept}))
    except OSError:
        pass


def _installations(index_file: Path) -> dict[str, str]:
    """The recorded installations (suffix -> rules folder); a missing or broken record is started afresh."""
    try:
        index = json.loads(_read_regular(index_file))
    except (OSError, ValueError, RecursionError):
        return {}
    return {k: v for k, v in index.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(index, dict) else {}


def _remove_if_unused(file: Path, cutoff: float) -> bool:
    """Whether the file was removed. Its state is read right before it goes (a cache another process rewrote a moment
    before is kept; one it rewrites in between is lost, at the cost of one rebuild)."""
    try:
        status = os.lstat(file)
        if stat.S_ISREG(status.st_mode) and status.st_mtime < cutoff:
            os.unlink(file)
            return True
    except OSError:
        pass
    return False


def caching() -> bool:
    """Whether the bundled data and what is derived from it are cached (OPENLINT_NO_CACHE=1 turns it off)."""
    return os.environ.get("OPENLINT_NO_CACHE") is None


@cache
def _bundled() -> tuple[dict[str, Any], str]:
    """(every bundled file by name, the sha256 of their contents), from the cache when it matches the files on disk."""
    files = _files()
    stamp = {name: [p.stat().st_size, p.stat().st_mtime_ns] for name, p in files.items()}
    key = {"version": __version__, "dir": str(rules_dir()), "files": stamp}
    cache_file = _cache_file("bundled")
    if caching():
        cached = _read_cache(cache_file, key)
        if cached is not None and isinstance(cached.get("digest"), str):
            return cached["data"], cached["digest"]
    import hashlib  # only when the cache is rebuilt

    data = {}
    digest = hashlib.sha256()
    full = bool(os.environ.get("OPENLINT_VALIDATE_DATA"))
    for name, path in files.items():
        data[name] = _parse(path)
        validate(path, data[name], full=full)
        digest.update(f"{name}\0".encode() + path.read_bytes() + b"\0")
    if caching():
        _write_cache(cache_file, {"key": key, "digest": digest.hexdigest(), "data": data})
    return data, digest.hexdigest()


def _all() -> dict[str, Any]:
    """Every bundled file, by name."""
    return _bundled()[0]


def derived(name: str, build: Callable[[], Any], extra: Any = None) -> Any:
    """`build()`, a JSON value computed from the bundled data alone, cached beside it: keyed by openlint's version,
    the bundled files' digest, the module `build` is written in (size and time), so an edit of either rebuilds it,
    and `extra` (JSON) for whatever else it depends on. `build` must return the same value the JSON round trip gives
    (dicts with string keys, lists, not tuples)."""
    if not caching():
        return build()
    code = Path(build.__code__.co_filename)
    try:
        stamp = [str(code), code.stat().st_size, code.stat().st_mtime_ns]
    except OSError:
        return build()
    key = {"version": __version__, "name": name, "digest": _bundled()[1], "code": stamp, "extra": extra}
    cache_file = _cache_file(f"derived-{name}")
    cached = _read_cache(cache_file, key)
    if cached is not None and "value" in cached:
        return cached["value"]
    value = build()
    _write_cache(cache_file, {"key": key, "value": value})
    return value


def load(name: str) -> Any:
    try:
        return _all()[name]
    except KeyError:
        raise DataFileError(str(rules_dir() / f"{name}.yaml"), "bundled data file missing; reinstall openlint") from None


def path_of(name: str) -> str:
    return str(rules_dir() / f"{name}.yaml")


def names_of_kind(kind: str) -> list[str]:
    """Names of the bundled files of one kind, in a stable order."""
    return [name for name, data in sorted(_all().items()) if isinstance(data, dict) and data.get("kind") == kind]
