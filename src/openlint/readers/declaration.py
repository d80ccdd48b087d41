"""The openness declaration: a releaser's own statement, per component, of what is released, where, under
which licence. It lives in `openness.yaml` at the release root, or under the key `openness:` in the model card's
front matter (the file wins if both exist). Schema: schemas/declaration.schema.json.
"""

from __future__ import annotations

import re
from typing import Any

from openlint.release.model import Declaration, DeclaredComponent, DeclaredWaiver, Problem
from openlint.support import schemas, yamlsafe

FILE_NAMES = ("openness.yaml", "openness.yml")
CARD_KEY = "openness"


def parse(data: Any, path: str, lines: list[str], first_line: int, problems: list[Problem]) -> Declaration | None:
    """Validate and read a declaration; a broken one is a finding, not an error."""
    if isinstance(data, dict) and "components" in data and data["components"] is None and set(data) <= {"version", "components"}:
        # every entry commented out (as `openlint init` leaves a release it found nothing in): nothing declared yet
        return None
    invalid = schemas.errors("declaration", data)
    if invalid:
        for where, message in invalid[:20]:
            problems.append(Problem("declaration.invalid", path, _line_of(lines, where.split("/")[-1], first_line), f"{where}: {message}"))
        data = _valid_entries(data, invalid)
        if data is None:
            return None
    declaration = Declaration(path=path, line=first_line)
    for cid, entry in data["components"].items():
        location = entry.get("location")
        line = _line_of(lines, cid, first_line)
        declaration.components[cid] = DeclaredComponent(
            id=cid, status=entry["status"],
            locations=(location,) if isinstance(location, str) else tuple(location or ()),
            licence=entry.get("license"), note=entry.get("note"), line=line, waivers=_waivers(entry, lines, line),
        )
    return declaration


def _valid_entries(data: Any, invalid: list[tuple[str, str]]) -> dict[str, Any] | None:
    """The declaration without the component entries its errors are in, when every error is inside one (a status
    misspelt in one entry dropped every other entry with it: a new user's find); None when the document itself is
    broken (its version, its shape, a component name nobody knows) or nothing valid is left."""
    entries = data.get("components") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return None
    broken = {where.split("/")[1] for where, _ in invalid if where.startswith("components/") and where.split("/")[1] in entries}
    if any(not where.startswith("components/") or where.split("/")[1] not in broken for where, _ in invalid):
        return None
    kept = {**data, "components": {cid: entry for cid, entry in entries.items() if cid not in broken}}
    return kept if kept["components"] and not schemas.errors("declaration", kept) else None


def _waivers(entry: dict[str, Any], lines: list[str], component_line: int) -> tuple[DeclaredWaiver, ...]:
    """The component's waivers, each with the line that names its rule (searched in order, after the component)."""
    found = []
    after = _line_of(lines, "waivers", component_line)
    for waiver in entry.get("waivers", ()):
        pattern = re.compile(rf"\brule\s*:\s*[\"']?{re.escape(waiver['rule'])}\b")
        line = next((n for n in range(after, len(lines) + 1) if pattern.search(lines[n - 1])), after)
        found.append(DeclaredWaiver(waiver["rule"], waiver["reason"], line))
        after = line + 1 if line < len(lines) else line
    return tuple(found)


def read_file(text: str, path: str, problems: list[Problem]) -> Declaration | None:
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlError as exc:
        problems.append(Problem("declaration.invalid", path, exc.line or 1, f"not valid YAML: {exc}"))
        return None
    return parse(data, path, text.splitlines(), 1, problems)


def _line_of(lines: list[str], key: str, default: int) -> int:
    """The first line from `default` on that starts `key:` (indented or not): str.lstrip strips what \\s matches."""
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if number >= default and stripped.startswith(key) and stripped[len(key):].lstrip().startswith(":"):
            return number
    return default
