"""One self-contained HTML report: the 12 components as Eiras et al. (2024) draw them (a grid of the three stages by
the code and data sides, each component coloured by its level), the grade and its breakdown, the configuration
applied, and the findings.

Nothing in it loads anything: inline CSS and SVG only, no script, no image, no link to fetch, and a
Content-Security-Policy that forbids every fetch should a viewer try. Every string is HTML-escaped (release text
has also been sanitised by the report).
"""

from __future__ import annotations

from html import escape

from openlint import __version__
from openlint.analysis.model import ComponentResult
from openlint.formats import RenderOptions
from openlint.formats.badge import GRADE_COLOURS, LEVEL_COLOURS
from openlint.report import Report
from openlint.rules.engine import Finding

UNKNOWN_COLOUR = "#e1e4e8"  # not assessed: neither a level nor N/A
DARK_TEXT = {3, 4}  # levels whose colour is light enough for dark text
CELL_WIDTH, BOX_HEIGHT, GAP, HEAD = 300, 30, 6, 26
SIDE_LABEL = 56
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'"
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;color:#1f2328;padding:0 1em}
h1{font-size:1.5em;margin:0}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #d0d7de}
.grade{display:inline-block;min-width:1.6em;text-align:center;color:#fff;font-weight:700;font-size:2em;border-radius:6px;padding:0 .3em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.error{color:#b60205}.warning{color:#9a6700}.info{color:#0969da}
code{background:#f6f8fa;padding:0 .2em;word-break:break-all}.quote{color:#57606a;font-style:italic}
.fix{color:#1a7f37}ul.places{margin:0;padding-left:1.1em}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def colour(result: ComponentResult) -> str:
    return UNKNOWN_COLOUR if result.status == "unknown" else LEVEL_COLOURS[result.level]


def render(report: Report, options: RenderOptions) -> str:
    grade = report.grade
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>openlint: {_e(report.release.name)}: openness {grade.letter}</title>", f"<style>{STYLE}</style></head><body>",
        *_header(report),
        '<section id="components"><h2>The 12 components</h2>', grid(report), legend(), "</section>",
        *_breakdown(report), *_configuration(report), *_findings(report),
        f'<footer><p>openlint {_e(__version__)}</p></footer>', "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _header(report: Report) -> list[str]:
    grade, release = report.grade, report.release
    where = f"{release.source}: {release.location}" + (f" @ {release.revision}" if release.revision else "")
    caps = "".join(f"<li>capped at {_e(c['max_grade'])}: {_e(c['why'])}</li>" for c in grade.caps)
    lineage = report.lineage_line()
    shown = (f'<p><span class="grade" style="background:{GRADE_COLOURS[grade.letter]}">{_e(grade.letter)}</span> '
             f"score {grade.score:g}/100" + (f" (uncapped {_e(grade.uncapped)})" if grade.caps else "") + "</p>") if report.graded else ""
    incomplete = f"<p><strong>Incomplete check:</strong> {_e(report.grade_label())}</p>" if release.missing else ""
    unknown = report.not_assessed()
    left_out = f"<p>Not assessed, so left out of the grade: {_e(', '.join(unknown))}</p>" if unknown and not release.missing else ""
    return [
        f"<header><h1>openlint: {_e(release.name)}</h1><p><code>{_e(where)}</code></p>",
        incomplete, shown, left_out,
        f"<ul>{caps}</ul>" if caps else "",
        f"<p>Read as: {_e(lineage)}</p>" if lineage else "", "</header>",
    ]


# -- the picture ----------------------------------------------------------------------------------------------------

def _layout(report: Report) -> tuple[list[str], dict[tuple[str, str], list[ComponentResult]]]:
    stages: list[str] = []
    cells: dict[tuple[str, str], list[ComponentResult]] = {}
    for result in report.components.values():
        stage, side = result.component.stage, result.component.side
        if stage not in stages:
            stages.append(stage)
        cells.setdefault((stage, side), []).append(result)
    return stages, cells


def grid(report: Report) -> str:
    """The stage x side grid: a column per stage, a row per side, a box per component in its level's colour."""
    stages, cells = _layout(report)
    rows = max((len(results) for results in cells.values()), default=1)
    row_height = HEAD + rows * (BOX_HEIGHT + GAP) + GAP
    width, height = SIDE_LABEL + len(stages) * CELL_WIDTH, HEAD + 2 * row_height
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grid" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="openness of the 12 components" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for column, stage in enumerate(stages):
        out.append(f'<text x="{SIDE_LABEL + column * CELL_WIDTH + CELL_WIDTH / 2}" y="18" text-anchor="middle" '
                   f'font-weight="bold" font-size="13">{_e(stage.capitalize())}</text>')
    for row, side in enumerate(("code", "data")):
        top = HEAD + row * row_height
        out.append(f'<text x="6" y="{top + row_height / 2}" font-weight="bold">{_e(side)}</text>')
        for column, stage in enumerate(stages):
            out += _cell(cells.get((stage, side), []), SIDE_LABEL + column * CELL_WIDTH, top, row_height)
    out.append("</svg>")
    return "\n".join(out)


def _cell(results: list[ComponentResult], left: float, top: float, height: float) -> list[str]:
    out = [f'<rect x="{left + 3}" y="{top + 3}" width="{CELL_WIDTH - 6}" height="{height - 6}" fill="#f6f8fa" stroke="#d0d7de" rx="4"/>']
    for index, result in enumerate(results):
        x, y = left + 3 + GAP, top + 3 + GAP + index * (BOX_HEIGHT + GAP)
        fill = colour(result)
        ink = "#1f2328" if result.level in DARK_TEXT or result.status == "unknown" else "#ffffff"
        dash = ' stroke="#57606a" stroke-dasharray="4 3"' if result.status == "unknown" else ""
        title = result.component.title if len(result.component.title) <= 38 else result.component.title[:37] + "\u2026"
        out += [f'<g><title>{_e(result.component.title)}: {_e(result.label)} ({_e(result.category)})</title>',
                f'<rect data-component="{_e(result.id)}" data-level="{_e(result.label)}" x="{x}" y="{y}" '
                f'width="{CELL_WIDTH - 6 - 2 * GAP}" height="{BOX_HEIGHT}" rx="3" fill="{fill}"{dash}/>',
                f'<text x="{x + 8}" y="{y + 19}" fill="{ink}">{_e(title)}</text>',
                f'<text x="{x + CELL_WIDTH - 6 - 2 * GAP - 8}" y="{y + 19}" fill="{ink}" text-anchor="end" '
                f'font-weight="bold">{_e(result.label)}</text></g>']
    return out


def legend() -> str:
    entries = [(f"level {level}", LEVEL_COLOURS[level]) for level in (5, 4, 3, 2, 1)]
    entries += [("not applicable", LEVEL_COLOURS[None]), ("not assessed", UNKNOWN_COLOUR)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="legend" width="{len(entries) * 120}" height="24" '
           'font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">']
    for index, (label, fill) in enumerate(entries):
        out.append(f'<rect x="{index * 120}" y="4" width="16" height="16" fill="{fill}" stroke="#57606a"/>'
                   f'<text x="{index * 120 + 22}" y="16">{_e(label)}</text>')
    out.append("</svg>")
    return "".join(out)


# -- tables ---------------------------------------------------------------------------------------------------------

def _breakdown(report: Report) -> list[str]:
    rows = []
    for item in report.grade.breakdown:
        result = report.components[item["component"]]
        earned = "-" if item["earned"] is None else f"{item['earned']:g}"
        rows.append(f"<tr><td>{_e(result.component.title)}</td><td>{_e(result.label)}</td><td>{_e(result.status.replace('-', ' '))}</td>"
                    f"<td>{_e(report.licence_label(result))}</td><td>{earned} / {item['possible']:g}</td></tr>")
    return ['<section id="breakdown"><h2>Grade breakdown</h2><table>',
            "<tr><th>Component</th><th>Level</th><th>Status</th><th>Licence</th><th>Points</th></tr>", *rows, "</table></section>"]


def _configuration(report: Report) -> list[str]:
    lines = report.configuration_lines()
    if not lines:
        return []
    return ['<section id="configuration"><h2>Configuration applied</h2><ul>', *(f"<li>{_e(line)}</li>" for line in lines), "</ul></section>"]


def _findings(report: Report) -> list[str]:
    counts = report.counts()
    out = ['<section id="findings"><h2>Findings</h2>',
           f"<p>{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info, {counts['waived']} acknowledged</p>"]
    if report.findings:
        out += ["<table>", "<tr><th>Severity</th><th>Rule</th><th>Where</th><th>Finding</th></tr>"]
        out += [_finding(report, finding) for finding in report.findings]
        out.append("</table>")
    return out + ["</section>"]


def _finding(report: Report, finding: Finding) -> str:
    places = "".join(f"<li><code>{_e(report.where(place))}</code></li>" for place in finding.locations)
    quote = f'<div class="quote">{_e(finding.snippet)}</div>' if finding.snippet else ""
    status = f"acknowledged: {_e(finding.waived)}" if finding.waived is not None else _e(finding.severity)
    kind = "waived" if finding.waived is not None else finding.severity
    return (f'<tr class="finding {kind}" data-code="{_e(finding.rule.code)}"><td class="{kind}">{status}</td>'
            f"<td><code>{_e(finding.rule.code)}</code> {_e(finding.rule.name)}</td>"
            f'<td><ul class="places">{places}</ul></td><td>{_e(finding.message)}{quote}'
            f'<div class="fix">fix: {_e(finding.rule.fix)}</div></td></tr>')
