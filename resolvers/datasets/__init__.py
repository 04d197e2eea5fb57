"""Datasets: path checks, folder scanning, thumbnails, ingest; one mutation per file, queries together."""
