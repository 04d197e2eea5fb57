"""Whole-project operations: snapshots of the store."""
