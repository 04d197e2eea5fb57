"""Label specifications (issue 3)."""
