"""What can go wrong while transcribing, each a QuotebotError with a one-line message."""

from __future__ import annotations

from ..errors import QuotebotError


class TranscribeError(QuotebotError):
    """Transcription could not start or finish; the message says what to change."""


class EngineMissing(TranscribeError):
    """The optional engine or its model is not installed: retrying will not help."""


class AudioError(TranscribeError):
    """The audio could not be fetched or decoded."""


class KeptByHand(TranscribeError):
    """The output file was corrected by a person since quotebot wrote it; it is left alone."""
