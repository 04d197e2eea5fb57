"""Tasks: types, fields and the status-counts DataLoader."""
