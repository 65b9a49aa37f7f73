"""What a Redis call raises when Redis did not answer it."""

import redis

# redis-py closes a connection whose read timed out; on a busy machine another read of that
# connection then fails with ValueError ("I/O operation on closed file") instead of a
# RedisError, and a write that should have been let through got a 500 (CI, the showtimes
# exactly-once test, 2 cores under load).
REDIS_UNAVAILABLE = (redis.RedisError, OSError, ValueError)
