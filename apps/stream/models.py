"""The durable event log and its live SSE and WebSocket edges."""
