"""Advice of the day: the pool and its curation, rotation, schedules, scheduler and store."""
