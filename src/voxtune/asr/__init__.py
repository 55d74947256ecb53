"""Speech recognition with word timings behind one interface, for the transcribe stage and judges.

* :mod:`~voxtune.asr.transcript` - ``Transcript``, ``Word`` and the ``Transcriber`` interface;
* :mod:`~voxtune.asr.whisper` - Whisper through transformers (language ID, batching, long audio);
* :mod:`~voxtune.asr.faster_whisper` - Whisper through faster-whisper (optional extra);
* :mod:`~voxtune.asr.existing` - the transcript a manifest brought;
* :mod:`~voxtune.asr.guards` - hallucination guards (loops, too much text, text over silence);
* :mod:`~voxtune.asr.tiny` - a tiny random Whisper for tests and the demo.
"""

from voxtune.asr.errors import TranscriptionError
from voxtune.asr.existing import existing_transcript
from voxtune.asr.guards import GuardSettings, check_speech_present, check_transcript
from voxtune.asr.transcript import Transcriber, Transcript, Word

__all__ = [
    "GuardSettings",
    "Transcriber",
    "Transcript",
    "TranscriptionError",
    "Word",
    "check_speech_present",
    "check_transcript",
    "existing_transcript",
]
