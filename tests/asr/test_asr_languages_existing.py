"""Our language codes against Whisper's, and the existing-transcript backend."""

from __future__ import annotations

import pytest
from lhotse import SupervisionSegment
from lhotse.supervision import AlignmentItem

from voxtune.asr.errors import TranscriptionError
from voxtune.asr.existing import existing_transcript, item_language
from voxtune.asr.languages import corpus_language, token_language, whisper_language
from voxtune.asr.transcript import Word
from voxtune.text.languages import UnsupportedLanguageError


def test_norwegian_is_nb_for_us_and_no_for_whisper() -> None:
    assert [whisper_language(code) for code in ("nb", "no", "nob", "en-US", "te", "lb")] == [
        "no",
        "no",
        "no",
        "en",
        "te",
        "lb",
    ]
    assert [corpus_language(code) for code in ("no", "NO", "ms", "ja", "yue")] == [
        "nb",
        "nb",
        "ms",
        "ja",
        "yue",
    ]
    with pytest.raises(UnsupportedLanguageError, match="Use one of da, de, en"):
        whisper_language("xx")


def test_language_tokens_are_recognised() -> None:
    assert [token_language(t) for t in ("<|te|>", "<|yue|>", "<|transcribe|>", "<|0.00|>", "te")] == [
        "te",
        "yue",
        None,
        None,
        None,
    ]


def supervision(
    text: str | None, language: str | None = "sv", words: list | None = None
) -> SupervisionSegment:
    return SupervisionSegment(
        id="a",
        recording_id="a",
        start=1.5,
        duration=2.0,
        text=text,
        language=language,
        alignment={"word": words} if words else None,
    )


def test_existing_transcript_keeps_text_language_and_word_times() -> None:
    words = [AlignmentItem("Det", 1.7, 0.2), AlignmentItem("regner", 2.0, 0.4, score=0.9)]
    transcript = existing_transcript(supervision(" Det regner ", words=words))
    assert transcript.text == "Det regner" and transcript.language == "sv"
    assert transcript.language_probability is None
    assert transcript.words == (Word("Det", 0.2, 0.4), Word("regner", 0.5, 0.9, 0.9))
    # in a cut that starts 0.1 s into its recording, the supervision starts at 1.6 s on the recording's clock
    inside_a_cut = existing_transcript(supervision("Det regner", words=words), origin=0.1)
    assert inside_a_cut.words == (Word("Det", 0.1, 0.3), Word("regner", 0.4, 0.8, 0.9))
    assert existing_transcript(supervision("hei", language=None), default_language="nb").language == "nb"
    assert existing_transcript(supervision("hei", language="no")).language == "nb"


@pytest.mark.parametrize(
    ("text", "language", "code"),
    [
        (None, "sv", "empty_text"),
        ("  \n", "sv", "empty_text"),
        ("hallo", "xx", "unsupported_language"),
    ],
)
def test_existing_transcript_rejects_what_cannot_be_kept(text, language, code) -> None:
    with pytest.raises(TranscriptionError) as caught:
        existing_transcript(supervision(text, language=language))
    assert caught.value.code == code
    if code == "unsupported_language":
        assert "use one of da, de, en, es, fr, lb, ms, nb, nl, sv, te" in caught.value.reason


def test_item_language_treats_blank_as_unknown() -> None:
    assert item_language(None) is None and item_language(" ") is None and item_language("NO") == "nb"
