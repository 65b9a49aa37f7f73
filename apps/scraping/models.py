"""Clients of external systems (IMDb, Gemini, TMDB) and the typed records they yield."""
