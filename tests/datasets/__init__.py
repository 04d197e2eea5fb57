"""Datasets, data items, scanning, thumbnails (issue 3)."""
