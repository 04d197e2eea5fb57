"""Jobs of the annotation workflow: types, fields and the user-assignments DataLoader."""
