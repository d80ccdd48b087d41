"""Bundled data. In a built wheel, the repository's top-level rules/ and schemas/ are installed here."""
