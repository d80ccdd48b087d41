"""Small utilities every stage may use: safe YAML, schema validation, bundled file locations, atomic writes, text."""
