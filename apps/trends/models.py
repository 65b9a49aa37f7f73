"""View counts, TMDB scores, trend scores and leaderboards."""
