"""The table as a self-contained HTML page holding one SVG heatmap, like the paper's figure: releases as rows, the
12 components as columns, each cell coloured by level (red closed to green open, grey N/A) and labelled, then the
per-component counts of open, semi-open and closed releases. No script, no external resource."""

from __future__ import annotations

from html import escape

from openlint.formats.population import CATEGORIES, Population, framework, left_out

# the paper's scale: 1 fully closed (red) ... 5 fully open (green)
LEVEL_COLOURS = {1: "#d73027", 2: "#fc8d59", 3: "#fee08b", 4: "#d9ef8b", 5: "#1a9850"}
NOT_APPLICABLE, NOT_ASSESSED = "#d9d9d9", "#ffffff"
CELL_W, CELL_H, NAME_W, HEAD_H, GRADE_W = 46, 22, 260, 150, 120
SUMMARY_H = 3 * CELL_H


def _colour(cell: dict | None) -> str:
    if cell is None or cell["status"] == "unknown":
        return NOT_ASSESSED
    return LEVEL_COLOURS.get(cell["level"], NOT_APPLICABLE)


def _header(population: Population) -> list[str]:
    out = []
    for index, column in enumerate(population.columns):
        x = NAME_W + index * CELL_W + CELL_W // 2
        out.append(f'<text x="{x}" y="{HEAD_H - 6}" transform="rotate(-55 {x} {HEAD_H - 6})" font-size="11">{escape(column.title)}</text>')
    grade_x = NAME_W + len(population.columns) * CELL_W + 8
    out.append(f'<text x="{grade_x}" y="{HEAD_H - 6}" font-size="11" font-weight="bold">grade, MOF, OSAID</text>')
    return out


def _row(population: Population, row: dict, index: int, shown: str) -> list[str]:
    y = HEAD_H + index * CELL_H
    # at most 40 characters fit left of the cells: a long label keeps its end, where a location differs
    out = [f'<text x="{NAME_W - 6}" y="{y + 15}" text-anchor="end" font-size="11">{escape(shown if len(shown) <= 40 else "…" + shown[-39:])}</text>']
    for number, column in enumerate(population.columns):
        cell = population.cell(row, column)
        x = NAME_W + number * CELL_W
        label = cell["label"] if cell else "-"
        title = f"{shown}: {column.title}: {label}" + (f" ({cell['licence']})" if cell and cell.get("licence") else "")
        out.append(f'<g><title>{escape(title)}</title><rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" '
                   f'fill="{_colour(cell)}" stroke="#ffffff"/><text x="{x + CELL_W // 2}" y="{y + 15}" '
                   f'text-anchor="middle" font-size="11">{escape(label)}</text></g>')
    verdicts = ", ".join([row["grade"]["grade"], framework(row, "mof"), framework(row, "osaid")])
    out.append(f'<text x="{NAME_W + len(population.columns) * CELL_W + 8}" y="{y + 15}" font-size="11">{escape(verdicts)}</text>')
    return out


def _summary(population: Population, top: int) -> list[str]:
    counts = population.summary()
    out = []
    for line, category in enumerate(CATEGORIES[:3]):
        y = top + line * CELL_H
        out.append(f'<text x="{NAME_W - 6}" y="{y + 15}" text-anchor="end" font-size="11" font-style="italic">{escape(category)}</text>')
        for number, column in enumerate(population.columns):
            x = NAME_W + number * CELL_W
            out.append(f'<text x="{x + CELL_W // 2}" y="{y + 15}" text-anchor="middle" font-size="11">{counts[column.id][category]}</text>')
    return out


def svg(population: Population) -> str:
    width = NAME_W + len(population.columns) * CELL_W + GRADE_W + 160
    top = HEAD_H + len(population.rows) * CELL_H + 10
    height = top + SUMMARY_H + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="Helvetica, Arial, sans-serif">', f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    parts += _header(population)
    for index, (row, shown) in enumerate(zip(population.rows, population.labels())):
        parts += _row(population, row, index, shown)
    parts += _summary(population, top)
    parts.append("</svg>")
    return "\n".join(parts)


def render(population: Population) -> str:
    legend = " ".join(f'<span style="background:{colour};padding:0 6px">{level}</span>' for level, colour in LEVEL_COLOURS.items())
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>openlint: openness of "
            f"{len(population.rows)} release(s)</title></head><body>\n<h1>Openness of {len(population.rows)} release(s)</h1>\n"
            + (f"<p>{escape(left_out(population))}</p>\n" if population.not_graded or population.passed_over else "")
            + f"<p>Levels 1 (fully closed) to 5 (fully open): {legend}; grey: not applicable; white: not assessed.</p>\n"
            f"<figure>\n{svg(population)}\n</figure>\n</body></html>\n")
