"""A thin layer over sqlite3 and psycopg: one SQL dialect (`?` placeholders, `ON CONFLICT`),
transactions, and ordered schema migrations.

Why not SQLAlchemy: the store needs a dozen statements that both engines already accept as
written (`INSERT … ON CONFLICT DO NOTHING`, `… DO UPDATE SET x = excluded.x`, integer epoch
times instead of dialect-specific date types). What differs is the placeholder style, how a
transaction starts and how migrations are serialised, all handled here in ~150 lines.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import QuotebotError
from ..settings import redact_url

log = logging.getLogger(__name__)

# An arbitrary constant: the PostgreSQL advisory lock that serialises migrations across replicas.
MIGRATION_LOCK = 7_460_515_005


# Seconds to wait for PostgreSQL to answer a connection (unless the URL sets connect_timeout):
# a firewalled host would otherwise hang start-up, and every reconnect, for minutes.
CONNECT_TIMEOUT = 5


class DatabaseError(QuotebotError):
    """A database URL or schema the store cannot use; the message says what to change."""


class DatabaseUnavailable(DatabaseError):
    """The database did not answer (not running, unreachable, refused us). At start it stops
    the process with this one line; at run time callers retry later."""


def default_database_url() -> str:
    """A SQLite file in the user's data folder (`$XDG_DATA_HOME/quotebot/quotebot.sqlite3`)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'quotebot' / 'quotebot.sqlite3'}"


class Database:
    """One connection to SQLite or PostgreSQL, safe to share between threads (calls serialise)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = "postgresql" if _is_postgres(url) else "sqlite"
        self._lock = threading.RLock()
        self._depth = 0
        self._conn: Any = None
        self._connect()

    # -- connection ----------------------------------------------------------------------------

    def _connect(self) -> None:
        if self.dialect == "postgresql":
            try:
                import psycopg
            except ImportError:
                raise DatabaseError(
                    "DATABASE_URL is PostgreSQL but psycopg is not installed: "
                    "pip install 'psycopg[binary]' (or reinstall quotebot from its source "
                    "folder with: pip install '.[postgres]')"
                ) from None
            url = self.url.replace("postgresql+psycopg://", "postgresql://", 1)
            if "connect_timeout" not in url:
                url = psycopg.conninfo.make_conninfo(url, connect_timeout=CONNECT_TIMEOUT)
            try:
                self._conn = psycopg.connect(url, autocommit=True)
            except psycopg.Error as exc:
                raise DatabaseUnavailable(
                    f"DATABASE_URL: cannot connect to PostgreSQL at {self.where()}: {_reason(exc)}"
                ) from None
            return
        path = _sqlite_path(self.url)
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA busy_timeout = 30000")
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            cannot_write = isinstance(exc, OSError) or "unable to open" in reason
            hint = " (is its folder writable by this user?)" if cannot_write else ""
            raise DatabaseError(
                f"DATABASE_URL: cannot open the SQLite file {path}: {reason}{hint}"
            ) from None

    @staticmethod
    def describe_url(url: str) -> str:
        """What a DATABASE_URL names, for people: `SQLite file /path` or the PostgreSQL URL
        with its password redacted."""
        if _is_postgres(url):
            return "PostgreSQL " + redact_url(url)
        try:
            return f"SQLite file {_sqlite_path(url)}"
        except DatabaseError as exc:
            return str(exc)

    def where(self) -> str:
        """Where the database is, without credentials: `host:port/db` or the SQLite path."""
        if self.dialect == "sqlite":
            return _sqlite_path(self.url)
        parts = urlsplit(self.url)
        host = parts.hostname or "localhost"
        return f"{host}:{parts.port or 5432}{parts.path}"

    def _ensure_connected(self) -> None:
        if self.dialect == "postgresql" and (
            self._conn is None or self._conn.closed or self._conn.broken
        ):
            if self._depth:
                raise DatabaseUnavailable(
                    f"lost the connection to PostgreSQL at {self.where()} inside a transaction"
                )
            log.warning("reconnecting to PostgreSQL at %s", self.where())
            self._conn = None
            self._connect()

    @contextmanager
    def _answering(self) -> Iterator[None]:
        """PostgreSQL going away mid-statement as DatabaseUnavailable (callers retry later);
        the next statement reconnects."""
        if self.dialect != "postgresql":
            yield
            return
        import psycopg

        try:
            yield
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise DatabaseUnavailable(
                f"PostgreSQL at {self.where()} stopped answering: {_reason(exc)}"
            ) from None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()

    # -- statements ----------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        with self._lock, self._answering():
            cursor = self._cursor(sql, params)
            try:
                return cursor.rowcount
            finally:
                cursor.close()

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return every row as a tuple."""
        with self._lock, self._answering():
            cursor = self._cursor(sql, params)
            try:
                return [tuple(row) for row in cursor.fetchall()]
            finally:
                cursor.close()

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """Run a query and return its first row, or None."""
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction; SQLite takes its write lock at once (BEGIN IMMEDIATE)."""
        with self._lock:
            if self._depth:  # nested: part of the outer transaction
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._ensure_connected()
            if self.dialect == "postgresql":
                with self._answering(), self._conn.transaction():
                    self._depth = 1
                    try:
                        yield self
                    finally:
                        self._depth = 0
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def _cursor(self, sql: str, params: Sequence[Any]) -> Any:
        self._ensure_connected()
        if self.dialect == "postgresql":
            cursor = self._conn.cursor()
            cursor.execute(_pyformat(sql), tuple(params))
            return cursor
        return self._conn.execute(sql, tuple(params))

    # -- migrations ----------------------------------------------------------------------------

    def migrate(self, migrations: Sequence[tuple[int, str, Sequence[str]]]) -> list[int]:
        """Apply the migrations not applied yet, in order, once even with replicas racing."""
        applied: list[int] = []
        with self.transaction():
            if self.dialect == "postgresql":
                self.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            done = {row[0] for row in self.fetchall("SELECT version FROM schema_migrations")}
            known = {version for version, _, _ in migrations}
            if done - known:
                raise DatabaseError(
                    f"the database schema is at version {max(done)}, newer than this quotebot "
                    f"knows ({max(known)}): upgrade quotebot"
                )
            for version, name, statements in sorted(migrations):
                if version in done:
                    continue
                for statement in statements:
                    self.execute(statement)
                self.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, int(time.time())),
                )
                applied.append(version)
                log.info("database migrated to version %s (%s)", version, name)
        return applied

    def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        row = self.fetchone("SELECT MAX(version) FROM schema_migrations")
        return int(row[0] or 0) if row else 0


def _reason(exc: BaseException) -> str:
    """psycopg's message cut to its cause: `connection refused`, `timeout expired`, …"""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return first.rsplit("failed: ", 1)[-1].strip() or type(exc).__name__


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def _sqlite_path(url: str) -> str:
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :] or ":memory:"
    if url.startswith("sqlite://"):
        rest = url[len("sqlite://") :]
        return rest or ":memory:"
    if "://" in url:
        raise DatabaseError(
            f"DATABASE_URL must start with sqlite:/// or postgresql:// (got {url.split(':')[0]}:)"
        )
    return url  # a plain file path


def _pyformat(sql: str) -> str:
    """`?` placeholders to psycopg's `%s` (and a literal `%` to `%%`), skipping quoted text."""
    out, quote = [], ""
    for char in sql:
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)
