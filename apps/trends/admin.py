"""Admin for the trends app."""
