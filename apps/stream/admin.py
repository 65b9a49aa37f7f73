"""Admin for the stream app."""
