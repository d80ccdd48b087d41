"""`openlint diff`: two releases compared on their JSON reports: components whose level changed and why (evidence
before and after), findings added and resolved, the grade and the crosswalk verdicts before and after. Openness went
down when the grade's score fell, a component's level fell, its licence granted fewer rubric points at the same level
(Llama 2's licence removed: D3 either way), a component graded before no longer applies (its evaluation results
deleted: N/A, out of the score), or a component assessed before could not be assessed now (a release gate must not
pass on a check that could not finish)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openlint.errors import HubIncomplete, OpenlintError, printable
from openlint.support.record import Record, asdict, field


class ComponentChange(Record, frozen=True):
    id: str
    title: str
    before: str  # label: C3, D5, N/A, UNK
    after: str
    direction: str  # down, up, changed
    licence_before: str | None
    licence_after: str | None
    status_before: str
    status_after: str
    evidence_before: str
    evidence_after: str
    # the licence as the release states it where openlint could not identify it ("other"): shown, never graded
    stated_before: str | None = None
    stated_after: str | None = None

    def licences(self) -> tuple[str, str]:
        return _licence_label(self.licence_before, self.stated_before), _licence_label(self.licence_after, self.stated_after)


def _licence_label(identified: str | None, stated: str | None) -> str:
    return identified or (f"{stated} (unidentified)" if stated else "-")


class Change(Record, frozen=True):
    old: str
    new: str
    grade_before: str
    grade_after: str
    score_before: float
    score_after: float
    components: tuple[ComponentChange, ...]
    added: tuple[dict[str, Any], ...]
    resolved: tuple[dict[str, Any], ...]
    frameworks: tuple[tuple[str, str, str], ...]  # (framework, before, after) where the verdict changed
    reasons: tuple[str, ...] = field(default=())  # why openness went down; empty when it did not

    @property
    def worse(self) -> bool:
        return bool(self.reasons)


# -- loading --------------------------------------------------------------------------------------------------------

def _hub_revision(target: str) -> tuple[str, str | None]:
    """(repository, revision) of "org/name@REV", of a Hub URL, or of a URL with "@REV" after it: the revision after
    "@" is the one asked for, whatever revision the URL names (the Action builds TARGET@compare-to)."""
    from openlint.sources import parse_hub_target

    name, at, revision = target.rpartition("@")
    if not (at and name and revision):
        name, revision = target, None
    hub = parse_hub_target(name)
    return (hub[0], revision or hub[1]) if hub else (name, revision)


def load_pair(old: str, new: str, **hub: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both sides, as two versions of one release: a folder is checked under the other side's release name (a
    release's name places it in its family: the same files in a folder called "previous" would grade otherwise).
    The named side is a Hub repository or a report where there is one, else NEW."""
    if _is_folder(new) and not _is_folder(old):
        before = load(old, **hub)
        return before, load(new, release_name=before["release"]["name"], **hub)
    after = load(new, **hub)
    return load(old, release_name=after["release"]["name"] if _is_folder(old) else None, **hub), after


def _is_folder(target: str) -> bool:
    """A folder without a name of its own: not a checkout of a Hub repository (whose name is that repository's)."""
    from openlint.sources import gitremote

    try:
        return Path(target).is_dir() and gitremote.hub_remote(Path(target)) is None
    except OSError:
        return False


def load(target: str, *, token: str | None = None, offline: bool = False, timeout: float = 10.0,
         config_path: Path | None = None, release_name: str | None = None, select: tuple[str, ...] = (),
         ignore: tuple[str, ...] = (), rule_files: tuple[str, ...] = (), hub_id: str | None = None) -> dict[str, Any]:
    """A JSON report: read from a .json file, or made by checking a folder or a Hub repository (org/name@REV) as
    `openlint check` would: under `config_path`, else the configuration found from it upward (each release under its
    own, so that findings it ignores are not "resolved" by the comparison). `release_name`: a folder's name as a release;
    `hub_id`: a folder's Hub repository (`check --hub-id`: its name, and where its Git LFS pointers are read)."""
    from openlint.report import serialise

    path = Path(target)
    if path.is_file():
        return serialise.read(path)
    from openlint import config, pipeline
    from openlint.sources import is_local

    name, revision = (target, None) if is_local(target) else _hub_revision(target)
    if revision and is_local(name):
        raise OpenlintError(f"{target}: @{revision} names a revision of a Hub repository, but {name} is a local folder "
                            "(to compare with a commit of a checkout, export it to a folder first)")
    local = is_local(name)
    options = config.Options(target=name, revision=revision, token=token, offline=offline, timeout=timeout, config_path=config_path,
                             release_name=None if local and hub_id else release_name, select=select, ignore=ignore, rule_files=rule_files,
                             hub_id=hub_id if local else None)
    try:
        return serialise.report(pipeline.check(config.settings(options)))
    except HubIncomplete as exc:
        raise OpenlintError(exc.without_hint()) from None  # diff has no --partial


