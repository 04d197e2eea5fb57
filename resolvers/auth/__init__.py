"""Passwords and session tokens."""
