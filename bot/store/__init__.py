"""Persistence: a thin SQL layer over SQLite or PostgreSQL, and the advice store on top."""

from .advice_store import AdviceStore, Claim, PostRecord
from .database import Database, DatabaseError, default_database_url
from .migrations import MIGRATIONS

__all__ = [
    "MIGRATIONS",
    "AdviceStore",
    "Claim",
    "Database",
    "DatabaseError",
    "PostRecord",
    "default_database_url",
]
