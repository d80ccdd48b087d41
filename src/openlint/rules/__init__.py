"""Rules: data in rules/*.yaml (what to report, how severe, how to fix it) and check functions here that find it."""
