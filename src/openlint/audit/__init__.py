"""Audits: many releases graded by the one pipeline into a SQLite database (database.py), from targets named,
listed or queried (targets.py), run on bounded threads and resumable (runner.py); shards merge (database.merge)."""
