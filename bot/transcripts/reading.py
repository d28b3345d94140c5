"""Reading a corpus file's bytes, where the operating system may say no.

A transcript mounted into a container with mode 600 under another uid, or a file mid-copy, must
cost that one file, reported by name, and never the whole library: every read of a corpus file
goes through here and turns an OSError into a TranscriptError.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import TranscriptError


def unreadable_reason(exc: OSError) -> str:
    """Why a file or folder could not be read, in words an operator can act on."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        who = f"uid {os.geteuid()}" if hasattr(os, "geteuid") else "this user"
        return f"permission denied (quotebot runs as {who}; make it readable to that user)"
    return exc.strerror or str(exc)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a TranscriptError naming the file when they cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TranscriptError(str(path), 0, f"cannot be read: {unreadable_reason(exc)}") from None


def read_text(path: Path) -> str:
    """A file's text with a BOM dropped and line endings made `\\n`."""
    text = read_bytes(path).decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
