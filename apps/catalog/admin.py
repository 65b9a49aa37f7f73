"""Admin for the catalog app."""
