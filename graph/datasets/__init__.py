"""Datasets and data items: types, fields and DataLoaders."""
