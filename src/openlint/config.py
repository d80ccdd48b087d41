"""Configuration: `.openlint.yaml` or `[tool.openlint]` in pyproject.toml, found from the target upward.

Validated against schemas/config.schema.json; an invalid config exits 2 naming the file and the key path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openlint import schemas, yamlsafe
from openlint.errors import DataFileError

FILE_NAMES = (".openlint.yaml", ".openlint.yml")


@dataclass
class Config:
    path: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    min_grade: str | None = None
    rules: list[str] = field(default_factory=list)  # extra rule files, resolved against the config's folder
    waivers: list[dict[str, str]] = field(default_factory=list)


def discover(start: Path) -> Path | None:
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in FILE_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "[tool.openlint" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load(path: Path) -> Config:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(file, f"cannot be read: {exc}") from None
    if path.name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(text).get("tool", {}).get("openlint", {})
        except tomllib.TOMLDecodeError as exc:
            raise DataFileError(file, f"invalid TOML: {exc}") from None
    else:
        try:
            data = yamlsafe.load(text)
        except yamlsafe.YamlError as exc:
            raise DataFileError(file, f"invalid YAML: {exc}", f"line {exc.line}" if exc.line else "") from None
        data = {} if data is None else data
    for where, message in schemas.errors("config", data)[:1]:
        raise DataFileError(file, message, where)
    base = path.parent
    return Config(
        path=file, select=data.get("select", []), ignore=data.get("ignore", []), severity=data.get("severity", {}),
        fail_on=data.get("fail-on"), min_grade=data.get("min-grade"),
        rules=[str((base / r).resolve()) for r in data.get("rules", [])], waivers=data.get("waivers", []),
    )
