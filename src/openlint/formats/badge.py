"""An SVG badge in the shields.io style: "openness | B", coloured by grade, with an optional strip of the
12 component levels beneath."""

from __future__ import annotations

from html import escape

from openlint.formats import RenderOptions
from openlint.report import Report

GRADE_COLOURS = {"A": "#2ea043", "B": "#7cb342", "C": "#dfb317", "D": "#fe7d37", "E": "#e05d44", "F": "#b60205"}
LEVEL_COLOURS = {5: "#2ea043", 4: "#7cb342", 3: "#dfb317", 2: "#fe7d37", 1: "#b60205", None: "#9f9f9f"}
LABEL_COLOUR = "#555555"
CHAR = 7  # approximate width of a 11px Verdana character


def render(report: Report, options: RenderOptions) -> str:
    components = options.badge_components
    label, value = "openness", report.grade.letter
    left, right = 10 + CHAR * len(label), 10 + CHAR * len(value) + 4
    width, height = left + right, 20
    cell = width / 12
    strip = 8 if components else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + strip}" role="img" '
        f'aria-label="{label}: {value}">',
        f"<title>{label}: {value} ({report.grade.score:g}/100)</title>",
        f'<rect width="{left}" height="{height}" fill="{LABEL_COLOUR}"/>',
        f'<rect x="{left}" width="{right}" height="{height}" fill="{GRADE_COLOURS[value]}"/>',
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">',
        f'<text x="{left / 2}" y="14">{label}</text>',
        f'<text x="{left + right / 2}" y="14">{escape(value)}</text>',
        "</g>",
    ]
    if components:
        for i, result in enumerate(report.components.values()):
            parts.append(f'<rect x="{i * cell:.2f}" y="{height}" width="{cell:.2f}" height="{strip}" fill="{LEVEL_COLOURS[result.level]}">'
                         f"<title>{escape(result.component.title)}: {result.label}</title></rect>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
