"""Admin for the accounts app."""
