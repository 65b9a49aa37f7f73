"""What the showtimes app tells apps that depend on it, without knowing them."""

from django.dispatch import Signal

# A city's run ended and stored what it found (sent inside the run's last transaction, with
# `location`): receivers act after the commit (apps/accounts sends its film alerts).
city_sessions_stored = Signal()
