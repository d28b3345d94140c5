"""Persistence: a thin SQL layer over SQLite or PostgreSQL, and the schema's migrations."""

from .database import Database, DatabaseError, DatabaseUnavailable, default_database_url
from .migrations import MIGRATIONS

__all__ = [
    "MIGRATIONS",
    "Database",
    "DatabaseError",
    "DatabaseUnavailable",
    "default_database_url",
]
