"""Load tests: many chats at once through the real bot processes and the Bot API stand-in (loopback only)."""