# -- comparing ------------------------------------------------------------------------------------------------------

def _evidence(component: dict[str, Any]) -> str:
    for item in component.get("evidence") or []:
        where = f"{item['file']}:{item['line']}" if item.get("line") else (item.get("file") or item.get("source") or "")
        return f"{where}: {item.get('snippet') or ''}".strip(": ")
    return component.get("note") or "no evidence"


def _direction(before: dict[str, Any], after: dict[str, Any]) -> str:
    # a graded component that can no longer be assessed counts as going down; one that did not apply (N/A) has no
    # openness to lose
    if before["status"] != "unknown" and after["status"] == "unknown":
        return "down" if before["level"] is not None else "changed"
    if before["level"] is not None and after["status"] == "not-applicable":
        # graded before, left out of the grade now: deleting a card's evaluation results made its evaluation N/A
        # and the score rose; a gate must see what the release stopped saying
        return "down"
    if before["level"] is not None and after["level"] is not None:
        if after["level"] != before["level"]:
            return "down" if after["level"] < before["level"] else "up"
        # the same level on a licence that grants less (Llama 2's 3 points to no licence's 0 are both D3): what may
        # be done with the component shrank, and a release gate must see it
        points = _points(before), _points(after)
        if None not in points and points[0] != points[1]:
            return "down" if points[1] < points[0] else "up"
    return "changed"


def _points(component: dict[str, Any]) -> int | None:
    rubric = component.get("rubric")
    return rubric.get("points") if isinstance(rubric, dict) and isinstance(rubric.get("points"), int) else None


def _components(old: dict[str, Any], new: dict[str, Any]) -> list[ComponentChange]:
    after = {c["id"]: c for c in new["components"]}
    changes = []
    for before in old["components"]:
        now = after.get(before["id"])
        if now is None or (now["label"], now["licence"], now["status"]) == (before["label"], before["licence"], before["status"]):
            continue
        changes.append(ComponentChange(
            before["id"], before.get("title", before["id"]), before["label"], now["label"], _direction(before, now),
            before["licence"], now["licence"], before["status"], now["status"], _evidence(before), _evidence(now),
            None if before["licence"] else before.get("licence_stated"), None if now["licence"] else now.get("licence_stated")))
    return changes


def _reason(change: ComponentChange) -> str:
    if change.after == "UNK":
        return f"{change.title}: {change.before} -> {change.after} (could not be assessed)"
    if change.status_after == "not-applicable":
        return f"{change.title}: {change.before} -> {change.after} (no longer applies, so left out of the grade: what did the release stop saying?)"
    if change.before == change.after:  # the same level, a licence granting less
        return f"{change.title}: {change.before} under {change.licence_before or 'no identified licence'} -> {change.after} under {change.licence_after or 'no identified licence'} (fewer permissions)"
    return f"{change.title}: {change.before} -> {change.after}"


def _key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return finding["code"], finding.get("component"), finding.get("file")


