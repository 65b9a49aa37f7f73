"""Users, profiles, preferences and ratings."""
