"""Admin for the analytics app."""
