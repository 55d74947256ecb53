"""Kyutai STT (1B en/fr, 2.6B en): text-stream training, streaming transcription, pause heads, export."""

from voxtune.models.kyutai_stt.family import KyutaiSttFamily, SttItemEncoder, item_words
from voxtune.models.kyutai_stt.settings import SttSettings
from voxtune.models.kyutai_stt.streaming import StreamedTranscript, stream_transcribe

__all__ = [
    "KyutaiSttFamily",
    "StreamedTranscript",
    "SttItemEncoder",
    "SttSettings",
    "item_words",
    "stream_transcribe",
]
