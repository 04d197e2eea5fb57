"""Tasks: one mutation per file, queries together, and the lookups the workflow shares."""
