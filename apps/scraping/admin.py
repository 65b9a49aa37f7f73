"""Admin for the scraping app."""
