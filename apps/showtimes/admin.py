"""Admin for the showtimes app."""
