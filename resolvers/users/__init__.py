"""Users and sessions: one mutation per file, queries together."""
