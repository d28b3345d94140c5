"""Chat front ends: each translates between one platform and the core in `bot/`."""
