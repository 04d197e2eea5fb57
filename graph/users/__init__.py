"""Users and sessions: types and fields."""
