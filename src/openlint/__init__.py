"""openlint: a model-release checklist linter grading openness on the taxonomy of Eiras et al. (2024)."""

__version__ = "0.1.0"
