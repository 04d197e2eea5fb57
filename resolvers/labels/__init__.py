"""Labels: reading them and their statistics, saving them (holder or admin)."""
