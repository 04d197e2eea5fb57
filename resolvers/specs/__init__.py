"""Label specifications: one mutation per file, queries together."""
