"""Live updates: what the workflow publishes, and the subscriptions built on it."""
