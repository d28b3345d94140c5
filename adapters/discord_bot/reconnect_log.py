"""discord.py logs every gateway reconnect attempt with a full traceback (`_log.exception`),
some fifty lines for a dropped connection. Reconnecting is its normal work, so one line says
it: the attempt and the cause."""

from __future__ import annotations

import logging

RECONNECT_LOGGERS = ("discord.client", "discord.shard")
RECONNECT_MESSAGES = ("Attempting a reconnect", "Failed to connect for shard_id")


class OneLineReconnects(logging.Filter):
    """Turns "Attempting a reconnect in …" records with a traceback into one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith(RECONNECT_MESSAGES):
            error = record.exc_info[1]
            cause = f"{type(error).__name__}: {error}" if error is not None else "unknown"
            record.msg = f"{record.getMessage()} ({cause})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_FILTER = OneLineReconnects()


def quiet_reconnects() -> None:
    """Install the filter on discord.py's reconnecting loggers (once)."""
    for name in RECONNECT_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
