"""Names of the custom fields stages add to cuts and supervisions, in one place.

lhotse gives every cut and supervision a ``custom`` dict; voxtune stores what later stages add there
under these names, so a stage, an exporter and a trainer agree on where a value lives.

On the cut (``cut.custom``):
    SOURCE        original input the cut came from (file path or URL), for the ledger and reports
    SOURCE_META   what the source said about itself (yt-dlp title, uploader, licence, page URL, ...)
    SYNTHETIC     True when the audio was synthesised (provenance, so training can mix or filter it)
    STAGES        names of the prepare stages that produced this cut, in order (provenance)
    QUALITY       dict of measured quality scores (snr_wada_db, clipping_ratio, dnsmos_ovrl, ...)
    SPLIT         "train" | "validation" | "test"
    CONVERSATION  id of the conversation a segment belongs to (context turns, long-file export)
    CHANNEL_ROLES for stereo cuts: {"model": channel index, "user": channel index}

On a supervision (``supervision.custom``); text, speaker and language are lhotse's own fields, and
word/phoneme timings live in ``supervision.alignment["word"]`` / ``["phoneme"]``. As everywhere in
lhotse, alignment times count from the start of the *recording*, not of the cut (truncating a cut
does not move them; ``word.start - cut.start`` is the time inside the cut):
    TEXT_ORIGINAL        the text as it came in, before spoken-form normalisation
    LANGUAGE_PROBABILITY language-ID confidence of a transcriber
    PHONEMES             phoneme string of the whole text (espeak IPA, word boundaries as spaces)
    WORD_PHONEMES        list of per-word phoneme strings
    WORD_LANGUAGES       list of per-word language codes ("particle" for discourse particles)
    PARTICLES            list of per-word particle types or None
    LANGUAGES            languages present in the text
    SWITCHES             number of language switches between consecutive words
    EMOTION              emotion label; EMOTION_CONFIDENCE its classifier confidence
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lhotse.cut import Cut

SOURCE = "source"
SOURCE_META = "source_meta"
SYNTHETIC = "synthetic"
STAGES = "stages"
QUALITY = "quality"
SPLIT = "split"
CONVERSATION = "conversation"
CHANNEL_ROLES = "channel_roles"

TEXT_ORIGINAL = "text_original"
LANGUAGE_PROBABILITY = "language_probability"
PHONEMES = "phonemes"
WORD_PHONEMES = "word_phonemes"
WORD_LANGUAGES = "word_languages"
PARTICLES = "particles"
LANGUAGES = "languages"
SWITCHES = "switches"
EMOTION = "emotion"
EMOTION_CONFIDENCE = "emotion_confidence"

WORD_ALIGNMENT = "word"
PHONEME_ALIGNMENT = "phoneme"


def cut_custom(cut: Cut) -> dict[str, Any]:
    """The cut's custom dict, created on first use (lhotse leaves it ``None``)."""
    if cut.custom is None:
        cut.custom = {}
    return cut.custom


def add_provenance(cut: Cut, stage: str) -> None:
    """Record that ``stage`` produced this cut.

    The custom dict is copied first: segments cut from one cut share their parent's dict.
    """
    custom = dict(cut.custom or {})
    custom[STAGES] = [*custom.get(STAGES, []), stage]
    cut.custom = custom


def source_of(cut: Cut) -> str:
    """The original input a cut came from, falling back to its current audio file."""
    custom = cut.custom or {}
    if custom.get(SOURCE):
        return str(custom[SOURCE])
    if cut.has_recording and cut.recording.sources:
        return str(cut.recording.sources[0].source)
    return cut.id