def _frameworks(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    before = {f["framework"]: f["verdict"] for f in old.get("crosswalk", [])}
    return [(f["name"], before[f["framework"]], f["verdict"]) for f in new.get("crosswalk", [])
            if f["framework"] in before and before[f["framework"]] != f["verdict"]]


def _name(report: dict[str, Any]) -> str:
    release = report["release"]
    return release["location"] + (f"@{release['revision']}" if release.get("revision") else "")


def _names(old: dict[str, Any], new: dict[str, Any], names: tuple[str | None, str | None]) -> tuple[str, str]:
    return names[0] or _name(old), names[1] or _name(new)


def compare(old: dict[str, Any], new: dict[str, Any], names: tuple[str | None, str | None] = (None, None)) -> Change:
    """`names`: what to call each side instead of its location (the Action names the tag it exported)."""
    components = _components(old, new)
    old_keys = {_key(f) for f in old["findings"] if not f.get("waived")}
    new_keys = {_key(f) for f in new["findings"] if not f.get("waived")}
    added = tuple(f for f in new["findings"] if not f.get("waived") and _key(f) not in old_keys)
    resolved = tuple(f for f in old["findings"] if not f.get("waived") and _key(f) not in new_keys)
    score_before, score_after = old["grade"]["score"], new["grade"]["score"]
    reasons = [_reason(c) for c in components if c.direction == "down"]
    if score_after < score_before:
        reasons.insert(0, f"grade {old['grade']['grade']} ({score_before:g}) -> {new['grade']['grade']} ({score_after:g})")
    return Change(*_names(old, new, names), old["grade"]["grade"], new["grade"]["grade"], score_before, score_after,
                  tuple(components), added, resolved, tuple(_frameworks(old, new)), tuple(reasons))


# -- rendering ------------------------------------------------------------------------------------------------------

def render(change: Change, output_format: str) -> str:
    if output_format == "json":
        return json.dumps({"old": change.old, "new": change.new, "worse": change.worse, "reasons": list(change.reasons),
                           "grade": {"before": change.grade_before, "after": change.grade_after,
                                     "score_before": change.score_before, "score_after": change.score_after},
                           "components": [asdict(c) for c in change.components],
                           "findings_added": [_finding_data(f) for f in change.added],
                           "findings_resolved": [_finding_data(f) for f in change.resolved],
                           "frameworks": [{"framework": n, "before": b, "after": a} for n, b, a in change.frameworks]},
                          indent=2, ensure_ascii=False) + "\n"
    return _markdown(change) if output_format == "markdown" else _text(change)


def _finding_data(finding: dict[str, Any]) -> dict[str, Any]:
    return {k: finding.get(k) for k in ("code", "name", "severity", "message", "component", "file", "line")}


def _text(change: Change) -> str:
    out = [f"openlint diff: {printable(change.old, 200)} -> {printable(change.new, 200)}",
           f"grade {change.grade_before} ({change.score_before:g}) -> {change.grade_after} ({change.score_after:g})"]
    for c in change.components:
        out.append(f"  {c.direction:<7} {c.title}: {c.before} -> {c.after}  [{printable(c.licences()[0], 80)} -> {printable(c.licences()[1], 80)}]")
        out += [f"          before: {c.evidence_before}", f"          after:  {c.evidence_after}"]
    out += [f"  framework {name}: {before} -> {after}" for name, before, after in change.frameworks]
    out += [f"  + {f['code']} {f['message']}" for f in change.added]
    out += [f"  - {f['code']} {f['message']}" for f in change.resolved]
    out.append("openness went down: " + "; ".join(change.reasons) if change.worse else "openness did not go down")
    return "\n".join(out) + "\n"


def _cell(text: str | None) -> str:
    """Release text in a table cell or list item: inert markdown (the diff goes to CI job summaries)."""
    from openlint.formats.markdown import text as inert

    return inert(text) if text else "-"


def _code(text: str) -> str:
    from openlint.formats.markdown import code

    return code(text)


def _markdown(change: Change) -> str:
    verdict = "**Openness went down**: " + "; ".join(change.reasons) if change.worse else "Openness did not go down."
    out = [f"## openlint diff: grade {change.grade_before} -> {change.grade_after}", "",
           f"{_code(change.old)} -> {_code(change.new)}", "", verdict, ""]
    if change.components:
        out += ["| Component | Before | After | Change | Evidence before | Evidence after |", "|---|---|---|---|---|---|"]
        out += [f"| {_cell(c.title)} | {c.before} {_cell(c.licences()[0])} | {c.after} {_cell(c.licences()[1])} | {c.direction} | "
                f"{_cell(c.evidence_before)} | {_cell(c.evidence_after)} |" for c in change.components]
        out.append("")
    out += [f"- {_cell(name)}: {_cell(before)} -> {_cell(after)}" for name, before, after in change.frameworks]
    out += [f"- added `{f['code']}` {_cell(f['message'])}" for f in change.added]
    out += [f"- resolved `{f['code']}` {_cell(f['message'])}" for f in change.resolved]
    return "\n".join(out) + "\n"
