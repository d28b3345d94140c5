"""Transcripts in: the format readers, their companions, episode metadata and corpus discovery.

Every format becomes the same `Transcript` of turns; nothing here knows about search or advice.
"""
