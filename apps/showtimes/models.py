"""Cities, theaters and showtimes found on demand."""
