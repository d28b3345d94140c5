"""Every sentence the transcription wing says to a person, each written once."""

from __future__ import annotations

INSTALL_EXTRA = (
    "transcription needs the optional engine: pip install 'quotebot[transcribe]' "
    "(faster-whisper, runs on CPU)"
)
MODEL_FOLDER_MISSING = (
    "QUOTEBOT_TRANSCRIBE_MODEL: no CTranslate2 Whisper model in {path} (expected model.bin "
    "there): point it at a model folder, or at a model name such as small.en"
)
MODEL_NOT_AVAILABLE = (
    "QUOTEBOT_TRANSCRIBE_MODEL: model {name} is not on this machine and could not be fetched "
    "({reason}): run `quotebot transcribe` once with network access to download it, or set "
    "QUOTEBOT_TRANSCRIBE_MODEL to a CTranslate2 model folder"
)
AUDIO_UNREADABLE = "{source}: not audio this machine can decode ({reason})"
AUDIO_MISSING = "no such audio file: {source}"
AUDIO_FETCH_FAILED = "{source}: could not download the audio ({reason})"
HAND_CORRECTED_KEPT = (
    "{path} was edited by hand since quotebot wrote it: kept as it is (delete it to "
    "transcribe again)"
)
NOT_MACHINE_MADE = (
    "{path} exists and was not written by quotebot transcribe: kept as it is (choose another "
    "-o, or delete it to transcribe again)"
)
NAME_SPEAKERS = "name the speakers once in {sidecar} (speakers: Speaker 1: Full Name)"
